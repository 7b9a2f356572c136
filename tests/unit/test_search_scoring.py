"""The whoosh index ranks as whoosh itself does: over several segments with deletions, a
search's total, pages and scores are those of a plain whoosh searcher running the same
query over the same permitted documents, so nothing of how the index reads (each clause's
documents and scores kept per version and summed, the newest-first order kept per version,
facet counts as bits) changes a result."""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.query import AndNot, Or, Phrase, Term

from reachback.knowledge.index import TEXT_FIELDS, SearchIndex
from reachback.knowledge.index_api import PROXIMITY_BOOST, PROXIMITY_SLOP
from tests.search_docs import make_doc

WORDS = ("ceasefire police vetting recruits elections courts land radio youth border "
         "mediation militia returns survey budget").split()
# (search text, the words any of which must match, the words that leave documents out)
QUERIES = [
    ("police", ["police"], []),  # one word
    ("police vetting recruits", ["police", "vetting", "recruits"], []),
    ("ceasefire OR mediation", ["ceasefire", "mediation"], []),
    ("elections -courts", ["elections"], ["courts"]),
    ("land NOT radio youth", ["land", "youth"], ["radio"]),
    ("absentword police", ["absentword", "police"], []),
    ("absentword", ["absentword"], []),
]
EVERYONE = ["community", "role:facilitator"]
TEXT = TEXT_FIELDS["en"]  # the documents are in English


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


def _stem(word):
    return [token.text for token in StemmingAnalyzer()(word)][0]


def whoosh_says(idx, words, leave_out, principals, by_date=False, phrase=False):
    """[(key, score)] of every match, in order, from a plain whoosh searcher: any of the
    words in the English text field (or them as one phrase), with each two neighbouring words
    as a near phrase (index_api.proximity_pairs), less those to leave out, within the
    principals' documents."""
    with whoosh_index.open_dir(idx.path).searcher() as searcher:
        assert not searcher.is_atomic()  # the fixture made several segments
        allow = set()
        for principal in principals:
            allow.update(searcher.docs_for_query(Term("principals", principal)))
        stems = [_stem(word) for word in words]
        near = [Phrase(TEXT, [a, b], slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)
                for a, b in zip(stems, stems[1:], strict=False)]
        q = Phrase(TEXT, stems) if phrase else Or([Term(TEXT, s) for s in stems] + near)
        if leave_out:
            q = AndNot(q, Or([Term(TEXT, _stem(word)) for word in leave_out]))
        results = searcher.search(q, limit=None, filter=allow, sortedby=(
            sorting.FieldFacet("date", reverse=True) if by_date else None))
        return [(searcher.stored_fields(docnum)["key"], 0.0 if by_date else score)
                for docnum, score in results.items()]


def ours(idx, text, principals, sort="relevance", pages=3, per_page=100):
    found, total = [], None
    for page in range(1, pages + 1):
        result = idx.search(text, principals, page=page, per_page=per_page, sort=sort)
        found += [(hit.key, hit.score) for hit in result.hits]
        total = result.total
    return total, found


@pytest.mark.parametrize(("text", "words", "leave_out"), QUERIES)
@pytest.mark.parametrize("principals", [["community"], EVERYONE])
def test_totals_pages_and_scores_are_whooshs(idx, text, words, leave_out, principals):
    expected = whoosh_says(idx, words, leave_out, principals)
    total, found = ours(idx, text, principals, pages=2)
    assert total == len(expected)
    assert [key for key, _ in found] == [key for key, _ in expected[:200]]
    for (_, got), (_, score) in zip(found, expected, strict=False):
        assert got == pytest.approx(score, rel=1e-6)
    if "absentword" != text:
        assert len(expected) > 20


@pytest.mark.parametrize(("text", "words", "leave_out"), QUERIES[:5])
def test_pages_rank_as_whoosh_does(idx, text, words, leave_out):
    expected = whoosh_says(idx, words, leave_out, EVERYONE)
    _, found = ours(idx, text, EVERYONE, per_page=10)
    assert [key for key, _ in found] == [key for key, _ in expected[:30]]
    by_date = whoosh_says(idx, words, leave_out, EVERYONE, by_date=True)
    _, newest = ours(idx, text, EVERYONE, sort="date", per_page=10)
    assert [key for key, _ in newest] == [key for key, _ in by_date[:30]]


def test_deleted_documents_are_never_matched(idx):
    _, found = ours(idx, " ".join(WORDS[:6]), EVERYONE, pages=10)
    keys = {key for key, _ in found}
    assert "response:300" not in keys and "response:321" not in keys
    assert "response:305" in keys  # its neighbour, never deleted


def test_phrases_rank_as_whoosh_does(idx):
    expected = whoosh_says(idx, ["police", "vetting"], [], ["community"], phrase=True)
    total, found = ours(idx, '"police vetting"', ["community"], pages=1)
    assert expected and total == len(expected)
    assert [key for key, _ in found] == [key for key, _ in expected[:100]]


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_no_permitted_match_gives_an_empty_page(idx, sort):
    result = idx.search("absentword", ["role:facilitator"], sort=sort)
    assert (result.total, result.hits) == (0, [])
