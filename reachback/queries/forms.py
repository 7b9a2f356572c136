"""Forms of the query pages.

The forms parse and render; the services validate (one set of rules for pages and API).
Fields the service requires carry `Marked()`, which only shows "(required)" beside the label.
"""
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import DateInput

from .. import lengths
from ..bounded import bounded_id
from ..files.services import ACCEPT_ATTACHMENT
from ..forms import (
    COMMUNITY_CHOICE,
    Form,
    content_language_field,
    mark_invalid,
    place_choices,
    theme_choices,
)
from ..lengths import Capped
from ..widgets import Checklist, QuickSelect
from .models import CLOSE_REASONS

PRIORITY_CHOICES = [SelectChoice("low", _l("Low")), SelectChoice("normal", _l("Normal")),
                    SelectChoice("high", _l("High")), SelectChoice("urgent", _l("Urgent"))]
CONFIDENTIALITY_CHOICES = [
    SelectChoice("restricted",
                 _l("Restricted: only you, the facilitators and the experts they ask")),
    COMMUNITY_CHOICE,
]
GROUP_CONFIDENTIALITY = SelectChoice(
    "group", _l("Group: the members of the group chosen below, and the facilitators"))
CLOSE_REASON_LABELS = {"declined": _l("Declined"), "out_of_scope": _l("Out of scope"),
                       "duplicate": _l("Duplicate"), "withdrawn": _l("Withdrawn")}
CLOSE_CHOICES = [SelectChoice("", _l("Choose a reason")),
                 *(SelectChoice(r, CLOSE_REASON_LABELS[r]) for r in CLOSE_REASONS)]


class Marked:
    """Marks a field as required for display; the service is the one that checks."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


def required_text(label, limit: int, **kwargs) -> TextAreaField:
    """A text area the service requires (marked so), capped at `limit` characters."""
    return TextAreaField(label, validators=[Marked(), Capped(limit)], **kwargs)


def attachment_field(field_id: str) -> FileField:
    """An optional file, checked by its content in files.services.attach_to."""
    return FileField(_l("Attach a file"), id=field_id, render_kw={"accept": ACCEPT_ATTACHMENT})


# The fields a query is asked with and corrected with in triage (QueryForm, QueryEditForm).
def title_field() -> StringField:
    return StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])


def country_field() -> SelectField:
    return SelectField(_l("Country"), validators=[Marked()], widget=QuickSelect())


def query_themes_field() -> SelectMultipleField:
    return SelectMultipleField(_l("Themes"), validators=[Marked()], widget=Checklist())


def priority_field() -> RadioField:
    return RadioField(_l("Priority"), choices=PRIORITY_CHOICES, default="normal")


def confidentiality_field(choices=CONFIDENTIALITY_CHOICES) -> RadioField:
    return RadioField(_l("Who may read it"), choices=choices, default="restricted")


def fill_query_choices(form) -> None:
    """The country and theme choices, in the reader's language."""
    form.country.choices = place_choices(_("Choose a country, a region or the world"))
    form.themes.choices = theme_choices(whole=_("in general"))


class QueryForm(Form):
    title = title_field()
    question = required_text(_l("Your question"), lengths.TEXT)
    context = TextAreaField(_l("Context"), validators=[Capped(lengths.TEXT)])
    purpose = TextAreaField(_l("Purpose"), validators=[Capped(lengths.TEXT)])
    language = content_language_field()
    country = country_field()
    themes = query_themes_field()
    priority = priority_field()
    needed_by = StringField(_l("Needed by"), widget=DateInput())
    confidentiality = confidentiality_field()
    # The asker's groups (none: the field is not shown); the service checks the choice.
    group = SelectField(_l("Group"), validate_choice=False)
    # Checked by its content in files.services.attach_to, after the query is created.
    attachment = attachment_field("query-attachment")

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        fill_query_choices(self)
        self.group.choices = [SelectChoice("", _("No group")),
                              *(SelectChoice(g.slug, g.name) for g in groups)]
        if groups:
            self.confidentiality.choices = [*CONFIDENTIALITY_CHOICES, GROUP_CONFIDENTIALITY]

    def to_data(self) -> dict:
        """The plain dict submit_query() takes."""
        return {
            "title": self.title.data or "", "question": self.question.data or "",
            "context": self.context.data or "", "purpose": self.purpose.data or "",
            "country": self.country.data or "", "themes": self.themes.data or [],
            "priority": self.priority.data, "needed_by": self.needed_by.data or None,
            "confidentiality": self.confidentiality.data, "language": self.language.data,
            "group": self.group.data or None,
        }


# Who may read a query, as the facilitator correcting it reads the choice.
STAFF_CONFIDENTIALITY_CHOICES = [
    SelectChoice("restricted",
                 _l("Restricted: the requester, the facilitators and the experts they ask")),
    COMMUNITY_CHOICE,
]


class QueryEditForm(Form):
    """A facilitator's corrections in triage (queries.services.edit_query)."""

    title = title_field()
    country = country_field()
    themes = query_themes_field()
    priority = priority_field()
    confidentiality = confidentiality_field(STAFF_CONFIDENTIALITY_CHOICES)
    reason = TextAreaField(_l("Why the confidentiality changes"),
                           validators=[Capped(lengths.NOTE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fill_query_choices(self)

    @classmethod
    def of(cls, query) -> "QueryEditForm":
        """The form, filled with the query's current values (those sent, when sent); a
        query of a group may be read by its group."""
        form = cls(data={"title": query.title, "country": query.country,
                         "themes": [t.slug for t in query.themes],
                         "priority": query.priority,
                         "confidentiality": query.confidentiality})
        if query.group_id is not None:
            form.confidentiality.choices = [*STAFF_CONFIDENTIALITY_CHOICES,
                                            GROUP_CONFIDENTIALITY]
        return form

    def to_changes(self) -> dict:
        """The plain dict edit_query() takes."""
        return {"title": self.title.data or "", "country": self.country.data or "",
                "themes": self.themes.data or [], "priority": self.priority.data,
                "confidentiality": self.confidentiality.data}


class ClarifyForm(Form):
    message = required_text(_l("Question for the requester"), lengths.TEXT, id="clarify-message")


class ReplyForm(Form):
    message = required_text(_l("Your reply"), lengths.TEXT, id="reply-message")
    attachment = attachment_field("reply-attachment")


class NoteForm(Form):
    body = required_text(_l("Internal note"), lengths.TEXT, id="note-body")


class ContributionForm(Form):
    body = required_text(_l("Your contribution"), lengths.BODY, id="contribution-body")
    language = content_language_field(id="contribution-language")
    attachment = attachment_field("contribution-attachment")


class DeclineForm(Form):
    reason = required_text(_l("Why do you decline?"), lengths.NOTE)


class CloseForm(Form):
    reason = SelectField(_l("Reason"), id="close-reason", validators=[Marked()],
                         choices=CLOSE_CHOICES)
    duplicate_of = StringField(_l("Duplicate of (reference)"), id="close-duplicate-of",
                               validators=[Capped(lengths.REFERENCE)],
                               render_kw={"placeholder": "RB-2026-0001"})
    note = TextAreaField(_l("Note to the requester"), id="close-note",
                         validators=[Capped(lengths.NOTE)])


class RouteForm(Form):
    experts = SelectMultipleField(_l("Experts"), coerce=bounded_id, validate_choice=False)
    due_at = StringField(_l("Answer due by"), widget=DateInput())
    message = TextAreaField(_l("Message to the experts"))

    due: datetime | None = None

    def chosen(self) -> list[int]:
        return self.experts.data or []

    def parse_due(self, zone) -> bool:
        """Set `due` to the end of the chosen day in the viewer's time zone; False when the
        text is not a date or an expert is not a possible id (the error then sits beside
        its field, and the page answers 422)."""
        if self.experts.process_errors:
            self.experts.errors = [_("Choose experts from the list.")]
            mark_invalid()
            return False
        try:
            day = date.fromisoformat(self.due_at.data) if self.due_at.data else None
        except ValueError:
            self.due_at.errors = [_("Use a date such as 2026-12-31.")]
            mark_invalid()
            return False
        self.due = datetime.combine(day, time(23, 59), tzinfo=zone) if day else None
        return True
