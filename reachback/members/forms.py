"""Forms of the member directory and of the profile a member edits."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from .. import lengths
from ..accounts.models import DEPLOYMENT_STATUSES
from ..forms import Form, countries_field, country_choices, theme_choices, themes_field
from ..i18n import content_language_menu
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect
from .services import organisations

STATUS_LABELS = {
    "at_headquarters": _l("At headquarters"),
    "deployed": _l("Deployed"),
    "awaiting_deployment": _l("Awaiting deployment"),
    "between_assignments": _l("Between assignments"),
}


def status_choices(first=None) -> list[SelectChoice]:
    choices = [SelectChoice("", first)] if first else []
    return choices + [SelectChoice(s, STATUS_LABELS[s]) for s in DEPLOYMENT_STATUSES]


def organisation_choices(first, by: str = "name") -> list[SelectChoice]:
    """The organisations Reachback knows, by name (the profile) or by id (the filter)."""
    return [SelectChoice("", first)] + [SelectChoice(str(getattr(o, by)), o.name)
                                        for o in organisations()]


class MemberProfileForm(Form):
    bio = TextAreaField(_l("About you"), validators=[Capped(lengths.SUMMARY)],
                        render_kw={"rows": 6})
    organisation = SelectField(_l("Organisation"),
                               choices=lambda: organisation_choices(_l("None")),
                               widget=QuickSelect())
    expertise = themes_field(_l("Expertise"))
    countries = countries_field(_l("Countries you know"))
    languages = StringField(_l("Languages you speak"), validators=[Capped(lengths.LABEL)])
    deployment_status = SelectField(_l("Deployment status"), choices=status_choices)
    deployment_country = SelectField(_l("Deployed in"), choices=lambda: country_choices("—"),
                                     widget=QuickSelect())
    away_until = DateField(_l("Away until"), validators=[Optional(), InWindow()])
    away_note = StringField(_l("Note on your absence"), validators=[Capped(lengths.TITLE)])
    show_email = BooleanField(_l("Show my e-mail address to other members"))


class MemberFilterForm(Form):
    """The directory's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, organisation or biography"), validators=[Capped(lengths.NAME)])
    # QuickSelect: the same <select>, written without WTForms' per-option html_params
    # (~560 options on every view of the directory).
    theme = SelectField(_l("Theme"), choices=lambda: theme_choices(_l("Any theme")), default="",
                        widget=QuickSelect())
    country = SelectField(_l("Country"), choices=lambda: country_choices(_l("Any country")),
                          default="", widget=QuickSelect())
    language = SelectField(_l("Language"), default="", choices=lambda: [
        SelectChoice("", _l("Any language")),
        *(SelectChoice(code, name) for code, name in content_language_menu())])
    organisation = SelectField(_l("Organisation"), default="",
                               choices=lambda: organisation_choices(_l("Any organisation"), "id"),
                               widget=QuickSelect())
    status = SelectField(_l("Deployment status"), default="",
                         choices=lambda: status_choices(_l("Any status")))
