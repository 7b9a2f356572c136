"""Rate limits (flask-limiter) on signing in, codes, e-mailed links, invitations and API
tokens: each limit counts per client address and per account (the e-mail typed, the person
half-way through signing in, the link, the token), and answers 429 with Retry-After.

Most limits count failed attempts only (the view calls failed()), so that a busy office
behind one address, the test suite or a benchmark is never slowed by legitimate use. The
limit strings are settings (RATELIMIT_*), read at each request. The counters live where
RATELIMIT_STORAGE_URI says: memory (one process) by default; the lockout in the database
(lockout.py) holds across workers whatever the store.
"""
import hashlib
import time

from flask import current_app, g, request, session
from flask_login import current_user

from ..extensions import client_address, limiter
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


def limited(setting: str, account, every: bool = False, methods=("POST",)):
    """Decorator for a view: the limit in config[setting] per client address and per account
    (account() names it), on `methods`; failed attempts only unless every=True. Views with
    the same setting share one budget (a code guessed on either code page counts once)."""
    by_address, by_account = _pair(setting, account, every, list(methods))
    return lambda view: by_address(by_account(view))


def limited_blueprint(blueprint, setting: str, account) -> None:
    """The same for every route of a blueprint, counted together (one budget for the whole
    API, not one per route); failed attempts only."""
    for limit in _pair(setting, account, False, None):
        limit(blueprint)


def _pair(setting, account, every, methods):
    def value() -> str:
        return current_app.config[setting]

    options = {"methods": methods, "deduct_when": None if every else _was_failed}
    return (limiter.shared_limit(value, f"{setting}-address", key_func=client_address,
                                 **options),
            limiter.shared_limit(value, f"{setting}-account", key_func=account, **options))


def retry_after() -> int:
    """Seconds until the limit just breached lets the next attempt through (at least 1)."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()) + 1)
