"""Forms of the calendar and the blackboard. They parse and render;
reachback.community.services checks (one set of rules for pages and API)."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput, DateTimeLocalInput, URLInput

from .. import lengths
from ..forms import COMMUNITY_CHOICE, PUBLIC_CHOICE, Form, themes_field
from ..lengths import Capped
from ..queries.forms import Marked
from .models import NOTICE_KIND_LABELS, NOTICE_KINDS

KIND_CHOICES = [SelectChoice(k, NOTICE_KIND_LABELS[k]) for k in NOTICE_KINDS]


class EventForm(Form):
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    description = TextAreaField(_l("Description"), validators=[Capped(lengths.TEXT)])
    starts_at = StringField(_l("Starts"), validators=[Marked()], widget=DateTimeLocalInput())
    ends_at = StringField(_l("Ends"), validators=[Marked()], widget=DateTimeLocalInput())
    timezone = StringField(_l("Time zone"), validators=[Capped(64)])
    location = StringField(_l("Place"), validators=[Capped(lengths.TITLE)])
    online_url = StringField(_l("Online link"), validators=[Capped(500)], widget=URLInput())
    themes = themes_field(_l("Themes"))
    visibility = RadioField(_l("Who may see it"), choices=[COMMUNITY_CHOICE, PUBLIC_CHOICE],
                            default="community")

    def to_data(self) -> dict:
        """The plain dict submit_event() takes."""
        return {name: getattr(self, name).data for name in (
            "title", "description", "starts_at", "ends_at", "timezone", "location",
            "online_url", "themes", "visibility")}

    @classmethod
    def blank(cls):
        return cls(data={"timezone": getattr(current_user, "timezone", None) or "UTC"})


class NoticeForm(Form):
    kind = SelectField(_l("Kind of notice"), choices=KIND_CHOICES, default="announcement")
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    body = TextAreaField(_l("Text"), validators=[Capped(lengths.NOTE)])
    expires_on = StringField(_l("Leaves the board after"), validators=[Marked()],
                             widget=DateInput())

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in ("kind", "title", "body",
                                                            "expires_on")}

