"""Rate limits (flask-limiter) on signing in, codes, e-mailed links, invitations, API tokens
and search: each limit counts per client address and, where it has one, per account (the
person half-way through signing in, the link, the token, the signed-in person), and answers
429 with Retry-After.

Most limits count failed attempts only (the view calls failed()), so that a busy office
behind one address, the test suite or a benchmark is never slowed by legitimate use; a
valid API token is never even checked against them. Sign-in failures count per address
here, and per account and address in lockout.py (its growing delays never slow the owner
signing in from elsewhere). The limit strings are settings (RATELIMIT_*), read at each
request. The counters live where RATELIMIT_STORAGE_URI says: the database by default
(limit_store.py), shared by every worker and host.
"""
import hashlib

from flask import abort, g, request, session
from flask_login import current_user
from limits import parse_many

from .. import config
from ..extensions import client_address, limiter
from ..models_base import utcnow
from ..web import api_user, is_api_request
from .models import email_key

PENDING_KEY = "pending_sign_in"  # the session key of a half-finished sign-in (signin.py)


def failed() -> None:
    """Mark this request as a failed attempt: the limits with deduct_when count it."""
    g.attempt_failed = True


def _was_failed(_response) -> bool:
    return bool(g.get("attempt_failed"))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


# --- what "the account" is, per kind of request -------------------------------------

def typed_email() -> str:
    return email_key(request.form.get("email", ""))[:254] or "-"


def pending_person() -> str:
    pending = session.get(PENDING_KEY)
    return str(pending.get("user")) if isinstance(pending, dict) else "-"


def link_token() -> str:
    return _digest(str((request.view_args or {}).get("token", "")))


def signed_in_person() -> str:
    return str(current_user.id) if current_user.is_authenticated else "-"


def bearer_token() -> str:
    return _digest(request.headers.get("Authorization", ""))


def searcher() -> str:
    """Who searches: the signed-in person (page or API token), else the client address (a
    field office shares one address: its people each have their own budget)."""
    user = api_user() if is_api_request() else current_user
    if getattr(user, "is_authenticated", False):
        return f"user:{user.id}"
    return f"address:{client_address()}"


def limited(setting: str, account=None, every: bool = False, methods=("POST",)):
    """Decorator for a view: the limit in config[setting] per client address and, when
    account() names one, per account, on `methods`; failed attempts only unless every=True.
    Views with the same setting share one budget (a code guessed on either code page counts
    once)."""
    limits = _limits(setting, account, every, list(methods))

    def decorate(view):
        for limit in limits:
            view = limit(view)
        return view

    return decorate


def searches(view):
    """Decorator for the search views and the like: RATELIMIT_SEARCH, every request, per
    person (searcher()), one budget for all of them."""
    return limiter.shared_limit(_setting("RATELIMIT_SEARCH"), "RATELIMIT_SEARCH",
                                key_func=searcher, methods=None)(view)


def _setting(name: str):
    """The limit in setting `name`, read per request (flask-limiter calls it)."""
    return lambda: config.setting(name)


def _limits(setting, account, every, methods):
    options = {"methods": methods, "deduct_when": None if every else _was_failed}
    limits = [limiter.shared_limit(_setting(setting), f"{setting}-address",
                                   key_func=client_address, **options)]
    if account is not None:
        limits.append(limiter.shared_limit(_setting(setting), f"{setting}-account",
                                           key_func=account, **options))
    return limits


def spend_failure(setting: str, *keys: str) -> None:
    """Count one failed attempt against config[setting] for each key; 429 (abort) when any
    key is over its limit. For failures found after the request was read, such as an
    unknown API token: what succeeds never reaches this, so it is never refused."""
    for item in parse_many(config.setting(setting)):
        for key in keys:
            if not limiter.limiter.hit(item, setting, key):
                stats = limiter.limiter.get_window_stats(item, setting, key)
                g.retry_after = _seconds_until(stats.reset_time)
                abort(429)


def _seconds_until(moment: float) -> int:
    # The database storage counts by the application's clock (limit_store.py).
    return max(1, int(moment - utcnow().timestamp()) + 1)


def retry_after() -> int:
    """Seconds until the limit just breached lets the next attempt through (at least 1)."""
    if g.get("retry_after"):
        return g.retry_after
    breached = limiter.current_limit
    if breached is None:
        return 60
    return _seconds_until(breached.reset_at)
