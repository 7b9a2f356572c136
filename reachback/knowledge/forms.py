"""Forms of the library pages and of the knowledge base list of published responses.

The forms parse and render; reachback.knowledge.library checks (one set of rules for pages
and API), including every uploaded file, by its content.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from .. import lengths
from ..files.services import ACCEPT_DOCUMENT
from ..forms import (
    COMMUNITY_CHOICE,
    PUBLIC_CHOICE,
    Form,
    countries_field,
    place_choices,
    theme_choices,
    themes_field,
)
from ..lengths import Capped
from ..models_base import utcnow
from ..queries.forms import Marked
from ..widgets import QuickSelect
from .models import DOCUMENT_KIND_LABELS, DOCUMENT_KINDS

KIND_LABELS = DOCUMENT_KIND_LABELS
KIND_CHOICES = [SelectChoice(k, KIND_LABELS[k]) for k in DOCUMENT_KINDS]
VISIBILITY_CHOICES = [
    SelectChoice("restricted", _l("Restricted: facilitators and administrators only")),
    COMMUNITY_CHOICE, PUBLIC_CHOICE]
GROUP_VISIBILITY = SelectChoice("group", _l("Group: the members of the group chosen below, "
                                            "and the facilitators"))


class DocumentForm(Form):
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    kind = SelectField(_l("Kind of document"), choices=KIND_CHOICES, default="briefing")
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    date = StringField(_l("Date of the document"), validators=[Marked()], widget=DateInput())
    themes = themes_field(_l("Themes"))
    countries = countries_field(_l("Countries"))
    visibility = RadioField(_l("Who may read it"), choices=VISIBILITY_CHOICES, default="community")
    # The groups the author may use (none: the field is not shown); the service checks it.
    group = SelectField(_l("Group"), validate_choice=False)
    file = FileField(_l("File"), render_kw={"accept": ACCEPT_DOCUMENT})

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice("", _("No group")),
                              *(SelectChoice(g.slug, g.name) for g in groups)]
        if groups:
            self.visibility.choices = [VISIBILITY_CHOICES[0], GROUP_VISIBILITY,
                                       *VISIBILITY_CHOICES[1:]]

    def to_data(self) -> dict:
        """The plain dict add_document() and update_document() take."""
        return {"title": self.title.data or "", "kind": self.kind.data,
                "summary": self.summary.data or "", "date": self.date.data or "",
                "themes": self.themes.data or [], "countries": self.countries.data or [],
                "visibility": self.visibility.data, "group": self.group.data or None}

    @classmethod
    def for_document(cls, doc, groups=()):
        return cls(data={"title": doc.title, "kind": doc.kind, "summary": doc.summary,
                         "date": doc.date.isoformat(), "themes": [t.slug for t in doc.themes],
                         "countries": doc.countries, "visibility": doc.visibility,
                         "group": doc.group.slug if doc.group_id is not None else ""},
                   groups=groups)

    @classmethod
    def blank(cls, groups=()):
        return cls(data={"date": utcnow().date().isoformat()}, groups=groups)


class LibraryFilterForm(Form):
    """The library filters (a GET form: no CSRF token in the address)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("All kinds")), *KIND_CHOICES])
    theme = SelectField(_l("Theme"), choices=lambda: theme_choices(_("All themes")),
                        widget=QuickSelect())
    country = SelectField(_l("Country"), choices=lambda: place_choices(_("All countries")),
                          widget=QuickSelect())
    year = SelectField(_l("Year"), choices=[])

    def set_years(self, years: list[int]) -> None:
        self.year.choices = [SelectChoice("", _("All years")),
                             *(SelectChoice(str(y), str(y)) for y in years)]

    def filters(self) -> dict:
        """The chosen filters, only the ones that are set."""
        values = {"kind": self.kind.data, "theme": self.theme.data,
                  "country": self.country.data, "year": self.year.data}
        return {k: v for k, v in values.items() if v}


class KnowledgeFilterForm(Form):
    """The knowledge base filters (a GET form: no CSRF token in the address)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Words"), validators=[Capped(lengths.SEARCH)])
    theme = SelectField(_l("Theme"), choices=lambda: theme_choices(_("All themes")),
                        widget=QuickSelect())
    country = SelectField(_l("Country"), choices=lambda: place_choices(_("All countries")),
                          widget=QuickSelect())
