"""Forms of the synthesis pages: the response draft, publishing it."""
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..forms import COMMUNITY_CHOICE, PUBLIC_CHOICE, Form
from ..lengths import Capped

VISIBILITY_CHOICES = [
    SelectChoice("restricted", "Restricted: the requester, the contributing experts and staff"),
    COMMUNITY_CHOICE,
    PUBLIC_CHOICE,
]


class DraftForm(Form):
    title = StringField("Title", validators=[DataRequired(), Capped(lengths.TITLE)])
    summary = TextAreaField("Summary", validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField("Response (Markdown)", validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField("What changed", validators=[Capped(lengths.TITLE)])


class PublishForm(Form):
    visibility = RadioField("Who may read the published response", choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message="Choose who may read it.")])
