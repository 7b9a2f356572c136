"""Flask extensions, created unbound here and bound in create_app."""
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine

# Stable constraint names, so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()  # pages, CSS, JS, CSV: Brotli first
compress_json = Compress()  # JSON: zstd first (see init_compress)


def client_address() -> str:
    """The client's address for rate limits: request.remote_addr, which ProxyFix sets from
    X-Forwarded-For only for the TRUSTED_PROXIES hops (never a raw header)."""
    return request.remote_addr or "unknown"


# No default limits: each limit is put on its route (reachback/accounts/limits.py).
limiter = Limiter(key_func=client_address)


def init_compress(app) -> None:
    """Bind Flask-Compress with our settings (COMPRESS_* in reachback/settings.toml)."""
    compress.init_app(app)
    compress_json.init_app(app)
    # Flask-Compress keeps one preference of algorithms per instance (read from the config
    # by init_app): the second instance takes JSON alone, zstd moved first.
    compress.compress_mimetypes_set.discard("application/json")
    compress_json.compress_mimetypes_set = {"application/json"}
    compress_json.enabled_algorithms = tuple(
        sorted(compress.enabled_algorithms, key=lambda name: name != "zstd"))
    # after_request hooks run in reverse order: this one runs just before Flask-Compress.
    app.after_request(_close_streamed_source)


def _close_streamed_source(response):
    """Flask-Compress swaps a streamed body (a static file) for a compressing generator and
    never closes the file it read from: close it when the response is closed."""
    close = getattr(response.response, "close", None)
    if response.is_streamed and close is not None:
        response.call_on_close(close)
    return response

# Whether the current unit of work may write. Read-only requests (GET, HEAD) begin
# deferred transactions; everything else begins IMMEDIATE, so a transaction that read
# first can never fail with "database is locked" when it then writes.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


@contextmanager
def writing():
    """Transactions begun inside this block may write (BEGIN IMMEDIATE on SQLite), whatever
    the request's method: for the short bookkeeping write of a reading request."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def listen_once(target, identifier: str, fn) -> None:
    """Register a process-wide SQLAlchemy hook from the app factory: several apps in one
    process (the tests build many) must not stack the same hook."""
    if not event.contains(target, identifier, fn):
        event.listen(target, identifier, fn)


def init_engine_events() -> None:
    """SQLite's pragmas on every new connection, and its BEGIN chosen by write intent."""
    listen_once(Engine, "connect", _sqlite_pragmas)
    listen_once(Engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_conn, _record):
    if not isinstance(dbapi_conn, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" hook below issue BEGIN instead of pysqlite.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def refresh_planner_statistics() -> None:
    """ANALYZE, so that SQLite plans from statistics (sqlite_stat1) rather than guesses.
    Without them, at 100 000 queries it sorted a member's 40 000 visible queries for every
    page of the API list (90 ms) instead of reading the created_at index backwards until
    the page was full (0.1 ms). analysis_limit samples each index: milliseconds, not a scan.
    PostgreSQL's autovacuum keeps its own statistics."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(text("PRAGMA analysis_limit=1000"))
    db.session.execute(text("ANALYZE"))
    db.session.commit()
