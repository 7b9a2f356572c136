"""The e-mail mode of a kind nobody chose: members at once for their own queries; staff the
daily digest for the frequent kinds and at once otherwise; staff-only kinds are not
offered to members."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from reachback.errors import Invalid
from reachback.extensions import db
from reachback.notify import jobs
from reachback.notify.models import NotificationPreference, OutboundEmail
from reachback.notify.services import (
    DEFAULT_MODES,
    KINDS,
    get_preferences,
    kinds_for,
    notify,
    set_preferences,
)

STAFF_ONLY = {"query_submitted", "clarification_answered", "contribution_added",
              "assignment_declined", "review_answered", "follow_up"}
STAFF_DIGEST = {"query_submitted", "contribution_added", "clarification_answered",
                "sla_reminder", "sla_warning", "sla_breach"}


def mails(user):
    return db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.user_id == user.id).order_by(OutboundEmail.id)).all()


def test_the_table_covers_every_kind(app):
    assert set(DEFAULT_MODES) == set(KINDS)


def test_a_member_gets_their_own_querys_news_at_once_and_is_not_offered_staff_kinds(
        app, make_user):
    member = make_user("member")
    modes = get_preferences(member)
    assert set(modes) == set(KINDS) - STAFF_ONLY == set(kinds_for(member))
    assert set(modes.values()) == {"immediate"}
    notify([member], "closed", "RB-2026-0001 was closed")
    notify([member], "clarification_requested", "A question about RB-2026-0001")
    db.session.commit()
    assert len(mails(member)) == 2


def test_staff_get_the_frequent_kinds_in_the_digest_and_the_others_at_once(
        app, make_user, clock):
    for role in ("facilitator", "admin"):
        staff = make_user(role)
        modes = get_preferences(staff)
        assert set(modes) == set(KINDS)
        assert {k for k, m in modes.items() if m == "digest"} == STAFF_DIGEST
        assert {m for k, m in modes.items() if k not in STAFF_DIGEST} == {"immediate"}
    staff = make_user("facilitator")
    notify([staff], "query_submitted", "New query RB-2026-0001")
    notify([staff], "assignment_declined", "An expert declined RB-2026-0002")
    db.session.commit()
    [at_once] = mails(staff)
    assert "RB-2026-0002" in at_once.subject
    clock.advance(timedelta(hours=1))
    assert jobs.send_digests() >= 1
    digest = mails(staff)[-1]
    assert digest.dedupe_key.startswith("digest:")
    assert "RB-2026-0001" in digest.text_body and "RB-2026-0002" not in digest.text_body


def test_a_stored_choice_beats_the_default(app, make_user, clock):
    staff, member = make_user("facilitator"), make_user("member")
    set_preferences(staff, staff, {"query_submitted": "immediate"})
    set_preferences(member, member, {"closed": "digest"})
    notify([staff], "query_submitted", "New query RB-2026-0001")
    notify([member], "closed", "RB-2026-0002 was closed")
    db.session.commit()
    assert [m.subject for m in mails(staff)] == ["[Reachback] New query RB-2026-0001"]
    assert mails(member) == []
    clock.advance(timedelta(hours=1))
    assert jobs.send_digests() == 1  # the member's chosen digest; none for the staff
    assert "RB-2026-0002" in mails(member)[0].text_body and len(mails(staff)) == 1


def test_a_member_cannot_choose_a_staff_only_kind(app, make_user):
    member = make_user("member")
    with pytest.raises(Invalid) as refused:
        set_preferences(member, member, {"query_submitted": "off", "closed": "off"})
    assert set(refused.value.fields) == {"query_submitted"}
    assert db.session.scalars(select(NotificationPreference)).all() == []


def test_a_member_posting_a_staff_only_kind_is_ignored(app, make_user, signed_in):
    member = make_user("member")
    response = signed_in(member).post("/profile/notifications",
                                      {"query_submitted": "off", "closed": "off"})
    assert response.status_code == 302
    saved = dict(db.session.execute(select(NotificationPreference.kind,
                                           NotificationPreference.mode)).all())
    assert saved["closed"] == "off" and "query_submitted" not in saved
