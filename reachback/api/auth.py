"""API authentication and request parsing: bearer tokens, JSON bodies, typed field getters."""
from datetime import UTC, datetime

from flask import g, request
from sqlalchemy import update

from ..accounts import limits
from ..accounts.models import ApiToken
from ..accounts.services import user_for_token
from ..errors import DomainError, Invalid
from ..extensions import client_address, db, writing
from ..web import api_error
from . import bp

# Endpoints that answer without a token (a token is still used when one is given).
PUBLIC_ENDPOINTS = {"api.openapi_spec", "api.response"}
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100


class BadRequest(DomainError):
    """The body is not a JSON object."""
    status, code = 400, "bad_request"


@bp.before_request
def authenticate():
    """Resolve `Authorization: Bearer <token>` to g.api_user; 401 when missing, unknown or
    revoked. Sessions and cookies are never consulted. A token sent and refused counts per
    client address and per token (RATELIMIT_API_TOKEN), 429 beyond; a valid token is never
    checked against those counts, so a field office sharing one address with someone
    sending bad tokens keeps working (tokens are 256-bit random: the count slows noise, not
    a guess that could succeed)."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header and request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, clear = header.partition(" ")
    user = user_for_token(clear.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        db.session.rollback()
        if header:
            limits.spend_failure("RATELIMIT_API_TOKEN", client_address(), limits.bearer_token())
        response, status = api_error(401, "unauthorized",
                                     "Send a valid API token: Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="reachback"'
        return response, status
    _record_token_use()
    g.api_user = user
    return None


def _record_token_use() -> None:
    """Save the token's last use (due at most once a minute) even when the action then
    fails, in a short write transaction of its own: reading requests otherwise only read,
    so API calls never wait for one another's write lock (SQLite)."""
    used = [(t.id, t.last_used_at) for t in db.session.dirty if isinstance(t, ApiToken)]
    db.session.rollback()
    if used:
        with writing():
            for token_id, moment in used:
                db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                                   .values(last_used_at=moment))
            db.session.commit()


def current_api_user():
    return g.get("api_user")


# --- bodies -------------------------------------------------------------------------

def json_body(required: bool = True) -> dict:
    """The request body as a JSON object; raises BadRequest (400) otherwise. With
    required=False an empty body is an empty object."""
    raw = request.get_data(cache=True)  # raises 413 beyond MAX_CONTENT_LENGTH
    if not raw.strip() and not required:
        return {}
    try:  # request.get_json strips NUL characters (web.CleanRequest), as forms do
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly deep nesting
        raise BadRequest("The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    if not _valid_unicode(body):
        raise BadRequest("The body contains text that is not valid Unicode.")
    return body


def _valid_unicode(value) -> bool:
    """False when any string holds a lone surrogate (\\ud800 in JSON), which no database
    column can store. Iterative: the nesting depth is whatever json.loads accepted."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def text(body: dict, name: str, default: str | None = None) -> str | None:
    """A text field: a string, or `default` when absent or null; Invalid (422) otherwise."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Invalid("Please correct the highlighted fields.", {name: "Must be text."})
    return value


def string_list(body: dict, name: str) -> list | None:
    value = body.get(name)
    if value is not None and not isinstance(value, list):
        raise Invalid("Please correct the highlighted fields.", {name: "Must be a list."})
    return value


def timestamp(body: dict, name: str) -> datetime | None:
    """An ISO 8601 timestamp with its UTC offset, converted to UTC; Invalid otherwise."""
    value = text(body, name)
    if value is None:
        return None
    message = "Use an ISO 8601 time with its offset, such as 2026-12-01T12:00:00+00:00."
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:00-05:00 in UTC
        raise Invalid(message, {name: message}) from None


# --- query-string arguments -------------------------------------------------------------

def int_arg(name: str, default: int, low: int = 1, high: int = MAX_PAGE) -> int:
    """A positive integer argument; values above `high` are clamped, junk is Invalid (422)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw[:18]) < low:
        raise Invalid("Invalid number.", {name: f"Give a whole number of at least {low}."})
    return min(int(raw[:18]) if len(raw) <= 18 else high, high)


def str_arg(name: str) -> str | None:
    return request.args.get(name) or None


def choice_arg(name: str, choices) -> str | None:
    raw = request.args.get(name) or None
    if raw is not None and raw not in choices:
        raise Invalid("Invalid filter.", {name: "Choose one of: " + ", ".join(choices) + "."})
    return raw


def flag_arg(name: str) -> bool:
    raw = (request.args.get(name) or "0").lower()
    if raw not in ("0", "1", "true", "false"):
        raise Invalid("Invalid filter.", {name: "Use 1 or 0."})
    return raw in ("1", "true")
