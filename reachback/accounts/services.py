"""Accounts: creating and editing users, signing in, API tokens, the security audit log."""
import hashlib
import secrets
from datetime import date

from flask import has_request_context, request
from sqlalchemy import select

from .. import permissions as perm
from ..countries import is_country
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from .models import (
    ROLES,
    ApiToken,
    AuditEvent,
    Organisation,
    Theme,
    User,
    UserCountry,
    UserRole,
    email_key,
    find_user_by_email,
)
from .passwords import hash_password, verify_password

MIN_PASSWORD = 12


def audit(kind: str, actor=None, subject: str = "", detail: str = "") -> None:
    """Append a security event. Never pass a password, token or secret in `detail`."""
    ip = (request.remote_addr or "") if has_request_context() else ""
    db.session.add(AuditEvent(kind=kind, actor_id=getattr(actor, "id", None),
                              subject=subject[:254], ip=ip, detail=detail[:1000]))


def _validate_password(password: str | None) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid("Password too short.",
                      {"password": f"Use at least {MIN_PASSWORD} characters."})
    if len(password) > 1024:
        raise Invalid("Password too long.", {"password": "At most 1024 characters."})
    return password


def create_user(actor, email: str, name: str, roles=("member",), password: str | None = None,
                **profile) -> User:
    """Create an account (admins, or the CLI with actor=None). Raises Invalid."""
    if actor is not None:
        perm.require(perm.is_admin(actor), "Only admins create accounts.")
    email = email_key(email)
    errors = {}
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        errors["email"] = "Give a valid e-mail address."
    elif find_user_by_email(email) is not None:
        errors["email"] = "An account with this e-mail address exists."
    if not (name or "").strip():
        errors["name"] = "This field is required."
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    user = User(email=email, name=name.strip())
    if password is not None:
        user.password_hash = hash_password(_validate_password(password))
    db.session.add(user)
    update_profile(actor, user, roles=roles, **profile)
    audit("user_created", actor, email, "roles=" + ",".join(sorted(user.roles)))
    return user


def update_profile(actor, user, *, roles=None, organisation: str | None = None,
                   country: str | None = None, themes=None, countries=None,
                   languages: str | None = None, away_until: date | None | str = "",
                   active: bool | None = None, name: str | None = None,
                   timezone: str | None = None) -> User:
    """Admin edits of roles, organisation, expertise and availability (only given fields)."""
    if actor is not None:
        perm.require(perm.is_admin(actor), "Only admins edit accounts.")
    errors = {}
    if name is not None:
        if not name.strip():
            errors["name"] = "This field is required."
        user.name = name.strip()
    if roles is not None:
        _set_roles(actor, user, roles, errors)
    if organisation is not None:
        user.organisation = _organisation(organisation)
    if country is not None:
        if country and not is_country(country):
            errors["country"] = "Unknown country."
        user.country = country.upper() or None
    if themes is not None:
        found = db.session.scalars(select(Theme).where(Theme.slug.in_(list(themes)))).all()
        if len(found) != len(set(themes)):
            errors["themes"] = "Unknown theme."
        user.themes = list(found)
    if countries is not None:
        codes = sorted({c.upper() for c in countries if c})
        if not all(is_country(c) for c in codes):
            errors["countries"] = "Unknown country."
        user.country_rows = [UserCountry(country=c) for c in codes]
    if languages is not None:
        user.languages = ",".join(x.strip() for x in languages.split(",") if x.strip())[:100]
    if away_until != "":
        user.away_until = away_until
    if timezone is not None:
        user.timezone = timezone or "UTC"
    if active is not None and active != user.active:
        user.active = active
        user.session_version = (user.session_version or 1) + 1  # ends their sessions
        audit("user_activated" if active else "user_deactivated", actor, user.email)
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    db.session.flush()
    return user


def _set_roles(actor, user, roles, errors) -> None:
    wanted = set(roles) | {"member"}
    if not wanted <= set(ROLES):
        errors["roles"] = "Unknown role."
        return
    current = {r.role for r in user.role_rows}
    if wanted != current:
        user.role_rows = [UserRole(role=r) for r in sorted(wanted)]
        if user.id is not None:
            audit("roles_changed", actor, user.email, "roles=" + ",".join(sorted(wanted)))


def _organisation(name: str) -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        db.session.add(org)
    return org


def set_password(actor, user, password: str) -> None:
    if actor is not None and actor.id != user.id:
        perm.require(perm.is_admin(actor), "Only admins set other people's passwords.")
    user.password_hash = hash_password(_validate_password(password))
    user.session_version = (user.session_version or 1) + 1
    audit("password_changed", actor, user.email)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Audits both outcomes and
    upgrades an outdated password hash."""
    user = find_user_by_email(email)
    ok, new_hash = verify_password(user.password_hash if user else None, password or "")
    if not ok or not user.active:
        audit("sign_in_failed", user, email_key(email)[:254])
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    audit("signed_in", user, user.email)
    return user


def get_user(actor, user_id: int) -> User:
    perm.require(perm.is_admin(actor), "Only admins manage accounts.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


# --- API tokens -------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal access token; the clear token is returned once and never stored."""
    clear = "rb_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=(name or "API token").strip()[:100],
                     token_hash=_digest(clear), prefix=clear[:10])
    db.session.add(token)
    audit("token_created", user, user.email, f"token={token.prefix}…")
    db.session.flush()
    return token, clear


def revoke_token(user, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit("token_revoked", user, user.email, f"token={token.prefix}…")
    return token


def user_for_token(clear: str) -> User | None:
    """The active owner of an unrevoked token, recording its use; None otherwise."""
    if not clear:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def list_tokens(user) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))
