"""Forms of the synthesis pages: the response draft, publishing it."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..forms import COMMUNITY_CHOICE, PUBLIC_CHOICE, Form, content_language_field
from ..lengths import Capped
from ..queries.forms import Marked

VISIBILITY_CHOICES = [
    SelectChoice("restricted",
                 _l("Restricted: the requester, the contributing experts and staff")),
    COMMUNITY_CHOICE, PUBLIC_CHOICE]


class DraftForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Capped(lengths.TITLE)])
    language = content_language_field()
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField(_l("Response (Markdown)"),
                         validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField(_l("What changed"), validators=[Capped(lengths.TITLE)])


class PublishForm(Form):
    visibility = RadioField(_l("Who may read the published response"),
                            choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message=_l("Choose who may read it."))])
    # Publishing for anyone what the requester asked to keep narrower needs this (the
    # service checks it: synthesis.services.more_open).
    confirm = BooleanField(_l("Yes, publish it for anyone to read, more openly than the "
                              "requester chose (they are told)"))


class TranslationForm(Form):
    """A published response in another language (the service checks the language)."""

    language = content_language_field()
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    summary = TextAreaField(_l("Summary"), validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField(_l("Translation (Markdown)"), validators=[Marked(), Capped(lengths.BODY)])
