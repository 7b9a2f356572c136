"""/api/v1/newsletters: drafting (201; 403 for a member, 422 for a bad month, 409 for a
month that has one), sending (202 with the recipients; twice 409), the archive and a
newsletter by their readers (anonymous callers: fully public ones only)."""
import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.newsletters import services as svc
from reachback.newsletters.models import Newsletter
from reachback.notify.models import OutboundEmail
from tests.service.test_newsletters import month  # noqa: F401 - the fixture


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def newsletter_mails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.dedupe_key.like("newsletter:%")))


def test_a_facilitator_drafts_a_month(api, month):  # noqa: F811
    response = api.post("/api/v1/newsletters", month["staff"], json={"month": "2026-11"})
    assert response.status_code == 201
    draft = response.get_json()
    assert {"id", "month", "status", "items"} <= set(draft)
    assert (draft["month"], draft["status"]) == ("2026-11", "draft")
    assert response.headers["Location"] == f"/api/v1/newsletters/{draft['id']}"
    assert [(i["kind"], i["title"]) for i in draft["items"]][:2] == [
        ("response", "A public response"), ("response", "A community response")]
    assert "A restricted response" not in str(draft)
    again = api.post("/api/v1/newsletters", month["staff"], json={"month": "2026-11"})
    assert again.status_code == 409 and count(Newsletter) == 1


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "Nov 2026", "", 202611, None])
def test_a_bad_month_is_refused(api, month, value):  # noqa: F811
    response = api.post("/api/v1/newsletters", month["staff"], json={"month": value})
    assert response.status_code == 422
    assert "month" in response.get_json()["error"]["fields"] and count(Newsletter) == 0


def test_members_and_anonymous_callers_cannot_draft_or_send(api, month, make_user):  # noqa: F811
    member = make_user("member")
    assert api.post("/api/v1/newsletters", member, json={"month": "2026-11"}).status_code == 403
    assert api.post("/api/v1/newsletters", json={"month": "2026-11"}).status_code == 401
    draft = svc.draft(month["staff"], "2026-11")
    db.session.commit()
    # A draft is invisible to them; a sent one is visible but not theirs to send.
    assert api.post(f"/api/v1/newsletters/{draft.id}/send", member).status_code == 404
    assert api.get(f"/api/v1/newsletters/{draft.id}", member).status_code == 404
    svc.send(month["staff"], draft)
    db.session.commit()
    assert api.post(f"/api/v1/newsletters/{draft.id}/send", member).status_code == 403
    assert count(Newsletter) == 1


def test_sending_answers_202_with_the_recipients_and_twice_409(api, month, make_user):  # noqa: F811
    for _ in range(2):
        make_user("member")
    draft = api.post("/api/v1/newsletters", month["staff"],
                     json={"month": "2026-11"}).get_json()
    response = api.post(f"/api/v1/newsletters/{draft['id']}/send", month["staff"])
    assert response.status_code == 202
    answer = response.get_json()
    queued = newsletter_mails()
    assert answer["status"] == "sending" and answer["recipients"] == queued > 2
    again = api.post(f"/api/v1/newsletters/{draft['id']}/send", month["staff"])
    assert again.status_code == 409 and newsletter_mails() == queued


def test_the_archive_by_its_readers(api, month, make_user):  # noqa: F811
    staff, member = month["staff"], make_user("member")
    november = svc.send(staff, svc.draft(staff, "2026-11"))
    october = svc.draft(staff, "2026-10")
    svc.edit(staff, october, {"items": {i.id: {"included": i.kind == "event"}
                                        for i in october.items}})
    svc.send(staff, october)
    svc.draft(staff, "2026-09")
    db.session.commit()
    anonymous = api.get("/api/v1/newsletters").get_json()["items"]
    assert [n["month"] for n in anonymous] == ["2026-10"]
    # Its items left out (community ones among them) are not shown to readers.
    assert all(i["visibility"] == "public" and i["included"] for i in anonymous[0]["items"])
    assert anonymous[0]["url"] == f"/newsletters/{october.id}"
    listed = api.get("/api/v1/newsletters", member).get_json()["items"]
    assert [n["month"] for n in listed] == ["2026-11", "2026-10"]
    assert api.get(f"/api/v1/newsletters/{november.id}").status_code == 404
    one = api.get(f"/api/v1/newsletters/{november.id}", member)
    assert one.status_code == 200 and one.get_json()["status"] == "sending"
    edited = api.get(f"/api/v1/newsletters/{october.id}", staff).get_json()
    assert len(edited["items"]) > len(anonymous[0]["items"])  # the editors see them all
