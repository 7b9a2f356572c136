"""Bad numbers and dates on the staff pages answer 400, 404 or a field error, never 500, and
change nothing (issue 14, item 3); dates outside the window of reachback.timebounds are
refused beside their field (item 2). The fuzz of every page is tests/web/test_fuzz.py."""

import pytest
from sqlalchemy import func, select

from reachback.accounts.services import create_token
from reachback.extensions import db
from reachback.queries.models import Assignment
from reachback.sla.models import CalendarHoliday, SlaPolicy

HUGE = "99999999999999999999"


@pytest.fixture
def as_role(make_web, make_user):
    def sign_in(role):
        web = make_web()
        web.sign_in(make_user(role))
        return web
    return sign_in


def text(response) -> str:
    return response.get_data(as_text=True)


def test_comparing_revisions_with_a_huge_number_is_not_found(as_role, make_query, clock):
    q = make_query(status="synthesis")
    web = as_role("facilitator")
    for args in (f"a={HUGE}&b=1", f"a=1&b={HUGE}", "a=-1&b=1", "a=1&b=x"):
        assert web.get(f"/queries/{q.reference}/revisions/compare?{args}").status_code == 404


def test_routing_to_a_huge_expert_id_routes_nobody(as_role, make_query, clock):
    q = make_query()
    web = as_role("facilitator")
    web.get(f"/queries/{q.reference}/route")
    response = web.post(f"/queries/{q.reference}/route", {"experts": HUGE})
    assert response.status_code == 422 and "Choose experts from the list." in text(response)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_routing_with_a_due_day_years_ahead_is_refused_beside_the_field(
        as_role, make_query, make_user, clock):
    q, expert = make_query(), make_user("expert")
    web = as_role("facilitator")
    web.get(f"/queries/{q.reference}/route")
    response = web.post(f"/queries/{q.reference}/route",
                        {"experts": str(expert.id), "due_at": "9999-12-31"})
    assert response.status_code == 422
    assert "Must be within 5 years, on or before 2031-11-23." in text(response)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


@pytest.mark.parametrize("args", ["until=9999-12-31", "since=0001-01-01", "until=1999-12-31"])
def test_the_audit_log_refuses_a_filter_date_outside_the_window_beside_the_field(
        as_role, clock, args):
    response = as_role("admin").get(f"/admin/audit?{args}")
    assert response.status_code == 422
    assert "Give a date between 2000-01-01 and 2036-11-23" in text(response)


def test_a_policy_with_a_huge_calendar_id_is_refused_and_unchanged(as_role, clock):
    web = as_role("admin")
    web.get("/admin/sla")
    before = db.session.scalar(select(SlaPolicy.calendar_id).where(SlaPolicy.priority == "urgent"))
    response = web.post("/admin/sla", {"priority": "urgent", "calendar_id": HUGE,
                                       "triage_hours": "2"})
    assert response.status_code == 422
    assert "Invalid Choice: could not coerce" in text(response)
    db.session.expire_all()
    assert db.session.scalar(
        select(SlaPolicy.calendar_id).where(SlaPolicy.priority == "urgent")) == before


def test_a_holiday_in_year_9999_is_refused_and_a_huge_holiday_id_is_not_found(as_role, clock):
    web = as_role("admin")
    calendar_id = db.session.scalar(select(SlaPolicy.calendar_id))
    web.get(f"/admin/calendars/{calendar_id}")
    response = web.post(f"/admin/calendars/{calendar_id}",
                        {"action": "add_holiday", "day": "9999-12-31", "name": "Far"})
    assert response.status_code < 500
    assert db.session.scalar(select(func.count(CalendarHoliday.id))) == 0
    response = web.post(f"/admin/calendars/{calendar_id}",
                        {"action": "remove_holiday", "holiday_id": HUGE})
    assert response.status_code < 500


@pytest.mark.parametrize("path", [
    "/groups/wa%00sh", "/kb/RB-2026-0001/f%00r", "/reports/dem%00and", "/queries/RB-%00",
    "/api/v1/groups/wa%00sh/join", "/api/v1/responses/RB-2026-0001/translations/f%00r",
    "/api/v1/queries/RB-%00"])
def test_a_name_in_the_address_holding_a_nul_character_names_nothing(make_web, make_user,
                                                                     path):
    """PostgreSQL stores no NUL character and refuses to compare one (it answered an
    undescribed 400): such an address is not found, on every route, on both databases."""
    admin = make_user("admin")
    web = make_web()
    web.sign_in(admin)
    if path.startswith("/api/"):
        token = create_token(admin, "nul")[1]
        db.session.commit()
        send = web.client.post if path.endswith("/join") else web.client.get
        response = send(path, headers={"Authorization": f"Bearer {token}"})
    else:
        response = web.get(path)
    assert response.status_code == 404, (path, response.status_code)
