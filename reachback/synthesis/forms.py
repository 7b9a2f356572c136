"""Forms of the synthesis pages: the response draft, publishing it."""
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..forms import Form, visibility_choices
from ..lengths import Capped

VISIBILITY_CHOICES = visibility_choices("the requester, the contributing experts and staff")


class DraftForm(Form):
    title = StringField("Title", validators=[DataRequired(), Capped(lengths.TITLE)])
    summary = TextAreaField("Summary", validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField("Response (Markdown)", validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField("What changed", validators=[Capped(lengths.TITLE)])


class PublishForm(Form):
    visibility = RadioField("Who may read the published response", choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message="Choose who may read it.")])
