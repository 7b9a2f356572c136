"""The whoosh index's own scoring of OR-ed words (index._disjunction_scores) gives every
document the score whoosh's matchers give it, over several segments with deletions."""

from __future__ import annotations

import random

import pytest

from reachback.knowledge import index as whoosh_index
from reachback.knowledge.index import SearchIndex
from tests.unit.test_search_index import make_doc

WORDS = ("ceasefire police vetting recruits elections courts land radio youth border "
         "mediation militia returns survey budget").split()
QUERIES = [
    "police",  # one word: an OR of the six fields
    "police vetting recruits",
    "ceasefire OR mediation",
    "elections NOT courts",
    "land (radio OR youth)",
    "absentword police",
    "absentword",
]


def _text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    """~600 documents in several segments: one rebuilt, three committed after it, some
    documents replaced or deleted (so segments carry deletions)."""
    rng = random.Random(3)
    docs = [make_doc(f"response:{i}", _text(rng, 4), _text(rng, rng.randint(5, 120)),
                     summary=_text(rng, 10), extra=_text(rng, 3),
                     principals=("community",) if i % 3 else ("role:facilitator",))
            for i in range(400)]
    index = SearchIndex(tmp_path_factory.mktemp("scoring") / "index")
    index.rebuild(docs)
    for batch in range(3):
        fresh = [make_doc(f"response:{400 + batch * 70 + i}", _text(rng, 3),
                          _text(rng, rng.randint(5, 60))) for i in range(70)]
        edited = [make_doc(f"response:{i}", "police", _text(rng, 30))
                  for i in range(batch * 50, batch * 50 + 20)]
        index.apply(fresh + edited, [f"response:{i}" for i in range(300 + batch * 10,
                                                                    305 + batch * 10)])
    yield index
    index.close()


def _query(idx, searcher, text):
    q, _message = idx._parse(text)
    return whoosh_index._preloaded(whoosh_index._tune(q, searcher.reader()))


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("principals", [["community"], ["community", "role:facilitator"]])
def test_scores_are_whooshs(idx, text, principals):
    with idx._session() as session:
        searcher = session.searcher
        assert not searcher.is_atomic()  # the fixture made several segments
        allow = session.allowed(principals)
        q = _query(idx, searcher, text)
        expected = {hit.docnum: hit.score
                    for hit in searcher.search(q, limit=None, filter=allow)}
        scores = whoosh_index._disjunction_scores(searcher, q)
        assert scores is not None
        got = {d: s for d, s in scores.items() if d in allow}
        assert got.keys() == expected.keys()
        for docnum, score in expected.items():
            assert got[docnum] == pytest.approx(score, rel=1e-9)
        if text != "absentword":
            assert len(expected) > 20


@pytest.mark.parametrize("text", QUERIES[:5])
def test_pages_rank_as_whoosh_does(idx, text):
    with idx._session() as session:
        searcher = session.searcher
        allow = session.allowed(["community", "role:facilitator"])
        q = _query(idx, searcher, text)
        results = searcher.search(q, limit=None, filter=allow)
        matched, ranked = whoosh_index._ranked(searcher, q, allow, False, 30)
        assert matched == set(results.docs())
        assert [d for d, _ in ranked] == [hit.docnum for hit in results[:30]]
        _, newest = whoosh_index._ranked(searcher, q, allow, True, 30)
        by_date = searcher.search(q, limit=30, filter=allow,
                                  sortedby=whoosh_index._NEWEST_FIRST)
        assert [d for d, _ in newest] == [hit.docnum for hit in by_date]


def test_deleted_documents_are_never_matched(idx):
    with idx._session() as session:
        searcher = session.searcher
        allow = session.allowed(["community", "role:facilitator"])
        q = _query(idx, searcher, " ".join(WORDS[:6]))
        matched, _ = whoosh_index._ranked(searcher, q, allow, False, 10)
        keys = {searcher.stored_fields(d)["key"] for d in matched}
        assert "response:300" not in keys and "response:321" not in keys
        assert "response:305" in keys  # its neighbour, never deleted


def test_long_postings_are_read_a_block_at_a_time(idx):
    """A common word's postings span several blocks; a rare one's are kept inline."""
    with idx._session() as session:
        reader = next(leaf for leaf, _ in session.searcher.leaf_searchers()).reader()
        blocks = list(whoosh_index._posting_blocks(reader.postings("body", b"polic")))
        assert len(blocks) > 1
        assert sum(len(ids) for ids, _ in blocks) == reader.doc_frequency("body", b"polic")
        assert all(len(ids) == len(weights) for ids, weights in blocks)


@pytest.mark.parametrize("text", ['"police vetting"', "police AND vetting"])
def test_phrases_and_conjunctions_are_left_to_whoosh(idx, text):
    with idx._session() as session:
        q = _query(idx, session.searcher, text)
        assert whoosh_index._disjunction_scores(session.searcher, q) is None
        allow = session.allowed(["community"])
        matched, ranked = whoosh_index._ranked(session.searcher, q, allow, False, 5)
        assert matched and len(ranked) == 5


@pytest.mark.parametrize("by_date", [False, True])
def test_no_permitted_match_gives_an_empty_page(idx, by_date):
    with idx._session() as session:
        searcher = session.searcher
        allow = session.allowed(["role:facilitator"])
        q = _query(idx, searcher, "absentword")
        assert whoosh_index._ranked(searcher, q, allow, by_date, 10) == (set(), [])
