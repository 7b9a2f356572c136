"""SLA pages: the facilitators' dashboard, and the admins' policies and calendars.

Also the template helpers every list uses to show a due time: the `sla_due` filter and the
`sla_next` / `sla_assignment_state` / `sla_assignment_outcome` globals (with the macros of templates/sla/_badge.html).
"""
from datetime import datetime

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user

from ..config import setting
from ..i18n import duration
from ..models_base import utcnow
from ..web import local_date, submit, submitted
from . import services
from .forms import CalendarForm, HolidayForm, PolicyForm, PublicHolidaysForm, RemoveHolidayForm

bp = Blueprint("sla", __name__)


# --- template helpers ----------------------------------------------------------------

def init_sla(app) -> None:
    app.add_template_filter(sla_due, "sla_due")
    app.add_template_global(sla_next, "sla_next")
    app.add_template_global(sla_assignment_state, "sla_assignment_state")
    app.add_template_global(services.assignment_outcome, "sla_assignment_outcome")


def sla_due(due_at: datetime | None, state: str | None = None) -> str:
    """A due time relative to now: "due in 3 h", "2 days overdue", "met", "paused"."""
    if due_at is None:
        return ""
    if state == "met":
        return _("met")
    if state == "paused":
        return _("paused")
    seconds = (due_at - utcnow()).total_seconds()
    minutes = int(abs(seconds) // 60)
    if minutes < 1:
        return _("due now") if seconds >= 0 else _("just overdue")
    if minutes < 60:
        span = duration(minutes, "minute")
    elif minutes < 48 * 60:
        span = duration(minutes // 60, "hour")
    else:
        span = duration(minutes // 1440, "day")
    return _("due in %(span)s", span=span) if seconds >= 0 else _("%(span)s overdue", span=span)


def sla_next(query, target: str | None = None):
    """(due time, state) of the query's current target (triage, then resolution)."""
    return services.next_due(query, utcnow(), target)


def sla_assignment_state(assignment):
    return services.assignment_state(assignment, utcnow())


# --- the dashboard ---------------------------------------------------------------------

@bp.route("/sla")
def dashboard():
    data = services.dashboard(current_user)
    return render_template("sla/dashboard.html", sla_interval=setting("SCHEDULER_SLA_SECONDS"),
                           **data)


# --- admin: policies --------------------------------------------------------------------

def _priority_word(priority: str) -> str:
    """The priority as a word inside a sentence ("The urgent policy is saved")."""
    words = {"urgent": pgettext("priority", "urgent"), "high": pgettext("priority", "high"),
             "normal": pgettext("priority", "normal"), "low": pgettext("priority", "low")}
    return words.get(priority, priority)


def _policies_page(bound: PolicyForm | None = None, new_form: CalendarForm | None = None):
    policies = services.list_policies(current_user)
    calendars = services.list_calendars(current_user)
    forms = {p.priority: PolicyForm.for_policy(p, calendars, formdata=None) for p in policies}
    if bound is not None and bound.priority.data in forms:
        bound.calendar_id.choices = forms[bound.priority.data].calendar_id.choices
        forms[bound.priority.data] = bound
    new_form = new_form or CalendarForm(formdata=None, data={"intervals": "09:00-17:00",
                                                             "working_days": [0, 1, 2, 3, 4]})
    return render_template("sla/policies.html", policies=policies, forms=forms,
                           calendars=calendars, new_form=new_form)


@bp.route("/admin/sla", methods=["GET", "POST"])
def policies():
    if request.method == "GET":
        return _policies_page()
    policy = services.get_policy(current_user, request.form.get("priority", ""))
    form = PolicyForm.for_policy(policy, services.list_calendars(current_user))
    return (submitted(form, lambda: services.update_policy(current_user, policy.priority,
                                                           **form.changes()),
                      _("The %(priority)s policy is saved; new targets use it.",
                        priority=_priority_word(policy.priority)),
                      url_for("sla.policies"))
            or _policies_page(bound=form))


@bp.route("/admin/calendars", methods=["POST"])
def new_calendar():
    services.list_calendars(current_user)  # admins only, before reading anything
    form = CalendarForm()
    return (submitted(form, lambda: services.create_calendar(current_user, **form.values()),
                      lambda cal: _("Calendar “%(name)s” created.", name=cal.name),
                      lambda cal: url_for("sla.calendar", calendar_id=cal.id))
            or _policies_page(new_form=form))


# --- admin: one calendar ----------------------------------------------------------------

def _save(cal, form):
    services.update_calendar(current_user, cal, **form.values())
    return _("Calendar saved; due times set from now on use it.")


def _add_holiday(cal, form):
    services.add_holiday(current_user, cal, form.day.data, form.name.data)
    return _("Holiday %(day)s added.", day=local_date(form.day.data))


def _remove_holiday(cal, form):
    services.remove_holiday(current_user, cal, form.holiday_id.data)
    return _("Holiday removed.")


def _load_holidays(cal, form):
    added = services.load_public_holidays(current_user, cal, form.country.data, form.year.data)
    return ngettext("%(num)d public holiday added.", "%(num)d public holidays added.", added)


# action -> (form class, service step); the form's hidden `action` field names it.
CALENDAR_ACTIONS = {
    "save": (CalendarForm, _save),
    "add_holiday": (HolidayForm, _add_holiday),
    "remove_holiday": (RemoveHolidayForm, _remove_holiday),
    "load_holidays": (PublicHolidaysForm, _load_holidays),
}


def _calendar_action() -> str:
    action = request.form.get("action", "")
    if action in CALENDAR_ACTIONS:
        return action
    for field, name in (("holiday_id", "remove_holiday"), ("country", "load_holidays"),
                        ("day", "add_holiday")):
        if field in request.form:
            return name
    return "save"


def _calendar_forms(cal) -> dict:
    return {
        "form": CalendarForm(formdata=None, data={
            "name": cal.name, "timezone": cal.timezone, "working_days": cal.weekdays,
            "intervals": cal.intervals}),
        "holiday_form": HolidayForm(formdata=None),
        "public_form": PublicHolidaysForm(formdata=None, data={"year": utcnow().year}),
    }


def _bind(forms: dict, action: str):
    form = CALENDAR_ACTIONS[action][0]()
    key = {"save": "form", "add_holiday": "holiday_form", "load_holidays": "public_form"}
    forms[key.get(action, "remove_form")] = form
    return form


@bp.route("/admin/calendars/<int:calendar_id>", methods=["GET", "POST"])
def calendar(calendar_id):
    cal = services.get_calendar(current_user, calendar_id)
    forms = _calendar_forms(cal)
    if request.method == "POST":
        action = _calendar_action()
        form = _bind(forms, action)
        if form.validate_on_submit():
            done = submit(form, lambda: CALENDAR_ACTIONS[action][1](cal, form),
                          lambda message: message,
                          url_for("sla.calendar", calendar_id=cal.id))
            if done is not None:
                return done
    countries = services.holiday_countries()
    forms["public_form"].country.choices = list(countries.items())
    return render_template("sla/calendar.html", cal=cal, **forms)
