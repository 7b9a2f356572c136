"""Forms of the admin pages (user accounts), and the theme and country choices they share."""
from sqlalchemy import select
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
from ..accounts.models import ROLES, Theme
from ..countries import countries
from ..extensions import db
from ..forms import Form
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect


def theme_choices(first: str | None = None) -> list[SelectChoice]:
    """Every theme, grouped under its parent; the parent itself comes first in its group
    (choosing it means the whole area). `first` adds an empty "any" choice on top."""
    themes = db.session.scalars(select(Theme).order_by(Theme.code)).all()
    names = {t.id: t.name for t in themes if t.parent_id is None}
    choices = [SelectChoice("", first)] if first else []
    for t in themes:
        if t.parent_id is None:
            choices.append(SelectChoice(t.slug, f"{t.name} (all)", optgroup=t.name))
        else:
            choices.append(SelectChoice(t.slug, t.name, optgroup=names.get(t.parent_id)))
    return choices


def country_choices(first: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", first)] if first else []
    return choices + [SelectChoice(code, name) for code, name in countries().items()]


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
