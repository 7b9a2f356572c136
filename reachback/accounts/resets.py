"""Password reset by e-mail ("Forgot your password?").

Asking answers the same whatever the address (the e-mail is composed either way and queued
only for an active account with a password). The link is signed, expires after
PASSWORD_RESET_MINUTES, and carries the password stamp (services.password_stamp), so it
stops working once it was used or the password or address changed. A reset ends every
session of the user and lifts a lockout, but never the second factor: the next sign-in
still asks for the code.
"""
import hmac

from flask_babel import gettext as _

from ..audit import audit
from ..config import setting
from ..extensions import db
from ..i18n import speaking
from . import links, lockout
from .models import User, email_key, find_user_by_email
from .passwords import hash_password
from .services import (
    end_sessions,
    password_stamp,
    revoke_api_tokens,
    validate_password,
)

SALT = "password-reset"


def _minutes() -> int:
    return setting("PASSWORD_RESET_MINUTES")


def request_reset(email: str) -> None:
    """Queue a reset link for the account with this address, if it is active and has a
    password; nothing is queued otherwise, and the caller answers alike. Audited either way
    (`password_reset_requested`; the reason when nothing was sent)."""
    user = find_user_by_email(email)
    usable = user is not None and user.active and user.password_hash is not None
    token = links.sign(SALT, {"u": user.id, "s": password_stamp(user)} if usable else {"u": 0})
    with speaking(user if usable else None):  # the account's language
        bodies = links.compose("password_reset", f"/password/reset/{token}",
                               person=user.name if usable else "", minutes=_minutes())
        if usable:
            links.send(user, _("[Reachback] Choose a new password"), bodies)
    audit("password_reset_requested", user if usable else None, email_key(email),
          "" if usable else "reason=no_usable_account")


def user_for_reset(token: str) -> User | None:
    """The user this reset link was sent to, while it is valid: signed by us less than
    PASSWORD_RESET_MINUTES ago, the account active, its password and address unchanged."""
    payload = links.unsign(SALT, token, _minutes() * 60)
    number = payload.get("u") if payload else None
    user = db.session.get(User, number) if isinstance(number, int) and number else None
    if user is None or not user.active or user.password_hash is None:
        return None
    stamp = payload.get("s")
    if not isinstance(stamp, str) or not hmac.compare_digest(stamp, password_stamp(user)):
        return None
    return user


def reset_password(user, password: str) -> None:
    """Set the new password (the usual rules; Invalid on new_password), end every session
    and revoke every API token of the user, lift a lockout. The second factor stays as it
    was."""
    user.password_hash = hash_password(validate_password(password, "new_password"))
    lockout.clear(user)
    audit("password_reset", user, user.email)
    end_sessions(user, "password_reset")
    revoke_api_tokens(user, "password_reset")
