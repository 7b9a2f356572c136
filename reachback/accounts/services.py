"""Accounts: creating and editing users, signing in, server-side sessions, API tokens (the
security audit log they write to is reachback/audit.py)."""
import hashlib
import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import lengths
from .. import permissions as perm
from ..audit import audit, escape_controls, like_pattern
from ..config import setting
from ..countries import is_country
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..pagination import paginate_ids
from . import lockout
from .models import (
    ROLES,
    ApiToken,
    Organisation,
    Theme,
    User,
    UserCountry,
    UserLanguage,
    UserRole,
    UserSession,
    email_key,
    find_user_by_email,
)
from .passwords import MIN_LENGTH, hash_password, password_problem, verify_password

MIN_PASSWORD = MIN_LENGTH
# last_seen_at is written at most this often, so that browsing costs no write per page.
TOUCH_INTERVAL = timedelta(minutes=1)


def validate_password(password: str | None, field: str = "password") -> str:
    problem = password_problem(password)
    if problem:
        raise Invalid(_("Please choose another password."), {field: problem})
    return password


def create_user(actor, email: str, name: str, roles=("member",), password: str | None = None,
                **profile) -> User:
    """Create an account (admins, or the CLI with actor=None). Raises Invalid."""
    if actor is not None:
        perm.require(perm.is_admin(actor), _("Only admins create accounts."))
    return add_user(actor, email, name, roles, password, **profile)


def add_user(actor, email: str, name: str, roles=("member",), password: str | None = None,
             **profile) -> User:
    """Create an account, audited with `actor`. No permission check: callers check
    (create_user for admins, invitations.invite for can_invite). Raises Invalid."""
    email = email_key(email)
    errors = {}
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        errors["email"] = _("Give a valid e-mail address.")
    elif find_user_by_email(email) is not None:
        errors["email"] = _("An account with this e-mail address exists.")
    if not (name or "").strip():
        errors["name"] = _("This field is required.")
    lengths.check(errors, name=(name, lengths.NAME))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    user = User(email=email, name=name.strip())
    if password is not None:
        user.password_hash = hash_password(validate_password(password))
    db.session.add(user)
    update_profile(None, user, roles=roles, **profile)
    audit("user_created", actor, email, "roles=" + ",".join(sorted(user.roles)))
    return user


def update_profile(actor, user, *, roles=None, organisation: str | None = None,
                   country: str | None = None, themes=None, countries=None,
                   languages: str | list | None = None, away_until: date | None | str = "",
                   active: bool | None = None, name: str | None = None,
                   timezone: str | None = None, language: str | None = None) -> User:
    """Admin edits of roles, organisation, expertise and availability (only given fields)."""
    if actor is not None:
        perm.require(perm.is_admin(actor), _("Only admins edit accounts."))
    errors = lengths.check({}, name=(name, lengths.NAME),
                           organisation=(organisation, lengths.NAME))
    if name is not None:
        if not name.strip():
            errors.setdefault("name", _("This field is required."))
        if "name" not in errors:  # an over-long value never reaches the row (autoflush)
            user.name = name.strip()
    if roles is not None:
        _set_roles(actor, user, roles, errors)
    if organisation is not None and "organisation" not in errors:
        user.organisation = _organisation(organisation)
    if country is not None:
        if country and not is_country(country):
            errors["country"] = _("Unknown country.")
        user.country = country.upper() or None
    if themes is not None:
        found = db.session.scalars(select(Theme).where(Theme.slug.in_(list(themes)))).all()
        if len(found) != len(set(themes)):
            errors["themes"] = _("Unknown theme.")
        user.themes = list(found)
    if countries is not None:
        codes = sorted({c.upper() for c in countries if c})
        if not all(is_country(c) for c in codes):
            errors["countries"] = _("Unknown country.")
        user.country_rows = [UserCountry(country=c) for c in codes]
    if languages is not None:
        _set_languages(user, languages, errors)
    if away_until != "":
        user.away_until = away_until
    if timezone is not None:
        user.timezone = timezone or "UTC"
    if language is not None:
        refused = _language_refused(language)
        if refused:
            errors["language"] = refused
        else:
            user.language = language or None
    if active is not None and active != user.active:
        user.active = active
        audit("user_activated" if active else "user_deactivated", actor, user.email)
        if not active and user.id is not None:
            end_sessions(user, "deactivated", actor=actor)
            revoke_api_tokens(user, "deactivated", actor=actor)
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    db.session.flush()
    return user


def _set_languages(user, languages: str | list, errors: dict) -> None:
    """The languages the user speaks: ISO 639-1 codes, a list or "en, ar" (the admin form)."""
    from ..i18n import is_content_language

    if isinstance(languages, str):
        if lengths.check(errors, languages=(languages, lengths.LABEL)).get("languages"):
            return
        languages = languages.split(",")
    codes = sorted({code.strip().lower() for code in languages if code.strip()})
    if unknown := [code for code in codes if not is_content_language(code)]:
        errors["languages"] = _("Unknown languages: %(codes)s (use ISO 639-1 codes such "
                                "as en, fr, ar)", codes=", ".join(unknown))
        return
    user.language_rows = [UserLanguage(language=code) for code in codes]


def set_language(user, code: str | None) -> User:
    """The member's interface language; empty: follow the browser's (reachback/i18n.py)."""
    if _language_refused(code):
        raise Invalid(_("Unsupported language."), {"language": _language_refused(code)})
    user.language = code or None
    db.session.flush()
    return user


def _language_refused(code) -> str | None:
    from ..i18n import supported

    if code and code not in supported():
        return _("Choose one of %(codes)s.", codes=", ".join(supported()))
    return None


def _set_roles(actor, user, roles, errors) -> None:
    wanted = set(roles) | {"member"}
    if not wanted <= set(ROLES):
        errors["roles"] = _("Unknown role.")
        return
    current = {r.role for r in user.role_rows}
    if wanted != current:
        user.role_rows = [UserRole(role=r) for r in sorted(wanted)]
        if user.id is not None:
            audit("roles_changed", actor, user.email,
                  f"from={','.join(sorted(current))}; roles={','.join(sorted(wanted))}")


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
    """Set a password (admins for anyone, a user for themselves); ends every session and
    revokes every API token of the user. Users changing their own password from the site
    go through change_password."""
    if actor is not None and actor.id != user.id:
        perm.require(perm.is_admin(actor), _("Only admins set other people's passwords."))
    user.password_hash = hash_password(validate_password(password))
    audit("password_changed", actor, user.email)
    end_sessions(user, "password_changed", actor=actor)
    revoke_api_tokens(user, "password_changed", actor=actor)


def reauthenticate(user, password: str, action: str) -> None:
    """Ask the current password again before a sensitive change (ASVS 7.5.1); raises
    Invalid on the current_password field and audits the failure. The failure's record is
    committed here, before anything else of the change was written: the caller rolls back
    on Invalid, which would take the record with it."""
    if not verify_password(user.password_hash, password or "")[0]:
        audit("reauthentication_failed", user, user.email, f"action={action}")
        db.session.commit()
        raise Invalid(_("Your current password is not right."),
                      {"current_password": _("This is not your current password.")})


def change_password(user, current_password: str, new_password: str,
                    keep: UserSession | None = None) -> None:
    """A user changes their own password: the current one is asked again and the new one
    must pass the rules; every other session of the user ends (all but `keep`) and every
    API token is revoked. Raises Invalid with per-field errors."""
    reauthenticate(user, current_password, "change_password")
    validate_password(new_password, "new_password")
    if current_password == new_password:
        raise Invalid(_("Choose a new password."),
                      {"new_password": _("This is your current password: choose a new one.")})
    user.password_hash = hash_password(new_password)
    audit("password_changed", user, user.email)
    end_sessions(user, "password_changed", actor=user, keep=keep)
    revoke_api_tokens(user, "password_changed", actor=user)


def change_email(user, current_password: str, new_email: str,
                 keep: UserSession | None = None) -> None:
    """A user changes the address they sign in with: the current password is asked again;
    the new address must be valid and free; every other session of the user ends. Raises
    Invalid with per-field errors."""
    reauthenticate(user, current_password, "change_email")
    email = email_key(new_email)
    if not plausible_email(email):
        raise Invalid(_("Please correct the e-mail address."),
                      {"email": _("Give a valid e-mail address.")})
    if email == user.email:
        raise Invalid(_("This is already your address."),
                      {"email": _("This is already your address.")})
    if find_user_by_email(email) is not None:
        raise Invalid(_("Please correct the e-mail address."),
                      {"email": _("An account with this e-mail address exists.")})
    audit("email_changed", user, user.email, f"new={email}")
    user.email = email
    end_sessions(user, "email_changed", actor=user, keep=keep)


def plausible_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and "." in domain.strip(".") and len(email) <= 254
                and email.isprintable() and " " not in email and "@" not in domain)


def check_password(email: str, password: str, address: str = "") -> User | None:
    """The first step of signing in: the active user with this e-mail and password, or
    None. While the pair of this e-mail and client address must wait after repeated
    failures, raises TooManyAttempts without reading the password (reachback/accounts/
    lockout.py); the wait is the same whether the account exists, so it tells nothing.
    Failures are audited with their reason and counted for the pair. Upgrades an outdated
    password hash (older argon2 parameters, Werkzeug pbkdf2/scrypt)."""
    lockout.check(email, address)
    user = find_user_by_email(email)
    ok, new_hash = verify_password(user.password_hash if user else None, password or "")
    reason = None
    if user is None:
        reason = "unknown_account"
    elif not ok:
        reason = "wrong_password"
    elif not user.active:
        reason = "inactive"
    if reason:
        audit("sign_in_failed", user, email_key(email), f"reason={reason}")
        if reason != "inactive":  # a guess: counted, for unknown addresses alike
            lockout.record_failure(email, address, user)
        return None
    if new_hash:
        user.password_hash = new_hash
        audit("password_rehashed", user, user.email)
    return user


def record_sign_in(user, address: str = "") -> None:
    """The user is signed in (password, and code where one is needed): audited, the run of
    failed attempts from this address ends."""
    lockout.clear(user, address)
    user.last_login_at = utcnow()
    audit("signed_in", user, user.email)


def authenticate(email: str, password: str) -> User | None:
    """check_password() and record_sign_in() in one: for accounts without a second factor
    (and the service tests). None when the sign-in is refused."""
    user = check_password(email, password)
    if user is not None:
        record_sign_in(user)
    return user


def complete_sign_in(user, ip: str = "", user_agent: str = "") -> str:
    """record_sign_in(), then a new server-side session; returns the clear token for the
    session cookie."""
    record_sign_in(user, ip)
    return start_session(user, ip, user_agent)


def password_stamp(user) -> str:
    """A short digest of the user's password hash and address: a link or a half-finished
    sign-in that carries it dies when either changes (so a reset link works once)."""
    return hashlib.sha256(f"{user.password_hash}|{user.email}".encode()).hexdigest()[:24]


# --- server-side sessions ----------------------------------------------------------------

def _session_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_limits() -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) from SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS."""
    return (timedelta(minutes=setting("SESSION_IDLE_MINUTES")),
            timedelta(hours=setting("SESSION_ABSOLUTE_HOURS")))


def start_session(user, ip: str = "", user_agent: str = "") -> str:
    """Open a server-side session for a user who just signed in; returns the clear token
    for the session cookie (only its SHA-256 is stored). The user's dead sessions (ended,
    or past the absolute lifetime) are deleted at the same time."""
    now = utcnow()
    _idle, absolute = session_limits()
    db.session.execute(
        UserSession.__table__.delete()
        .where(UserSession.user_id == user.id)
        .where(or_(UserSession.revoked_at.is_not(None), UserSession.created_at < now - absolute)))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_session_digest(token),
                               created_at=now, last_seen_at=now, ip=(ip or "")[:64],
                               user_agent=escape_controls(user_agent or "")[:200]))
    db.session.flush()
    return token


def find_session(token: str | None) -> UserSession | None:
    """The live session with this token: not ended, used within the idle timeout, younger
    than the absolute lifetime, and its user active. None otherwise. Writes nothing."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _session_digest(token))
        # The signed-in user comes along, with the roles every page asks about (and the
        # organisation the profile shows).
        .options(joinedload(UserSession.user).options(joinedload(User.organisation),
                                                      joinedload(User.role_rows)))
        .execution_options(populate_existing=True))  # the stored state, not a cached one
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    idle, absolute = session_limits()
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        return None
    return row


def session_needs_touch(row: UserSession) -> bool:
    """Whether last_seen_at is older than a minute (the idle clock needs no finer grain)."""
    return utcnow() - row.last_seen_at >= TOUCH_INTERVAL


def touch_session(row: UserSession) -> None:
    """Record the session's use now (in the current unit of work)."""
    db.session.execute(update(UserSession).where(UserSession.id == row.id)
                       .values(last_seen_at=utcnow()))


def end_session(row: UserSession | None, reason: str = "signed_out") -> None:
    """End one session (signing out): its cookie stops working everywhere."""
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    row.revoked_reason = reason
    audit("signed_out" if reason == "signed_out" else "session_revoked", row.user,
          row.user.email, f"reason={reason}")


def end_sessions(user, reason: str, actor=None, keep: UserSession | None = None) -> int:
    """End every open session of a user but `keep`; returns how many ended. Used by "sign
    out everywhere", password and e-mail changes, and deactivation."""
    stmt = (update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session="fetch"))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    count = db.session.execute(stmt).rowcount or 0
    audit("sessions_revoked", actor if actor is not None else user, user.email,
          f"reason={reason}; sessions={count}")
    return count


def sign_out_everywhere(user) -> None:
    """"Sign out everywhere": every session of the user ends, this one included, and every
    API token is revoked (a stolen token must not outlive the owner's reaction)."""
    end_sessions(user, "sign_out_everywhere")
    revoke_api_tokens(user, "sign_out_everywhere")


def list_sessions(user) -> list[UserSession]:
    """The user's live sessions, most recently used first."""
    now = utcnow()
    idle, absolute = session_limits()
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id,
                                  UserSession.revoked_at.is_(None),
                                  UserSession.created_at >= now - absolute,
                                  UserSession.last_seen_at >= now - idle)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def list_users(actor, role: str | None = None, q: str | None = None, page: int = 1,
               per_page: int = 50):
    """User accounts by name, for admins only (Forbidden otherwise): holding `role`; whose
    name or e-mail address contains `q` (case-insensitive). Returns a paginate object."""
    perm.require(perm.is_admin(actor), _("Only admins manage accounts."))
    # The sort carries the ids alone (5 000 users' whole rows took 50 ms); the page's 50
    # users are loaded after, with what the list shows of them.
    ids = select(User.id).order_by(func.lower(User.name), User.id)
    if role:
        ids = ids.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if q and q.strip():
        pattern = like_pattern(q)
        ids = ids.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                            func.lower(User.email).like(pattern, escape="\\")))
    return paginate_ids(
        ids, lambda page_ids: select(User).where(User.id.in_(page_ids)).options(
            joinedload(User.organisation), selectinload(User.role_rows),
            selectinload(User.themes)),
        page, per_page)


def get_user(actor, user_id: int) -> User:
    perm.require(perm.is_admin(actor), _("Only admins manage accounts."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


# --- API tokens -------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal access token; the clear token is returned once and never stored."""
    lengths.refuse_too_long(token_name=(name, lengths.LABEL))  # the profile form's name
    clear = "rb_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=(name or "API token").strip(),
                     token_hash=_digest(clear), prefix=clear[:10])
    db.session.add(token)
    audit("token_created", user, user.email, f"token={token.prefix}…")
    db.session.flush()
    return token, clear


def revoke_token(user, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit("token_revoked", user, user.email, f"token={token.prefix}…")
    return token


def revoke_api_tokens(user, reason: str, actor=None) -> int:
    """Revoke every live API token of a user, in the caller's transaction; returns how
    many. A token is a password that never asks for the second factor, so whatever ends the
    user's sessions for a credential reason (password changed or reset, sign out everywhere,
    deactivation, two-factor turned off) ends the tokens too. Audited when any was live."""
    stmt = (update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session="fetch"))
    count = db.session.execute(stmt).rowcount or 0
    if count:
        audit("tokens_revoked", actor if actor is not None else user, user.email,
              f"reason={reason}; tokens={count}")
    return count


def user_for_token(clear: str) -> User | None:
    """The active owner of an unrevoked token, recording its use; None otherwise."""
    if not clear:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear))
                              .options(joinedload(ApiToken.user).selectinload(User.role_rows)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # Record use at most once a minute: a busy script should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user


def list_tokens(user) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))
