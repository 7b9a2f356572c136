"""Forms of the calendar and the blackboard. They parse and render;
reachback.community.services checks (one set of rules for pages and API)."""
from flask_babel import gettext as _
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
GROUP_VISIBILITY = SelectChoice("group", _l("Group: the members of the group chosen below, "
                                            "and the facilitators"))


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
    # The groups the author may use (none: the field is not shown); the service checks it.
    group = SelectField(_l("Group"), validate_choice=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice("", _("No group")),
                              *(SelectChoice(g.slug, g.name) for g in groups)]
        if groups:
            self.visibility.choices = [GROUP_VISIBILITY, COMMUNITY_CHOICE, PUBLIC_CHOICE]

    def to_data(self) -> dict:
        """The plain dict submit_event() takes."""
        data = {name: getattr(self, name).data for name in (
            "title", "description", "starts_at", "ends_at", "timezone", "location",
            "online_url", "themes", "visibility")}
        return {**data, "group": self.group.data or None}

    @classmethod
    def blank(cls, groups=()):
        return cls(data={"timezone": getattr(current_user, "timezone", None) or "UTC"},
                   groups=groups)


class NoticeForm(Form):
    kind = SelectField(_l("Kind of notice"), choices=KIND_CHOICES, default="announcement")
    title = StringField(_l("Title"), validators=[Marked(), Capped(lengths.TITLE)])
    body = TextAreaField(_l("Text"), validators=[Capped(lengths.NOTE)])
    expires_on = StringField(_l("Leaves the board after"), validators=[Marked()],
                             widget=DateInput())

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in ("kind", "title", "body",
                                                            "expires_on")}

