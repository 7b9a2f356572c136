"""Search relevance: the corpus of tests/data/relevance.py, indexed as published responses
through the real pipeline (database -> index documents -> whoosh), must rank what each search
should find near the top: mean reciprocal rank at least 0.8 (printed; see `make relevance`)."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reachback.accounts.models import Theme
from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.queries.models import FieldQuery
from reachback.synthesis.models import ConsolidatedResponse
from tests.data.relevance import DOCUMENTS, SEARCHES

MIN_MRR = 0.8
DEPTH = 10


@pytest.fixture
def corpus(app, make_user):
    """The corpus as community responses of one requester; {query reference: document id}."""
    requester, reader = make_user("member"), make_user("member")
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    refs = {}
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n, doc in enumerate(DOCUMENTS, start=1):
        when = start + timedelta(days=11 * n)
        q = FieldQuery(reference=f"RB-2024-{n:04d}", title=doc["title"],
                       question=f"What is known about: {doc['title'].lower()}?",
                       requester_id=requester.id, country=doc["country"],
                       confidentiality="community", status="published", created_at=when,
                       updated_at=when)
        q.themes = [themes[slug] for slug in doc["themes"]]
        db.session.add(q)
        db.session.add(ConsolidatedResponse(
            query=q, title=doc["title"], summary=doc["summary"], body=doc["body"],
            visibility="community", status="published", revision=1, published_at=when))
        refs[q.reference] = doc["id"]
    db.session.commit()
    svc.rebuild()
    return {"refs": refs, "reader": reader}


def test_the_relevance_set_is_big_enough_to_mean_something():
    assert len(DOCUMENTS) >= 30 and len(SEARCHES) >= 20
    ids = {d["id"] for d in DOCUMENTS}
    assert len(ids) == len(DOCUMENTS)
    assert all(set(expected) <= ids for _, expected in SEARCHES)


def test_searches_find_what_they_should_with_a_mean_reciprocal_rank_of_at_least_0_8(corpus):
    ranks = []
    for text, expected in SEARCHES:
        result = svc.search(corpus["reader"], text, per_page=DEPTH)
        found = [corpus["refs"][item.ref] for item in result.items]
        rank = next((i for i, doc_id in enumerate(found, start=1) if doc_id in expected), None)
        ranks.append(rank)
        print(f"  {('#' + str(rank)) if rank else 'miss':>5}  {text!r} -> {found[:3]}")
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    print(f"Mean reciprocal rank over {len(SEARCHES)} searches and {len(DOCUMENTS)} "
          f"documents: {mrr:.3f} (at least {MIN_MRR} required)")
    assert mrr >= MIN_MRR
