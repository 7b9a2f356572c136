"""The widgets of the long choice lists (250 countries, 80 themes): a faster <select> for
a choice of one, checkboxes for a choice of several."""
from markupsafe import Markup, escape
from wtforms.widgets import CheckboxInput, NumberInput, Select, TextArea, TextInput
from wtforms.widgets.core import clean_key


class QuickSelect(Select):
    """WTForms writes each option through html_params and Markup.format (~40 µs each): the
    country list alone took 10 ms of every page with a filter form. A plain option (no
    extra attributes) is written directly, the same HTML, escaped the same way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        value, label = _escaped(choice.value), _escaped(choice.label or choice.value)
        # A plain string, escaped: Select.__call__ joins the options and marks the whole safe
        # (a Markup made for each of 350 options cost ~3 ms of every filter form).
        return f'<option{selected} value="{value}">{label}</option>'


def _escaped(value) -> str:
    """markupsafe.escape's text (the same five characters, written the same way) as a plain
    string: escape() returns a Markup, an object made for each call."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&#34;").replace("'", "&#39;")


class Checklist:
    """Checkboxes in place of a <select multiple> (which needs Ctrl, and is awkward on a
    phone and for a screen reader): one checkbox per choice, each inside its label; the
    choices' optgroups (the parent themes) become fieldsets, each with its legend. The
    _macros.field macro puts the whole in a fieldset named by the field's label.

    `filter_label` (a long list: the countries) lists the chosen ones first, in a scrolling
    box, and asks reachback.js for a box that filters the list as one types (without
    JavaScript: the list alone, alphabetical after the chosen ones)."""

    checklist = True  # the macro's cue

    def __init__(self, filter_label=None):
        self.filter_label = filter_label

    def __call__(self, field, **kwargs):
        name = escape(field.name)
        extra = ' aria-invalid="true"' if kwargs.get("aria_invalid") else ""

        def box(choice) -> str:
            checked = " checked" if choice.selected else ""
            return (f'<label class="choice"><input type="checkbox" name="{name}" '
                    f'value="{escape(choice.value)}"{checked}{extra}> '
                    f'{escape(choice.label)}</label>')

        if self.filter_label is not None:
            choices = sorted(field.iter_choices(), key=lambda c: not c.selected)
            items = "".join(box(c) for c in choices)
            html = (f'<div class="checklist checklist-long" '
                    f'data-filter="{escape(self.filter_label)}">{items}</div>')
        else:
            groups = []
            for legend, choices in field.iter_groups():
                items = "".join(box(c) for c in choices)
                groups.append(f'<fieldset><legend>{escape(legend)}</legend>{items}</fieldset>'
                              if legend else items)
            html = f'<div class="checklist checklist-groups">{"".join(groups)}</div>'
        return Markup(html)  # noqa: S704  # nosec B704 - every value and label is escaped


def quick_html_params(**kwargs) -> Markup:
    """wtforms.widgets.html_params, the same attributes in the same order, escaped the same
    way, written with an f-string: wtforms' Markup.format takes ~15 µs an attribute, and a
    form of 120 inputs (a newsletter's items) spent 40 ms there."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(clean_key(key))
        if value is True:
            params.append(str(key))
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704  # nosec B704 - every key and value escaped


class QuickTextInput(TextInput):
    html_params = staticmethod(quick_html_params)


class QuickNumberInput(NumberInput):
    html_params = staticmethod(quick_html_params)


class QuickCheckboxInput(CheckboxInput):
    html_params = staticmethod(quick_html_params)


class QuickTextArea(TextArea):
    """wtforms' TextArea, its attributes written by quick_html_params."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        params = quick_html_params(name=field.name, **kwargs)
        return Markup(  # noqa: S704  # nosec B704 - escaped
            f"<textarea {params}>\r\n{escape(field._value())}</textarea>")
