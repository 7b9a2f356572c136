"""The e-discussions API (issue 21): the contract of each operation, and its refusals."""
from datetime import timedelta

import pytest

from reachback.extensions import db
from tests.api.conftest import error_code
from tests.discussions.conftest import make_people, open_discussion

BODY = {"title": "Community policing after ceasefires", "description": "Framing *text*",
        "questions": ["What worked?", "What failed?"], "starts_on": "2026-11-23",
        "ends_on": "2026-12-28"}


@pytest.fixture
def people(app, make_user, clock):
    return make_people(make_user)


def test_a_facilitator_opens_a_discussion_starting_today_open(api, people):
    made = api.post("/api/v1/discussions", people["facilitator"], json=BODY)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert {k: body[k] for k in ("title", "status", "starts_on", "ends_on", "group")} == {
        "title": BODY["title"], "status": "open", "starts_on": "2026-11-23",
        "ends_on": "2026-12-28", "group": None}
    assert isinstance(body["id"], int)
    later = api.post("/api/v1/discussions", people["facilitator"],
                     json={**BODY, "starts_on": "2026-12-01", "ends_on": None, "group": "wash"})
    assert later.status_code == 201
    assert (later.get_json()["status"], later.get_json()["ends_on"], later.get_json()["group"]) \
        == ("scheduled", "2027-01-05", "wash")


def test_opening_is_refused_to_members_and_bad_dates_are_422(api, people):
    assert api.post("/api/v1/discussions", people["member"], json=BODY).status_code == 403
    assert api.post("/api/v1/discussions", people["group_member"],
                    json={**BODY, "group": "wash"}).status_code == 403
    assert api.post("/api/v1/discussions", people["group_facilitator"],
                    json={**BODY, "group": "wash"}).status_code == 201
    bad = api.post("/api/v1/discussions", people["facilitator"],
                   json={**BODY, "ends_on": "2026-11-01"})
    assert bad.status_code == 422 and "ends_on" in bad.get_json()["error"]["fields"]
    assert api.post("/api/v1/discussions", people["facilitator"],
                    json={**BODY, "group": "nope"}).status_code == 422


def test_the_list_holds_what_the_caller_may_see(api, people):
    community = open_discussion(people["facilitator"])
    group = open_discussion(people["facilitator"], group="wash")
    for role, expected in {"member": {community.id}, "other_group": {community.id},
                           "group_member": {community.id, group.id},
                           "admin": {community.id, group.id}}.items():
        listed = api.get("/api/v1/discussions", people[role]).get_json()
        assert {d["id"] for d in listed["items"]} == expected, role
        assert listed["total"] == len(expected)


def test_posting_replying_and_the_refusals(api, people, clock):
    d = open_discussion(people["facilitator"], group="wash")
    path = f"/api/v1/discussions/{d.id}/posts"
    assert api.post(path, people["other_group"], json={"body": "Hi"}).status_code == 404
    assert api.get(path, people["other_group"]).status_code == 404
    made = api.post(path, people["group_member"], json={"body": "We trained patrols."})
    assert made.status_code == 201
    post_id = made.get_json()["id"]
    reply = api.post(path, people["group_facilitator"], json={"body": "How?",
                                                               "reply_to": post_id})
    assert reply.status_code == 201 and reply.get_json()["reply_to"] == post_id
    bad = api.post(path, people["group_member"], json={"body": "x", "reply_to": 999999})
    assert bad.status_code == 422 and "reply_to" in bad.get_json()["error"]["fields"]
    listed = api.get(path, people["group_member"]).get_json()
    assert [p["id"] for p in listed["items"]] == [post_id, reply.get_json()["id"]]
    clock.advance(timedelta(weeks=6))
    late = api.post(path, people["group_member"], json={"body": "Late"})
    assert late.status_code == 409 and error_code(late) == "conflict"


def test_hidden_posts_show_their_body_to_moderators_only(api, people):
    from reachback.discussions import services as ds
    from reachback.extensions import db

    d = open_discussion(people["facilitator"])
    post = ds.add_post(people["member"], d, {"body": "Spam"})
    ds.hide_post(people["facilitator"], post, "Advertising")
    db.session.commit()
    path = f"/api/v1/discussions/{d.id}/posts"
    seen = api.get(path, people["group_member"]).get_json()["items"][0]
    assert (seen["hidden"], seen["body"], seen["hidden_reason"]) == (True, None, None)
    moderated = api.get(path, people["admin"]).get_json()["items"][0]
    assert (moderated["body"], moderated["hidden_reason"]) == ("Spam", "Advertising")


def test_the_summary_is_published_and_closes_the_discussion(api, people, client):
    d = open_discussion(people["facilitator"])
    api.post(f"/api/v1/discussions/{d.id}/posts", people["member"], json={"body": "A point"})
    summary = {"title": "What we learnt", "summary": "Short", "body": "The product",
               "visibility": "public"}
    path = f"/api/v1/discussions/{d.id}/summary"
    assert api.post(path, people["member"], json=summary).status_code == 403
    made = api.post(path, people["facilitator"], json=summary)
    assert made.status_code == 201
    url = made.get_json()["url"]
    assert url.startswith("/library/") and made.get_json()["kind"] == "discussion"
    assert client.get(url).status_code == 200  # public: anyone reads it
    listed = api.get("/api/v1/discussions", people["member"]).get_json()["items"]
    assert listed[0]["status"] == "closed" and listed[0]["summary_url"] == url
    assert api.post(path, people["facilitator"], json=summary).status_code == 409
    assert api.post(f"/api/v1/discussions/{d.id}/posts", people["member"],
                    json={"body": "After"}).status_code == 409


# Who may do what, one cell each (a fresh discussion per cell): actors in this order, for
# the community's discussion, then for one of the group "wash". A single group check
# removed from permissions.py changes a cell.
ACTORS = ("admin", "facilitator", "member", "group_member", "group_facilitator",
          "other_group", "anonymous")
MATRIX = {
    "open": ("201 201 403 403 403 403 401", "201 201 403 403 201 403 401"),
    "posts": ("200 200 200 200 200 200 401", "200 200 404 200 200 404 401"),
    "post": ("201 201 201 201 201 201 401", "201 201 404 201 201 404 401"),
    "summary": ("201 201 403 403 403 403 401", "201 201 404 403 201 404 401"),
}


def _cell(api, people, action, actor, group):
    user = people.get(actor)
    if action == "open":
        return api.post("/api/v1/discussions", user, json={**BODY, "group": group})
    d = open_discussion(people["facilitator"], group=group)
    path = f"/api/v1/discussions/{d.id}"
    if action == "posts":
        return api.get(f"{path}/posts", user)
    if action == "post":
        return api.post(f"{path}/posts", user, json={"body": "A point"})
    return api.post(f"{path}/summary", user, json={"title": "T", "summary": "S",
                                                   "body": "B", "visibility": "community"})


@pytest.mark.parametrize("action", MATRIX)
def test_the_permission_matrix(api, people, action):
    wrong = []
    for group, row in zip((None, "wash"), MATRIX[action], strict=True):
        for actor, expected in zip(ACTORS, row.split(), strict=True):
            got = _cell(api, people, action, actor, group).status_code
            if got != int(expected):
                wrong.append(f"{action} {group or 'community'} as {actor}: {got}, "
                             f"expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_list_runs_as_many_statements_for_many_discussions_as_for_few(api, people):
    from reachback.accounts.models import User
    from tests.web.test_no_n_plus_one import counting

    token, facilitator = api.token_for(people["group_member"]), people["facilitator"].id

    def statements():
        api.get("/api/v1/discussions", token=token)  # warm-up
        db.session.expunge_all()  # rows loaded earlier must not hide a lazy load
        with counting() as run:
            assert api.get("/api/v1/discussions", token=token).status_code == 200
        return len(run)

    def grow():
        for group in (None, "wash"):
            d = open_discussion(db.session.get(User, facilitator), group=group)
            for question in d.questions:
                question.released_at = d.created_at
        db.session.commit()

    grow()
    few = statements()
    grow()
    grow()
    assert statements() == few
