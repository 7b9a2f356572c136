"""A response's standing in search, kept current through the index outbox, on the backend the
suite runs on (whoosh; PostgreSQL's with REACHBACK_TEST_DATABASE_URL): a superseded response
is still found but ranks below the response that replaced it (and below any equal match, in
"similar answers" too); a retracted one leaves search; readers' "useful" votes raise a
response a little, never above a clearly better match."""
import pytest
from sqlalchemy import select

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.models import SearchOutbox
from reachback.synthesis import feedback, lifecycle
from reachback.synthesis import services as ss

TEXT = "Monitors reported violations of the ceasefire in two districts every week."


@pytest.fixture
def staff(make_user):
    return make_user("facilitator")


@pytest.fixture
def reader(make_user):
    return make_user("member")


def refs(items):
    return [item.ref for item in items]


def keys_queued():
    return set(db.session.scalars(select(SearchOutbox.key)))


@pytest.fixture
def publish(make_query, staff):
    def make(title="Ceasefire monitoring by local committees", body=TEXT):
        q = make_query(status="synthesis", facilitator=staff, title=title)
        ss.save_draft(staff, q, title, body, body)
        ss.publish_response(staff, q, "community")
        db.session.commit()
        return q
    yield make
    svc.get_index().close()


def test_a_superseded_response_sinks_below_the_one_replacing_it(publish, staff, reader):
    publish(), publish()
    svc.apply_outbox()
    # Equal matches: the older is first as things stand (the newer was indexed second).
    before = refs(svc.search(reader, "ceasefire monitoring").items)
    first, second = before
    lifecycle.supersede(staff, first, second)
    db.session.commit()
    assert f"response:{first}" in keys_queued()
    svc.apply_outbox()
    found = svc.search(reader, "ceasefire monitoring")
    assert refs(found.items) == [second, first] and found.total == 2
    assert found.items[1].superseded_by == second
    similar = svc.similar(reader, f"Ceasefire monitoring by local committees\n\n{TEXT}")
    assert refs(similar)[0] == second


def test_a_retracted_response_leaves_search(publish, staff, reader):
    gone, kept = publish(), publish()
    svc.apply_outbox()
    lifecycle.retract(staff, gone.reference, "Wrong figures.")
    db.session.commit()
    svc.apply_outbox()
    assert refs(svc.search(reader, "ceasefire monitoring").items) == [kept.reference]


def test_feedback_refreshes_the_index_and_useful_responses_rise_a_little(publish, make_user,
                                                                      reader):
    a, b = publish(), publish()
    better = publish(title="Ceasefire monitoring committees in the districts",
                     body=TEXT + " Ceasefire monitoring committees met weekly.")
    svc.apply_outbox()
    before = refs(svc.search(reader, "ceasefire monitoring committees").items)
    assert before[0] == better.reference
    ahead, behind = [ref for ref in before if ref in (a.reference, b.reference)]
    liked = a if a.reference == behind else b  # the one of two equal matches ranked second
    for _ in range(3):
        feedback.give_feedback(make_user("member"), liked.response, True)
    db.session.commit()
    assert f"response:{liked.reference}" in keys_queued()
    svc.apply_outbox()
    after = refs(svc.search(reader, "ceasefire monitoring committees").items)
    assert after[0] == better.reference  # not above a clearly better match
    assert after.index(behind) < after.index(ahead)


def test_not_useful_votes_cancel_useful_ones(publish, make_user, reader):
    a, b = publish(), publish()
    svc.apply_outbox()
    order = refs(svc.search(reader, "ceasefire monitoring").items)
    second = a if order[1] == a.reference else b
    feedback.give_feedback(make_user("member"), second.response, True)
    feedback.give_feedback(make_user("member"), second.response, False)
    db.session.commit()
    svc.apply_outbox()
    assert refs(svc.search(reader, "ceasefire monitoring").items) == order
