"""Shared fixtures: an app with its own instance folder and database, factories, clients."""
import os
import shutil
import sqlite3
import uuid
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g, request_started
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text

from reachback import create_app
from reachback.accounts.services import create_user
from reachback.accounts.taxonomy import seed_taxonomy
from reachback.accounts.twofactor import set_secret
from reachback.extensions import db
from reachback.knowledge.search import get_index
from reachback.models_base import set_clock
from reachback.sla.services import seed_sla_defaults
from tests.helpers import PASSWORD, WebClient

TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    # Fast hashing in tests; the production parameters are tested in test_passwords.py.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 8,
    "ARGON2_PARALLELISM": 1,
    "SCHEDULER_IN_RUN": False,
}


SERVER = os.environ.get("REACHBACK_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def make_database(request):
    """`make_database(name)` -> the URL of a new, empty PostgreSQL database for this run and
    worker (dropped at the end), or None without REACHBACK_TEST_DATABASE_URL (SQLite)."""
    # Unique per run and worker, so that several runs can share one server.
    workerinput = getattr(request.config, "workerinput", {})
    prefix = (f"reachback_test_{workerinput.get('testrunuid', uuid.uuid4().hex)[:8]}_"
              f"{workerinput.get('workerid', 'main')}")
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT") if SERVER else None
    created = []

    def make(name):
        if admin is None:
            return None
        created.append(f"{prefix}_{name}")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{created[-1]}"')
        return make_url(SERVER).set(database=created[-1]).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(make_database):
    """With REACHBACK_TEST_DATABASE_URL (a PostgreSQL server), one database per test worker,
    emptied between tests; None means each test gets its own SQLite file."""
    return make_database("main")


_schema_ready = set()


def _seed() -> None:
    seed_taxonomy()
    seed_sla_defaults()
    db.session.commit()


def _reset_database(url) -> None:
    """A PostgreSQL database is emptied and seeded again, which is much faster than
    dropping and creating every table."""
    if url not in _schema_ready:
        db.create_all()
        _schema_ready.add(url)
    else:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    _seed()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A folder with an SQLite database (schema and seed rows) and its empty search index,
    made once per test worker: each test starts from a copy (a few milliseconds, where
    creating, seeding and building the index at the first request took ~150)."""
    folder = tmp_path_factory.mktemp("template")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{folder / 'test.db'}",
                      "SEARCH_INDEX_PATH": str(folder / "search-index")})
    with app.app_context():
        db.create_all()
        _seed()
        get_index().create()
        close_app(app)
        db.session.remove()
    with closing(sqlite3.connect(folder / "test.db")) as conn:  # all in the one file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


def _copy_seeded(template: Path, tmp_path: Path) -> None:
    shutil.copyfile(template / "test.db", tmp_path / "test.db")
    shutil.copytree(template / "search-index", tmp_path / "instance" / "search-index")


class SharedBytecode(BytecodeCache):
    """Templates compiled once per test worker, not once per test's app (each app has its
    own Jinja environment, and compiling base.html and the macros took ~100 ms a test)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()


@pytest.fixture
def app(tmp_path, monkeypatch, postgres_url, request):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path / "instance"))
    config = dict(TEST_CONFIG)
    if postgres_url is None:
        _copy_seeded(request.getfixturevalue("seeded_sqlite"), tmp_path)
    config["DATABASE_URL"] = postgres_url or f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATES
    request_started.connect(_fresh_g, app)
    with app.app_context():
        if postgres_url is not None:
            _reset_database(postgres_url)
        yield app
        db.session.remove()
        close_app(app)
        set_clock(None)


@contextmanager
def another_app(app, **overrides):
    """A second app on the test's database (another worker, other settings), its pooled
    connections closed at the end (else they are closed by the garbage collector, late)."""
    other = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        **overrides})
    try:
        yield other
    finally:
        with other.app_context():
            close_app(other)


def close_app(app) -> None:
    """Close what an app keeps open between requests (in its app context): the database
    pool and the search index's cached searchers (their files, else closed late by the
    garbage collector)."""
    index = app.extensions.get("reachback.search_index")
    if index is not None:
        index.close()
    db.engine.dispose()


def _fresh_g(_sender, **_extra):
    """The test keeps one app context (so one database session) for its whole run, and
    requests reuse it; `g` lives on it too. Without this, Flask-Login's cached user and
    Flask-WTF's token would leak from one request, and one client, to the next. A real
    browser request always starts with a fresh `g`."""
    for key in list(g):
        g.pop(key)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def web(app):
    return WebClient(app.test_client())


@pytest.fixture
def make_web(app):
    return lambda: WebClient(app.test_client())


@pytest.fixture
def signed_in(make_web):
    """signed_in(user) -> a WebClient of its own, signed in as the user."""

    def sign_in(user):
        web = make_web()
        web.login(user)
        return web

    return sign_in


@pytest.fixture
def make_user(app):
    counter = {"n": 0}

    def make(role="member", email=None, name=None, roles=None, **profile):
        counter["n"] += 1
        n = counter["n"]
        roles = roles or [role]
        user = create_user(None, email or f"{roles[0]}{n}@example.org",
                           name or f"{roles[0].title()} {n}", roles=roles,
                           password=PASSWORD, **profile)
        if user.is_staff:  # staff must have a second factor: enrolled as by the CLI
            set_secret(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def clock():
    """Freeze time: `clock.set(datetime)`, `clock.advance(timedelta)`."""

    class Clock:
        now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning

        def __call__(self):
            return self.now

        def set(self, moment):
            self.now = moment

        def advance(self, delta):
            self.now = self.now + delta

    c = Clock()
    set_clock(c)
    yield c
    set_clock(None)


@pytest.fixture
def make_query(app, make_user):
    """Build a query through the services, up to the requested status."""
    from reachback.queries import services as qs
    from reachback.synthesis import services as ss

    def make(requester=None, status="submitted", confidentiality="restricted", experts=(),
             facilitator=None, title="How have other missions vetted police recruits?",
             themes=("police-reform-and-community-policing",), country="SS",
             priority="normal", visibility="community", contribute=True):
        requester = requester or make_user("member")
        query = qs.submit_query(requester, {
            "title": title, "question": "What worked and what did not?", "country": country,
            "themes": list(themes), "priority": priority, "confidentiality": confidentiality,
        })
        db.session.commit()
        staff = facilitator or make_user("facilitator")
        if status == "clarification":
            qs.ask_clarification(staff, query, "Which districts?")
        elif status == "closed":
            qs.close_query(staff, query, "out_of_scope")
        elif status in ("routed", "synthesis", "published"):
            for expert in experts or [make_user("expert")]:
                qs.assign_expert(staff, query, expert)
                if contribute and status != "routed":
                    qs.add_contribution(expert, query, f"Advice from {expert.name}.")
        if status in ("synthesis", "published"):
            ss.save_draft(staff, query, query.title, "In short: vet carefully.", "Body text.")
        if status == "published":
            ss.publish_response(staff, query, visibility)
        db.session.commit()
        return query

    return make
