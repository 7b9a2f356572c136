"""Forms of the synthesis pages: the response draft, publishing it."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..forms import Form, content_language_field, visibility_choices
from ..lengths import Capped
from ..queries.forms import Marked

VISIBILITY_CHOICES = visibility_choices("the requester, the contributing experts and staff")


class DraftForm(Form):
    title = StringField("Title", validators=[DataRequired(), Capped(lengths.TITLE)])
    language = content_language_field()
    summary = TextAreaField("Summary", validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField("Response (Markdown)", validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField("What changed", validators=[Capped(lengths.TITLE)])


class PublishForm(Form):
    visibility = RadioField("Who may read the published response", choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message="Choose who may read it.")])


class TranslationForm(Form):
    """A published response in another language (the service checks the language)."""

    language = content_language_field()
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField(_l("Translation (Markdown)"), validators=[Marked(), Capped(lengths.BODY)])
