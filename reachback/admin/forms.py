"""Forms of the admin pages (user accounts)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import lengths
from ..accounts.forms import ROLE_LABELS
from ..accounts.models import ROLES
from ..forms import Form, MultiCheckboxField, countries_field, country_choices, themes_field
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Capped(lengths.NAME)])
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default=["member"])
    organisation = StringField(_l("Organisation"), validators=[Capped(lengths.NAME)])
    country = SelectField(_l("Country"), choices=lambda: country_choices("—"), widget=QuickSelect())
    themes = themes_field(_l("Expertise themes"))
    countries = countries_field(_l("Expertise countries"))
    languages = StringField(_l("Languages"), validators=[Capped(lengths.LABEL)])
    away_until = DateField(_l("Away until"), validators=[Optional(), InWindow()])


class NewUserForm(UserForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})


class EditUserForm(UserForm):
    active = BooleanField(_l("Active (may sign in)"))


class UserFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), validators=[Capped(lengths.NAME)])
    # default "": the list's first view (no role in the address) is "any role", not an
    # invalid choice shown as an error.
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("Any role"))]
                       + [SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default="")


class ThesaurusForm(Form):
    """The search thesaurus, as YAML (reachback/data/thesaurus.yaml's format)."""

    text = TextAreaField(_l("Thesaurus (YAML)"), validators=[DataRequired()],
                         render_kw={"rows": 30, "spellcheck": "false"})


class ResetThesaurusForm(Form):
    """Go back to the repository's thesaurus (a button: the CSRF token only)."""
