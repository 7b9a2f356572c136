"""The PostgreSQL search backend (reachback.knowledge.pg_index) on its own, as
tests/unit/test_search_index.py tests the whoosh one: matching and ranking, permissions inside
SQL, facets, filters, paging, odd input, snippets, suggestions, similar(), writing, the write
lock across connections (hosts), the rebuild in one transaction, and a missing index.

Needs a PostgreSQL server (REACHBACK_TEST_DATABASE_URL); CI runs it there."""
import os
import re
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.index_api import Hit, IndexBusy, IndexDoc, IndexMissing, SearchResult
from reachback.knowledge.pg_index import WRITE_LOCK, PgSearchIndex, parse
from tests.search_index_contract import (  # noqa: F401 - the shared tests run here too
    COMMUNITY,
    facet,
    keys,
    test_empty_principals_see_nothing,
    test_facet_counts_sorted_by_count_then_name,
    test_facets_are_computed_on_the_filtered_set,
    test_filters_restrict_results,
)

pytestmark = pytest.mark.skipif(not os.environ.get("REACHBACK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (REACHBACK_TEST_DATABASE_URL)")

BASE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def make_doc(key, title="", body="", *, summary="", kind="response", extra="", themes=(),
             countries=(), date=None, principals=("community",)):
    return IndexDoc(
        key=key, kind=kind, ref=key.split(":", 1)[-1], title=title, summary=summary,
        body=body, extra=extra, themes=list(themes),
        theme_names=[t.replace("-", " ").title() for t in themes], countries=list(countries),
        country_names=[{"SY": "Syria", "YE": "Yemen", "SS": "South Sudan"}.get(c, c)
                       for c in countries],
        date=date or BASE_DATE, principals=list(principals))


@pytest.fixture
def idx(app):
    index = PgSearchIndex(db.engine)
    index.create()
    return index


# --- the backend and its tables ----------------------------------------------------------------

def test_a_postgresql_database_gets_the_postgresql_backend(app):
    assert isinstance(svc.get_index(), PgSearchIndex)


def test_the_index_starts_unbuilt_and_create_builds_an_empty_one(app):
    index = PgSearchIndex(db.engine)
    assert not index.exists()
    for call in (lambda: index.search("ceasefire", COMMUNITY),
                 lambda: index.similar("ceasefire", COMMUNITY), index.doc_count,
                 lambda: index.apply([make_doc("document:1", "x")], [])):
        with pytest.raises(IndexMissing):
            call()
    index.create()
    assert index.exists() and index.doc_count() == 0
    result = index.search("anything", COMMUNITY)
    assert result.hits == [] and result.total == 0


def test_drop_empties_the_index_and_marks_it_unbuilt(idx):
    idx.apply([make_doc("document:1", "Ceasefire")], [])
    idx.drop()
    assert not idx.exists()
    idx.create()
    assert idx.doc_count() == 0 and idx.search("ceasefire", COMMUNITY).total == 0


def test_missing_tables_mean_a_missing_index(app):
    db.session.execute(text("DROP TABLE search_index_state"))
    db.session.commit()
    try:
        index = PgSearchIndex(db.engine)
        assert not index.exists()
        with pytest.raises(IndexMissing):
            index.search("ceasefire", COMMUNITY)
    finally:
        db.metadata.tables["search_index_state"].create(db.engine)


def test_the_gin_indexes_exist_and_a_search_can_use_them(idx):
    names = set(db.session.scalars(text(
        "SELECT indexname FROM pg_indexes WHERE tablename IN ('search_documents', "
        "'search_words')")))
    assert {"ix_search_documents_document", "ix_search_words_trigrams"} <= names
    db.session.execute(text("SET LOCAL enable_seqscan = off"))  # 300 rows: any plan is fast
    plan = "\n".join(db.session.scalars(text(
        "EXPLAIN SELECT key FROM search_documents WHERE document @@ "
        "to_tsquery('english', 'ceasefire') AND principals && ARRAY['community']")))
    assert "ix_search_documents_" in plan


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


# --- permissions, inside SQL -------------------------------------------------------------------

@pytest.fixture
def mixed(idx):
    idx.apply([
        make_doc("response:RB-1", "Ceasefire monitoring in Idlib",
                 "Community monitors reported violations.", themes=["ceasefires"],
                 countries=["SY"]),
        make_doc("response:RB-2", "Ceasefire secret channel",
                 "Exfiltration routes for the ceasefire negotiators are confidential.",
                 summary="Exfiltration plan.", themes=["security"], countries=["YE"],
                 kind="briefing", date=BASE_DATE.replace(year=2027),
                 principals=["user:5", "role:facilitator"]),
    ], [])
    return idx


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


# --- facets, filters, sort, pages ----------------------------------------------------------------

@pytest.fixture
def catalogue(idx):
    idx.apply([
        make_doc("response:RB-1", "Ceasefire A", themes=["ceasefires", "security"],
                 countries=["SY"], date=BASE_DATE.replace(year=2024)),
        make_doc("response:RB-2", "Ceasefire B", themes=["ceasefires"], countries=["YE"],
                 date=BASE_DATE.replace(year=2025)),
        make_doc("document:3", "Ceasefire C", kind="guidance", themes=["ceasefires", "gender"],
                 countries=["SY", "YE"], date=BASE_DATE.replace(year=2025, month=6)),
        make_doc("document:4", "Ceasefire D", kind="briefing", themes=["security"],
                 countries=["SS"], date=BASE_DATE.replace(year=2026)),
        make_doc("document:5", "Water access", kind="briefing", themes=["water"],
                 countries=["SS"], date=BASE_DATE.replace(year=2023)),
    ], [])
    return idx


def test_excluded_kinds_are_left_out_of_results_and_facets(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, exclude_kinds=["briefing"])
    assert "document:4" not in keys(result) and result.total == 3
    assert "briefing" not in facet(result, "kind")


def test_sort_by_date_newest_first(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, sort="date")
    assert keys(result) == ["document:4", "document:3", "response:RB-2", "response:RB-1"]
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
    for page in (4, 10**9, 10**30):
        far = idx.search("ceasefire", COMMUNITY, page=page, per_page=10)
        assert far.hits == [] and far.total == 25
    assert idx.search("ceasefire", COMMUNITY, page=0, per_page=0).page == 1


# --- query syntax and odd input -----------------------------------------------------------------

NASTY = [
    '"unbalanced quote ceasefire', "((ceasefire", "ceasefire))) monitoring", "AND AND", "OR",
    "NOT", "NOT NOT ceasefire", "*", "ceas*", "*:*", "NEAR(ceasefire, monitoring)",
    "principals:user:5", "title:ceasefire", "ceasefire^1000", "[a TO z]", "ceasefire~2",
    "'single", '""', "()", "\\", "\x00\x01ceasefire\x7f", "وقف إطلاق النار", "停火 监测",
    "🕊️ ceasefire 🔥", "ceasefire " * 500, "x" * 100_000, "AND OR NOT ANDNOT ANDMAYBE TO",
    "ceasefire AND", "(a OR (b AND", "<script>alert(1)</script>", "%s %d {0} $(rm -rf /)",
    "ceasefire\nmonitoring\tIdlib", "a & b | !c <-> d:* 'e'", "'; DROP TABLE search_words; --",
    "(" * 300 + "ceasefire" + ")" * 300, "\ue000ceasefire\ue001", "ceasefire -monitoring",
]


@pytest.mark.parametrize("words", NASTY)
def test_broken_syntax_never_raises(mixed, words):
    result = mixed.search(words, ["community"])
    assert isinstance(result, SearchResult)
    assert "response:RB-2" not in keys(result)
    mixed.similar(words, ["community"])
    assert mixed.doc_count() == 2


def test_syntax_error_falls_back_to_plain_words_with_message(mixed):
    result = mixed.search("NOT NOT ceasefire", ["community"])
    assert keys(result) == ["response:RB-1"] and result.message
    assert mixed.search("ceasefire", ["community"]).message is None


def test_very_long_query_is_truncated_with_message(mixed):
    result = mixed.search("ceasefire " + "x" * 5000, ["community"])
    assert keys(result) == ["response:RB-1"] and result.message


def test_phrases_and_operators_still_work(catalogue):
    assert set(keys(catalogue.search('"water access"', COMMUNITY))) == {"document:5"}
    assert catalogue.search("ceasefire NOT security", COMMUNITY).total == 2
    assert catalogue.search("ceasefire ANDNOT security", COMMUNITY).total == 2
    assert set(keys(catalogue.search("water OR security", COMMUNITY))) == {
        "document:5", "document:4", "response:RB-1"}
    assert catalogue.search("ceasefire AND (gender OR water)", COMMUNITY).total == 1


def test_the_query_text_is_built_from_quoted_words():
    """Every word or phrase reaches to_tsquery() quoted, so none can be read as syntax."""
    assert parse('"don\'t \\ stop" a:*').text == "('don''t \\\\ stop' | 'a')"
    query = parse('ceasefire "water access" NOT gender')
    assert query.text == "(('ceasefire' | 'water access') & !'gender')"
    assert query.terms == ["ceasefire", "water access"]  # never the excluded word


@settings(max_examples=100, deadline=None,
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


def test_highlights_find_terms_deep_in_the_body(idx):
    body = "Background paragraph. " * 400 + "Finally the monitors verified the ceasefire."
    idx.apply([make_doc("document:1", "Report", body, summary="No match here.")], [])
    (hit,) = idx.search("verified", COMMUNITY).hits
    assert "<mark>verified</mark>" in hit.highlights


def test_highlights_skip_substring_false_positives(idx):
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


def test_the_snippet_markers_in_stored_text_are_dropped(idx):
    idx.apply([make_doc("document:1", "Ceasefire", "\ue000<b>\ue001 ceasefire \x00 held")], [])
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert "\ue000" not in hit.highlights and "<b>" not in hit.highlights


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
    idx.apply([make_doc("document:2", "Elections")], [])
    assert idx.search("ceasefire", COMMUNITY).total == 0
    assert keys(idx.search("elections", COMMUNITY)) == ["document:2"]
    assert idx.doc_count() == 1
    # Edited then deleted in the same batch: the delete wins.
    idx.apply([make_doc("document:2", "Elections")], ["document:2"])
    assert idx.doc_count() == 0


def hold_write_lock():
    """The write lock, taken on a connection of its own (as another host would)."""
    conn = db.engine.connect()
    conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
    return conn


def test_apply_waits_while_another_host_holds_the_lock(idx):
    conn = hold_write_lock()
    timer = threading.Timer(0.2, conn.rollback)
    timer.start()
    start = time.perf_counter()
    idx.apply([make_doc("document:1", "Ceasefire")], [])
    waited = time.perf_counter() - start
    timer.join()
    conn.close()
    assert waited >= 0.15 and idx.doc_count() == 1


def test_apply_raises_busy_when_the_lock_never_frees(idx, monkeypatch):
    monkeypatch.setattr(idx, "lock_retries", 3)
    monkeypatch.setattr(idx, "lock_delay", 0.01)
    conn = hold_write_lock()
    try:
        with pytest.raises(IndexBusy):
            idx.apply([make_doc("document:1", "Ceasefire")], [])
    finally:
        conn.close()
    assert idx.doc_count() == 0


def test_only_one_rebuild_runs_at_a_time_on_every_host(idx):
    other_host = PgSearchIndex(db.engine)
    with idx.rebuild_lock() as first, other_host.rebuild_lock() as second:
        assert first and not second
    with other_host.rebuild_lock() as again:
        assert again


def test_rebuild_streams_in_one_transaction(idx):
    idx.apply([make_doc("document:old", "Ceasefire legacy")], [])
    observer = PgSearchIndex(db.engine)
    progress_calls, seen_mid_stream = [], {}

    def stream():
        for i in range(1200):
            if i == 1100:
                # Written in batches already, but searches see the old index until commit.
                seen_mid_stream["progress"] = progress_calls[-1]
                seen_mid_stream["old"] = keys(observer.search("ceasefire", COMMUNITY))
            yield make_doc(f"document:{i}", f"Fresh ceasefire {i}")

    assert idx.rebuild(stream(), progress=progress_calls.append) == 1200
    assert seen_mid_stream == {"progress": 1100, "old": ["document:old"]}
    assert progress_calls[-1] == 1200 and idx.doc_count() == 1200
    assert observer.search("legacy", COMMUNITY).total == 0


def test_failed_rebuild_keeps_old_index(idx):
    idx.apply([make_doc("document:old", "Ceasefire")], [])

    def broken():
        yield make_doc("document:1", "Ceasefire")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        idx.rebuild(broken())
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:old"]


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
