"""The quick widgets (reachback/widgets.py) write exactly what wtforms' widgets write."""
import pytest
from markupsafe import Markup
from wtforms import BooleanField, Form, IntegerField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, NumberInput, TextArea, TextInput, html_params

from reachback.widgets import (
    QuickCheckboxInput,
    QuickNumberInput,
    QuickTextArea,
    QuickTextInput,
    quick_html_params,
)

ATTRIBUTES = [
    {},
    {"name": "a", "id": "x", "class_": "btn big", "aria_describedby": "x-hint x-error"},
    {"aria_invalid": "true", "data_some_thing": 'say "hi" & <go>', "required": True,
     "readonly": False, "rows": 3, "value": Markup('<b title="t">safe</b>')},
    {"value": "l'apostrophe ' and \u00e9", "for_": "f", "min": 0, "max": 1000},
]


@pytest.mark.parametrize("attrs", ATTRIBUTES)
def test_the_attributes_are_written_alike(attrs):
    assert quick_html_params(**attrs) == html_params(**attrs)
    assert isinstance(quick_html_params(**attrs), Markup)


class Sample(Form):
    title = StringField("Title", default='A "quoted" <title> & more')
    blurb = TextAreaField("Blurb", default="Line <one>\nline 'two'")
    position = IntegerField("Position", default=7)
    included = BooleanField("Include it", default=True)
    excluded = BooleanField("Leave it", default=False)


@pytest.mark.parametrize("name, slow, quick", [
    ("title", TextInput(), QuickTextInput()),
    ("blurb", TextArea(), QuickTextArea()),
    ("position", NumberInput(min=0, max=1000), QuickNumberInput(min=0, max=1000)),
    ("included", CheckboxInput(), QuickCheckboxInput()),
    ("excluded", CheckboxInput(), QuickCheckboxInput()),
])
@pytest.mark.parametrize("attrs", ATTRIBUTES[:2] + [{"aria_invalid": "true", "rows": 3}])
def test_the_inputs_are_written_alike(name, slow, quick, attrs):
    field = Sample()[name]
    attrs = {k: v for k, v in attrs.items() if k not in ("name", "id")}
    assert quick(field, **attrs) == slow(field, **attrs)
