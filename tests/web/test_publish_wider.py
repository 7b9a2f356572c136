"""Publishing more openly than the requester chose (a community or restricted query's
response made public) asks for a confirmation on the page, without JavaScript, and the
requester is told; the API publishes as asked and tells them too."""
import pytest
from sqlalchemy import select

from reachback.extensions import db
from reachback.notify.models import Notification, OutboundEmail
from reachback.synthesis import services as ss


def requester_notes(q):
    return list(db.session.scalars(select(Notification.text).where(
        Notification.user_id == q.requester_id, Notification.kind == "response_published")))


@pytest.mark.parametrize("confidentiality", ["community", "restricted"])
def test_public_needs_the_box_ticked_and_the_requester_is_told(
        signed_in, make_user, make_query, confidentiality):
    staff = make_user("facilitator")
    q = make_query(status="synthesis", facilitator=staff, confidentiality=confidentiality)
    web = signed_in(staff)
    form = web.get(f"/queries/{q.reference}/synthesis").get_data(as_text=True)
    assert 'type="checkbox"' in form and 'name="confirm"' in form

    refused = web.post(f"/queries/{q.reference}/publish", {"visibility": "public"})
    assert refused.status_code == 422
    assert "tick the box to publish it for anyone to read" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert q.status == "synthesis" and q.response.status == "draft"
    assert requester_notes(q) == []

    done = web.post(f"/queries/{q.reference}/publish", {"visibility": "public", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert q.status == "published" and q.response.visibility == "public"
    [told] = requester_notes(q)
    assert told.startswith(f"The response to {q.reference} is published for anyone to read")
    assert "you had asked" in told
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.user_id == q.requester_id))
    assert "you had asked" in mail.text_body


def test_the_queries_own_audience_needs_no_confirmation(signed_in, make_user, make_query):
    staff = make_user("facilitator")
    q = make_query(status="synthesis", facilitator=staff, confidentiality="community")
    done = signed_in(staff).post(f"/queries/{q.reference}/publish", {"visibility": "community"})
    assert done.status_code == 302
    assert requester_notes(q) == [f"The response to {q.reference} is published"]


def test_the_service_refuses_it_unconfirmed(app, make_user, make_query):
    from reachback.errors import Invalid

    staff = make_user("facilitator")
    q = make_query(status="synthesis", facilitator=staff, confidentiality="community")
    with pytest.raises(Invalid) as refused:
        ss.publish_response(staff, q, "public", confirmed=False)
    assert "confirm" in refused.value.fields
    assert ss.more_open(q, "public") and not ss.more_open(q, "community")
