"""Forms of the admin pages (user accounts)."""
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import lengths
from ..accounts.forms import ROLE_LABELS, MultiCheckboxField
from ..accounts.models import ROLES
from ..forms import Form, country_choices, theme_choices
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect


class UserForm(Form):
    name = StringField("Name", validators=[DataRequired(), Capped(lengths.NAME)])
    roles = MultiCheckboxField(
        "Roles", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default=["member"])
    organisation = StringField("Organisation", validators=[Capped(lengths.NAME)])
    country = SelectField("Country", choices=lambda: country_choices("—"), widget=QuickSelect())
    themes = SelectMultipleField("Expertise themes", choices=lambda: theme_choices(),
                                 widget=QuickSelect(multiple=True),
                                 render_kw={"size": 10})
    countries = SelectMultipleField("Expertise countries", choices=lambda: country_choices(),
                                    widget=QuickSelect(multiple=True),
                                    render_kw={"size": 8})
    languages = StringField("Languages", validators=[Capped(lengths.LABEL)])
    away_until = DateField("Away until", validators=[Optional(), InWindow()])


class NewUserForm(UserForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[Optional(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})


class EditUserForm(UserForm):
    active = BooleanField("Active (may sign in)")


class UserFilterForm(Form):
    class Meta:
        csrf = False

    role = SelectField("Role", choices=[SelectChoice("", "Any role")]
                       + [SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
