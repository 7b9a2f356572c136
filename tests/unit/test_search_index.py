"""Tests for the whoosh-backed knowledge-base search index."""

from __future__ import annotations

import gc
import os
import random
import re
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reachback.knowledge.index import (
    Hit,
    IndexBusy,
    IndexDoc,
    IndexMissing,
    SearchIndex,
    SearchResult,
)
from tests.search_index_contract import (  # noqa: F401 - the shared tests run here too
    COMMUNITY,
    facet,
    keys,
    test_empty_principals_see_nothing,
    test_facet_counts_sorted_by_count_then_name,
    test_facets_are_computed_on_the_filtered_set,
    test_filters_restrict_results,
)

BASE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def make_doc(
    key,
    title="",
    body="",
    *,
    summary="",
    kind="response",
    extra="",
    themes=(),
    countries=(),
    date=None,
    principals=("community",),
):
    return IndexDoc(
        key=key,
        kind=kind,
        ref=key.split(":", 1)[-1],
        title=title,
        summary=summary,
        body=body,
        extra=extra,
        themes=list(themes),
        theme_names=[t.replace("-", " ").title() for t in themes],
        countries=list(countries),
        country_names=[
            {"SY": "Syria", "YE": "Yemen", "SS": "South Sudan"}.get(c, c) for c in countries
        ],
        date=date or BASE_DATE,
        principals=list(principals),
    )


@pytest.fixture
def idx(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.create()
    yield index
    index.close()


# ------------------------------------------------------------------ basics


def test_create_gives_empty_existing_index(idx):
    assert idx.exists()
    assert idx.doc_count() == 0
    result = idx.search("anything", COMMUNITY)
    assert result.hits == [] and result.total == 0


def test_stemmed_words_match(idx):
    idx.apply(
        [
            make_doc("response:RB-1", "Partners were vetted last year", "Local organisations."),
            make_doc("response:RB-2", "Negotiation with armed groups", "Talks."),
            make_doc("response:RB-3", "Water points", "Unrelated."),
        ],
        [],
    )
    assert keys(idx.search("vetting", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("negotiations", COMMUNITY)) == ["response:RB-2"]


def test_title_outweighs_body(idx):
    idx.apply(
        [
            make_doc("document:1", "Market assessment", "Notes on the ceasefire and its monitors."),
            make_doc("document:2", "Ceasefire monitoring", "Notes on the market and its traders."),
        ],
        [],
    )
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:2", "document:1"]


def test_more_matching_terms_rank_higher_but_not_all_required(idx):
    idx.apply(
        [
            make_doc("document:1", "Ceasefire", "Monitoring."),
            make_doc("document:2", "Ceasefire", "Monitoring local elections."),
            make_doc("document:3", "Elections", "Turnout."),
        ],
        [],
    )
    result = idx.search("ceasefire elections", COMMUNITY)
    assert result.total == 3
    assert keys(result)[0] == "document:2"


def test_theme_country_names_and_extra_are_searchable(idx):
    idx.apply(
        [
            make_doc(
                "response:RB-1",
                "Question one",
                "Body.",
                themes=["gender-inclusion"],
                countries=["SY"],
            ),
            make_doc(
                "response:RB-2", "Question two", "Body.", extra="How do we approach tribal elders?"
            ),
        ],
        [],
    )
    assert keys(idx.search("Syria", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("inclusion", COMMUNITY)) == ["response:RB-1"]
    assert keys(idx.search("tribal elders", COMMUNITY)) == ["response:RB-2"]


def test_hit_fields_and_aware_utc_date(idx):
    cairo = timezone(timedelta(hours=2))
    idx.apply(
        [
            make_doc(
                "response:RB-2026-0042",
                "Ceasefire",
                "Body",
                summary="Short answer.",
                date=datetime(2026, 1, 1, 1, 30, tzinfo=cairo),
            ),
            make_doc("document:2", "Elections"),
        ],
        [],
    )
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert isinstance(hit, Hit)
    assert (hit.key, hit.kind, hit.ref, hit.title, hit.summary) == (
        "response:RB-2026-0042",
        "response",
        "RB-2026-0042",
        "Ceasefire",
        "Short answer.",
    )
    assert hit.score > 0
    # 01:30 in UTC+2 is 23:30 UTC the previous day, and so the previous year.
    assert hit.date == datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert facet(idx.search("ceasefire", COMMUNITY), "year") == {"2025": 1}


# ------------------------------------------------------------- permissions


@pytest.fixture
def mixed(idx):
    idx.apply(
        [
            make_doc(
                "response:RB-1",
                "Ceasefire monitoring in Idlib",
                "Community monitors reported violations.",
                themes=["ceasefires"],
                countries=["SY"],
            ),
            make_doc(
                "response:RB-2",
                "Ceasefire secret channel",
                "Exfiltration routes for the ceasefire negotiators are confidential.",
                summary="Exfiltration plan.",
                themes=["security"],
                countries=["YE"],
                kind="briefing",
                date=BASE_DATE.replace(year=2027),
                principals=["user:5", "role:facilitator"],
            ),
        ],
        [],
    )
    return idx


def test_restricted_doc_never_leaks_to_other_principals(mixed):
    for text in ["ceasefire", "exfiltration", "secret channel", ""]:
        result = mixed.search(text, ["community"])
        assert "response:RB-2" not in keys(result)
        assert result.total == (0 if text in ("exfiltration", "secret channel") else 1)
        assert "security" not in facet(result, "theme")
        assert "YE" not in facet(result, "country")
        assert "briefing" not in facet(result, "kind")
        assert "2027" not in facet(result, "year")
        assert all(
            "xfiltration" not in h.highlights and "secret" not in h.highlights for h in result.hits
        )
    ceasefire = mixed.search("ceasefire", ["community"])
    assert facet(ceasefire, "theme") == {"ceasefires": 1}
    assert mixed.search("exfiltraton", ["community"]).suggestion is None
    assert mixed.search("secrte", ["community"]).suggestion is None
    assert "response:RB-2" not in keys(
        mixed.similar("exfiltration routes for negotiators", ["community"])
    )


def test_restricted_doc_visible_to_its_principals(mixed):
    for principals in (["user:5"], ["community", "role:facilitator"]):
        result = mixed.search("ceasefire", principals)
        assert "response:RB-2" in keys(result)
    result = mixed.search("exfiltraton", ["user:5"])
    assert result.suggestion == "exfiltration"
    assert "response:RB-2" in keys(mixed.similar("exfiltration routes", ["user:5"]))


# ---------------------------------------------------- facets, filters, sort


@pytest.fixture
def catalogue(idx):
    docs = [
        make_doc(
            "response:RB-1",
            "Ceasefire A",
            themes=["ceasefires", "security"],
            countries=["SY"],
            date=BASE_DATE.replace(year=2024),
        ),
        make_doc(
            "response:RB-2",
            "Ceasefire B",
            themes=["ceasefires"],
            countries=["YE"],
            date=BASE_DATE.replace(year=2025),
        ),
        make_doc(
            "document:3",
            "Ceasefire C",
            kind="guidance",
            themes=["ceasefires", "gender"],
            countries=["SY", "YE"],
            date=BASE_DATE.replace(year=2025, month=6),
        ),
        make_doc(
            "document:4",
            "Ceasefire D",
            kind="briefing",
            themes=["security"],
            countries=["SS"],
            date=BASE_DATE.replace(year=2026),
        ),
        make_doc(
            "document:5",
            "Water access",
            kind="briefing",
            themes=["water"],
            countries=["SS"],
            date=BASE_DATE.replace(year=2023),
        ),
    ]
    idx.apply(docs, [])
    return idx


def test_sort_by_date_newest_first(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, sort="date")
    assert keys(result) == ["document:4", "document:3", "response:RB-2", "response:RB-1"]
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)


def test_empty_text_browses_by_date(catalogue):
    result = catalogue.search("", COMMUNITY)
    assert keys(result) == [
        "document:4",
        "document:3",
        "response:RB-2",
        "response:RB-1",
        "document:5",
    ]
    browse = catalogue.search("   ", COMMUNITY, filters={"kind": "briefing"})
    assert keys(browse) == ["document:4", "document:5"]
    assert browse.facets["kind"] == [("briefing", 2)]


def test_pagination(idx):
    idx.apply(
        (
            make_doc(
                f"document:{i}", f"Report {i} on ceasefire", date=BASE_DATE + timedelta(days=i)
            )
            for i in range(25)
        ),
        [],
    )
    seen = []
    for page, size in [(1, 10), (2, 10), (3, 5)]:
        result = idx.search("ceasefire", COMMUNITY, page=page, per_page=10, sort="date")
        assert (result.total, result.page, result.per_page, result.pages) == (25, page, 10, 3)
        assert len(result.hits) == size
        seen += keys(result)
    assert len(set(seen)) == 25
    assert seen[0] == "document:24"
    beyond = idx.search("ceasefire", COMMUNITY, page=4, per_page=10)
    assert beyond.hits == [] and beyond.total == 25
    far = idx.search("ceasefire", COMMUNITY, page=10**9, per_page=10)
    assert far.hits == [] and far.total == 25
    assert idx.search("ceasefire", COMMUNITY, page=0, per_page=0).page == 1


# ------------------------------------------------------------ query syntax

NASTY = [
    '"unbalanced quote ceasefire',
    "((ceasefire",
    "ceasefire))) monitoring",
    "AND AND",
    "OR",
    "NOT",
    "NOT NOT ceasefire",
    "*",
    "ceas*",
    "*:*",
    "NEAR(ceasefire, monitoring)",
    "principals:user:5",
    "nosuchfield:value",
    "title:ceasefire",
    "ceasefire^1000",
    "[a TO z]",
    "{ceasefire TO}",
    "ceasefire~2",
    "'single",
    '""',
    "()",
    "\\",
    "\x00\x01ceasefire\x7f",
    "وقف إطلاق النار",
    "停火 监测",
    "🕊️ ceasefire 🔥",
    "ceasefire " * 500,
    "x" * 100_000,
    "AND OR NOT ANDNOT ANDMAYBE TO",
    "ceasefire AND",
    "(a OR (b AND",
    "<script>alert(1)</script>",
    "%s %d {0} $(rm -rf /)",
    "ceasefire\nmonitoring\tIdlib",
]


@pytest.mark.parametrize("text", NASTY)
def test_broken_syntax_never_raises(mixed, text):
    result = mixed.search(text, ["community"])
    assert isinstance(result, SearchResult)
    assert "response:RB-2" not in keys(result)
    mixed.similar(text, ["community"])


def test_syntax_error_falls_back_to_plain_words_with_message(mixed):
    result = mixed.search("NOT NOT ceasefire", ["community"])
    assert keys(result) == ["response:RB-1"]
    assert result.message
    assert mixed.search("ceasefire", ["community"]).message is None


def test_very_long_query_is_truncated_with_message(mixed):
    result = mixed.search("ceasefire " + "x" * 5000, ["community"])
    assert keys(result) == ["response:RB-1"]
    assert result.message


def test_phrases_and_operators_still_work(catalogue):
    assert set(keys(catalogue.search('"water access"', COMMUNITY))) == {"document:5"}
    assert catalogue.search("ceasefire NOT security", COMMUNITY).total == 2


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("prop") / "index")
    index.rebuild(
        make_doc(f"document:{i}", f"Ceasefire report {i}", "Monitors, elections and markets.")
        for i in range(20)
    )
    yield index
    index.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(shared_index, text):
    result = shared_index.search(text, COMMUNITY)
    assert result.total >= 0
    for hit in result.hits:
        assert "<" not in re.sub(r"</?mark>", "", hit.highlights)


# -------------------------------------------------------------- highlights


def test_highlights_mark_terms_and_escape_html(idx):
    idx.apply(
        [
            make_doc(
                "document:1",
                "Ceasefire",
                'Before <script>alert("x")</script> the ceasefires & monitors <b>held</b>.',
                summary="Summary with <i>tags</i>.",
            )
        ],
        [],
    )
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert "<mark>ceasefires</mark>" in hit.highlights
    assert "&lt;script&gt;" in hit.highlights
    assert "<script" not in hit.highlights
    assert "<" not in re.sub(r"</?mark>", "", hit.highlights)


def test_highlights_find_terms_deep_in_the_body(idx):
    body = "Background paragraph. " * 400 + "Finally the monitors verified the ceasefire."
    idx.apply([make_doc("document:1", "Report", body, summary="No match here.")], [])
    (hit,) = idx.search("verified", COMMUNITY).hits
    assert "<mark>verified</mark>" in hit.highlights
    assert hit.highlights.startswith("Background") or "Background" in hit.highlights


def test_highlights_skip_substring_false_positives(idx):
    # "war" is a substring of "award": the snippet must still reach the real word.
    body = "The award ceremony. " * 10 + "Background paragraph. " * 200 + "Then the war ended."
    idx.apply([make_doc("document:1", "Report", body)], [])
    (hit,) = idx.search("war", COMMUNITY).hits
    assert "<mark>war</mark>" in hit.highlights


def test_highlight_falls_back_to_escaped_summary(idx):
    long_summary = "Guidance <for> " + "word " * 200
    idx.apply([make_doc("document:1", "Ceasefire", "", summary=long_summary)], [])
    (hit,) = idx.search("", COMMUNITY).hits
    assert hit.highlights.startswith("Guidance &lt;for&gt; word")
    assert "<mark>" not in hit.highlights
    assert len(hit.highlights) <= 320


# ---------------------------------------------------------------- spelling


def test_spelling_suggestion(idx):
    idx.apply(
        [make_doc("response:RB-1", "Local ceasefire agreements", "How ceasefire monitors work.")],
        [],
    )
    result = idx.search("ceasfire agreements", COMMUNITY)
    assert result.suggestion == "ceasefire agreements"
    assert idx.search("ceasfire", COMMUNITY).suggestion == "ceasefire"
    assert idx.search("ceasefire", COMMUNITY).suggestion is None
    assert idx.search("zzqqxx", COMMUNITY).suggestion is None


# ----------------------------------------------------------------- similar


def test_similar_finds_related_and_honours_exclusions(catalogue):
    catalogue.apply(
        [
            make_doc(
                "response:RB-9",
                "Water access for displaced families",
                "Boreholes and water trucking.",
            )
        ],
        [],
    )
    hits = catalogue.similar("How can displaced families get water access?", COMMUNITY)
    assert keys(hits)[0] == "response:RB-9"
    assert "document:5" in keys(hits)
    excluded = catalogue.similar(
        "displaced families water", COMMUNITY, exclude_keys=["response:RB-9"]
    )
    assert "response:RB-9" not in keys(excluded)
    assert len(catalogue.similar("ceasefire", COMMUNITY, limit=2)) == 2
    assert catalogue.similar("", COMMUNITY) == []


# ---------------------------------------------------------------- writing


def test_delete_and_upsert(idx):
    idx.apply([make_doc("document:1", "Ceasefire"), make_doc("document:2", "Ceasefire again")], [])
    assert idx.search("ceasefire", COMMUNITY).total == 2
    idx.apply([], ["document:1"])
    result = idx.search("ceasefire", COMMUNITY)
    assert keys(result) == ["document:2"]
    assert result.facets["kind"] == [("response", 1)]
    assert idx.search("", COMMUNITY).total == 1
    idx.apply([make_doc("document:2", "Elections")], [])
    assert idx.search("ceasefire", COMMUNITY).total == 0
    assert keys(idx.search("elections", COMMUNITY)) == ["document:2"]
    assert idx.doc_count() == 1
    # Edited then deleted in the same batch: the delete wins.
    idx.apply([make_doc("document:2", "Elections")], ["document:2"])
    assert idx.doc_count() == 0


def test_cached_searcher_sees_deletes_after_merges(idx):
    # Regression guard: whoosh-reloaded's searcher.refresh() keeps deleted docs.
    for i in range(12):
        idx.apply([make_doc(f"document:{i}", "Ceasefire")], [])
        assert idx.search("ceasefire", COMMUNITY).total == i + 1
    idx.apply([], [f"document:{i}" for i in range(0, 12, 2)])
    result = idx.search("ceasefire", COMMUNITY, per_page=50)
    assert result.total == 6
    assert sorted(keys(result)) == sorted(f"document:{i}" for i in range(1, 12, 2))


def test_apply_retries_while_lock_is_held(idx):
    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(idx.path).writer()
    released = threading.Event()

    def release():
        time.sleep(0.2)
        writer.cancel()
        released.set()

    thread = threading.Thread(target=release)
    thread.start()
    start = time.perf_counter()
    idx.apply([make_doc("document:1", "Ceasefire")], [])
    waited = time.perf_counter() - start
    thread.join()
    assert released.is_set() and waited >= 0.15
    assert idx.doc_count() == 1


def test_apply_raises_busy_when_lock_never_frees(idx, monkeypatch):
    from whoosh import index as whoosh_index

    monkeypatch.setattr(idx, "lock_retries", 3)
    monkeypatch.setattr(idx, "lock_delay", 0.01)
    writer = whoosh_index.open_dir(idx.path).writer()
    try:
        with pytest.raises(IndexBusy):
            idx.apply([make_doc("document:1", "Ceasefire")], [])
    finally:
        writer.cancel()
    assert idx.doc_count() == 0


def test_apply_on_missing_index_raises(tmp_path):
    with pytest.raises(IndexMissing):
        SearchIndex(tmp_path / "nothing").apply([make_doc("document:1", "x")], [])


# ---------------------------------------------------------------- rebuild


def test_rebuild_streams_and_swaps_atomically(idx, tmp_path):
    idx.apply([make_doc("document:old", "Ceasefire legacy")], [])
    observer = SearchIndex(idx.path)
    progress_calls = []
    seen_mid_stream = {}

    def stream():
        for i in range(250):
            if i == 150:
                # Docs are consumed one by one (progress already reported) and
                # the old index still answers at the same path.
                seen_mid_stream["progress"] = list(progress_calls)
                seen_mid_stream["old"] = keys(observer.search("ceasefire", COMMUNITY))
            yield make_doc(f"document:{i}", f"Fresh ceasefire {i}")

    count = idx.rebuild(stream(), progress=progress_calls.append)

    assert count == 250
    assert seen_mid_stream == {"progress": [100], "old": ["document:old"]}
    assert progress_calls == [100, 200, 250]
    assert idx.doc_count() == 250
    assert "document:old" not in keys(idx.search("legacy", COMMUNITY))
    # A searcher opened before the swap notices the new directory.
    assert observer.search("ceasefire", COMMUNITY).total == 250
    assert "document:old" not in keys(observer.search("legacy", COMMUNITY))
    assert sorted(os.listdir(tmp_path)) == ["index"]
    observer.close()


def test_failed_rebuild_keeps_old_index(idx, tmp_path):
    idx.apply([make_doc("document:old", "Ceasefire")], [])

    def broken():
        yield make_doc("document:1", "Ceasefire")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        idx.rebuild(broken())
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:old"]
    assert sorted(os.listdir(tmp_path)) == ["index"]


def test_create_empties_and_close_reopens(idx):
    idx.apply([make_doc("document:1", "Ceasefire")], [])
    assert idx.doc_count() == 1
    idx.create()
    assert idx.doc_count() == 0
    idx.close()
    idx.apply([make_doc("document:2", "Ceasefire")], [])
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:2"]


def test_rebuild_creates_missing_index(tmp_path):
    index = SearchIndex(tmp_path / "deep" / "index")
    assert not index.exists()
    assert index.rebuild(iter([make_doc("document:1", "Ceasefire")])) == 1
    assert index.exists()
    assert index.search("ceasefire", COMMUNITY).total == 1
    index.close()


# ------------------------------------------------------- missing / corrupt


def test_missing_index(tmp_path):
    index = SearchIndex(tmp_path / "index")
    assert not index.exists()
    with pytest.raises(IndexMissing):
        index.search("ceasefire", COMMUNITY)
    with pytest.raises(IndexMissing):
        index.similar("ceasefire", COMMUNITY)
    with pytest.raises(IndexMissing):
        index.doc_count()
    (tmp_path / "index").mkdir()  # an empty directory is not an index either
    assert not index.exists()
    with pytest.raises(IndexMissing):
        index.search("ceasefire", COMMUNITY)


def _corrupt(path):
    for name in os.listdir(path):
        with open(os.path.join(path, name), "r+b") as fh:
            size = max(os.path.getsize(fh.name), 64)
            fh.write(b"\xde\xad garbage \xbe\xef" * (size // 16 + 1))


# whoosh leaves the garbage TOC file open when reading it fails.
@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)
def test_corrupt_index_is_reported_missing(idx):
    idx.apply([make_doc(f"document:{i}", "Ceasefire") for i in range(5)], [])
    _corrupt(idx.path)
    cold = SearchIndex(idx.path)
    assert not cold.exists()
    with pytest.raises(IndexMissing):
        cold.search("ceasefire", COMMUNITY)
    with pytest.raises(IndexMissing):
        idx.apply([make_doc("document:9", "x")], [])
    # Recovery path: a rebuild replaces the corrupt files.
    cold.rebuild(iter([make_doc("document:1", "Ceasefire")]))
    assert cold.exists() and cold.search("ceasefire", COMMUNITY).total == 1
    cold.close()
    gc.collect()  # surface the leaked-file warnings here, where they are ignored


# --------------------------------------------------------- concurrency/perf


def test_concurrent_searches_during_writes(idx):
    idx.apply([make_doc(f"document:{i}", "Ceasefire") for i in range(20)], [])
    errors = []

    def searcher():
        try:
            for _ in range(30):
                assert idx.search("ceasefire", COMMUNITY).total >= 20
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(20, 30):
        idx.apply([make_doc(f"document:{i}", "Ceasefire")], [])
    for t in threads:
        t.join()
    assert errors == []
    assert idx.search("ceasefire", COMMUNITY).total == 30


def test_threads_never_share_a_searcher(idx):
    # whoosh searchers seek shared file objects; a shared one returns wrong
    # results or raises under thread switches this frequent.
    words = ["ceasefire", "election", "market", "water", "militia", "drought"]
    rng = random.Random(3)
    idx.rebuild(
        make_doc(
            f"document:{i}", " ".join(rng.sample(words, 2)), " ".join(rng.choices(words, k=200))
        )
        for i in range(150)
    )
    queries = [f"{a} {b}" for a in words for b in words if a < b]
    expected = {q: (r.total, keys(r)) for q in queries for r in [idx.search(q, COMMUNITY)]}
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    problems = []

    def worker(seed):
        local = random.Random(seed)
        for _ in range(15):
            q = local.choice(queries)
            try:
                r = idx.search(q, COMMUNITY)
                if (r.total, keys(r)) != expected[q]:
                    problems.append(q)
            except Exception as exc:  # collected and asserted below
                problems.append(repr(exc))

    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert problems == []

