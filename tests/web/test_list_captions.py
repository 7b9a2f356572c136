"""Each list's caption says the order its rows really come in: two rows whose order differs
from what the old captions said ("newest first", "the longest waiting first"), the caption,
and the rows in that order."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from reachback.extensions import db
from reachback.queries import services as qs

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def caption_and_refs(response, refs):
    html = response.get_data(as_text=True)
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", html, re.S).group(1).strip()
    return caption, sorted(refs, key=html.index)


@pytest.fixture
def older_urgent_newer_low(clock, make_user, make_query):
    """An urgent query, then an hour later a low-priority one: the older is due first."""
    clock.set(START)
    requester = make_user("member")
    urgent = make_query(requester=requester, priority="urgent", title="Older urgent query")
    clock.advance(timedelta(hours=1))
    low = make_query(requester=requester, priority="low", title="Newer low query")
    assert urgent.resolution_due_at < low.resolution_due_at
    return {"requester": requester, "urgent": urgent, "low": low}


def test_my_queries_come_by_due_time_as_the_caption_says(older_urgent_newer_low, signed_in):
    q = older_urgent_newer_low
    caption, order = caption_and_refs(signed_in(q["requester"]).get("/queries/mine"),
                                      [q["low"].reference, q["urgent"].reference])
    assert caption == ("Queries you asked: open ones by their answer’s due time, the soonest "
                       "first, then the others, newest first")
    assert order == [q["urgent"].reference, q["low"].reference]  # not newest first


def test_the_triage_inbox_comes_soonest_due_first_as_the_caption_says(clock, make_user,
                                                                     make_query, signed_in):
    clock.set(START)
    low = make_query(priority="low", title="Older low query")
    clock.advance(timedelta(hours=1))
    urgent = make_query(priority="urgent", title="Newer urgent query")
    assert urgent.triage_due_at < low.triage_due_at
    caption, order = caption_and_refs(signed_in(make_user("facilitator")).get("/triage"),
                                      [low.reference, urgent.reference])
    assert caption == "New queries, the soonest due first"
    assert order == [urgent.reference, low.reference]  # not the longest waiting first


def test_the_expert_queue_comes_soonest_due_first_as_the_caption_says(clock, make_user,
                                                                     make_query, signed_in):
    clock.set(START)
    staff, expert = make_user("facilitator"), make_user("expert")
    first = make_query(priority="urgent", title="Assigned first, due later")
    second = make_query(priority="low", title="Assigned second, due sooner")
    qs.assign_expert(staff, first, expert, due_at=START + timedelta(days=5))
    qs.assign_expert(staff, second, expert, due_at=START + timedelta(days=2))
    db.session.commit()
    caption, order = caption_and_refs(signed_in(expert).get("/assignments"),
                                      [first.reference, second.reference])
    assert caption == "Your assignments, the soonest due first, then by priority"
    assert order == [second.reference, first.reference]
