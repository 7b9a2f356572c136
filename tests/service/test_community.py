"""The calendar's and the blackboard's rules (reachback/community/services.py): who
publishes and who proposes, what each reader sees, what is refused, when a notice leaves
the board."""
from datetime import UTC, date, datetime, timedelta

import pytest

from reachback import permissions as perm
from reachback.community import services as svc
from reachback.community.models import CommunityEvent, Notice
from reachback.errors import Conflict, Forbidden, Invalid, NotFound
from reachback.extensions import db

THEME = "vetting"


def event_data(**changes):
    data = {"title": "Peer exchange on vetting", "description": "**Bring** your cases.",
            "starts_at": "2026-12-03T14:00:00+01:00", "ends_at": "2026-12-03T16:00:00+01:00",
            "timezone": "Europe/Paris", "location": "Geneva",
            "online_url": "https://meet.example.org/vetting", "visibility": "community",
            "themes": [THEME]}
    data.update(changes)
    return data


def notice_data(**changes):
    data = {"kind": "vacancy", "title": "Rule of law adviser, Juba",
            "body": "Apply by *Friday*.", "expires_on": "2026-12-10"}
    data.update(changes)
    return data


@pytest.fixture
def people(app, clock, make_user):
    return {"member": make_user("member"), "facilitator": make_user("facilitator"),
            "other": make_user("member")}


def add_event(user, **changes):
    event = svc.submit_event(user, event_data(**changes))
    db.session.commit()
    return event


def test_a_facilitators_event_is_published_with_its_times_in_utc(people):
    event = add_event(people["facilitator"])
    assert event.status == "published" and event.approved_by_id == people["facilitator"].id
    assert event.starts_at == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert event.timezone == "Europe/Paris" and [t.slug for t in event.themes] == [THEME]
    assert "<strong>Bring</strong>" in event.html("description")


def test_a_naive_time_is_read_in_the_events_zone(people):
    event = add_event(people["facilitator"], starts_at="2026-12-03T09:00",
                      ends_at="2026-12-03T10:30", timezone="Africa/Juba")
    assert event.starts_at == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)


def test_the_description_is_sanitised(people):
    event = add_event(people["facilitator"],
                      description="<script>alert(1)</script>[x](javascript:alert(1))")
    html = str(event.html("description"))
    assert "<script" not in html and "javascript:" not in html


def test_a_members_event_is_a_proposal_listed_only_once_approved(people):
    member, fac, other = people["member"], people["facilitator"], people["other"]
    event = add_event(member, visibility="public")
    assert event.status == "proposed"
    for reader in (member, other, fac, None):
        assert event not in svc.upcoming_events(reader)
        assert event not in svc.events_between(reader, None, None)
    # Its page: the member who proposed it and facilitators; nobody else.
    assert svc.get_event(member, event.id) is event and svc.get_event(fac, event.id) is event
    for reader in (other, None):
        with pytest.raises(NotFound):
            svc.get_event(reader, event.id)
    assert svc.pending_events(fac) == [event]
    with pytest.raises(Forbidden):
        svc.approve_event(member, event)
    svc.approve_event(fac, event)
    db.session.commit()
    assert event.status == "published" and event in svc.upcoming_events(None)
    with pytest.raises(Conflict):
        svc.approve_event(fac, event)


def test_a_proposal_turned_down_is_gone_and_a_cancelled_event_is_marked(people):
    fac = people["facilitator"]
    proposal, published = add_event(people["member"]), add_event(fac)
    with pytest.raises(Forbidden):
        svc.cancel_event(people["member"], published)
    svc.cancel_event(fac, proposal)
    svc.cancel_event(fac, published)
    db.session.commit()
    assert db.session.get(CommunityEvent, proposal.id) is None
    assert published.status == "cancelled" and published in svc.upcoming_events(fac)
    assert b"STATUS:CANCELLED" in svc.ical([published], "x")


def test_anonymous_readers_see_public_events_only(people):
    fac = people["facilitator"]
    public, community = add_event(fac, visibility="public"), add_event(fac)
    assert svc.upcoming_events(None) == [public]
    assert set(svc.upcoming_events(people["other"])) == {public, community}
    with pytest.raises(NotFound):
        svc.get_event(None, community.id)
    assert perm.can_see_event(None, public) and not perm.can_see_event(None, community)


def test_the_list_filter_and_the_object_check_agree(people):
    """visible_events lists exactly the events can_see_event allows, proposals aside (seen
    by their member and facilitators on their page, listed nowhere)."""
    fac, member = people["facilitator"], people["member"]
    events = []
    for visibility in ("public", "community"):
        events += [add_event(fac, visibility=visibility), add_event(member,
                                                                  visibility=visibility)]
        cancelled = add_event(fac, visibility=visibility)
        svc.cancel_event(fac, cancelled)
        events.append(cancelled)
    db.session.commit()
    for reader in (None, member, people["other"], fac):
        listed = set(db.session.scalars(db.select(CommunityEvent).where(
            perm.visible_events(reader))))
        seen = {e for e in events if perm.can_see_event(reader, e)}
        assert listed == {e for e in seen if e.status != "proposed"}, reader


def test_upcoming_and_past_are_split_by_the_clock(people, clock):
    fac = people["facilitator"]
    past = add_event(fac, starts_at="2026-11-02T10:00:00+00:00",
                     ends_at="2026-11-02T11:00:00+00:00")
    coming = add_event(fac)
    later = add_event(fac, starts_at="2027-01-05T10:00:00+00:00",
                      ends_at="2027-01-05T11:00:00+00:00")
    assert svc.upcoming_events(fac) == [coming, later]
    assert svc.past_events(fac, 1, 10).items == [past]
    months = svc.by_month(svc.upcoming_events(fac))
    assert [m for m, _ in months] == [date(2026, 12, 1), date(2027, 1, 1)]
    clock.set(datetime(2026, 12, 4, tzinfo=UTC))
    assert svc.upcoming_events(fac) == [later]


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2026-12-03T13:00:00+01:00"}, "ends_at"),
    ({"ends_at": "2026-12-03T14:00:00+01:00"}, "ends_at"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"online_url": "ftp://example.org/x"}, "online_url"),
    ({"online_url": "https://"}, "online_url"),
    ({"themes": ["no-such-theme"]}, "themes"),
    ({"title": "  "}, "title"),
    ({"visibility": "restricted"}, "visibility"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"starts_at": "next Tuesday"}, "starts_at"),
    ({"starts_at": None}, "starts_at"),
    ({"title": "x" * 201}, "title"),
    ({"themes": 5}, "themes"),
])
def test_bad_events_are_refused_and_nothing_is_written(people, changes, field):
    assert_refused(svc.submit_event, people["facilitator"], event_data(**changes), field,
                   CommunityEvent)


def assert_refused(submit, user, data, field, model):
    """`submit(user, data)` refuses `field` and leaves no row of `model`."""
    with pytest.raises(Invalid) as refused:
        submit(user, data)
    assert field in refused.value.fields
    db.session.rollback()
    assert db.session.query(model).count() == 0


def test_anonymous_callers_cannot_propose(people):
    with pytest.raises(Forbidden):
        svc.submit_event(None, event_data())


def test_the_personal_feed_token_names_its_member_and_nothing_else(people):
    member = people["member"]
    token = svc.feed_token(member)
    assert svc.feed_user(token) is member
    for wrong in (token[:-2] + "xx", "nonsense", svc.feed_token(people["other"]) + "x", ""):
        with pytest.raises(NotFound):
            svc.feed_user(wrong)
    member.active = False
    with pytest.raises(NotFound):
        svc.feed_user(token)


def test_the_ical_file_carries_each_event_in_utc(people):
    event = add_event(people["facilitator"])
    text = svc.ical([event], "Reachback").decode()
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" in text
    assert "DTSTART:20261203T130000Z" in text and "DTEND:20261203T150000Z" in text
    assert "SUMMARY:Peer exchange on vetting" in text and "LOCATION:Geneva" in text


# --- the blackboard -------------------------------------------------------------------

def test_a_facilitators_notice_is_on_the_board_and_a_members_waits(people):
    fac, member = people["facilitator"], people["member"]
    posted = svc.submit_notice(fac, notice_data())
    proposed = svc.submit_notice(member, notice_data(title="Training in Nairobi",
                                                     kind="training"))
    db.session.commit()
    assert posted.status == "published" and proposed.status == "proposed"
    assert svc.board(member) == [posted] and svc.board(fac) == [posted]
    assert svc.pending_notices(fac) == [proposed]
    with pytest.raises(Forbidden):
        svc.pending_notices(member)
    with pytest.raises(Forbidden):
        svc.approve_notice(member, proposed)
    svc.approve_notice(fac, proposed)
    db.session.commit()
    assert set(svc.board(people["other"])) == {posted, proposed}


def test_anonymous_readers_see_no_notice(people):
    notice = svc.submit_notice(people["facilitator"], notice_data())
    db.session.commit()
    assert svc.board(None) == []
    with pytest.raises(NotFound):
        svc.get_notice(None, notice.id)


def test_an_expired_notice_leaves_the_board_by_the_clocks_date(people, clock):
    fac = people["facilitator"]
    notice = svc.submit_notice(fac, notice_data(expires_on="2026-11-25"))
    db.session.commit()
    clock.set(datetime(2026, 11, 25, 23, 0, tzinfo=UTC))
    assert svc.board(fac) == [notice]  # its last day
    clock.advance(timedelta(hours=2))
    assert svc.board(fac) == []
    with pytest.raises(NotFound):
        svc.get_notice(people["member"], notice.id)


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "gossip"}, "kind"), ({"title": ""}, "title"),
    ({"expires_on": "2026-11-22"}, "expires_on"), ({"expires_on": "soon"}, "expires_on"),
    ({"expires_on": "2028-01-01"}, "expires_on"),
])
def test_bad_notices_are_refused(people, changes, field):
    assert_refused(svc.submit_notice, people["facilitator"], notice_data(**changes), field,
                   Notice)
