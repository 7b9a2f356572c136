"""Refused access in the audit log: every refusal of a signed-in user, but only the first of
each minute from an anonymous client address, so that a scan or a flood of 404s cannot fill
the append-only log (one short row a minute per address, whatever the number of workers).
"""
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..audit import audit
from ..extensions import db
from ..models_base import utcnow
from .models import AnonymousRefusal

PATH_CHARS = 100  # a path is cut here: a row stays short however long the URL


def summary(status: int, method: str, path: str) -> str:
    """The detail of a refusal: status, method and path (cut at PATH_CHARS)."""
    if len(path) > PATH_CHARS:
        path = path[:PATH_CHARS] + "…"
    return f"status={status}; {method} {path}"


def _minute() -> datetime:
    return utcnow().replace(second=0, microsecond=0)


def recorded_this_minute(address: str) -> bool:
    """Whether an anonymous refusal from this address is in the log for this minute: a
    read, so that the rest of a flood costs no write at all."""
    return db.session.scalar(select(AnonymousRefusal.address).where(
        AnonymousRefusal.minute == _minute(),
        AnonymousRefusal.address == address[:64])) is not None


def record_refusal(actor, detail: str, address: str) -> None:
    """Audit a refused access: `access_refused` for a signed-in actor, every time; for an
    anonymous one (actor None) `access_refused_anonymous`, only if this address has none
    this minute. The (minute, address) key decides in the database, so two workers cannot
    both record it. Older minutes' keys are deleted on the way. The caller commits."""
    if actor is not None:
        audit("access_refused", actor, actor.email, detail)
        return
    minute = _minute()
    db.session.execute(delete(AnonymousRefusal).where(AnonymousRefusal.minute < minute))
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT run through the ORM session.
    inserted = db.session.execute(
        dialect.insert(AnonymousRefusal).values(minute=minute, address=address[:64])
        .on_conflict_do_nothing().returning(AnonymousRefusal.address)).first()
    if inserted is not None:
        audit("access_refused_anonymous", None, "", detail)
