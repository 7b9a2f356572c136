"""The relevance suite: tests/data/relevance_corpus.py's 1,052 published responses (50
targets among near misses that reuse their words, and two that misspell a common word),
indexed through the real pipeline, on the backend the suite runs on (whoosh on SQLite;
PostgreSQL's with REACHBACK_TEST_DATABASE_URL).

Its searches (plain, misspelt, acronyms and synonyms of the field, rare misspellings of a
common word) must reach a mean reciprocal rank of MIN_MRR, and the similar-answers panel a
precision of MIN_PRECISION (of what it offers, the share that is the response the new query
duplicates). Both figures are printed (pytest -s); bench/search.py reports them with
timings."""
from tests.data.relevance_corpus import SEARCHES, SIMILAR, documents
from tests.relevance import load_corpus, measure

MIN_MRR = 0.95
MIN_PRECISION = 0.8


def test_the_suite_is_big_enough_and_covers_every_kind_of_search():
    docs = documents()
    assert len(docs) >= 1000 and len(SEARCHES) >= 60
    kinds = {kind for _, _, kind in SEARCHES}
    assert {"plain", "misspelt", "acronym", "synonym"} <= kinds
    ids = {d["id"] for d in docs}
    assert len(ids) == len(docs)
    assert all(set(expected) <= ids for _, expected, _ in SEARCHES)


def test_searches_rank_their_answers_first_and_similar_answers_are_precise(app, make_user):
    refs = load_corpus(make_user("member"))
    figures = measure(make_user("member"), refs, verbose=True)
    print(f"\nRelevance suite: MRR {figures['mrr']:.3f} over {len(SEARCHES)} searches "
          f"({', '.join(f'{k} {v:.3f}' for k, v in figures['by_kind'].items())}); similar "
          f"answers precision {figures['precision']:.3f}, found "
          f"{figures['found']}/{len(SIMILAR)}")
    assert figures["mrr"] >= MIN_MRR
    assert figures["precision"] >= MIN_PRECISION
