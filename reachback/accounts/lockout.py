"""Growing delays after failed sign-ins, per pair of account and client address, kept in the
database so that they hold across workers and hosts.

No account is ever locked: failures slow only the (account, address) pair that made them, so
an attack from one address never keeps the owner out from another. After
SIGN_IN_THROTTLE_AFTER failures of a pair (wrong passwords or wrong codes), each further
failure makes the pair wait SIGN_IN_THROTTLE_BASE_SECONDS, doubled each time, at most
SIGN_IN_THROTTLE_MAX_SECONDS. An attempt during the wait is refused unread and uncounted (an
attacker cannot lengthen it at will). The account is the e-mail typed, known or not, so the
delays tell nothing of which accounts exist. A full sign-in ends its pair's run; a password
reset ends the account's. Repeated failures are reported to the owner and the admins, at
most once an hour per account.
"""
import hashlib
import math
from datetime import timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, update

from ..audit import audit
from ..config import setting
from ..errors import TooManyAttempts
from ..extensions import db
from ..models_base import utcnow
from .limit_store import upsert
from .models import SignInThrottle, User, UserRole, email_key

ALERT_EVERY = timedelta(hours=1)


def _setting(name: str) -> int:
    return setting(name)  # SIGN_IN_THROTTLE_* in reachback/settings.toml


def account_key(email: str) -> str:
    """The account as stored: a digest of the e-mail typed (what attackers type is not
    kept in clear)."""
    return hashlib.sha256(email_key(email).encode()).hexdigest()


def wait_seconds(failures: int) -> int:
    """How long a pair waits after its `failures`-th failure in a run (0: not at all)."""
    over = failures - _setting("SIGN_IN_THROTTLE_AFTER")
    if over < 0:
        return 0
    # min() before the power: a long run of failures must not build a huge number.
    return min(_setting("SIGN_IN_THROTTLE_BASE_SECONDS") * 2 ** min(over, 32),
               _setting("SIGN_IN_THROTTLE_MAX_SECONDS"))


def seconds_left(email: str, address: str) -> int:
    """How long this pair must still wait before its next attempt (0: it may try now)."""
    until = db.session.scalar(select(SignInThrottle.wait_until).where(
        SignInThrottle.account == account_key(email), SignInThrottle.address == address))
    return max(0, math.ceil((until - utcnow()).total_seconds())) if until else 0


def check(email: str, address: str) -> None:
    """Raises TooManyAttempts while the pair must wait."""
    seconds = seconds_left(email, address)
    if seconds:
        raise TooManyAttempts(_("Too many failed attempts to sign in to this account from your "
                                "network. Please wait %(wait)s and try again.",
                                wait=spoken_wait(seconds)), seconds)


def spoken_wait(seconds: int) -> str:
    """"90 seconds", "3 minutes" (whole minutes, rounded up, from two on), in the reader's
    language."""
    wait = timedelta(seconds=seconds) if seconds < 120 else \
        timedelta(minutes=math.ceil(seconds / 60))
    return format_timedelta(wait, threshold=2)


def record_failure(email: str, address: str, user=None) -> int:
    """Count a failure of the pair (one statement: no lost update between two workers) and
    set its wait; report repeated failures of a known account. Returns the run's length.
    Audits `sign_in_throttled` when the pair must wait."""
    now, row = utcnow(), SignInThrottle.__table__.c
    stale = row.last_failure_at < now - timedelta(hours=_setting("SIGN_IN_THROTTLE_FORGET_HOURS"))
    failures = db.session.execute(upsert(
        SignInThrottle, {"account": account_key(email), "address": address, "failures": 1,
                         "last_failure_at": now},
        {"failures": case((stale, 1), else_=row.failures + 1), "last_failure_at": now})
        .returning(row.failures)).scalar_one()
    seconds = wait_seconds(failures)
    if seconds:
        _set_wait(email, address, now + timedelta(seconds=seconds))
        audit("sign_in_throttled", user, email_key(email)[:254],
              f"address={address}; failures={failures}; seconds={seconds}")
    if user is not None:
        _report(user, address)
    return failures


def _set_wait(email: str, address: str, until) -> None:
    db.session.execute(update(SignInThrottle).where(
        SignInThrottle.account == account_key(email), SignInThrottle.address == address)
        .values(wait_until=until).execution_options(synchronize_session=False))


def clear(user, address: str | None = None) -> None:
    """End the run of failures of the user's account from `address` (a full sign-in), or
    from everywhere (address None: a password reset, after which old guesses mean nothing)."""
    where = [SignInThrottle.account == account_key(user.email)]
    if address is not None:
        where.append(SignInThrottle.address == address)
    db.session.execute(delete(SignInThrottle).where(*where)
                       .execution_options(synchronize_session=False))


def forget_stale() -> int:
    """Delete the runs quiet for SIGN_IN_THROTTLE_FORGET_HOURS (the scheduler's hourly
    job); returns how many. The caller commits."""
    since = utcnow() - timedelta(hours=_setting("SIGN_IN_THROTTLE_FORGET_HOURS"))
    return db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.last_failure_at < since)).rowcount


# --- telling the owner and the admins -------------------------------------------------------

def _report(user, address: str) -> None:
    """Tell the owner and the admins when the account's failures of the last hour, from all
    addresses, reach SIGN_IN_THROTTLE_AFTER: once an hour at most (claimed in one UPDATE,
    so two workers never both tell)."""
    now = utcnow()
    recent = db.session.scalar(select(func.coalesce(func.sum(SignInThrottle.failures), 0))
                               .where(SignInThrottle.account == account_key(user.email),
                                      SignInThrottle.last_failure_at > now - ALERT_EVERY))
    if recent < _setting("SIGN_IN_THROTTLE_AFTER"):
        return
    claimed = db.session.execute(
        update(User).where(User.id == user.id, (User.sign_in_alert_at.is_(None))
                           | (User.sign_in_alert_at <= now - ALERT_EVERY))
        .values(sign_in_alert_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed:
        _tell(user, recent, address)


def _tell(user, failures: int, address: str) -> None:
    from flask_babel import force_locale

    from ..i18n import speaking
    from ..notify.services import notify

    # Each notice in its reader's language; without a choice, the default one, not this
    # request's (whoever failed to sign in).
    default = setting("DEFAULT_LANGUAGE")
    with speaking(user):
        notify([user], "sign_in_failures", _(
            "%(num)s failed attempts to sign in to your account in the last hour. Signing in "
            "from your usual places still works; if these were not you, choose a stronger "
            "password on your security page.", num=failures))
    admins = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "admin", User.active.is_(True), User.id != user.id)).all()
    for language in sorted({admin.language or default for admin in admins}):
        with force_locale(language):
            notify([a for a in admins if (a.language or default) == language],
                   "account_sign_in_failures",
                   _("%(num)s failed attempts to sign in to the account of %(email)s in the "
                     "last hour (the latest from %(address)s).", num=failures, email=user.email,
                     address=address or _("an unknown address")))
    audit("sign_in_failures_reported", user, user.email,
          f"failures={failures}; address={address}")
