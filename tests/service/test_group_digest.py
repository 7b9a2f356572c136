"""A group's own weekly e-mail digest (issue 21): each active member who has not opted out
gets the group's new items they may read since the last digest; nothing when nothing is
new; once a week whatever runs; the one-click unsubscribe of `group-<slug>` stops it."""
import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from reachback.community import services as cs
from reachback.extensions import db
from reachback.groups import services as gs
from reachback.groups.digest import send_group_digests
from reachback.groups.models import GroupMembership
from reachback.knowledge import library
from reachback.notify.models import OutboundEmail
from reachback.queries import services as qs


def _mails() -> dict[str, OutboundEmail]:
    rows = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key.like("group-digest:%")).order_by(OutboundEmail.id))
    return {m.recipient: m for m in rows}


def _ask(user, title, confidentiality):
    return qs.submit_query(user, {"title": title, "question": "What worked?", "country": "SS",
                                  "themes": ["vetting"], "confidentiality": confidentiality,
                                  "group": "wash"})


def _paper(fac, title, group="wash"):
    return library.add_document(fac, {"title": title, "kind": "guidance", "date": "2026-11-01",
                                      "visibility": "group", "group": group},
                                FileStorage(io.BytesIO(b"text"), "t.txt"))


@pytest.fixture
def wash(clock, make_user):
    admin, fac = make_user("admin"), make_user("facilitator")
    people = {name: make_user("member") for name in
              ("member", "asker", "group_facilitator", "opted_out", "outsider")}
    group = gs.create_group(admin, {"name": "WASH", "slug": "wash"})
    closed = gs.create_group(admin, {"name": "Closed", "slug": "closed", "open": False})
    for name in ("member", "asker", "group_facilitator", "opted_out"):
        gs.join_group(people[name], group)
    gs.set_role(admin, group, people["group_facilitator"].id, "facilitator")
    gs.join_group(people["outsider"], closed)  # pending elsewhere: nothing of "wash"
    db.session.execute(GroupMembership.__table__.update()
                       .where(GroupMembership.user_id == people["opted_out"].id)
                       .values(digest=False))
    db.session.commit()
    people["facilitator"] = fac
    return group, people


def test_members_get_the_new_items_they_may_read_once_a_week(clock, wash):
    group, people = wash
    clock.advance(timedelta(days=1))
    _ask(people["asker"], "Pumps for the group", "group")
    _ask(people["asker"], "Pumps kept restricted", "restricted")
    _paper(people["facilitator"], "Latrine siting")
    start = clock.now + timedelta(days=2)
    cs.submit_event(people["facilitator"], {
        "title": "WASH exchange", "starts_at": start, "ends_at": start + timedelta(hours=1),
        "visibility": "group", "group": "wash"})
    db.session.commit()
    clock.advance(timedelta(hours=1))
    assert send_group_digests() == 3  # member, asker, group facilitator
    mails = _mails()
    member = mails[people["member"].email]
    for word in ("Pumps for the group", "Latrine siting", "WASH exchange", "/groups/wash"):
        assert word in member.text_body and word in member.html_body, word
    assert "Pumps kept restricted" not in member.text_body
    assert "Pumps kept restricted" in mails[people["group_facilitator"].email].text_body
    assert "Pumps kept restricted" in mails[people["asker"].email].text_body
    assert people["opted_out"].email not in mails and people["outsider"].email not in mails
    assert people["facilitator"].email not in mails  # staff, not a member
    assert member.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert member.headers["Precedence"] == "bulk" and "WASH" in member.subject
    assert group.digest_sent_at == clock.now

    # Idempotent: again now, or later in the week, sends nothing.
    assert send_group_digests() == 0
    clock.advance(timedelta(days=3))
    _paper(people["facilitator"], "Handwashing stations")
    db.session.commit()
    assert send_group_digests() == 0
    # A week after the last one: what is new since, only.
    clock.advance(timedelta(days=4))
    assert send_group_digests() == 3
    again = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.recipient == people["member"].email,
        OutboundEmail.dedupe_key.like("group-digest:%")).order_by(OutboundEmail.id)).all()
    assert len(again) == 2
    assert "Handwashing stations" in again[1].text_body
    assert "Latrine siting" not in again[1].text_body


def test_nothing_new_sends_nothing_and_keeps_the_last_date(clock, wash):
    group, _people = wash
    clock.advance(timedelta(days=8))
    assert send_group_digests() == 0 and _mails() == {}
    assert group.digest_sent_at is None


def test_a_member_who_left_gets_nothing(clock, wash):
    group, people = wash
    gs.remove_member(people["member"], group, people["member"].id)
    clock.advance(timedelta(days=1))
    _paper(people["facilitator"], "Latrine siting")
    db.session.commit()
    assert send_group_digests() == 2
    assert people["member"].email not in _mails()


def test_the_one_click_unsubscribe_stops_the_group_digest(clock, wash, client):
    group, people = wash
    clock.advance(timedelta(days=1))
    _paper(people["facilitator"], "Latrine siting")
    db.session.commit()
    send_group_digests()
    link = _mails()[people["member"].email].headers["List-Unsubscribe"].strip("<>")
    path = urlsplit(link).path
    assert client.get(path).status_code == 200  # a GET only asks
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "weekly digest of this group" in response.text
    db.session.expire_all()
    mine = gs.membership_of(group, people["member"].id)
    assert mine.digest is False and mine.active  # still a member
    others = db.session.scalars(select(GroupMembership.digest).where(
        GroupMembership.user_id != people["member"].id,
        GroupMembership.user_id != people["opted_out"].id)).all()
    assert all(others)
    clock.advance(timedelta(days=8))
    _paper(people["facilitator"], "Handwashing stations")
    db.session.commit()
    before = db.session.scalar(select(OutboundEmail.id).where(
        OutboundEmail.recipient == people["member"].email).order_by(OutboundEmail.id.desc()))
    assert send_group_digests() == 2
    assert db.session.scalar(select(OutboundEmail.id).where(
        OutboundEmail.recipient == people["member"].email)
        .order_by(OutboundEmail.id.desc())) == before
