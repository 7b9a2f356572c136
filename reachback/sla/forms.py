"""Forms of the SLA admin pages. They parse; the SLA services validate."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from .. import lengths
from ..bounded import BoundedIntegerField, bounded_id
from ..forms import Form, MultiCheckboxField
from ..i18n import weekday_names
from ..lengths import Capped
from ..timebounds import InWindow
from ..widgets import QuickSelect


class PolicyForm(Form):
    """One priority's targets. A field left out of the request keeps its value."""

    priority = HiddenField()
    calendar_id = SelectField(_l("Calendar"), coerce=bounded_id, validate_choice=False)
    triage_hours = StringField(_l("Triage (hours)"), render_kw={"inputmode": "decimal", "size": 6})
    answer_hours = StringField(_l("Answer (hours)"), render_kw={"inputmode": "decimal", "size": 6})
    resolution_hours = StringField(_l("Resolution (hours)"),
                                   render_kw={"inputmode": "decimal", "size": 6})

    @classmethod
    def for_policy(cls, policy, calendars, **kw):
        form = cls(data={"priority": policy.priority, "calendar_id": policy.calendar_id,
                         "triage_hours": f"{policy.triage_hours:g}",
                         "answer_hours": f"{policy.answer_hours:g}",
                         "resolution_hours": f"{policy.resolution_hours:g}"}, **kw)
        form.calendar_id.choices = [SelectChoice(c.id, c.name) for c in calendars]
        for field in form:  # several of these forms share a page: give their fields own ids
            if field.type not in ("HiddenField", "CSRFTokenField"):
                field.id = f"{policy.priority}-{field.name}"
        return form

    def changes(self) -> dict:
        """The values sent, for the service; fields absent from the request are left out."""
        names = ("calendar_id", "triage_hours", "answer_hours", "resolution_hours")
        return {name: self[name].data for name in names if self[name].raw_data}


class CalendarForm(Form):
    name = StringField(_l("Name"), validators=[Capped(lengths.LABEL)])
    timezone = StringField(_l("Timezone"), render_kw={"maxlength": 64, "autocomplete": "off"})
    working_days = MultiCheckboxField(
        _l("Working days"), coerce=int,
        choices=lambda: [SelectChoice(i, d) for i, d in enumerate(weekday_names())])
    intervals = StringField(_l("Working hours"), render_kw={"maxlength": 200})

    def values(self) -> dict:
        return {"name": self.name.data, "timezone": self.timezone.data,
                "working_days": self.working_days.data or [], "intervals": self.intervals.data}


class HolidayForm(Form):
    # Own ids: the calendar's form on the same page has a `name` field too.
    day = DateField(_l("Date"), validators=[Optional(), InWindow()], id="holiday-day")
    name = StringField(_l("Name"), validators=[Capped(lengths.NAME)], id="holiday-name")


class RemoveHolidayForm(Form):
    holiday_id = BoundedIntegerField(widget=HiddenField.widget)


class PublicHolidaysForm(Form):
    country = SelectField(_l("Country"), validate_choice=False, widget=QuickSelect())
    year = BoundedIntegerField(_l("Year"), validators=[Optional()], high=9999)
