"""A storage for flask-limiter's counters in the application's own database
(RATELIMIT_STORAGE_URI = "database://", the default), so that every gunicorn worker and host
counts together without another service; "redis://..." still selects the limits library's
redis storage.

The fixed-window strategy needs incr, get and get_expiry. Each counter is one row, raised
by one INSERT ... ON CONFLICT DO UPDATE (no lost update between two workers). The counters
work through the request's own session: limits are checked when a view starts and counted
after it has answered, when the request has no unfinished work (a view commits or rolls back
before it answers), so the storage ends that transaction and writes in a short one of its
own (on SQLite a second connection would wait for the request's own write lock). Time is
the application's clock (models_base.utcnow), as everywhere else: tests freeze it.
"""
import hashlib
from contextlib import contextmanager

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter, write_intent
from ..models_base import utcnow
from .models import RateLimitCounter

SCHEME = "database"


def now() -> float:
    return utcnow().timestamp()


def upsert(model, values: dict, updates: dict):
    """INSERT `values` into model's table or, when its primary key exists, UPDATE with
    `updates` (expressions may name the row's columns): one statement on SQLite and
    PostgreSQL alike. Returns the statement, to be executed (or given .returning())."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    keys = [column.name for column in model.__table__.primary_key]
    return dialect.insert(model).values(**values).on_conflict_do_update(
        index_elements=keys, set_=updates)


@contextmanager
def own_transaction():
    """A short write transaction of its own on the session (BEGIN IMMEDIATE on SQLite),
    after ending whatever the request had begun (see the module's docstring)."""
    db.session.commit()
    token = write_intent.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        write_intent.reset(token)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """flask-limiter's counters in the rate_limit_counters table (fixed windows)."""

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Raise the counter by `amount`, starting a new window of `expiry` seconds when
        the last one is over; returns the count."""
        at, row = now(), RateLimitCounter.__table__.c
        over = row.expires_at <= at
        statement = upsert(RateLimitCounter,
                           {"key": _digest(key), "hits": amount, "expires_at": at + expiry},
                           {"hits": case((over, amount), else_=row.hits + amount),
                            "expires_at": case((over, at + expiry), else_=row.expires_at)})
        with own_transaction():
            return db.session.execute(statement.returning(row.hits)).scalar_one()

    def _live(self, key: str):
        return db.session.execute(select(RateLimitCounter.hits, RateLimitCounter.expires_at)
                                  .where(RateLimitCounter.key == _digest(key),
                                         RateLimitCounter.expires_at > now())).first()

    def get(self, key: str) -> int:
        live = self._live(key)
        return live.hits if live else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when it has none)."""
        live = self._live(key)
        return live.expires_at if live else now()

    def check(self) -> bool:
        try:
            db.session.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with own_transaction():
            return db.session.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with own_transaction():
            db.session.execute(delete(RateLimitCounter).where(
                RateLimitCounter.key == _digest(key)))


def purge_expired_counters() -> int:
    """Delete the counters whose window is over (the scheduler's hourly job); returns how
    many. The caller commits."""
    return db.session.execute(delete(RateLimitCounter).where(
        RateLimitCounter.expires_at <= now())).rowcount


def init_limiter(app) -> None:
    """Bind flask-limiter. Defining DatabaseStorage (above, imported with this function)
    registered the "database" scheme in the limits library, so RATELIMIT_STORAGE_URI may
    name it."""
    limiter.init_app(app)
