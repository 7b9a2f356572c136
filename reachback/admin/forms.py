"""Forms of the admin pages (user accounts)."""
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
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
    name = StringField("Name", validators=[DataRequired(), Capped(lengths.NAME)])
    roles = MultiCheckboxField(
        "Roles", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default=["member"])
    organisation = StringField("Organisation", validators=[Capped(lengths.NAME)])
    country = SelectField("Country", choices=lambda: country_choices("—"), widget=QuickSelect())
    themes = themes_field("Expertise themes")
    countries = countries_field("Expertise countries")
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
