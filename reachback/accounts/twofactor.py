"""Two-factor sign-in: TOTP codes (RFC 6238, pyotp) and one-time recovery codes.

Rules (ASVS 6.5): the secret comes from a CSPRNG (pyotp.random_base32: 160 bits), codes
have 6 digits and 30 s steps, a code one step early or late is accepted (clock drift), and
every code works once: the last accepted step is stored and only a later step is accepted
after it (pyotp's verify() has no such memory). Ten recovery codes of 12 digits are shown
once and stored as SHA-256; each works once. Wrong codes slow the sign-in (lockout.py).
"""
import hashlib
import hmac
import secrets

import pyotp
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import permissions as perm
from ..audit import audit
from ..config import setting
from ..errors import Invalid
from ..extensions import db
from ..models_base import utcnow
from . import lockout
from .models import RecoveryCode, User
from .services import end_sessions, reauthenticate, revoke_api_tokens

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 10
RECOVERY_DIGITS = 12


def wrong_code() -> str:
    """The refusal of a code, on its field (at sign-in, and before a sensitive change)."""
    return _("This code is not right, or it was used already. Each code works once.")


def new_secret() -> str:
    return pyotp.random_base32()


def is_enrolled(user) -> bool:
    return bool(user.totp_secret)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def _digits(code: str | None) -> str:
    """A typed code without the spaces and hyphens people copy along with it."""
    return "".join(ch for ch in (code or "") if ch not in " -\t")[:64]


def matching_step(secret: str, code: str | None) -> int | None:
    """The time step (now, one before or one after) whose code this is; None otherwise.
    Compared in constant time."""
    code = _digits(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = _totp(secret)
    now = totp.timecode(utcnow())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(user, step: int) -> bool:
    """Record `step` as used unless it (or a later one) was used already. One UPDATE, so two
    requests racing with the same code cannot both pass."""
    done = db.session.execute(
        update(User).where(User.id == user.id,
                           or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # the row holds it already
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _use_recovery_code(user, code: str | None) -> bool:
    code = _digits(code)
    if len(code) != RECOVERY_DIGITS or not code.isascii() or not code.isdigit():
        return False
    done = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _digest(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return False
    audit("recovery_code_used", user, user.email, f"left={recovery_codes_left(user)}")
    return True


def verify_code(user, code: str | None, address: str = "") -> bool:
    """The second step of signing in: a TOTP code of the user's secret not used before, or
    one of their unused recovery codes. A refusal is audited (`totp_failed`, with the reason)
    and counted for the pair of account and client address (lockout.py); while that pair
    must wait, raises TooManyAttempts without a look at the code."""
    if not is_enrolled(user):
        return False
    lockout.check(user.email, address)
    step = matching_step(user.totp_secret, code)
    if step is not None and _use_step(user, step):
        return True
    if step is None and _use_recovery_code(user, code):
        return True
    audit("totp_failed", user, user.email,
          "reason=" + ("replayed" if step is not None else "wrong_code"))
    lockout.record_failure(user.email, address, user)
    return False


def reauthenticate_with_code(user, current_password: str, code: str | None, action: str,
                             address: str = "") -> None:
    """Ask the password again and, where the account has two-factor sign-in, a code (not
    used before) or a recovery code: the step-up before a change that must not follow from
    a stolen session alone. Raises Invalid on current_password or code, TooManyAttempts
    while this account and client address must wait. Failures are audited (a wrong code is
    counted for the account and address, as at sign-in) and committed here, before anything
    of the change was written: the caller rolls back on Invalid."""
    reauthenticate(user, current_password, action)
    if is_enrolled(user) and not verify_code(user, code, address):
        db.session.commit()
        raise Invalid(_("The two-factor code is not right."), {"code": wrong_code()})


# --- recovery codes -------------------------------------------------------------------

def _format(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes by ten new ones; returns them in clear, once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.randbelow(10 ** RECOVERY_DIGITS):0{RECOVERY_DIGITS}d}"
             for _ in range(RECOVERY_CODES)]
    now = utcnow()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c), created_at=now)
                       for c in codes)
    db.session.flush()
    return [_format(c) for c in codes]


def recovery_codes_left(user) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def regenerate_recovery_codes(user, current_password: str) -> list[str]:
    """New recovery codes (the old ones stop working), after the password is asked again.
    Raises Invalid (wrong password, or two-factor sign-in is off)."""
    reauthenticate(user, current_password, "recovery_codes")
    if not is_enrolled(user):
        raise Invalid(_("Two-factor sign-in is off."),
                      {"current_password": _("Turn it on first.")})
    codes = _new_recovery_codes(user)
    audit("recovery_codes_generated", user, user.email, f"count={len(codes)}")
    return codes


# --- enrolment ------------------------------------------------------------------------

def begin_enrolment(user) -> str:
    """A new secret waiting for its first code; the active one (if any) keeps working until
    then."""
    user.totp_pending_secret = new_secret()
    db.session.flush()
    return user.totp_pending_secret


def start_enrolment(user, current_password: str) -> str:
    """Set up (or replace) two-factor sign-in from the security page, after the password is
    asked again. Raises Invalid."""
    reauthenticate(user, current_password, "totp_setup")
    return begin_enrolment(user)


def confirm_enrolment(user, code: str | None, keep=None) -> list[str]:
    """The first code of the waiting secret makes it the active one (that step counts as
    used); ten new recovery codes are returned, in clear, once. Every other session of the
    user ends (all but `keep`). Raises Invalid on the `code` field."""
    secret = user.totp_pending_secret
    step = matching_step(secret, code) if secret else None
    if step is None:
        audit("totp_failed", user, user.email, "reason=enrolment")
        raise Invalid(_("The code does not match."), {"code": _(
            "This code does not match the key: check the time on your phone and try the "
            "newest code.")})
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, step
    codes = _new_recovery_codes(user)
    audit("totp_enrolled", user, user.email)
    end_sessions(user, "totp_changed", actor=user, keep=keep)
    return codes


def disable(user, current_password: str, keep=None) -> None:
    """Turn two-factor sign-in off, after the password is asked again; refused (Forbidden)
    where it is required (staff, or everyone by setting). Other sessions end and every API
    token is revoked (it was created behind the second factor)."""
    reauthenticate(user, current_password, "totp_disable")
    perm.require(perm.can_disable_two_factor(user),
                 _("Two-factor sign-in is required for your account: it cannot be turned "
                   "off."))
    _clear(user)
    audit("totp_disabled", user, user.email)
    end_sessions(user, "totp_changed", actor=user, keep=keep)
    revoke_api_tokens(user, "totp_disabled", actor=user)


def _clear(user) -> None:
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def set_secret(user) -> str:
    """Give the user a new active secret at once (demo and test accounts, the CLI): no code
    is asked, no last step is kept."""
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = new_secret(), None, None
    db.session.flush()
    return user.totp_secret


def reset_totp(actor, user) -> str:
    """`reachback users totp EMAIL`: a new secret for someone who lost their phone (or to
    enrol them by hand). Their recovery codes are deleted, not renewed: the old ones may be
    lost with the phone, and new ones belong on the person's own screen (their security
    page), not in an administrator's terminal. Every session of the user ends. Returns the
    new secret, to be given to the person by a safe channel."""
    _clear(user)
    secret = set_secret(user)
    audit("totp_reset", actor, user.email)
    end_sessions(user, "totp_changed", actor=actor)
    return secret


# --- showing a secret -----------------------------------------------------------------

def provisioning_uri(user, secret: str) -> str:
    return _totp(secret).provisioning_uri(name=user.email,
                                          issuer_name=setting("TOTP_ISSUER"))


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code: an SVG data URI (the CSP allows data: images)."""
    import segno  # only at enrolment: not worth a web worker's memory

    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)

