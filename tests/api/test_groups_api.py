"""The sub-groups API (issue 21): create (admins), join (201 member, 202 pending), approve,
remove; queries and responses in a group."""
import pytest

from reachback.extensions import db
from reachback.groups import services as gs
from tests.api.conftest import error_code

THEMES = ["police-reform-and-community-policing"]


def _query(group=None, confidentiality="group"):
    body = {"title": "Wells in the dry season", "question": "What worked?", "country": "SS",
            "themes": THEMES, "confidentiality": confidentiality}
    if group is not None:
        body["group"] = group
    return body


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def _create(api, admin, **fields):
    body = {"name": "Water and sanitation", "slug": "wash", "description": "WASH",
            "open": True, **fields}
    return api.post("/api/v1/groups", admin, json=body)


def test_admins_create_groups(api, admin, make_user):
    made = _create(api, admin, max_per_organisation=2)
    assert made.status_code == 201
    body = made.get_json()
    assert (body["slug"], body["open"], body["max_per_organisation"]) == ("wash", True, 2)
    assert _create(api, admin).status_code == 409
    bad = _create(api, admin, slug="Not a slug!")
    assert bad.status_code == 422 and "slug" in bad.get_json()["error"]["fields"]
    assert _create(api, make_user("facilitator"), slug="other").status_code == 403
    assert _create(api, make_user("member"), slug="other2").status_code == 403
    listed = api.get("/api/v1/groups", make_user("member")).get_json()["items"]
    assert [g["slug"] for g in listed] == ["wash"]


def test_join_open_at_once_closed_pending_then_approved(api, admin, make_user):
    _create(api, admin)
    _create(api, admin, slug="closed", open=False)
    member, other = make_user("member"), make_user("member")
    joined = api.post("/api/v1/groups/wash/join", member)
    assert joined.status_code == 201 and joined.get_json()["status"] == "active"
    waiting = api.post("/api/v1/groups/closed/join", member)
    assert waiting.status_code == 202 and waiting.get_json()["status"] == "pending"
    uid = waiting.get_json()["id"]
    assert uid == member.id
    assert api.post(f"/api/v1/groups/closed/members/{uid}/approve", other).status_code == 403
    assert api.post(f"/api/v1/groups/closed/members/{uid}/approve",
                    member).status_code == 403
    approved = api.post(f"/api/v1/groups/closed/members/{uid}/approve", admin)
    assert approved.status_code == 200 and approved.get_json()["status"] == "active"
    assert api.post("/api/v1/groups/nope/join", member).status_code == 404


def test_a_group_facilitator_approves_and_removes(api, admin, make_user):
    _create(api, admin, slug="closed", open=False)
    gfac, member = make_user("member"), make_user("member")
    group = gs.get_group(admin, "closed")
    gs.join_group(gfac, group)
    gs.set_role(admin, group, gfac.id, "facilitator")
    db.session.commit()
    api.post("/api/v1/groups/closed/join", member)
    assert api.post(f"/api/v1/groups/closed/members/{member.id}/approve",
                    gfac).status_code == 200
    assert api.call("DELETE", f"/api/v1/groups/closed/members/{gfac.id}",
                    member).status_code == 403
    assert api.call("DELETE", f"/api/v1/groups/closed/members/{member.id}",
                    gfac).status_code == 200
    assert api.call("DELETE", f"/api/v1/groups/closed/members/{member.id}",
                    gfac).status_code == 404


def test_the_cap_per_organisation_refuses_the_extra_member(api, admin, make_user):
    _create(api, admin, max_per_organisation=2)
    first, second, third = (make_user("member", organisation="Oxfam") for _ in range(3))
    elsewhere = make_user("member", organisation="CARE")
    assert api.post("/api/v1/groups/wash/join", first).status_code == 201
    assert api.post("/api/v1/groups/wash/join", second).status_code == 201
    refused = api.post("/api/v1/groups/wash/join", third)
    assert refused.status_code == 422 and error_code(refused) == "invalid"
    assert "Oxfam" in refused.get_json()["error"]["message"]
    assert api.post("/api/v1/groups/wash/join", elsewhere).status_code == 201
    # A member leaves: the organisation's place is free again.
    assert api.call("DELETE", f"/api/v1/groups/wash/members/{first.id}",
                    first).status_code == 200
    assert api.post("/api/v1/groups/wash/join", third).status_code == 201


def test_the_cap_holds_at_approval(api, admin, make_user):
    _create(api, admin, slug="closed", open=False, max_per_organisation=1)
    first, second = (make_user("member", organisation="Oxfam") for _ in range(2))
    api.post("/api/v1/groups/closed/join", first)
    api.post("/api/v1/groups/closed/join", second)
    assert api.post(f"/api/v1/groups/closed/members/{first.id}/approve",
                    admin).status_code == 200
    assert api.post(f"/api/v1/groups/closed/members/{second.id}/approve",
                    admin).status_code == 422


def test_group_queries_through_the_api(api, admin, make_user):
    _create(api, admin)
    member, outsider, reader = make_user("member"), make_user("member"), make_user("member")
    api.post("/api/v1/groups/wash/join", member)
    api.post("/api/v1/groups/wash/join", reader)
    asked = api.post("/api/v1/queries", member, json=_query("wash"))
    assert asked.status_code == 201
    body = asked.get_json()
    assert (body["group"], body["confidentiality"]) == ("wash", "group")
    ref = body["ref"]
    assert api.get(f"/api/v1/queries/{ref}", reader).status_code == 200
    assert api.get(f"/api/v1/queries/{ref}", outsider).status_code == 404
    listed = api.get("/api/v1/queries", outsider).get_json()["items"]
    assert ref not in [q["ref"] for q in listed]
    assert ref in [q["ref"] for q in api.get("/api/v1/queries", reader).get_json()["items"]]
    # Refusals: not a member, unknown group, group confidentiality without a group.
    for who, sent in ((outsider, _query("wash")), (member, _query("nope")),
                      (member, _query(None))):
        refused = api.post("/api/v1/queries", who, json=sent)
        assert refused.status_code == 422 and "group" in refused.get_json()["error"]["fields"]
    restricted = api.post("/api/v1/queries", member, json=_query("wash", "restricted"))
    assert restricted.get_json()["group"] == "wash"
    assert api.get(f"/api/v1/queries/{restricted.get_json()['ref']}",
                   reader).status_code == 404
    plain = api.post("/api/v1/queries", member, json=_query(None, "restricted")).get_json()
    assert plain["group"] is None


def test_publish_for_the_group(api, admin, make_user, make_query):
    from reachback.queries import services as qs
    from reachback.synthesis import services as ss

    _create(api, admin)
    member, reader, outsider = make_user("member"), make_user("member"), make_user("member")
    fac, expert = make_user("facilitator"), make_user("expert")
    api.post("/api/v1/groups/wash/join", member)
    api.post("/api/v1/groups/wash/join", reader)
    ref = api.post("/api/v1/queries", member, json=_query("wash")).get_json()["ref"]
    plain = make_query(status="synthesis", facilitator=fac)
    query = qs.get_query(fac, ref)
    qs.assign_expert(fac, query, expert)
    qs.add_contribution(expert, query, "Advice.")
    ss.save_draft(fac, query, "Wells", "Short.", "Body.")
    db.session.commit()
    refused = api.post(f"/api/v1/queries/{plain.reference}/publish", fac,
                       json={"visibility": "group"})
    assert refused.status_code == 422 and "visibility" in refused.get_json()["error"]["fields"]
    published = api.post(f"/api/v1/queries/{ref}/publish", fac, json={"visibility": "group"})
    assert published.status_code == 200
    assert (published.get_json()["visibility"], published.get_json()["group"]) == \
        ("group", "wash")
    read = api.get(f"/api/v1/responses/{ref}", reader)
    assert read.status_code == 200 and read.get_json()["group"] == "wash"
    assert api.get(f"/api/v1/responses/{ref}", outsider).status_code == 404
    api.call("DELETE", f"/api/v1/groups/wash/members/{reader.id}", reader)
    assert api.get(f"/api/v1/responses/{ref}", reader).status_code == 404


def test_calendar_events_of_a_group_through_the_api(api, admin, make_user):
    group = gs.create_group(admin, {"name": "WASH", "slug": "wash"})
    member, stranger, fac = make_user("member"), make_user("member"), make_user("facilitator")
    gs.join_group(member, group)
    db.session.commit()
    event = {"title": "WASH exchange", "starts_at": "2026-12-20T14:00:00+00:00",
             "ends_at": "2026-12-20T15:00:00+00:00", "visibility": "group"}
    refused = api.post("/api/v1/calendar", fac, json=event)
    assert refused.status_code == 422 and "group" in refused.get_json()["error"]["fields"]
    stranger_try = api.post("/api/v1/calendar", stranger, json={**event, "group": "wash"})
    assert stranger_try.status_code == 422
    made = api.post("/api/v1/calendar", fac, json={**event, "group": "wash"})
    assert made.status_code == 201
    assert (made.get_json()["group"], made.get_json()["visibility"]) == ("wash", "group")
    period = "/api/v1/calendar?from=2026-12-01&to=2027-01-01"
    for user, seen in ((member, ["WASH exchange"]), (stranger, []), (None, [])):
        listed = api.get(period, user) if user else api.get(period)
        assert [e["title"] for e in listed.get_json()["items"]] == seen


def test_the_list_counts_active_members_and_gives_the_callers_own(api, admin, make_user):
    """Counted set-wise (issue 23): pending members are not counted; `membership` is the
    caller's own only."""
    wash = gs.create_group(admin, {"name": "WASH", "slug": "wash"})
    closed = gs.create_group(admin, {"name": "Closed", "slug": "closed", "open": False})
    gs.create_group(admin, {"name": "Empty", "slug": "empty"})
    caller, other = make_user("member"), make_user("member")
    for person in (caller, other):
        gs.join_group(person, wash)
    gs.join_group(other, closed)  # pending
    db.session.commit()
    listed = {g["slug"]: g for g in api.get("/api/v1/groups", caller).get_json()["items"]}
    assert {slug: g["members"] for slug, g in listed.items()} == {"wash": 2, "closed": 0,
                                                                  "empty": 0}
    assert listed["wash"]["membership"] is not None
    assert listed["closed"]["membership"] is None and listed["empty"]["membership"] is None
