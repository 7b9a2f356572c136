"""Scheduled work of accounts: forgetting rate-limit counters and sign-in delays that are
over, so that their tables hold only what still counts."""
from . import lockout
from .limit_store import purge_expired_counters


def forget_spent_counters() -> int:
    """Delete rate-limit windows that are over and runs of failed sign-ins quiet for
    SIGN_IN_THROTTLE_FORGET_HOURS; returns how many rows went. The caller commits."""
    return purge_expired_counters() + lockout.forget_stale()
