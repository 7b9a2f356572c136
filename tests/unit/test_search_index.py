"""The whoosh backend's own behaviour (what it shares with PostgreSQL's is in
tests/service/test_search_index_contract.py, run against both): an index in a folder,
rebuilt beside it and swapped in, replaced when built with an older schema, reported missing
when its files are gone or corrupt, and searchers that threads never share."""

from __future__ import annotations

import gc
import os
import random
import sys
import threading

import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer

from reachback.knowledge.index import (
    OTHER_TEXT_FIELD,
    TEXT_FIELDS,
    IndexMissing,
    SearchIndex,
    build_schema,
)
from tests.search_docs import COMMUNITY, keys, make_doc, rebuild_that_fails_midway


@pytest.fixture
def idx(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.create()
    yield index
    index.close()


# ---------------------------------------------------------------- writing


def test_cached_searcher_sees_deletes_after_merges(idx):
    # Regression guard: whoosh-reloaded's searcher.refresh() keeps deleted docs.
    for i in range(12):
        idx.apply([make_doc(f"document:{i}", "Ceasefire")], [])
        assert idx.search("ceasefire", COMMUNITY).total == i + 1
    idx.apply([], [f"document:{i}" for i in range(0, 12, 2)])
    result = idx.search("ceasefire", COMMUNITY, per_page=50)
    assert result.total == 6
    assert sorted(keys(result)) == sorted(f"document:{i}" for i in range(1, 12, 2))


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


def test_failed_rebuild_leaves_only_the_old_folder(idx, tmp_path):
    rebuild_that_fails_midway(idx)
    assert sorted(os.listdir(tmp_path)) == ["index"]


def test_rebuild_creates_missing_index(tmp_path):
    index = SearchIndex(tmp_path / "deep" / "index")
    assert not index.exists()
    assert index.rebuild(iter([make_doc("document:1", "Ceasefire")])) == 1
    assert index.exists()
    assert index.search("ceasefire", COMMUNITY).total == 1
    index.close()


# ------------------------------------------------------- missing / corrupt


def test_an_index_of_an_older_schema_counts_as_missing_until_rebuilt(tmp_path):
    """After an upgrade that changed the fields, the old files are never read or written:
    the index reports itself missing (search says it is being rebuilt) until a rebuild."""
    path = tmp_path / "index"
    path.mkdir()
    old = whoosh_index.create_in(path, fields.Schema(key=fields.ID(stored=True),
                                                     body=fields.TEXT()))
    with old.writer() as writer:
        writer.add_document(key="document:1", body="Ceasefire")
    index = SearchIndex(path)
    assert not index.exists()
    with pytest.raises(IndexMissing):
        index.search("ceasefire", COMMUNITY)
    with pytest.raises(IndexMissing):
        index.apply([make_doc("document:2", "Ceasefire")], [])
    index.rebuild([make_doc("document:2", "Ceasefire")])
    assert index.exists() and keys(index.search("ceasefire", COMMUNITY)) == ["document:2"]
    index.close()


def test_an_index_of_one_text_field_for_every_language_is_rebuilt(tmp_path):
    """The index before documents were stemmed by language (one English `text` field, no
    `language`) is an older schema: never read, reported missing until rebuilt."""
    path = tmp_path / "index"
    path.mkdir()
    schema = build_schema()
    for name in (*TEXT_FIELDS.values(), OTHER_TEXT_FIELD, "language"):
        schema.remove(name)
    schema.add("text", fields.TEXT(analyzer=StemmingAnalyzer()))
    whoosh_index.create_in(path, schema).writer().commit()
    index = SearchIndex(path)
    assert not index.exists()
    index.rebuild([make_doc("document:2", "Réintégrer", language="fr")])
    assert keys(index.search("réintégration", COMMUNITY)) == ["document:2"]
    index.close()


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

