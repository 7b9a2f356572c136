"""Forms of the newsletter pages. They parse and render; reachback.newsletters.services
checks (one set of rules for pages and API)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField

from .. import lengths
from ..forms import Form
from ..lengths import Capped
from ..queries.forms import Marked
from ..widgets import QuickCheckboxInput, QuickNumberInput, QuickTextArea, QuickTextInput


class NewForm(Form):
    month = StringField(_l("Month"), validators=[Marked(), Capped(7)])


class ConfirmForm(Form):
    """Sending: the button of a form of its own (its CSRF token only)."""


class ChoiceForm(Form):
    receive = BooleanField(_l("Send me the monthly newsletter by e-mail"))


def edit_form(newsletter):
    """The draft's title and editorial, and per item its title, blurb, position and
    whether it is included (fields item_<id>_title, ..., the services' errors
    items.<id>.title land beside them)."""

    class EditForm(Form):
        title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
        editorial = TextAreaField(_l("Editorial"), validators=[Capped(lengths.TEXT)])

    data = {"title": newsletter.title, "editorial": newsletter.editorial}
    for item in newsletter.items:
        prefix = f"items_{item.id}_"
        # Four inputs an item, 30 items: written by the quick widgets (the same HTML).
        setattr(EditForm, prefix + "title", StringField(
            _l("Title"), validators=[Marked(), Capped(lengths.TITLE)], widget=QuickTextInput()))
        setattr(EditForm, prefix + "blurb", TextAreaField(
            _l("Blurb"), validators=[Capped(lengths.NOTE)], widget=QuickTextArea()))
        setattr(EditForm, prefix + "position", IntegerField(
            _l("Position"), widget=QuickNumberInput(min=0, max=1000)))
        setattr(EditForm, prefix + "included", BooleanField(_l("Include it"),
                                                            widget=QuickCheckboxInput()))
        data.update({prefix + "title": item.title, prefix + "blurb": item.blurb,
                     prefix + "position": item.position, prefix + "included": item.included})
    form = EditForm(data=data)
    form.item_fields = {item.id: {name: form[f"items_{item.id}_{name}"] for name in
                                  ("title", "blurb", "position", "included")}
                        for item in newsletter.items}
    return form


def edit_data(form, newsletter) -> dict:
    """The plain dict services.edit() takes."""
    return {"title": form.title.data, "editorial": form.editorial.data,
            "items": {item.id: {name: field.data for name, field in
                                form.item_fields[item.id].items()}
                      for item in newsletter.items}}
