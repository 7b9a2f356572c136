"""Forms of the synthesis pages (the response draft, publishing it) and of the knowledge base
list of published responses."""
from wtforms import RadioField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from .. import lengths
from ..admin.forms import country_choices, theme_choices
from ..forms import Form
from ..lengths import Capped
from ..widgets import QuickSelect

VISIBILITY_CHOICES = [
    SelectChoice("restricted", "Restricted: the requester, the contributing experts and staff"),
    SelectChoice("community", "Community: every signed-in member"),
    SelectChoice("public", "Public: anyone, without an account (the open library)"),
]


class DraftForm(Form):
    title = StringField("Title", validators=[DataRequired(), Capped(lengths.TITLE)])
    summary = TextAreaField("Summary", validators=[Capped(lengths.SUMMARY)])
    body = TextAreaField("Response (Markdown)", validators=[DataRequired(), Capped(lengths.BODY)])
    note = StringField("What changed", validators=[Capped(lengths.TITLE)])


class PublishForm(Form):
    visibility = RadioField("Who may read the published response", choices=VISIBILITY_CHOICES,
                            validators=[InputRequired(message="Choose who may read it.")])


class KnowledgeFilterForm(Form):
    """The knowledge base filters (a GET form: no CSRF token in the address)."""

    class Meta:
        csrf = False

    q = SearchField("Words", validators=[Capped(lengths.SEARCH)])
    theme = SelectField("Theme", choices=lambda: theme_choices("All themes"),
                        widget=QuickSelect())
    country = SelectField("Country", choices=lambda: country_choices("All countries"),
                          widget=QuickSelect())
