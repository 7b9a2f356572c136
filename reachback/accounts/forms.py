"""Sign-in and profile forms."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .. import lengths
from ..forms import Form, MultiCheckboxField
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect

ROLE_LABELS = {"member": _l("Member"), "expert": _l("Expert"), "facilitator": _l("Facilitator"),
               "admin": _l("Administrator")}
# The roles as the lists of accounts write them (lower case, in the running text of a cell).
ROLE_NAMES = {"member": _l("member"), "expert": _l("expert"), "facilitator": _l("facilitator"),
              "admin": _l("admin")}


def role_names(roles) -> str:
    """"admin, member": the roles, sorted by code, in the reader's language."""
    return ", ".join(str(ROLE_NAMES.get(r, r)) for r in sorted(roles))


def current_password_field(field_id: str) -> PasswordField:
    """The account's password, asked again before a sensitive change."""
    return PasswordField(_l("Current password"), id=field_id,
                         validators=[DataRequired(), Length(max=1024)],
                         render_kw={"autocomplete": "current-password"})


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Capped(lengths.NAME)])
    # 600 zones: QuickSelect writes each option directly (wtforms' Select took 20 ms).
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()], widget=QuickSelect())
    language = SelectField(_l("Language"))  # "": no choice, as the browser asks


class TokenForm(Form):
    """A new API token: it acts as the user until revoked, so the password is asked again,
    and the code where the account has two-factor sign-in (the template shows it then)."""

    token_name = StringField(_l("Token name"), validators=[DataRequired(), Capped(lengths.LABEL)],
                       description=_l("What the token is for, e.g. “reporting script”."))
    current_password = current_password_field("tk-current")
    code = StringField(_l("Two-factor code"), id="tk-code", validators=[Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "spellcheck": "false", "autocapitalize": "off"},
                       description=_l("From your authenticator app, or a recovery code."))


class NewPasswordForm(Form):
    """Choosing a password: after an invitation, a reset link, or (with the current one) on
    the security page."""

    new_password = PasswordField(
        _l("New password"), id="pw-new", validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 12 characters and not a common password. A few unrelated "
                        "words make a good one; no rules about digits or symbols."))
    confirm = PasswordField(_l("New password again"), id="pw-confirm",
                            validators=[DataRequired(), Length(max=1024),
                                        EqualTo("new_password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class PasswordChangeForm(NewPasswordForm):
    current_password = current_password_field("pw-current")


class CodeForm(Form):
    """The second step of signing in, and the first code of a new key."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "spellcheck": "false", "autocapitalize": "off"})


class TwoFactorForm(Form):
    """Set up, renew recovery codes, turn off: each asks for the password again."""

    current_password = current_password_field("tf-current")


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})


class InviteForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Capped(lengths.NAME)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    roles = MultiCheckboxField(_l("Roles"), default=["member"])


class EmailChangeForm(Form):
    email = EmailField(_l("New e-mail address"), id="em-email",
                       validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    current_password = current_password_field("em-current")


class AuditFilterForm(Form):
    """The filters of the admin audit log page (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("Any kind"))], validate_choice=False)
    email = StringField(_l("E-mail address (actor or subject)"), validators=[Length(max=254)])
    since = DateField(_l("From"), validators=[Optional(), InWindow()])
    until = DateField(lazy_pgettext("date range", "To"), validators=[Optional(), InWindow()])
