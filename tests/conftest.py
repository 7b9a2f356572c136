"""Shared fixtures: an app with its own instance folder and database, factories, clients."""
import gc
import os
import shutil
import sqlite3
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import request_started
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, func, literal, make_url, select, text, union_all
from sqlalchemy.engine import Dialect
from werkzeug.routing import Rule

from reachback import create_app
from reachback.accounts.models import User
from reachback.accounts.services import create_user
from reachback.accounts.taxonomy import seed_taxonomy
from reachback.accounts.twofactor import set_secret
from reachback.extensions import db
from reachback.knowledge.search import get_index
from reachback.models_base import set_clock
from reachback.sla.services import seed_sla_defaults
from tests.helpers import PASSWORD, WebClient, clear_g


def share_url_builders() -> None:
    """Each test has its own app, and each app compiles a URL builder for each of its ~190
    routes twice (werkzeug turns each rule into Python source and compiles it): three
    quarters of creating an app, ~0.15 s a test. A builder is a function of the rule's text,
    its defaults and converters, called with the rule itself: the same rule in the next
    test's app can take the function already compiled. A werkzeug without this method only
    loses the speed."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return
    compiled = {}

    def shared(rule, append_unknown=True):
        key = (rule.rule, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())),
               tuple((name, type(c)) for name, c in rule._converters.items()),
               append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


share_url_builders()


class SharedStatementCache(dict):
    """One cache of compiled SQL statements for every engine of a test worker. Each test has
    its own app, so its own engine, and SQLAlchemy keys its cache by the engine's dialect:
    each test compiled every statement it ran afresh (about half of a small test's time).
    Dialects of one class and server version compile alike, so the key takes those instead
    of the dialect object; a key of another shape (another SQLAlchemy) is kept as it is."""

    LIMIT = 20_000  # distinct statements: far more than the suite runs; a guard, no more

    @staticmethod
    def _key(key):
        if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
            dialect = key[0]
            return (type(dialect), dialect.server_version_info, *key[1:])
        return key

    def get(self, key, default=None):
        return super().get(self._key(key), default)

    def __setitem__(self, key, value):
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(self._key(key), value)


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    # Fast hashing in tests; the production parameters are tested in test_passwords.py.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 8,
    "ARGON2_PARALLELISM": 1,
    "SCHEDULER_IN_RUN": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"execution_options": {"compiled_cache": SharedStatementCache()}},
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
_SEEDED: dict[str, list[dict]] = {}  # table -> the rows the seed writes (the same every time)


def _seed() -> None:
    seed_taxonomy()
    seed_sla_defaults()
    db.session.commit()


def _reset_database(url) -> None:
    """A PostgreSQL database is emptied and seeded again, which is much faster than
    dropping and creating every table: only the tables holding rows are truncated (one
    statement finds them), every sequence starts again at 1, and the seed's rows, read
    once, are written back in one statement a table (seeding through the services and
    truncating all 71 tables took ~0.65 s a test, most of the PostgreSQL pass)."""
    if url not in _schema_ready:
        db.create_all()
        _schema_ready.add(url)
        _seed()
        if not _SEEDED:
            _SEEDED.update(_rows_of_each_table())
        return
    tables = db.metadata.sorted_tables
    holding = db.session.scalars(union_all(*(
        select(literal(t.name)).where(select(t).exists()) for t in tables))).all()
    if holding:
        db.session.execute(text(f"TRUNCATE {', '.join(map(quoted, holding))} CASCADE"))
    db.session.execute(text(
        "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = current_schema()"))
    for table in tables:
        if table.name in _SEEDED:
            db.session.execute(table.insert(), _SEEDED[table.name])
            if "id" in table.c:
                db.session.execute(select(func.setval(
                    func.pg_get_serial_sequence(quoted(table.name), "id"), func.max(table.c.id))))
    db.session.commit()


def quoted(table: str) -> str:
    return f'"{table}"'


def _rows_of_each_table() -> dict[str, list[dict]]:
    found = {}
    for table in db.metadata.sorted_tables:
        rows = [dict(row._mapping) for row in db.session.execute(table.select())]
        if rows:
            found[table.name] = rows
    return found


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A folder with an SQLite database (schema and seed rows) and its empty search index,
    made once per test worker: each test starts from a copy (a few milliseconds, where
    creating, seeding and building the index at the first request took ~150)."""
    folder = tmp_path_factory.mktemp("template")
    with _temporary_app(folder) as app:
        db.create_all()
        _seed()
        get_index().create()
        close_app(app)
    _checkpoint(folder / "test.db")
    return folder


def _copy_seeded(template: Path, tmp_path: Path) -> None:
    shutil.copyfile(template / "test.db", tmp_path / "test.db")
    if (template / "instance").exists():  # a scene's uploaded files, among others
        shutil.copytree(template / "instance", tmp_path / "instance")
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
def database_template():
    """The built scene this test's SQLite database starts from (a Scene from `scenes`), or
    None for the seeded template alone. A module overrides it to share an expensive scene
    between its tests."""
    return None


@pytest.fixture
def app(tmp_path, monkeypatch, postgres_url, database_template, request):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path / "instance"))
    config = dict(TEST_CONFIG)
    if postgres_url is None:
        template = database_template.folder if database_template else \
            request.getfixturevalue("seeded_sqlite")
        _copy_seeded(template, tmp_path)
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


@dataclass(frozen=True)
class Scene:
    """A database built once per test worker: its folder (laid out as `seeded_sqlite`'s) and
    what its builder returned (ids and such: the test loads the objects in its own session)."""

    folder: Path | None
    ids: object


@pytest.fixture(scope="session")
def scenes(tmp_path_factory, postgres_url, request):
    """`scenes(key, build)` -> a Scene. On SQLite, `build(make_user, make_query)` runs once
    per test worker and key, in an app of its own on a copy of the seeded database, and each
    test that returns the Scene from `database_template` starts from a copy of the result
    (copying takes milliseconds where building took up to a second). On PostgreSQL, where
    each test empties the one database, it returns Scene(None, None): build in the test."""
    built = {}

    def get(key, build):
        if postgres_url is not None:
            return Scene(None, None)
        if key not in built:
            folder = tmp_path_factory.mktemp("scene")
            seeded = request.getfixturevalue("seeded_sqlite")
            shutil.copyfile(seeded / "test.db", folder / "test.db")
            shutil.copytree(seeded / "search-index", folder / "search-index")
            with _temporary_app(folder) as app:
                ids = build(user_maker(), query_maker(user_maker()))
                close_app(app)
            _checkpoint(folder / "test.db")
            built[key] = Scene(folder, ids)
        return built[key]

    return get


@contextmanager
def _temporary_app(folder: Path):
    previous = os.environ.get("REACHBACK_INSTANCE_PATH")
    os.environ["REACHBACK_INSTANCE_PATH"] = str(folder / "instance")
    try:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{folder / 'test.db'}",
                          "SEARCH_INDEX_PATH": str(folder / "search-index")})
    finally:
        if previous is None:
            os.environ.pop("REACHBACK_INSTANCE_PATH")
        else:
            os.environ["REACHBACK_INSTANCE_PATH"] = previous
    with app.app_context():
        yield app
        db.session.remove()


def _checkpoint(path: Path) -> None:
    """Everything in the one file, so that copying it copies the database."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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
    clear_g()


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
    """signed_in(user) -> a WebClient of its own, signed in as the user by the shortcut
    (WebClient.sign_in): for what a signed-in user may do. Tests of signing in itself use
    WebClient.login, through the pages."""

    def sign_in(user):
        web = make_web()
        web.sign_in(user)
        return web

    return sign_in


@pytest.fixture
def signed_in_by_pages(make_web):
    """signed_in(user) through the sign-in pages (the password, then the code or the
    enrolment): for the tests of signing in, sessions and two-factor codes."""

    def sign_in(user):
        web = make_web()
        web.login(user)
        return web

    return sign_in


def user_maker():
    """make(role) -> a new user with PASSWORD (staff enrolled in two-factor, as by the CLI),
    numbered after the users already in the database (a scene's, see `scenes`)."""
    counter = {"n": None}

    def make(role="member", email=None, name=None, roles=None, **profile):
        if counter["n"] is None:
            counter["n"] = db.session.scalar(select(func.max(User.id))) or 0
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
def make_user(app):
    return user_maker()


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
    return query_maker(make_user)


def query_maker(make_user):
    from reachback.queries import services as qs
    from reachback.synthesis import services as ss

    def make(requester=None, status="submitted", confidentiality="restricted", experts=(),
             facilitator=None, title="How have other missions vetted police recruits?",
             themes=("police-reform-and-community-policing",), country="SS",
             priority="normal", visibility="community", contribute=True, group=None):
        requester = requester or make_user("member")
        query = qs.submit_query(requester, {
            "title": title, "question": "What worked and what did not?", "country": country,
            "themes": list(themes), "priority": priority, "confidentiality": confidentiality,
            **({"group": group} if group else {}),
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


def pytest_collection_finish(session):
    """What collecting made (modules, the tests, the app's classes) lives until the end: out
    of the garbage collector's full passes, which each test's new objects set off."""
    gc.collect()
    gc.freeze()
