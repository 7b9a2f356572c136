"""Forms of the synthesis pages: the response draft, publishing it."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..files.services import ACCEPT_ATTACHMENT
from ..forms import COMMUNITY_CHOICE, PUBLIC_CHOICE, Form, content_language_field
from ..lengths import Capped
from ..queries.forms import Marked
from ..widgets import QuickSelect

VISIBILITY_CHOICES = [
    SelectChoice("restricted",
                 _l("Restricted: the requester, the contributing experts and staff")),
    COMMUNITY_CHOICE, PUBLIC_CHOICE]
GROUP_CHOICE = SelectChoice("group", _l("Group: the members of the query's group, and staff"))


class DraftForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Capped(lengths.TITLE)])
    language = content_language_field()
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField(_l("Response (Markdown)"),
                         validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField(_l("What changed"), validators=[Capped(lengths.TITLE)])


def publish_form(query, **kwargs) -> "PublishForm":
    """The publish form of `query`: a query of a group may be published for its group."""
    form = PublishForm(**kwargs)
    if query.group_id is not None:
        form.visibility.choices = [*VISIBILITY_CHOICES[:1], GROUP_CHOICE,
                                   *VISIBILITY_CHOICES[1:]]
    return form


class PublishForm(Form):
    visibility = RadioField(_l("Who may read the published response"),
                            choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message=_l("Choose who may read it."))])
    # Publishing for anyone what the requester asked to keep narrower needs this (the
    # service checks it: synthesis.services.more_open).
    confirm = BooleanField(_l("Yes, publish it for anyone to read, more openly than the "
                              "requester chose (they are told)"))
    # Only for a correction of a published response (the service requires it then).
    change_note = StringField(_l("What the correction changes (shown to readers)"),
                              validators=[Capped(lengths.TITLE)])


class ReviewRequestForm(Form):
    """Ask a facilitator or an expert to review the current revision (the view lists them)."""

    # Every active facilitator and expert (hundreds): the faster <select>, the same HTML.
    reviewer = SelectField(_l("Reviewer"), choices=[], validate_choice=False,
                           widget=QuickSelect())
    # Its own id: the draft's form on the same page has a `note` too.
    note = TextAreaField(_l("Note to the reviewer (optional)"), id="review_note",
                         validators=[Capped(lengths.NOTE)])


class ReviewAnswerForm(Form):
    note = TextAreaField(_l("Note (required to ask for changes)"),
                         validators=[Capped(lengths.NOTE)])


class SupersedeForm(Form):
    by = StringField(_l("Reference of the newer response"),
                     validators=[Capped(lengths.REFERENCE)])


class LinkForm(Form):
    other = StringField(_l("Reference of a related published response"),
                        validators=[Capped(lengths.REFERENCE)])


class RetractForm(Form):
    reason = TextAreaField(_l("Why it is retracted (shown to its readers)"),
                           validators=[Capped(lengths.NOTE)])


class AnnexForm(Form):
    """A file to attach to the response (checked by its content in synthesis.annexes)."""

    file = FileField(_l("Annex"), id="annex-file", render_kw={"accept": ACCEPT_ATTACHMENT})


class RemoveForm(Form):
    """Remove an annex or a "See also" link (the button names which)."""


class WatchForm(Form):
    """Watch or stop watching a query (the button says which)."""


class TranslationForm(Form):
    """A published response in another language (the service checks the language)."""

    language = content_language_field()
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField(_l("Translation (Markdown)"), validators=[Marked(), Capped(lengths.BODY)])


class RatingForm(Form):
    score = RadioField(_l("How useful was the response?"), coerce=int,
                       choices=[SelectChoice(5, _l("5: very useful")), SelectChoice(4, "4"),
                                SelectChoice(3, "3"), SelectChoice(2, "2"),
                                SelectChoice(1, _l("1: not useful"))],
                       validators=[InputRequired(message=_l("Choose a score."))])
    used_for = TextAreaField(_l("What did you use it for? (optional)"),
                             validators=[Capped(lengths.NOTE)])


class FeedbackForm(Form):
    """Useful or not (the button pressed), a comment to the facilitators, outdated."""

    comment = TextAreaField(_l("A comment to the facilitators (optional)"),
                            validators=[Capped(lengths.NOTE)])
    outdated = BooleanField(_l("This response looks outdated"))
