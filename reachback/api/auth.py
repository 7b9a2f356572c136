"""API authentication: bearer tokens, never cookies (request bodies and arguments are parsed by
the models of api/schemas.py)."""
from flask import g, request
from flask_babel import gettext as _
from flask_babel import refresh
from sqlalchemy import update

from ..accounts import limits
from ..accounts.models import ApiToken
from ..accounts.services import user_for_token
from ..extensions import client_address, db, writing
from ..web import api_error
from . import bp

# Endpoints that answer without a token (a token is still used when one is given).
PUBLIC_ENDPOINTS = {"api.openapi_spec", "api.response", "api.response_translation"}


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
    scheme, _space, clear = header.partition(" ")
    user = user_for_token(clear.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        db.session.rollback()
        if header:
            limits.spend_failure("RATELIMIT_API_TOKEN", client_address(), limits.bearer_token())
        response, status = api_error(401, "unauthorized",
                                     _("Send a valid API token: Authorization: Bearer <token>."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="reachback"'
        return response, status
    _record_token_use()
    g.api_user = user
    refresh()  # a language chosen before the caller was known gives way to the caller's
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
