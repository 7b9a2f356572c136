"""SLA pages through the browser's eyes: the dashboard for staff, policies and calendars for
admins, and the due-time badge every list uses."""
import re
from datetime import UTC, date, datetime

import pytest
from flask import g, render_template_string
from sqlalchemy import select

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.sla.models import Calendar, CalendarHoliday, SlaPolicy
from tests.helpers import WebClient

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Browser(WebClient):
    """A WebClient whose every request starts with a fresh `g`, as in production (the `app`
    fixture keeps one app context pushed, so `g` would otherwise outlive each request)."""

    def get(self, url, **kw):
        for name in list(vars(g)):
            g.pop(name, None)
        return super().get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        for name in list(vars(g)):
            g.pop(name, None)
        return super().post(url, data, csrf=csrf, **kw)


@pytest.fixture
def signed_in(app):
    def sign_in(user):
        client = Browser(app.test_client())
        client.sign_in(user)
        return client
    return sign_in


def text(response) -> str:
    return response.get_data(as_text=True)


def policy(priority) -> SlaPolicy:
    db.session.expire_all()
    return db.session.scalar(select(SlaPolicy).where(SlaPolicy.priority == priority))


def default_calendar() -> Calendar:
    db.session.expire_all()
    return db.session.scalar(select(Calendar).where(Calendar.name == "Default"))


def assert_light_and_csp_safe(html: str) -> None:
    assert len(html.encode()) < 60_000
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and "onclick" not in html


# --- the dashboard -----------------------------------------------------------------------

def test_dashboard_renders_for_staff_with_counts_risks_and_an_svg_chart(
        signed_in, make_user, make_query, clock):
    staff = make_user("facilitator")
    late = make_query(priority="urgent", facilitator=staff)
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # past the 4 h triage target
    page = signed_in(staff).get("/sla")
    html = text(page)
    assert page.status_code == 200
    assert "<h1>Response times</h1>" in html and "<title>Response times" in html
    assert late.reference in html and "1 h overdue" in html
    assert re.search(r"<svg[^>]*role=\"img\"", html) and "<rect" in html
    assert "<th scope=\"row\">Urgent</th>" in html
    assert_light_and_csp_safe(html)


def test_dashboard_is_for_admins_too(signed_in, make_user):
    assert signed_in(make_user("admin")).get("/sla").status_code == 200


@pytest.mark.parametrize("role", ["member", "expert"])
def test_dashboard_refuses_members_and_experts(signed_in, make_user, role):
    assert signed_in(make_user(role)).get("/sla").status_code == 403


def test_dashboard_sends_the_anonymous_to_sign_in(app):
    response = app.test_client().get("/sla")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- policies --------------------------------------------------------------------------------

def test_policies_page_shows_each_priority_and_calendar_to_admins(signed_in, make_user):
    html = text(signed_in(make_user("admin")).get("/admin/sla"))
    for priority in ("Urgent", "High", "Normal", "Low"):
        assert f"{priority} priority" in html
    assert 'id="urgent-triage_hours"' in html and 'value="4"' in html
    assert "Default" in html and "Mon, Tue, Wed, Thu, Fri" in html
    assert_light_and_csp_safe(html)


@pytest.mark.parametrize("url", ["/admin/sla", "/admin/calendars/1"])
@pytest.mark.parametrize("role", ["member", "expert", "facilitator"])
def test_sla_admin_pages_are_refused_to_non_admins(signed_in, make_user, role, url):
    client = signed_in(make_user(role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"priority": "urgent", "triage_hours": "1"}).status_code == 403
    assert policy("urgent").triage_hours == 4


def test_admin_edits_a_policy_and_a_new_query_uses_it(signed_in, make_user, clock):
    admin = make_user("admin")
    client = signed_in(admin)
    response = client.post("/admin/sla", {"priority": "urgent", "triage_hours": "2",
                                          "answer_hours": "8", "resolution_hours": "16"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/sla")
    assert "urgent policy is saved" in text(client.get("/admin/sla"))
    saved = policy("urgent")
    assert (saved.triage_hours, saved.answer_hours, saved.resolution_hours) == (2, 8, 16)
    query = qs.submit_query(make_user(), {"title": "T", "question": "Q?", "country": "SS",
                                          "themes": ["vetting"], "priority": "urgent"})
    db.session.commit()
    assert query.triage_due_at == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert query.resolution_due_at == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def test_a_field_left_out_keeps_its_value(signed_in, make_user):
    signed_in(make_user("admin")).post("/admin/sla", {"priority": "low", "answer_hours": "70"})
    saved = policy("low")
    assert (saved.triage_hours, saved.answer_hours, saved.resolution_hours) == (16, 70, 160)


def test_a_bad_value_is_shown_beside_its_field_and_what_was_typed_is_kept(
        signed_in, make_user):
    response = signed_in(make_user("admin")).post(
        "/admin/sla", {"priority": "high", "triage_hours": "soon", "answer_hours": "30",
                       "resolution_hours": "56"})
    html = text(response)
    assert response.status_code == 422
    assert 'id="high-triage_hours-error"' in html and "Give a number" in html
    assert 'value="soon"' in html and 'value="30"' in html
    assert policy("high").answer_hours == 24  # nothing saved


def test_policy_changes_need_the_csrf_token(signed_in, make_user):
    response = signed_in(make_user("admin")).post(
        "/admin/sla", {"priority": "urgent", "triage_hours": "1"}, csrf=False)
    assert response.status_code == 400
    assert policy("urgent").triage_hours == 4


def test_an_admin_creates_a_calendar_and_gives_it_to_a_policy(signed_in, make_user):
    client = signed_in(make_user("admin"))
    response = client.post("/admin/calendars", {
        "name": "Kabul week", "timezone": "Asia/Kabul", "working_days": ["5", "6", "0", "1", "2"],
        "intervals": "08:00-12:00, 13:00-16:00"})
    created = db.session.scalar(select(Calendar).where(Calendar.name == "Kabul week"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/calendars/{created.id}")
    assert (created.working_days, created.intervals) == ("0,1,2,5,6", "08:00-12:00,13:00-16:00")
    client.post("/admin/sla", {"priority": "normal", "calendar_id": str(created.id)})
    assert policy("normal").calendar.name == "Kabul week"


def test_a_bad_new_calendar_is_shown_again_with_its_errors(signed_in, make_user):
    response = signed_in(make_user("admin")).post("/admin/calendars", {
        "name": "Mars", "timezone": "Mars/Olympus", "intervals": "9 to 5"})
    html = text(response)
    assert response.status_code == 422
    assert 'id="timezone-error"' in html and 'id="working_days-error"' in html
    assert 'id="intervals-error"' in html and 'value="Mars"' in html
    assert db.session.scalar(select(Calendar).where(Calendar.name == "Mars")) is None


# --- one calendar -------------------------------------------------------------------------------

def test_calendar_page_edits_working_time(signed_in, make_user):
    client = signed_in(make_user("admin"))
    cal_id = default_calendar().id
    html = text(client.get(f"/admin/calendars/{cal_id}"))
    assert "<h1>Calendar: Default</h1>" in html and "Load public holidays" in html
    assert_light_and_csp_safe(html)
    response = client.post(f"/admin/calendars/{cal_id}", {
        "action": "save", "name": "Default", "timezone": "Europe/Brussels",
        "working_days": ["0", "1", "2", "3"], "intervals": "08:30-12:30,13:30-17:30"})
    assert response.status_code == 302
    cal = default_calendar()
    assert (cal.timezone, cal.working_days, cal.intervals) == \
        ("Europe/Brussels", "0,1,2,3", "08:30-12:30,13:30-17:30")


def test_calendar_page_adds_and_removes_a_holiday(signed_in, make_user):
    client = signed_in(make_user("admin"))
    cal_id = default_calendar().id
    client.post(f"/admin/calendars/{cal_id}",
                {"action": "add_holiday", "day": "2026-12-24", "name": "Christmas Eve"})
    holiday = db.session.scalar(select(CalendarHoliday))
    assert (holiday.day, holiday.name) == (date(2026, 12, 24), "Christmas Eve")
    assert "Christmas Eve" in text(client.get(f"/admin/calendars/{cal_id}"))
    client.post(f"/admin/calendars/{cal_id}",
                {"action": "remove_holiday", "holiday_id": str(holiday.id)})
    db.session.expire_all()
    assert db.session.scalar(select(CalendarHoliday)) is None


def test_calendar_page_loads_a_countrys_public_holidays(signed_in, make_user):
    client = signed_in(make_user("admin"))
    cal_id = default_calendar().id
    response = client.post(f"/admin/calendars/{cal_id}", {"country": "SS", "year": "2026"})
    assert response.status_code == 302
    page = text(client.get(f"/admin/calendars/{cal_id}"))
    assert "public holidays added" in page
    days = {h.day for h in default_calendar().holidays}
    assert date(2026, 7, 9) in days  # South Sudan's Independence Day


def test_loading_holidays_for_an_unknown_country_is_refused_beside_the_field(
        signed_in, make_user):
    cal_id = default_calendar().id
    response = signed_in(make_user("admin")).post(
        f"/admin/calendars/{cal_id}", {"action": "load_holidays", "country": "ZZ", "year": "2026"})
    assert response.status_code == 422 and 'id="country-error"' in text(response)
    assert default_calendar().holidays == []


def test_an_unknown_calendar_is_not_found(signed_in, make_user):
    assert signed_in(make_user("admin")).get("/admin/calendars/999").status_code == 404


# --- the badge every list uses ------------------------------------------------------------------

def test_sla_badge_says_the_due_time_relatively_and_absolutely(app, clock):
    template = ('{% from "sla/_badge.html" import sla_badge %}'
                '{{ sla_badge(due, "warning") }}|{{ sla_badge(late, "breached") }}'
                '|{{ sla_badge(none, none) }}')
    with app.test_request_context():
        html = render_template_string(
            template, due=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
            late=datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    warning, breached, nothing = html.split("|")
    assert "at risk: due in 3 h" in warning and "23 Nov 2026, 12:00 UTC" in warning
    assert 'datetime="2026-11-23T12:00:00+00:00"' in warning
    assert "2 days overdue" in breached and "sla-breached" in breached
    assert "—" in nothing


def test_query_badge_shows_triage_then_resolution(app, make_query, clock):
    query = make_query(priority="urgent")
    template = '{% from "sla/_badge.html" import query_sla_badge %}{{ query_sla_badge(q) }}'
    with app.test_request_context():
        assert "due in 4 h" in render_template_string(template, q=query)
        query.triage_met_at = MON
        assert "due in 4 days" in render_template_string(template, q=query)
    assert clock.now == MON


def test_the_dashboard_counts_agree_with_its_list_and_its_name_with_the_menu(
        signed_in, make_user, make_query, clock):
    from datetime import timedelta

    from reachback.notify.jobs import expire_invitations
    from reachback.sla import services as sla_services

    clock.set(MON)
    staff = make_user("facilitator")
    e1, e2 = make_user("expert"), make_user("expert")
    make_query(priority="urgent", facilitator=staff, title="Late triage")
    q = make_query(facilitator=staff, title="Routed")
    lapsed = qs.assign_expert(staff, q, e1, due_at=MON + timedelta(hours=5))
    qs.assign_expert(staff, q, e2, due_at=MON + timedelta(hours=30))
    qs.accept_assignment(e2, q.assignments[1])
    db.session.commit()
    clock.set(MON + timedelta(hours=6))
    assert expire_invitations() == 1 and lapsed.status == "expired"
    data = sla_services.dashboard(staff)
    for target in ("triage", "answer", "resolution"):
        listed = [i for i in data["at_risk"] if i.target == target]
        for state in ("warning", "breached"):
            assert data["counts"][target][state] == sum(i.state == state for i in listed), \
                (target, state)
    assert data["counts"]["triage"]["breached"] == 1  # the urgent query, listed
    assert data["counts"]["answer"]["breached"] == 0  # the expired invitation: not counted
    html = text(signed_in(staff).get("/sla"))
    assert "<h1>Response times</h1>" in html and "<title>Response times · Reachback" in html
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert 'href="/sla"' in nav and "Response times" in nav
