"""The facilitator's edit page of a query (/queries/<ref>/edit) and its trace on the query
page."""
import re

import pytest
from sqlalchemy import select

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import Event

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def text(response) -> str:
    return response.get_data(as_text=True)


def form_of(q, **overrides) -> dict:
    data = {"title": q.title, "country": q.country, "themes": [t.slug for t in q.themes],
            "priority": q.priority, "confidentiality": q.confidentiality, "reason": ""}
    data.update(overrides)
    return data


def edited(q) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.query_id == q.id,
                                                      Event.kind == "query_edited")))


@pytest.fixture
def staff(make_user):
    return make_user("facilitator")


def test_the_query_page_links_staff_to_the_edit_page(signed_in, make_query, staff):
    q = make_query()
    page = text(signed_in(staff).get(f"/queries/{q.reference}"))
    assert f'href="/queries/{q.reference}/edit"' in page
    for reader in (q.requester,):
        assert "/edit" not in text(signed_in(reader).get(f"/queries/{q.reference}"))
    closed = make_query(status="closed", facilitator=staff)
    assert f"/queries/{closed.reference}/edit" not in text(
        signed_in(staff).get(f"/queries/{closed.reference}"))


def test_the_form_is_filled_with_the_current_values(signed_in, make_query, staff):
    q = make_query(country="UG", priority="high", confidentiality="community",
                   themes=("vetting", "courts"))
    response = signed_in(staff).get(f"/queries/{q.reference}/edit")
    assert response.status_code == 200
    page = text(response)
    assert f'value="{q.title}"' in page
    assert '<option selected value="UG">' in page
    assert re.findall(r'<input type="checkbox" name="themes" value="([\w-]+)" checked>', page) \
        == ["courts", "vetting"]  # the taxonomy's order
    checked = {name: value for name, value in re.findall(
        r'<input checked id="[\w-]+" name="(\w+)" type="radio" value="(\w+)"', page)}
    assert checked == {"priority": "high", "confidentiality": "community"}
    assert all(f'name="{name}"' in page for name in ("reason", "csrf_token"))


def test_saving_changes_the_query_and_shows_it_in_the_history(signed_in, make_query, staff):
    q = make_query(confidentiality="restricted")
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/edit", form_of(
        q, title="Vetting recruits in Wau", country="UG", priority="urgent",
        confidentiality="community", reason="Cleared by the mission"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/queries/{q.reference}")
    db.session.refresh(q)
    assert (q.title, q.country, q.priority, q.confidentiality) == (
        "Vetting recruits in Wau", "UG", "urgent", "community")
    page = text(web.get(f"/queries/{q.reference}"))
    assert f"{q.reference} is updated." in page
    assert "edited the query (Title:" in page and "Priority: Normal → Urgent" in page
    assert "Who may read it: Restricted → Community" in page
    assert "Cleared by the mission" in page
    requester_page = text(signed_in(q.requester).get(f"/queries/{q.reference}"))
    assert "Priority: Normal → Urgent" in requester_page
    assert "Cleared by the mission" not in requester_page


@pytest.mark.parametrize("overrides,field", [
    ({"title": ""}, "title"),
    ({"themes": []}, "themes"),
    ({"country": "ZZ"}, "country"),
    ({"priority": "whenever"}, "priority"),
    ({"confidentiality": "community"}, "reason"),
])
def test_refused_input_is_422_with_the_message_beside_the_field(signed_in, make_query, staff,
                                                                 overrides, field):
    q = make_query(confidentiality="restricted")
    response = signed_in(staff).post(f"/queries/{q.reference}/edit", form_of(q, **overrides))
    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page and "There is a problem" in page
    db.session.refresh(q)
    assert q.confidentiality == "restricted" and edited(q) == []


@pytest.mark.parametrize("role", ["requester", "assigned"])
def test_the_requester_and_experts_are_refused_403(signed_in, make_query, make_user, role):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    web = signed_in(q.requester if role == "requester" else expert)
    assert web.get(f"/queries/{q.reference}/edit").status_code == 403
    assert web.post(f"/queries/{q.reference}/edit",
                    form_of(q, title="Hijacked")).status_code == 403
    db.session.refresh(q)
    assert q.title != "Hijacked" and edited(q) == []


def test_someone_who_may_not_see_it_gets_404(signed_in, make_query, make_user):
    q = make_query(confidentiality="restricted")
    web = signed_in(make_user("member"))
    assert web.get(f"/queries/{q.reference}/edit").status_code == 404
    assert web.post(f"/queries/{q.reference}/edit",
                    form_of(q, title="Hijacked")).status_code == 404


@pytest.mark.parametrize("status", ["closed", "published"])
def test_a_closed_or_published_query_is_not_edited(signed_in, make_query, staff, status):
    q = make_query(status=status)
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/edit", form_of(q, title="Too late"))
    assert response.status_code == 302  # back, with the reason flashed
    db.session.refresh(q)
    assert q.title != "Too late"
    assert "it can no longer be edited" in text(web.get(f"/queries/{q.reference}"))


def test_the_page_and_the_history_speak_french(signed_in, make_query, staff):
    q = make_query()
    web = signed_in(staff)
    page = text(web.get(f"/queries/{q.reference}/edit", headers=FRENCH))
    assert "Modifier la requête" in page and "Pourquoi la confidentialité change" in page
    qs.edit_query(staff, q, {"priority": "urgent"})
    db.session.commit()
    page = text(web.get(f"/queries/{q.reference}", headers=FRENCH))
    assert "a modifié la requête (Priorité : Normale → Urgente)" in page
