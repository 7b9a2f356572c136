"""The forms of the group pages: an admin's new group, and the buttons (join, leave,
approve, remove, make facilitator), which carry only their CSRF token."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import Optional

from .. import lengths
from ..forms import Form, themes_field


class GroupForm(Form):
    name = StringField(_l("Name"), render_kw={"maxlength": lengths.NAME, "required": True})
    slug = StringField(_l("Address"), render_kw={"maxlength": 60, "required": True})
    description = TextAreaField(_l("Description"), render_kw={"maxlength": lengths.TEXT})
    open = BooleanField(_l("Open: people join at once (else a group facilitator approves "
                           "each)"), default=True)
    max_per_organisation = IntegerField(_l("Most members from one organisation"),
                                        validators=[Optional()])
    themes = themes_field(_l("Themes"))

    def to_data(self) -> dict:
        return {"name": self.name.data, "slug": (self.slug.data or "").strip(),
                "description": self.description.data or "", "open": bool(self.open.data),
                "max_per_organisation": self.max_per_organisation.data,
                "themes": self.themes.data or []}


class MemberForm(Form):
    """A button acting on a membership."""
