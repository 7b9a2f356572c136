"""The PostgreSQL search backend's own behaviour (what it shares with whoosh's is in
tests/service/test_search_index_contract.py, run against both): its tables and GIN indexes,
the search text reaching websearch_to_tsquery() as bound parameters, snippet markers, drop(),
the rebuild lock across hosts and the rebuild in one transaction.

Needs a PostgreSQL server (REACHBACK_TEST_DATABASE_URL); CI runs it there."""
import os

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.index_api import IndexMissing
from reachback.knowledge.pg_index import PgSearchIndex, parse
from tests.search_docs import COMMUNITY, keys, make_doc

pytestmark = pytest.mark.skipif(not os.environ.get("REACHBACK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (REACHBACK_TEST_DATABASE_URL)")


@pytest.fixture
def idx(app):
    index = PgSearchIndex(db.engine)
    index.create()
    return index


def test_a_postgresql_database_gets_the_postgresql_backend(app):
    assert isinstance(svc.get_index(), PgSearchIndex)


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


def test_the_search_text_reaches_websearch_to_tsquery_as_bound_parameters():
    """The clauses to include, joined by OR, and those to leave out, each with its minus
    sign, are two bound parameters of websearch_to_tsquery() (which reads any text), joined
    by &&; the ranking and the snippets see only the clauses to include."""
    query = parse('ceasefire "water access" -gender NOT \'militia\' a:* OR')
    compiled = select(query.match).compile(dialect=postgresql.dialect())
    assert str(compiled).count("websearch_to_tsquery(") == 2 and " && " in str(compiled)
    assert sorted(set(compiled.params.values()) - {"english"}) == [
        "-gender -'militia'", 'ceasefire OR "water access" OR a:*']
    ranked = select(query.rank).compile(dialect=postgresql.dialect())
    assert set(ranked.params.values()) - {"english"} == {'ceasefire OR "water access" OR a:*'}
    assert query.words == "ceasefire water access a:*"
    leave_out_only = parse("-gender")
    assert leave_out_only.rank is None and leave_out_only.match is not None
    assert parse("OR - ()").match is not None and parse("OR -").match is None


def test_the_snippet_markers_in_stored_text_are_dropped(idx):
    idx.apply([make_doc("document:1", "Ceasefire", "\ue000<b>\ue001 ceasefire \x00 held")], [])
    (hit,) = idx.search("ceasefire", COMMUNITY).hits
    assert "\ue000" not in hit.highlights and "<b>" not in hit.highlights


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

