"""Shared column helpers for the models."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock = _system_clock


def utcnow() -> datetime:
    """The current time in UTC; tests and jobs may replace the clock with set_clock()."""
    return _clock()


def set_clock(clock=None) -> None:
    """Install a clock (a callable returning an aware datetime); None restores the system's."""
    global _clock
    _clock = clock or _system_clock


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None
