"""The search index's contract, run alike against both backends: whoosh
(reachback.knowledge.index) and PostgreSQL (reachback.knowledge.pg_index, with a server:
REACHBACK_TEST_DATABASE_URL, which `make test-postgres` sets). Matching and ranking, the
search syntax (reachback.knowledge.index_api), permissions applied before anything is
counted or paged, facets, filters, sorting, paging, odd input, snippets, suggestions,
similar(), writing, the write lock, and an index never built.

What only one engine has stays beside it: tests/unit/test_search_index.py (whoosh's files:
rebuild by directory swap, corrupt files, pooled searchers, threads) and
tests/service/test_pg_search.py (PostgreSQL's tables, GIN indexes, advisory locks, one
transaction per rebuild, websearch_to_tsquery)."""
import os
import re
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.knowledge.index import SearchIndex
from reachback.knowledge.index_api import Hit, IndexBusy, IndexMissing, SearchResult
from reachback.knowledge.pg_index import WRITE_LOCK, PgSearchIndex
from reachback.knowledge.search import SIMILAR_MIN_MATCH, SIMILAR_MIN_SHARED, about_the_same
from tests.data.relevance import DOCUMENTS
from tests.search_docs import (
    BASE_DATE,
    COMMUNITY,
    catalogue_docs,
    facet,
    keys,
    languages_docs,
    make_doc,
    mixed_docs,
    rebuild_that_fails_midway,
)

BACKENDS = ["whoosh", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get("REACHBACK_TEST_DATABASE_URL"),
    reason="needs a PostgreSQL server (REACHBACK_TEST_DATABASE_URL)"))]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def unbuilt(backend, request, tmp_path):
    """An index of the backend that was never built."""
    if backend == "whoosh":
        index = SearchIndex(tmp_path / "index")
        yield index
        index.close()
    else:
        request.getfixturevalue("app")  # the test's own database, emptied
        yield PgSearchIndex(db.engine)


@pytest.fixture
def idx(unbuilt):
    unbuilt.create()
    return unbuilt


@pytest.fixture
def mixed(idx):
    idx.apply(mixed_docs(), [])
    return idx


@pytest.fixture
def catalogue(idx):
    idx.apply(catalogue_docs(), [])
    return idx


@contextmanager
def write_lock_held_elsewhere(idx):
    """Another process (or host) holds the index's write lock until the block ends."""
    if isinstance(idx, PgSearchIndex):
        conn = db.engine.connect()
        conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
        try:
            yield conn.rollback
        finally:
            conn.close()
        return
    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(idx.path).writer()
    try:
        yield writer.cancel
    finally:
        if not writer.is_closed:
            writer.cancel()


# --- an index never built, and an empty one ------------------------------------------------

def test_an_index_never_built_is_missing_until_created(unbuilt):
    assert not unbuilt.exists()
    for call in (lambda: unbuilt.search("ceasefire", COMMUNITY),
                 lambda: unbuilt.similar("ceasefire", COMMUNITY), unbuilt.doc_count,
                 lambda: unbuilt.apply([make_doc("document:1", "x")], [])):
        with pytest.raises(IndexMissing):
            call()
    unbuilt.create()
    assert unbuilt.exists() and unbuilt.doc_count() == 0
    result = unbuilt.search("anything", COMMUNITY)
    assert result.hits == [] and result.total == 0


def test_create_empties_and_close_reopens(idx):
    idx.apply([make_doc("document:1", "Ceasefire")], [])
    assert idx.doc_count() == 1
    idx.create()
    assert idx.doc_count() == 0
    idx.close()
    idx.apply([make_doc("document:2", "Ceasefire")], [])
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:2"]


# --- matching and ranking --------------------------------------------------------------------

def test_stemmed_words_match(idx):
    idx.apply([make_doc("response:RB-1", "Partners were vetted last year", "Local groups."),
               make_doc("response:RB-2", "Negotiation with armed groups", "Talks."),
               make_doc("response:RB-3", "Water points", "Unrelated.")], [])
    assert keys(idx.search("vetting", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("negotiations", COMMUNITY)) == ["response:RB-2"]


def test_title_outweighs_body(idx):
    idx.apply([make_doc("document:1", "Market assessment", "Notes on the ceasefire monitors."),
               make_doc("document:2", "Ceasefire monitoring", "Notes on the market.")], [])
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:2", "document:1"]


def test_more_matching_terms_rank_higher_but_not_all_required(idx):
    idx.apply([make_doc("document:1", "Ceasefire", "Monitoring."),
               make_doc("document:2", "Ceasefire", "Monitoring local elections."),
               make_doc("document:3", "Elections", "Turnout.")], [])
    result = idx.search("ceasefire elections", COMMUNITY)
    assert result.total == 3
    assert keys(result)[0] == "document:2"


def test_theme_country_names_and_extra_are_searchable(idx):
    idx.apply([make_doc("response:RB-1", "Question one", "Body.", themes=["gender-inclusion"],
                        countries=["SY"]),
               make_doc("response:RB-2", "Question two", "Body.",
                        extra="How do we approach tribal elders?")], [])
    assert keys(idx.search("Syria", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("inclusion", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("tribal elders", COMMUNITY)) == ["response:RB-2"]


def test_hit_fields_and_aware_utc_date(idx):
    cairo = timezone(timedelta(hours=2))
    idx.apply([make_doc("response:RB-2026-0042", "Ceasefire", "Body", summary="Short answer.",
                        date=datetime(2026, 1, 1, 1, 30, tzinfo=cairo)),
               make_doc("document:2", "Elections")], [])
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert isinstance(hit, Hit)
    assert (hit.key, hit.kind, hit.ref, hit.title, hit.summary) == (
        "response:RB-2026-0042", "response", "RB-2026-0042", "Ceasefire", "Short answer.")
    assert hit.score > 0
    # 01:30 in UTC+2 is 23:30 UTC the previous day, and so the previous year.
    assert hit.date == datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert facet(idx.search("ceasefire", COMMUNITY), "year") == {"2025": 1}


# --- the search syntax (index_api's module docstring) ---------------------------------------

def test_any_word_may_match_and_or_may_stand_between_them(catalogue):
    either = {"document:5", "document:4", "response:RB-1"}  # water, or the security theme
    assert set(keys(catalogue.search("water security", COMMUNITY))) == either
    assert set(keys(catalogue.search("water OR security", COMMUNITY))) == either
    assert set(keys(catalogue.search("water or security", COMMUNITY))) == either


def test_a_quoted_phrase_needs_its_words_together(idx):
    idx.apply([make_doc("document:1", "Water access", "Trucks."),
               make_doc("document:2", "Access roads", "Water points.")], [])
    assert keys(idx.search('"water access"', COMMUNITY)) == ["document:1"]
    assert keys(idx.search('"roads water"', COMMUNITY)) == ["document:2"]
    assert idx.search('"access trucks roads"', COMMUNITY).total == 0
    # An unclosed quote runs to the end of the text.
    assert keys(idx.search('points "water access', COMMUNITY))[0] == "document:1"


def test_a_minus_sign_or_not_leaves_documents_out(catalogue):
    assert catalogue.search("ceasefire -security", COMMUNITY).total == 2
    assert catalogue.search("ceasefire NOT security", COMMUNITY).total == 2
    assert set(keys(catalogue.search('water ceasefire -"water access" -gender', COMMUNITY))) \
        == {"response:RB-1", "response:RB-2", "document:4"}
    # Only words to leave out: every other permitted document, newest first.
    result = catalogue.search("-water -security", COMMUNITY)
    assert keys(result) == ["document:3", "response:RB-2"]
    assert all(h.score == 0.0 for h in result.hits)


def test_other_characters_are_not_operators(catalogue):
    # AND, parentheses and field names are text: the words in them are searched for.
    assert catalogue.search("ceasefire AND (gender OR water)", COMMUNITY).total == 5
    # Operators and punctuation alone search for nothing, and say nothing.
    for text in ("OR", "-", '""', "()", "- OR"):
        result = catalogue.search(text, COMMUNITY)
        assert (result.total, result.message) == (0, None)


# --- permissions, before anything is counted or paged ----------------------------------------

def test_restricted_doc_never_leaks_to_other_principals(mixed):
    for words in ["ceasefire", "exfiltration", "secret channel", ""]:
        result = mixed.search(words, ["community"])
        assert "response:RB-2" not in keys(result)
        assert result.total == (0 if words in ("exfiltration", "secret channel") else 1)
        assert "security" not in facet(result, "theme")
        assert "YE" not in facet(result, "country")
        assert "briefing" not in facet(result, "kind")
        assert "2027" not in facet(result, "year")
        assert all("xfiltration" not in h.highlights and "secret" not in h.highlights
                   for h in result.hits)
    assert facet(mixed.search("ceasefire", ["community"]), "theme") == {"ceasefires": 1}
    assert mixed.search("exfiltraton", ["community"]).suggestion is None
    assert mixed.search("secrte", ["community"]).suggestion is None
    assert "response:RB-2" not in keys(
        mixed.similar("exfiltration routes for negotiators", ["community"]))


def test_restricted_doc_visible_to_its_principals(mixed):
    for principals in (["user:5"], ["community", "role:facilitator"]):
        assert "response:RB-2" in keys(mixed.search("ceasefire", principals))
    assert mixed.search("exfiltraton", ["user:5"]).suggestion == "exfiltration"
    assert "response:RB-2" in keys(mixed.similar("exfiltration routes", ["user:5"]))


def test_empty_principals_see_nothing(mixed):
    result = mixed.search("ceasefire", [])
    assert (result.hits, result.total) == ([], 0)
    assert all(v == [] for v in result.facets.values())
    assert mixed.search("", []).total == 0
    assert mixed.similar("ceasefire monitoring", []) == []


def test_permissions_apply_before_paging_and_counting(idx):
    """Thirty better-matching, newer restricted documents never push the permitted ones
    off the first page, nor count in its total."""
    idx.apply([make_doc(f"document:r{i}", "Ceasefire ceasefire ceasefire",
                        date=BASE_DATE + timedelta(days=i), principals=["user:9"])
               for i in range(30)]
              + [make_doc(f"document:c{i}", "Ceasefire report") for i in range(3)], [])
    for sort in ("relevance", "date"):
        result = idx.search("ceasefire", ["community"], per_page=5, sort=sort)
        assert result.total == 3 and sorted(keys(result)) == ["document:c0", "document:c1",
                                                               "document:c2"]


# --- languages: each document stemmed in its own, a search's words in each --------------------

@pytest.fixture
def languages(idx):
    idx.apply(languages_docs(), [])
    return idx


@pytest.mark.parametrize(("text", "expected"), [
    ("réintégration", ["response:FR"]),  # French stems: réintegr, as "réintégrer" gives
    ("combattant", ["response:FR"]),
    ("consultas", ["response:ES"]),  # Spanish stems: consult, as "consulta" gives
    ("comunidad", ["response:ES"]),
    ("negotiations", ["response:EN"]),  # English as before, beside the other languages
    ("vetting", ["response:EN"]),
    ("waffenstillstand", ["document:DE"]),  # any other language: its words, in any case
    ("Beobachter", ["document:DE"]),
])
def test_each_document_is_stemmed_in_its_language(languages, text, expected):
    assert keys(languages.search(text, COMMUNITY)) == expected


def test_a_word_stemmed_in_another_language_does_not_match(languages):
    """English stems réintégration as réintégrat, which the French document does not hold;
    German is not stemmed at all (a word's closest spelling, fuzzy matching, left aside)."""
    english_only = [make_doc("response:EN2", "Réintégrer", "Réintégrer les anciens.")]
    languages.apply(english_only, [])
    assert keys(languages.search("réintégration", COMMUNITY)) == ["response:FR"]
    assert keys(languages.search("beobachterin", COMMUNITY, fuzzy=False)) == []


def test_snippets_mark_words_as_their_language_stems_them(languages):
    (hit,) = languages.search("réintégration", COMMUNITY).hits
    assert "<mark>réintégrer</mark>" in hit.highlights
    (hit,) = languages.search("consultas", COMMUNITY).hits
    assert "<mark>consulta</mark>" in hit.highlights


def test_the_language_facet_counts_and_filters(languages):
    result = languages.search("", COMMUNITY)
    assert result.facets["language"] == [("de", 1), ("en", 1), ("es", 1), ("fr", 1)]
    assert keys(languages.search("", COMMUNITY, filters={"language": "fr"})) == ["response:FR"]
    narrowed = languages.search("anciens OR comunidad OR negotiation", COMMUNITY,
                                filters={"language": "es"})
    assert keys(narrowed) == ["response:ES"] and narrowed.facets["language"] == [("es", 1)]
    assert languages.search("", COMMUNITY, filters={"language": "it"}).total == 0


def test_languages_are_kept_by_their_primary_subtag(idx):
    idx.apply([make_doc("response:CA", "Réintégrer", language="fr-CA"),
               make_doc("response:MX", "Consulta", language="ES_mx"),
               make_doc("response:NONE", "Negotiation", language="")], [])
    assert dict(idx.search("", COMMUNITY).facets["language"]) == {"fr": 1, "es": 1, "en": 1}
    assert sorted(keys(idx.search("réintégration consultas", COMMUNITY))) == [
        "response:CA", "response:MX"]


def test_leaving_out_a_word_leaves_it_out_in_every_language(languages):
    result = languages.search("anciens OR comunidad -réintégration", COMMUNITY)
    assert keys(result) == ["response:ES"]


def test_spelling_suggestions_in_other_languages(languages):
    assert languages.search("comunidda", COMMUNITY).suggestion == "comunidad"


def test_similar_finds_documents_in_their_language(languages):
    found = languages.similar("Réintégrer les combattants dans les villages", COMMUNITY)
    assert keys(found)[:1] == ["response:FR"]


# --- facets, filters, sort, pages ----------------------------------------------------------------

def test_facet_counts_sorted_by_count_then_name(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY)
    assert result.total == 4
    assert result.facets["theme"] == [("ceasefires", 3), ("security", 2), ("gender", 1)]
    assert result.facets["country"] == [("SY", 2), ("YE", 2), ("SS", 1)]
    assert result.facets["kind"] == [("response", 2), ("briefing", 1), ("guidance", 1)]
    assert result.facets["year"] == [("2025", 2), ("2024", 1), ("2026", 1)]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"theme": "security"}, {"response:RB-1", "document:4"}),
    ({"country": "YE"}, {"response:RB-2", "document:3"}),
    ({"kind": "briefing"}, {"document:4"}),
    ({"year": "2025"}, {"response:RB-2", "document:3"}),
    ({"theme": "ceasefires", "country": "SY"}, {"response:RB-1", "document:3"}),
    ({"theme": "ceasefires", "year": 2024}, {"response:RB-1"}),
    ({"theme": "nonexistent"}, set()),
    ({"year": "-1"}, set()),
    ({"year": "x" * 500}, set()),
    ({"theme": "", "bogus": "x"}, {"response:RB-1", "response:RB-2", "document:3",
                                   "document:4"}),
])
def test_filters_restrict_results(catalogue, filters, expected):
    result = catalogue.search("ceasefire", COMMUNITY, filters=filters)
    assert set(keys(result)) == expected
    assert result.total == len(expected)


def test_facets_are_computed_on_the_filtered_set(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, filters={"country": "SY"})
    assert result.facets["theme"] == [("ceasefires", 2), ("gender", 1), ("security", 1)]
    assert result.facets["country"] == [("SY", 2), ("YE", 1)]


def test_excluded_kinds_are_left_out_of_results_and_facets(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, exclude_kinds=["briefing"])
    assert "document:4" not in keys(result) and result.total == 3
    assert "briefing" not in facet(result, "kind")


def test_sort_by_date_newest_first(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, sort="date")
    assert keys(result) == ["document:4", "document:3", "response:RB-2", "response:RB-1"]
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert all(h.score == 0.0 for h in result.hits)


def test_empty_text_browses_by_date(catalogue):
    result = catalogue.search("", COMMUNITY)
    assert keys(result) == ["document:4", "document:3", "response:RB-2", "response:RB-1",
                            "document:5"]
    browse = catalogue.search("   ", COMMUNITY, filters={"kind": "briefing"})
    assert keys(browse) == ["document:4", "document:5"]
    assert browse.facets["kind"] == [("briefing", 2)]


def test_pagination(idx):
    idx.apply((make_doc(f"document:{i}", f"Report {i} on ceasefire",
                        date=BASE_DATE + timedelta(days=i)) for i in range(25)), [])
    seen = []
    for page, size in [(1, 10), (2, 10), (3, 5)]:
        result = idx.search("ceasefire", COMMUNITY, page=page, per_page=10, sort="date")
        assert (result.total, result.page, result.per_page, result.pages) == (25, page, 10, 3)
        assert len(result.hits) == size
        seen += keys(result)
    assert len(set(seen)) == 25 and seen[0] == "document:24"
    relevance = [key for page in (1, 2, 3)
                 for key in keys(idx.search("ceasefire", COMMUNITY, page=page))]
    assert sorted(relevance) == sorted(seen)  # the pages of a ranking neither skip nor repeat
    for page in (4, 10**9, 10**30):
        far = idx.search("ceasefire", COMMUNITY, page=page, per_page=10)
        assert far.hits == [] and far.total == 25
    assert idx.search("ceasefire", COMMUNITY, page=0, per_page=0).page == 1


# --- odd input ------------------------------------------------------------------------------------

NASTY = [
    '"unbalanced quote ceasefire', "((ceasefire", "ceasefire))) monitoring", "AND AND", "OR",
    "NOT", "NOT NOT ceasefire", "*", "ceas*", "*:*", "NEAR(ceasefire, monitoring)",
    "principals:user:5", "nosuchfield:value", "title:ceasefire", "ceasefire^1000", "[a TO z]",
    "{ceasefire TO}", "ceasefire~2", "'single", '""', "()", "\\", "\x00\x01ceasefire\x7f",
    "وقف إطلاق النار", "停火 监测", "🕊️ ceasefire 🔥", "ceasefire " * 500, "x" * 100_000,
    "AND OR NOT ANDNOT ANDMAYBE TO", "ceasefire AND", "(a OR (b AND",
    "<script>alert(1)</script>", "%s %d {0} $(rm -rf /)", "ceasefire\nmonitoring\tIdlib",
    "a & b | !c <-> d:* 'e'", "'; DROP TABLE search_words; --",
    "(" * 300 + "ceasefire" + ")" * 300, "\ue000ceasefire\ue001", "ceasefire -monitoring",
    "--ceasefire", '-"', "- -", "ceasefire -", 'NOT "', "OR OR OR", "-OR", '"-x" -"-y"',
]


@pytest.mark.parametrize("words", NASTY)
def test_broken_syntax_never_raises(mixed, words):
    result = mixed.search(words, ["community"])
    assert isinstance(result, SearchResult)
    assert "response:RB-2" not in keys(result)
    mixed.similar(words, ["community"])
    assert mixed.doc_count() == 2


def test_syntax_error_falls_back_to_plain_words_with_message(mixed):
    for text in ("NOT NOT ceasefire", "ceasefire NOT", "ceasefire NOT OR monitoring"):
        result = mixed.search(text, ["community"])
        assert keys(result) == ["response:RB-1"] and result.message
    assert mixed.search("ceasefire", ["community"]).message is None


def test_very_long_query_is_truncated_with_message(mixed):
    result = mixed.search("ceasefire " + "x" * 5000, ["community"])
    assert keys(result) == ["response:RB-1"] and result.message


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.text(max_size=300))
def test_arbitrary_text_never_raises(mixed, words):
    result = mixed.search(words, COMMUNITY)
    assert result.total >= 0
    for hit in result.hits:
        assert "<" not in re.sub(r"</?mark>", "", hit.highlights)


# --- snippets ------------------------------------------------------------------------------------

def test_highlights_mark_terms_and_escape_html(idx):
    idx.apply([make_doc("document:1", "Ceasefire",
                        'Before <script>alert("x")</script> the ceasefires & monitors '
                        '<b>held</b>.', summary="Summary with <i>tags</i>.")], [])
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert "<mark>ceasefires</mark>" in hit.highlights
    assert "&lt;script&gt;" in hit.highlights and "<script" not in hit.highlights
    assert "<" not in re.sub(r"</?mark>", "", hit.highlights)


def test_excluded_words_are_never_marked(idx):
    idx.apply([make_doc("document:1", "Ceasefire", "The ceasefire monitors met the militia.")],
              [])
    (hit,) = idx.search("ceasefire -checkpoints NOT roadblocks", COMMUNITY).hits
    assert "<mark>ceasefire</mark>" in hit.highlights
    (hit,) = idx.search('ceasefire -"militia leaders"', COMMUNITY).hits
    assert "<mark>militia" not in hit.highlights


def test_highlights_find_terms_deep_in_the_body(idx):
    body = "Background paragraph. " * 400 + "Finally the monitors verified the ceasefire."
    idx.apply([make_doc("document:1", "Report", body, summary="No match here.")], [])
    (hit,) = idx.search("verified", COMMUNITY).hits
    assert "<mark>verified</mark>" in hit.highlights
    assert "Background" in hit.highlights


def test_highlights_skip_substring_false_positives(idx):
    # "war" is a substring of "award": the snippet must still reach the real word.
    body = "The award ceremony. " * 10 + "Background paragraph. " * 200 + "Then the war ended."
    idx.apply([make_doc("document:1", "Report", body)], [])
    (hit,) = idx.search("war", COMMUNITY).hits
    assert "<mark>war</mark>" in hit.highlights and "<mark>award" not in hit.highlights


def test_highlight_falls_back_to_escaped_summary(idx):
    long_summary = "Guidance <for> " + "word " * 200
    idx.apply([make_doc("document:1", "Ceasefire", "", summary=long_summary)], [])
    (hit,) = idx.search("", COMMUNITY).hits
    assert hit.highlights.startswith("Guidance &lt;for&gt; word")
    assert "<mark>" not in hit.highlights and len(hit.highlights) <= 320


# --- suggestions and similar ---------------------------------------------------------------

def test_spelling_suggestion(idx):
    idx.apply([make_doc("response:RB-1", "Local ceasefire agreements",
                        "How ceasefire monitors work.")], [])
    assert idx.search("ceasfire agreements", COMMUNITY).suggestion == "ceasefire agreements"
    assert idx.search("ceasfire", COMMUNITY).suggestion == "ceasefire"
    assert idx.search("ceasefire", COMMUNITY).suggestion is None
    assert idx.search("zzqqxx", COMMUNITY).suggestion is None


def test_similar_finds_related_and_honours_exclusions(catalogue):
    catalogue.apply([make_doc("response:RB-9", "Water access for displaced families",
                              "Boreholes and water trucking.")], [])
    hits = catalogue.similar("How can displaced families get water access?", COMMUNITY)
    assert keys(hits)[0] == "response:RB-9"
    assert "document:5" in keys(hits)
    excluded = catalogue.similar("displaced families water", COMMUNITY,
                                 exclude_keys=["response:RB-9"])
    assert "response:RB-9" not in keys(excluded)
    assert len(catalogue.similar("ceasefire", COMMUNITY, limit=2)) == 2
    assert catalogue.similar("", COMMUNITY) == []
    assert keys(catalogue.similar("ceasefire", COMMUNITY, filters={"kind": "briefing"})) == \
        ["document:4"]


# --- writing ----------------------------------------------------------------------------------

def test_delete_and_upsert(idx):
    idx.apply([make_doc("document:1", "Ceasefire"), make_doc("document:2", "Ceasefire again")],
              [])
    assert idx.search("ceasefire", COMMUNITY).total == 2
    idx.apply([], ["document:1"])
    result = idx.search("ceasefire", COMMUNITY)
    assert keys(result) == ["document:2"] and result.facets["kind"] == [("response", 1)]
    assert idx.search("", COMMUNITY).total == 1
    idx.apply([make_doc("document:2", "Elections")], [])
    assert idx.search("ceasefire", COMMUNITY).total == 0
    assert keys(idx.search("elections", COMMUNITY)) == ["document:2"]
    assert idx.doc_count() == 1
    # Edited then deleted in the same batch: the delete wins.
    idx.apply([make_doc("document:2", "Elections")], ["document:2"])
    assert idx.doc_count() == 0


def test_apply_waits_while_another_writer_holds_the_lock(idx):
    with write_lock_held_elsewhere(idx) as release:
        timer = threading.Timer(0.2, release)
        timer.start()
        start = time.perf_counter()
        idx.apply([make_doc("document:1", "Ceasefire")], [])
        waited = time.perf_counter() - start
        timer.join()
    assert waited >= 0.15 and idx.doc_count() == 1


def test_apply_raises_busy_when_the_lock_never_frees(idx, monkeypatch):
    monkeypatch.setattr(idx, "lock_retries", 3)
    monkeypatch.setattr(idx, "lock_delay", 0.01)
    with write_lock_held_elsewhere(idx), pytest.raises(IndexBusy):
        idx.apply([make_doc("document:1", "Ceasefire")], [])
    assert idx.doc_count() == 0


def test_failed_rebuild_keeps_old_index(idx):
    rebuild_that_fails_midway(idx)


def test_concurrent_searches_during_writes(idx):
    idx.apply([make_doc(f"document:{i}", "Ceasefire") for i in range(20)], [])
    errors = []

    def searcher():
        try:
            for _ in range(20):
                assert idx.search("ceasefire", COMMUNITY).total >= 20
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(20, 30):
        idx.apply([make_doc(f"document:{i}", "Ceasefire")], [])
    for t in threads:
        t.join()
    assert errors == [] and idx.search("ceasefire", COMMUNITY).total == 30


# --- similar(): about the same thing, or nothing --------------------------------------------

UNRELATED = ["How do I bake sourdough bread at home with a cast iron pot?",
             "What is the best laptop for software programming and video games?",
             "Football world cup final: the score and the players who scored the goals",
             "How can our mission improve staff wellbeing and reduce burnout?",
             "What budget template should we use for the annual donor report?"]
PARAPHRASE = ("How did Liberia vet its police recruits after the war? We want to screen "
              "applicants for past human-rights abuses, with hearings in their communities.")


@pytest.fixture
def relevance(idx):
    idx.apply([make_doc(f"response:{d['id']}", d["title"], d["body"], summary=d["summary"],
                        themes=d["themes"], countries=[d["country"]]) for d in DOCUMENTS], [])
    return idx


def test_similar_measures_the_share_of_the_texts_telling_words_a_hit_holds(relevance):
    doc = next(d for d in DOCUMENTS if d["id"] == "vetting-lr")
    hits = relevance.similar(f"{doc['title']}\n{doc['summary']}", COMMUNITY)
    assert keys(hits)[0] == "response:vetting-lr" and hits[0].match == 1.0
    assert hits[0].shared >= SIMILAR_MIN_SHARED
    assert all(0.0 <= hit.match < SIMILAR_MIN_MATCH for hit in hits[1:])


@pytest.mark.parametrize("text", UNRELATED)
def test_unrelated_text_is_about_nothing_indexed(relevance, text):
    hits = relevance.similar(text, COMMUNITY)
    assert hits  # the engine finds words in common ...
    assert [hit.key for hit in hits if about_the_same(hit)] == []  # ... but nothing alike


def test_a_paraphrase_is_about_its_document_only(relevance):
    hits = relevance.similar(PARAPHRASE, COMMUNITY)
    assert [hit.key for hit in hits if about_the_same(hit)] == ["response:vetting-lr"]


# --- standing: superseded responses sink, useful ones rise a little --------------------------

def twin(key, **standing):
    """A response matching "ceasefire monitoring" as well as any other twin; RB-1 is the
    newer, so it comes first of equal matches on either backend."""
    newer = BASE_DATE + timedelta(days=1) if key.endswith("RB-1") else BASE_DATE
    return make_doc(key, "Ceasefire monitoring", "Monitors reported violations weekly.",
                    date=newer, **standing)


def test_a_superseded_response_is_still_found_but_ranks_below_an_equal_match(idx):
    idx.apply([twin("response:RB-1"), twin("response:RB-2")], [])
    assert keys(idx.search("ceasefire monitoring", COMMUNITY)) == \
        ["response:RB-1", "response:RB-2"]
    idx.apply([twin("response:RB-1", status="superseded"),
               twin("response:RB-2", status="published")], [])
    found = idx.search("ceasefire monitoring", COMMUNITY)
    assert keys(found) == ["response:RB-2", "response:RB-1"] and found.total == 2
    assert found.hits[1].score < found.hits[0].score
    similar = idx.similar("Ceasefire monitoring: monitors reported violations", COMMUNITY)
    assert keys(similar) == ["response:RB-2", "response:RB-1"]


def test_a_useful_response_rises_a_little_but_never_above_a_clearly_better_match(idx):
    body_only = make_doc("response:RB-3", "Quarterly notes of the field office",
                         "Among other things, ceasefire monitoring was discussed.",
                         useful=1000)
    idx.apply([twin("response:RB-1"), twin("response:RB-2", useful=5), body_only], [])
    found = idx.search("ceasefire monitoring", COMMUNITY)
    assert keys(found) == ["response:RB-2", "response:RB-1", "response:RB-3"]
    assert 1.0 < found.hits[0].score / found.hits[1].score <= 1.1  # a little
    # A vote less than nothing is no penalty: it ranks as none.
    idx.apply([twin("response:RB-2", useful=-4)], [])
    assert keys(idx.search("ceasefire monitoring", COMMUNITY))[:2] == \
        ["response:RB-1", "response:RB-2"]


# --- a rare word near a common spelling ------------------------------------------------------

def spelt_right(count, principals=("community",)):
    return [make_doc(f"response:RB-{n}", f"Reintegration programme number {n}",
                     "Former fighters found work.", principals=principals)
            for n in range(count)]


# As the documents spelt right, but for the typo: the exact match of a search for the typo.
TYPO = make_doc("response:RB-typo", "Reintegraton programme number 99",
                "Former fighters found work.")


def test_a_rare_word_also_finds_its_common_spelling_below_the_exact_matches(idx):
    idx.apply([*spelt_right(10), TYPO], [])
    found = idx.search("reintegraton", COMMUNITY)
    assert keys(found)[0] == "response:RB-typo" and found.total == 11
    assert found.exact_total == 1 and found.suggestion is None  # a word that is there
    assert all(hit.score < found.hits[0].score for hit in found.hits[1:])


def test_a_word_rare_only_against_a_spelling_not_ten_times_as_common_stays_as_typed(idx):
    idx.apply([*spelt_right(9), TYPO], [])
    assert keys(idx.search("reintegraton", COMMUNITY)) == ["response:RB-typo"]
    idx.apply([*spelt_right(19), make_doc("response:RB-typo2", "Reintegraton", "Notes.")], [])
    assert len(idx.search("reintegraton", COMMUNITY).hits) == 2  # two need twenty


def test_only_documents_the_caller_may_read_make_a_spelling_common(idx):
    idx.apply([*spelt_right(10, principals=["user:5"]), TYPO], [])
    assert keys(idx.search("reintegraton", COMMUNITY)) == ["response:RB-typo"]
    assert idx.search("reintegraton", ["user:5", *COMMUNITY]).total == 11
