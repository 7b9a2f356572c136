"""QuickSelect writes the same HTML as WTForms' own Select, only faster."""
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from reachback.widgets import QuickSelect

CHOICES = [SelectChoice("", "Any"), SelectChoice("SS", "South Sudan"),
           SelectChoice("x\"><script>", "<b>Bad</b> & co"), SelectChoice("AF"),
           SelectChoice("XK", "Kosovo", render_kw={"data-note": "not in ISO 3166"}),
           SelectChoice("g1", "In a group", optgroup="Group <1>")]


class Filters(Form):
    country = SelectField(choices=CHOICES, widget=QuickSelect())
    countries = SelectMultipleField(choices=CHOICES, widget=QuickSelect(multiple=True))


def test_the_same_html_as_wtforms_select():
    form = Filters(MultiDict([("country", "SS"), ("countries", "AF"), ("countries", "XK")]))
    assert str(form.country) == Select()(form.country)
    assert str(form.countries) == Select(multiple=True)(form.countries)
    assert '<option selected value="SS">South Sudan</option>' in str(form.country)
    assert "<script>" not in str(form.country) and "<b>" not in str(form.country)
