"""Search service: the outbox written in the caller's transaction and applied after the
request, the rebuild (`reachback reindex`), a missing or corrupt index, open queries for
triage, and that nothing restricted ever leaks through results, snippets, facet counts,
totals, suggestions or the similar-answers box."""
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from reachback import create_app
from reachback.cli import reindex_command
from reachback.config import search_backend
from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.index import IndexBusy, IndexDoc, SearchIndex
from reachback.knowledge.jobs import apply_search_outbox
from reachback.knowledge.models import SearchOutbox
from reachback.knowledge.pg_index import WRITE_LOCK, PgSearchIndex
from reachback.synthesis import services as ss

SECRET = "Zanzibarite"  # a word only the restricted response holds


def outbox_keys():
    return sorted(db.session.scalars(select(SearchOutbox.key)))


def refs(result):
    return [item.ref for item in result.items]


def on_postgresql() -> bool:
    return isinstance(svc.get_index(), PgSearchIndex)


def drop_index():
    """Lose the index, as a new instance folder or a database never indexed has none."""
    if on_postgresql():
        svc.get_index().drop()
    else:
        shutil.rmtree(svc.get_index().path)


@contextmanager
def write_lock_held_elsewhere():
    """Another process holds the index's write lock for the duration of the block."""
    if on_postgresql():
        with db.engine.connect() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
            yield
            conn.rollback()
        return
    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(svc.get_index().path).writer()
    try:
        yield
    finally:
        writer.cancel()


@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


@pytest.fixture
def people(make_user):
    return {"requester": make_user("member"), "other": make_user("member"),
            "fac": make_user("facilitator"), "expert": make_user("expert"),
            "bystander_expert": make_user("expert")}


@pytest.fixture
def published(make_query, people):
    """Published responses of every visibility; the restricted one answered by the expert."""
    def make(visibility, title, **kw):
        kw.setdefault("requester", people["requester"])
        kw.setdefault("experts", (people["expert"],))
        return make_query(status="published", visibility=visibility, title=title,
                          facilitator=people["fac"], **kw)

    world = {
        "public": make("public", "Vetting police recruits: open guidance", country="LR"),
        "community": make("community", "Vetting police recruits: members' lessons",
                          country="SS"),
        "restricted": make("restricted", f"Vetting police recruits in {SECRET} province",
                           country="YE", themes=("ceasefires",)),
    }
    svc.apply_outbox()
    return world


# --- the outbox ------------------------------------------------------------------------------

def test_publishing_writes_outbox_rows_in_the_same_transaction(make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"])
    svc.apply_outbox()
    assert outbox_keys() == []
    ss.publish_response(people["fac"], q, "community")
    # Not committed yet, but already in the transaction that publishes.
    assert outbox_keys() == [f"query:{q.reference}", f"response:{q.reference}"]
    db.session.commit()
    assert outbox_keys() == [f"query:{q.reference}", f"response:{q.reference}"]


def test_a_rolled_back_publication_leaves_no_outbox_row_and_nothing_indexed(make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], title="Rolled back vetting")
    svc.apply_outbox()
    ss.publish_response(people["fac"], q, "public")
    db.session.rollback()
    assert outbox_keys() == []
    assert svc.apply_outbox() == 0
    assert svc.search(people["fac"], "rolled back vetting").total == 0


def test_applying_the_outbox_indexes_the_response_and_empties_the_outbox(make_query, people):
    q = make_query(status="published", visibility="community", facilitator=people["fac"],
                   title="Community policing forums")
    assert outbox_keys()
    assert svc.apply_outbox() >= 2
    assert outbox_keys() == []
    assert refs(svc.search(people["other"], "policing forums")) == [q.reference]
    assert svc.apply_outbox() == 0  # idempotent: nothing left, nothing done


def test_an_outbox_row_applied_twice_changes_nothing(make_query, people):
    q = make_query(status="published", visibility="community", facilitator=people["fac"],
                   title="Cantonment logistics")
    svc.apply_outbox()
    svc.enqueue(f"response:{q.reference}")
    svc.enqueue(f"response:{q.reference}")
    db.session.commit()
    assert svc.apply_outbox() == 2
    result = svc.search(people["other"], "cantonment")
    assert refs(result) == [q.reference] and result.total == 1


def test_an_upsert_of_an_item_no_longer_indexable_removes_it(make_query, people):
    q = make_query(status="submitted", title="Duplicate ceasefire question")
    svc.apply_outbox()
    staff = people["fac"]
    assert refs(svc.search(staff, "duplicate ceasefire", {"kind": "query"})) == [q.reference]
    from reachback.queries import services as qs

    qs.close_query(staff, q, "out_of_scope")
    db.session.commit()
    assert outbox_keys() == [f"query:{q.reference}"]
    svc.apply_outbox()
    assert svc.search(staff, "duplicate ceasefire", {"kind": "query"}).total == 0


def test_outbox_changes_are_applied_right_after_the_request_that_made_them(
        web, make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], title="Border smuggling")
    svc.apply_outbox()
    web.login(people["fac"])
    response = web.post(f"/queries/{q.reference}/publish", {"visibility": "community"})
    assert response.status_code == 302
    assert outbox_keys() == []  # applied by the request's teardown, before any scheduler
    assert refs(svc.search(people["other"], "smuggling")) == [q.reference]


def test_a_busy_index_never_breaks_the_request_and_the_job_applies_later(
        web, make_query, people, monkeypatch):
    q = make_query(status="synthesis", facilitator=people["fac"], title="Mine clearance")
    svc.apply_outbox()
    monkeypatch.setattr(svc.get_index(), "lock_retries", 1)
    with write_lock_held_elsewhere():  # another process holds the lock
        web.login(people["fac"])
        response = web.post(f"/queries/{q.reference}/publish", {"visibility": "public", "confirm": "y"})
        assert response.status_code == 302
        assert f"response:{q.reference}" in outbox_keys()  # kept for the retry
        with pytest.raises(IndexBusy):
            svc.apply_outbox()
        assert apply_search_outbox() == 0  # the job shrugs and waits for its next run
    assert apply_search_outbox() >= 1
    assert outbox_keys() == []
    assert refs(svc.search(None, "mine clearance")) == [q.reference]


def test_a_request_leaves_a_big_rebuild_to_the_scheduler(web, make_query, people, monkeypatch):
    from reachback.knowledge import search_views

    monkeypatch.setattr(search_views, "REQUEST_REBUILD_LIMIT", 1)  # "big": more than 1 item
    drop_index()
    q = make_query(status="synthesis", facilitator=people["fac"], title="Cantonment sites")
    other = make_query(title="Another open query")
    assert not svc.get_index().exists()
    web.login(people["fac"])
    response = web.post(f"/queries/{q.reference}/publish", {"visibility": "public", "confirm": "y"})
    assert response.status_code == 302
    assert not svc.get_index().exists()  # nobody waited for a rebuild
    assert f"response:{q.reference}" in outbox_keys()
    apply_search_outbox()
    assert outbox_keys() == []
    assert refs(svc.search(None, "cantonment")) == [q.reference]
    assert refs(svc.search(people["fac"], "another", {"kind": "query"})) == [other.reference]


# --- the backend: whoosh on SQLite, PostgreSQL's full-text search on PostgreSQL ------------

def test_the_backend_follows_the_database(app):
    expected = PgSearchIndex if db.engine.dialect.name == "postgresql" else SearchIndex
    assert isinstance(svc.get_index(), expected)


@pytest.mark.parametrize(("setting", "url", "expected"), [
    ("auto", "sqlite:///x.db", "whoosh"),
    ("auto", "postgresql+psycopg://h/db", "postgresql"),
    ("whoosh", "postgresql+psycopg://h/db", "whoosh"),
    ("PostgreSQL", "postgresql://h/db", "postgresql"),
    ("postgresql", "sqlite:///x.db", "needs a PostgreSQL database"),
    ("elastic", "sqlite:///x.db", "must be one of"),
])
def test_the_search_backend_setting(setting, url, expected):
    config = {"SEARCH_BACKEND": setting, "SQLALCHEMY_DATABASE_URI": url}
    if expected in ("whoosh", "postgresql"):
        assert search_backend(config) == expected
    else:
        with pytest.raises(RuntimeError, match=expected):
            search_backend(config)


def test_postgresql_search_on_sqlite_is_refused_at_startup(tmp_path, monkeypatch):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="needs a PostgreSQL database"):
        create_app({"SECRET_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                    "SEARCH_BACKEND": "postgresql"})


def test_only_the_whoosh_backend_imports_whoosh():
    code = ("import sys, reachback.knowledge.pg_index, reachback.knowledge.index_api; "
            "sys.exit('whoosh' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_the_scheduler_runs_the_search_outbox_job(app):
    from reachback.scheduler import jobs

    assert "apply_search_outbox" in [name for name, _func, _seconds in jobs(app)]


# --- rebuilding ------------------------------------------------------------------------------

def test_reindex_rebuilds_from_the_database_with_a_progress_bar_and_counts(
        app, published, make_query, people):
    open_query = make_query(title="An open question about vetting")
    drop_index()
    result = app.test_cli_runner().invoke(reindex_command)
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output
    lines = dict(line.split()[:2] for line in result.output.splitlines()[1:] if line.strip())
    assert lines["response"] == "3" and lines["query"] == "1" and lines["total"] == "4"
    assert outbox_keys() == []  # the queued changes are in the rebuilt index
    assert svc.search(people["fac"], "vetting").total == 3
    assert refs(svc.search(people["fac"], "open question", {"kind": "query"})) == \
        [open_query.reference]


def test_rebuild_counts_and_streams_every_published_response(published):
    counts = svc.rebuild()
    assert counts["response"] == 3 and counts["query"] == 0
    assert svc.get_index().doc_count() == 3


def test_a_missing_index_makes_search_say_it_is_rebuilding_until_the_job_rebuilt_it(
        published, people):
    drop_index()
    result = svc.search(people["fac"], "vetting")
    assert result.rebuilding and result.total == 0 and "rebuilt" in result.message
    assert svc.similar(people["fac"], "vetting police recruits") == []
    apply_search_outbox()
    assert svc.search(people["fac"], "vetting").total == 3


def test_a_corrupt_index_is_detected_and_rebuilt(published, people):
    if on_postgresql():
        pytest.skip("whoosh's files only: PostgreSQL's tables are never half-written")
    index = svc.get_index()
    index.close()
    for name in os.listdir(index.path):
        with open(os.path.join(index.path, name), "wb") as fh:
            fh.write(b"\x00garbage" * 10)
    index._ix = None  # as a freshly started process would
    assert svc.search(people["fac"], "vetting").rebuilding
    assert svc.ensure_index()["response"] == 3
    assert svc.search(people["fac"], "vetting").total == 3


def test_applying_the_outbox_to_a_missing_index_rebuilds_it(make_query, people):
    drop_index()
    q = make_query(status="published", visibility="public", facilitator=people["fac"],
                   title="Truth commission hearings")
    assert not svc.get_index().exists()
    svc.apply_outbox()
    assert outbox_keys() == []
    assert refs(svc.search(None, "truth commission")) == [q.reference]


# --- who may find what ---------------------------------------------------------------------

def test_principals_name_the_caller(people):
    assert svc.principals_for(None) == ["public"]
    other = people["other"]
    assert svc.principals_for(other) == ["public", "community", f"user:{other.id}"]
    fac = people["fac"]
    assert svc.principals_for(fac) == ["public", "community", f"user:{fac.id}", "role:staff"]


def test_a_restricted_response_is_indexed_for_its_requester_experts_and_staff(published, people):
    doc = svc.response_to_doc(published["restricted"].response)
    assert sorted(doc.principals) == sorted(
        ["role:staff", f"user:{people['requester'].id}", f"user:{people['expert'].id}"])
    assert svc.response_to_doc(published["public"].response).principals == ["public"]
    assert svc.response_to_doc(published["community"].response).principals == ["community"]


def test_a_restricted_response_never_leaks_to_another_member(published, people):
    other = people["other"]
    result = svc.search(other, f"vetting {SECRET}")
    assert published["restricted"].reference not in refs(result)
    assert result.total == 2  # the public and community ones only
    assert SECRET.lower() not in " ".join(i.highlights.lower() + i.title.lower()
                                          for i in result.items)
    # Facet counts: the restricted one is about Yemen and ceasefires; neither is counted.
    assert "YE" not in dict(result.facets["country"])
    assert "ceasefires" not in dict(result.facets["theme"])
    assert dict(result.facets["kind"]) == {"response": 2}
    # Its own words find nothing, and are never offered as a spelling suggestion.
    alone = svc.search(other, SECRET)
    assert alone.total == 0 and alone.items == [] and alone.facets["country"] == []
    assert svc.search(other, SECRET[:-1] + "x").suggestion is None
    # Filtering on its facets finds nothing either.
    assert svc.search(other, "vetting", {"country": "YE"}).total == 0
    assert svc.search(other, "", {"theme": "ceasefires"}).total == 0
    # And the similar-answers box never offers it.
    similar = svc.similar(other, f"Vetting police recruits in {SECRET} province")
    assert published["restricted"].reference not in [i.ref for i in similar]


def test_the_requester_assigned_expert_and_staff_find_the_restricted_response(published, people):
    ref = published["restricted"].reference
    for who in ("requester", "expert", "fac"):
        result = svc.search(people[who], SECRET)
        assert refs(result) == [ref] and result.total == 1, who
        assert "<mark>" in result.items[0].highlights or SECRET in result.items[0].title
        # (a text about the same thing: one or two words are about nothing in particular)
        assert ref in [i.ref for i in svc.similar(
            people[who], f"Vetting police recruits in {SECRET}")]
    assert svc.search(people["bystander_expert"], SECRET).total == 0


def test_anonymous_callers_find_public_responses_only(published):
    result = svc.search(None, "vetting police recruits")
    assert refs(result) == [published["public"].reference] and result.total == 1
    assert dict(result.facets["country"]) == {"LR": 1}
    assert [i.ref for i in svc.similar(None, "vetting police recruits")] == \
        [published["public"].reference]


def test_browsing_without_words_lists_what_the_caller_may_read_newest_first(published, people):
    assert svc.search(people["other"], "").total == 2
    assert svc.search(people["fac"], "").total == 3
    assert svc.search(None, "   ").total == 1


def test_stale_index_entries_are_never_shown_if_the_database_says_otherwise(published, people):
    """Defence in depth: a response made restricted in the database is dropped from results
    even before the index catches up."""
    response = published["community"].response
    response.visibility = "restricted"
    db.session.commit()
    assert published["community"].reference not in refs(svc.search(people["other"], "vetting"))


def test_reseeding_random_never_makes_a_writer_reuse_a_live_segment(tmp_path):
    """Hypothesis reseeds `random` before every example (and scripts call random.seed):
    whoosh drew segment names from it, so a later commit reused a live segment's name and
    truncated its files (found by tests/web/test_fuzz.py)."""
    import random

    index = SearchIndex(tmp_path / "index")
    index.create()
    for n in range(1, 4):
        random.seed(0)  # the same draws before every commit
        index.apply([IndexDoc(key=f"t:{n}", kind="guidance", ref=str(n), title=f"Ceasefire {n}",
                              summary="", body="", extra="", themes=[], theme_names=[],
                              countries=[], country_names=[], date=datetime(2025, 5, n, tzinfo=UTC),
                              principals=["public"])], [])
    assert index.search("ceasefire", ["public"]).total == 3
    index.close()


# --- sources registered by other features (the library's documents) -------------------------

@pytest.fixture
def fake_documents():
    """A second source, as the library registers its documents; removed afterwards."""
    docs = {
        "1": IndexDoc(key="testdoc:1", kind="guidance", ref="1", title="Open ceasefire guidance",
                      summary="Ceasefire monitoring for everyone.", body="", extra="",
                      themes=["ceasefires"], theme_names=["Ceasefires"], countries=["YE"],
                      country_names=["Yemen"], date=datetime(2025, 5, 1, tzinfo=UTC),
                      principals=["public"]),
        "2": IndexDoc(key="testdoc:2", kind="briefing", ref="2",
                      title=f"Confidential ceasefire briefing {SECRET}",
                      summary="For staff only.", body=f"{SECRET} details.", extra="",
                      themes=["ceasefires"], theme_names=["Ceasefires"], countries=["SY"],
                      country_names=["Syria"], date=datetime(2025, 6, 1, tzinfo=UTC),
                      principals=["role:staff"]),
    }
    svc.register_source(
        "testdoc", load=lambda ids: [docs[i] for i in ids if i in docs],
        iter_all=lambda: iter(docs.values()),
        rows=lambda user, ids: {i: docs[i] for i in ids if i in docs},
        url=lambda row: f"/library/{row.ref}", labels={"briefing": "Briefing paper"},
        count=lambda: len(docs))
    yield docs
    svc.sources().pop("testdoc", None)


def test_restricted_documents_never_leak_through_results_facets_or_totals(
        fake_documents, people):
    svc.rebuild()
    other = people["other"]
    result = svc.search(other, "ceasefire")
    assert [(i.kind, i.ref, i.url) for i in result.items] == [("guidance", "1", "/library/1")]
    assert result.total == 1
    assert "briefing" not in dict(result.facets["kind"])
    assert "SY" not in dict(result.facets["country"])
    assert svc.search(other, SECRET).total == 0
    staff = svc.search(people["fac"], "ceasefire")
    assert staff.total == 2 and staff.label("kind", "briefing") == "Briefing paper"


def test_a_document_change_is_applied_through_the_outbox(fake_documents, people):
    svc.rebuild()
    fake_documents["1"].title = "Open truce guidance"
    svc.enqueue("testdoc:1")
    svc.enqueue("testdoc:2", "delete")
    db.session.commit()
    assert svc.apply_outbox() == 2
    assert refs(svc.search(people["fac"], "truce")) == ["1"]
    assert svc.search(people["fac"], SECRET).total == 0


@pytest.fixture
def library_documents(app, people):
    """Library documents of each visibility, written as the library writes them."""
    from datetime import date

    from reachback.accounts.models import Theme
    from reachback.knowledge.models import Document, DocumentCountry

    ceasefires = db.session.scalar(select(Theme).where(Theme.slug == "ceasefires"))
    made = {}
    for visibility, title, country in (
            ("public", "Ceasefire guidance note", "YE"),
            ("community", "Ceasefire discussion summary", "SS"),
            ("restricted", f"Ceasefire briefing on {SECRET}", "SY")):
        doc = Document(title=title, kind="briefing", summary=f"{title}.", date=date(2025, 3, 1),
                       visibility=visibility, created_by_id=people["fac"].id,
                       text=f"Full text about ceasefire monitoring. {title}.")
        doc.themes = [ceasefires]
        doc.country_rows = [DocumentCountry(country=country)]
        db.session.add(doc)
        made[visibility] = doc
    db.session.commit()
    svc.rebuild()
    return made


def test_restricted_library_documents_never_leak(library_documents, people):
    secret = str(library_documents["restricted"].id)
    other = svc.search(people["other"], "ceasefire")
    assert other.total == 2 and secret not in refs(other)
    assert "SY" not in dict(other.facets["country"])
    assert dict(other.facets["kind"]) == {"briefing": 2}
    assert svc.search(people["other"], SECRET).total == 0
    assert svc.search(people["other"], "", {"country": "SY"}).total == 0
    assert secret not in [i.ref for i in svc.similar(people["other"], "ceasefire briefing",
                                                      kind="briefing")]
    anonymous = svc.search(None, "ceasefire")
    assert refs(anonymous) == [str(library_documents["public"].id)] and anonymous.total == 1
    staff = svc.search(people["fac"], SECRET)
    assert refs(staff) == [secret]
    assert staff.items[0].url is None or staff.items[0].url.endswith(f"/library/{secret}")


# --- open queries: duplicate candidates at triage -------------------------------------------

def test_open_queries_are_found_by_staff_only_and_only_when_asked_for(make_query, people):
    q = make_query(confidentiality="community", title="How to run cantonment sites?")
    svc.apply_outbox()
    staff, member = people["fac"], people["other"]
    assert svc.search(staff, "cantonment").total == 0  # ordinary results: responses only
    assert refs(svc.search(staff, "cantonment", {"kind": "query"})) == [q.reference]
    assert svc.search(member, "cantonment", {"kind": "query"}).total == 0
    assert svc.search(None, "cantonment", {"kind": "query"}).total == 0


def test_duplicate_candidates_show_similar_responses_and_open_queries_to_staff(
        published, make_query, people):
    first = make_query(title="Vetting police recruits before deployment")
    second = make_query(title="Vetting police recruits again")
    svc.apply_outbox()
    dup = svc.duplicate_candidates(people["fac"], second)
    assert [i.ref for i in dup.queries] == [first.reference]  # never the query itself
    assert published["restricted"].reference in [i.ref for i in dup.responses]
    assert svc.duplicate_candidates(people["other"], second).queries == []
    assert svc.total_to_index() == 5


def test_odd_input_never_raises(published, people):
    for text in ['"unclosed phrase', "(((", "AND OR NOT", "x" * 5000, "\x00", "title:x*",
                 "ünïcödé ✓", "-", ")"]:
        result = svc.search(people["other"], text, {"theme": "x" * 500, "kind": 3}, page=10**9)
        assert result.total >= 0
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
