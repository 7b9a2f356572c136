"""The steps of signing in, for the views: the half-finished sign-in between the password
and the code, and opening the session at the end.

Between the two steps the signed session cookie holds only {user, stage, time, password
stamp, next page}: no Flask-Login id, so the before_request hook treats the visitor as
signed out everywhere but on the code and enrolment pages. The state dies after
TOTP_PENDING_MINUTES, at a password or address change, and with the next sign-in.
"""
from flask import request, session, url_for
from flask_login import login_user

from .. import permissions as perm
from ..config import setting
from ..extensions import client_address, db
from ..models_base import utcnow
from ..web import is_local_url
from . import services, twofactor
from .limits import PENDING_KEY
from .models import User

CODE, ENROL = "code", "enrol"


def next_step(user) -> str | None:
    """After the right password: the stage still to pass (CODE or ENROL), or None when the
    account needs no second factor."""
    if twofactor.is_enrolled(user):
        return CODE
    if perm.needs_two_factor(user):
        twofactor.begin_enrolment(user)
        return ENROL
    return None


def start_pending(user, stage: str, target: str) -> None:
    session.clear()  # nothing of an earlier visit survives into the new sign-in
    session[PENDING_KEY] = {"user": user.id, "stage": stage, "next": target,
                            "at": int(utcnow().timestamp()),
                            "stamp": services.password_stamp(user)}


def pending(stage: str) -> tuple[User, str] | None:
    """(user, next page) of the half-finished sign-in at this stage, while it is valid."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("stage") != stage:
        return None
    age = utcnow().timestamp() - float(data.get("at") or 0)
    if not 0 <= age <= setting("TOTP_PENDING_MINUTES") * 60:
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or not user.active or data.get("stamp") != services.password_stamp(user):
        return None
    return user, str(data.get("next") or "")


def drop_pending() -> None:
    session.pop(PENDING_KEY, None)


def finish(user) -> None:
    """Open the session: a new server-side session and a fresh cookie carrying its token."""
    token = services.complete_sign_in(user, client_address(), request.user_agent.string)
    db.session.commit()
    session.clear()  # a fresh session at sign-in: the cookie carries only the token
    user.session_token = token
    login_user(user)
    session.permanent = True


def landing(target: str) -> str:
    return target if is_local_url(target) else url_for("queries.home")
