"""Duplicate candidates are computed once per change (the index's outbox), stored, and read by
the query's page without searching; each reader sees only the candidates they may read."""
import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.models import DuplicateCandidate, QueryDuplicates
from reachback.queries import services as qs
from reachback.synthesis import lifecycle
from reachback.synthesis import services as ss

VETTING = "Vetting police recruits before deployment"


@pytest.fixture
def fac(make_user):
    yield make_user("facilitator")
    svc.get_index().close()


def refs(items):
    return [item.ref for item in items]


def searched(user, query):
    """The open queries a search from the query's text finds now (the page's old way)."""
    return refs(svc.similar(user, f"{query.title}\n\n{query.question}", "query",
                            exclude_keys=[f"query:{query.reference}"]))


def no_search(monkeypatch):
    """From here on, any search through the index fails the test."""
    def refuse(*_args, **_kw):
        raise AssertionError("the page searched")
    monkeypatch.setattr(type(svc.get_index()), "similar", refuse)
    monkeypatch.setattr(type(svc.get_index()), "search", refuse)


def test_candidates_appear_once_the_outbox_ran_and_are_read_without_searching(
        app, make_query, fac, monkeypatch):
    first = make_query(title=VETTING)
    second = make_query(title="Vetting police recruits again")
    assert svc.duplicate_candidates(fac, second).pending  # not computed yet: said so
    svc.apply_outbox()
    no_search(monkeypatch)
    with app.test_request_context():
        found = svc.duplicate_candidates(fac, second)
    assert refs(found.queries) == [first.reference] and not found.pending
    assert found.queries[0].url == f"/queries/{first.reference}"
    assert svc.duplicate_candidates(fac, first).queries[0].ref == second.reference


def test_a_query_without_candidates_is_computed_not_pending(make_query, fac):
    query = make_query(title="Sourdough bread recipes for the staff canteen")
    svc.apply_outbox()
    found = svc.duplicate_candidates(fac, query)
    assert found.queries == [] and found.responses == [] and not found.pending
    assert db.session.get(QueryDuplicates, query.id) is not None


def test_candidates_follow_an_edit_of_the_query(make_query, fac):
    vetting = make_query(title=VETTING)
    mines = make_query(title="Mine clearance of farmland by village deminers")
    query = make_query(title="Landmine clearance by local deminers in farmland")
    svc.apply_outbox()
    assert refs(svc.duplicate_candidates(fac, query).queries) == [mines.reference]
    qs.edit_query(fac, query, {"title": "Vetting police recruits for deployment"})
    db.session.commit()
    svc.apply_outbox()
    assert refs(svc.duplicate_candidates(fac, query).queries) == [vetting.reference]
    # ... and the other queries' lists follow it too (it is near them, or they listed it):
    # each stored list is what a search from that query finds now.
    for q in (vetting, mines, query):
        assert refs(svc.duplicate_candidates(fac, q).queries) == searched(fac, q)
    assert query.reference in refs(svc.duplicate_candidates(fac, vetting).queries)


def test_a_new_publication_is_offered_to_the_open_queries_it_is_similar_to(make_query, fac):
    query = make_query(title=VETTING)
    svc.apply_outbox()
    assert svc.duplicate_candidates(fac, query).responses == []
    answered = make_query(status="synthesis", facilitator=fac,
                          title="Vetting police recruits before their deployment")
    svc.apply_outbox()
    assert svc.duplicate_candidates(fac, query).responses == []  # a draft is not offered
    ss.save_draft(fac, answered, answered.title, "Vet police recruits before deployment.",
                  "Body.")
    ss.publish_response(fac, answered, "community")
    db.session.commit()
    svc.apply_outbox()
    assert refs(svc.duplicate_candidates(fac, query).responses) == [answered.reference]
    # A retracted response is never offered (read-time filter, then computed again).
    lifecycle.retract(fac, answered.reference, "Wrong advice.")
    db.session.commit()
    assert svc.duplicate_candidates(fac, query).responses == []
    svc.apply_outbox()
    assert svc.duplicate_candidates(fac, query).responses == []


def test_a_closed_query_is_not_offered_and_loses_its_candidates(make_query, fac):
    first = make_query(title=VETTING)
    second = make_query(title="Vetting police recruits again")
    svc.apply_outbox()
    qs.close_query(fac, first, "out_of_scope")
    db.session.commit()
    # Before the outbox runs, the stored candidate is filtered out when read ...
    assert svc.duplicate_candidates(fac, second).queries == []
    svc.apply_outbox()
    # ... and once it ran, the closed query's own candidates are gone.
    assert db.session.get(QueryDuplicates, first.id) is None
    assert db.session.scalar(select(func.count()).select_from(DuplicateCandidate)
                             .where(DuplicateCandidate.query_id == first.id)) == 0


def test_only_who_may_triage_sees_candidates(make_query, make_user, fac):
    first = make_query(title=VETTING)
    second = make_query(title="Vetting police recruits again")
    svc.apply_outbox()
    for reader in (second.requester, first.requester, make_user("expert"), make_user("member")):
        found = svc.duplicate_candidates(reader, second)
        assert found.queries == [] and found.responses == [] and not found.pending


def test_a_restricted_candidate_is_shown_only_to_a_reader_who_may_read_it(
        make_query, fac, monkeypatch):
    """The stored list holds what a facilitator may read; the reader's own rows rule filters
    it (here, a reader for whom the response source's rule refuses the response)."""
    answered = make_query(status="published", facilitator=fac, title=VETTING,
                          visibility="restricted")
    query = make_query(title="Vetting police recruits again")
    svc.apply_outbox()
    assert refs(svc.duplicate_candidates(fac, query).responses) == [answered.reference]
    source = svc.sources()["response"]
    monkeypatch.setitem(svc._sources, "response", source.__class__(
        **{**source.__dict__, "rows": lambda user, refs: {}}))
    assert svc.duplicate_candidates(fac, query).responses == []


def test_a_rebuild_marks_every_stored_list_stale_and_the_job_computes_them_again(
        make_query, fac):
    first = make_query(title=VETTING)
    second = make_query(title="Vetting police recruits again")
    svc.apply_outbox()
    svc.rebuild()
    assert db.session.scalars(select(QueryDuplicates.stale)).all() == [True, True]
    assert refs(svc.duplicate_candidates(fac, second).queries) == [first.reference]  # shown
    assert svc.refresh_duplicates() == 2
    assert db.session.scalars(select(QueryDuplicates.stale)).all() == [False, False]
