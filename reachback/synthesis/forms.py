"""Forms of the synthesis pages (the response draft, publishing it) and of the knowledge base
list of published responses."""
from flask_wtf import FlaskForm
from wtforms import RadioField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..admin.forms import country_choices, theme_choices
from ..widgets import QuickSelect

VISIBILITY_CHOICES = [
    SelectChoice("restricted", "Restricted: the requester, the contributing experts and staff"),
    SelectChoice("community", "Community: every signed-in member"),
    SelectChoice("public", "Public: anyone, without an account (the open library)"),
]


class DraftForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=20_000)])
    body = TextAreaField("Response (Markdown)", validators=[DataRequired(), Length(max=200_000)])
    note = StringField("What changed", validators=[Length(max=200)])


class PublishForm(FlaskForm):
    visibility = RadioField("Who may read the published response", choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message="Choose who may read it.")])


class KnowledgeFilterForm(FlaskForm):
    """The knowledge base filters (a GET form: no CSRF token in the address)."""

    class Meta:
        csrf = False

    q = SearchField("Words", validators=[Length(max=200)])
    theme = SelectField("Theme", choices=lambda: theme_choices("All themes"),
                        widget=QuickSelect())
    country = SelectField("Country", choices=lambda: country_choices("All countries"),
                          widget=QuickSelect())
