"""The growing lockout of an account after failed sign-ins, kept in the database so that it
holds across workers and hosts (the rate limits of reachback/accounts/limits.py may live in
one process's memory).

After LOCKOUT_THRESHOLD failures in a row (wrong passwords or wrong codes) the account is
locked for LOCKOUT_BASE_SECONDS; each further failure after the lock ends doubles the time,
up to LOCKOUT_MAX_SECONDS. Attempts while locked are refused without being counted (so an
attacker cannot lengthen the lock at will), and a full sign-in resets the count.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models_base import utcnow
from .models import User


def _setting(name: str) -> int:
    return int(current_app.config[name])


def is_locked(user) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def lock_seconds(failures: int) -> int:
    """How long the account is locked after `failures` failures in a row (0: not locked)."""
    over = failures - _setting("LOCKOUT_THRESHOLD")
    if over < 0:
        return 0
    # min() before the power: a long run of failures must not build a huge number.
    return min(_setting("LOCKOUT_BASE_SECONDS") * 2 ** min(over, 32),
               _setting("LOCKOUT_MAX_SECONDS"))


def record_failure(user) -> None:
    """Count a failed sign-in; lock the account when the count reaches the threshold. The
    count is raised in SQL (no lost update between two workers). Audits `account_locked`."""
    from .services import audit

    failures = db.session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(user, "failed_logins", failures)  # the row holds it already
    seconds = lock_seconds(failures)
    if seconds:
        user.locked_until = utcnow() + timedelta(seconds=seconds)
        audit("account_locked", user, user.email, f"failures={failures}; seconds={seconds}")


def clear(user) -> None:
    """A successful sign-in (or a password reset) ends the run of failures."""
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
