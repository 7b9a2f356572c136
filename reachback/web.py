"""Web plumbing shared by every page: sign-in policy, errors, template helpers, headers."""
import hashlib
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Request,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import i18n, markdown, permissions
from .config import setting
from .countries import country_name
from .errors import Conflict, DomainError, Forbidden, Gone, Invalid, NotFound
from .extensions import db, login_manager, write_intent
from .forms import INVALID_INPUT, mark_invalid
from .queries.states import STATUS_LABELS

# Endpoints reachable without signing in (deny by default, like SecureDrop's _insecure_views).
# Each of them still decides per object (public items only for anonymous callers).
PUBLIC_ENDPOINTS = {"static", "queries.home", "auth.login", "knowledge.index", "knowledge.response",
                    "knowledge.feed",
                    "knowledge.translation", "knowledge.correction",
                    "knowledge.search", "library.index", "library.document", "library.download",
                    "healthz", "i18n.choose",
                    # The calendar's public events, their files and the feeds (a member's
                    # secret feed carries its own credential: calendar apps send no cookie).
                    "community.index", "community.event", "community.event_ics",
                    "community.feed", "community.personal_feed",
                    # The newsletters' archive and web versions: public ones for anyone.
                    "newsletters.index", "newsletters.view",
                    # Signing in: the code step and the enrolment check the half-finished
                    # sign-in themselves; the reset and invitation pages their signed link.
                    "twofactor.code", "twofactor.enrol", "auth.forgot_password",
                    "auth.reset_password", "invitations.accept",
                    # A signed link in a bulk e-mail (RFC 8058 one-click unsubscribe).
                    "email.unsubscribe"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class NulFreeParameters(ImmutableMultiDict):
    """Query string and form fields without NUL characters: no field of this app may hold
    one, PostgreSQL refuses them in text, and a stray one must not turn a search or a form
    into an error page (the rest of what the person typed is kept)."""

    def __init__(self, mapping=None):
        if isinstance(mapping, MultiDict):
            mapping = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            mapping = mapping.items()
        super().__init__([(_strip_nul(key), _strip_nul(value)) for key, value in mapping or ()])


def _strip_nul(value):
    """`value` without NUL characters: a string, or every key and string of a JSON value."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_strip_nul(key): _strip_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_nul(item) for item in value]
    return value


class CleanRequest(Request):
    """Parameters and JSON bodies without NUL characters, and a smaller size limit for a
    request that cannot carry a file."""

    parameter_storage_class = NulFreeParameters

    def get_json(self, force=False, silent=False, cache=True):
        return _strip_nul(super().get_json(force=force, silent=silent, cache=cache))

    @Request.max_content_length.getter
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH (sized for an upload) for a multipart form, else the smaller
        MAX_TEXT_CONTENT_LENGTH: megabytes of text are never meant and cost every step."""
        limit = super().max_content_length
        if self._max_content_length is not None or self.mimetype == "multipart/form-data":
            return limit
        text_limit = setting("MAX_TEXT_CONTENT_LENGTH") if current_app else None
        return min(limit, text_limit) if limit and text_limit else (limit or text_limit)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: only numbers a row id can be (a 32-bit INTEGER column on
    PostgreSQL), so that /notifications/99999999999 is a 404 and not a database error."""

    def __init__(self, url_map, min=1, max=2**31 - 1, **kwargs):  # noqa: A002 - werkzeug's names
        super().__init__(url_map, min=min, max=max, **kwargs)


def init_web(app) -> None:
    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
    _session_settings(app.config)
    proxies = setting("TRUSTED_PROXIES", app)
    if proxies:
        # Behind a reverse proxy: the client's address and scheme come from its
        # X-Forwarded-* headers, trusted for this many hops only (else they are spoofable).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.localize_callback = str  # the lazy message, in the request's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    app.before_request(_begin_request)
    app.teardown_request(_end_request)
    app.after_request(_security_headers)
    app.after_request(_invalid_input_status)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(429, _too_many_requests)
    app.register_error_handler(Exception, _unexpected_error)
    app.context_processor(_template_context)
    # Templates ask the same policy as the code: {% if perm.can_triage(current_user, q) %}.
    app.jinja_env.globals.update(perm=permissions)
    app.jinja_env.filters.update(markdown=markdown.render, country=country_name,
                                 local=local_time, localdate=local_date, status=status_label)


def _session_settings(config) -> None:
    """Server-side sessions: idle timeout and absolute lifetime (the session cookie lives as
    long as the absolute lifetime). Over HTTPS the cookie is Secure and gets the __Host-
    prefix, which browsers bind to this exact host."""
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    config["SESSION_COOKIE_HTTPONLY"] = True
    if not config.get("SESSION_COOKIE_SAMESITE"):
        config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if config.get("SESSION_COOKIE_SECURE") and config.get("SESSION_COOKIE_NAME") == "session":
        config["SESSION_COOKIE_NAME"] = "__Host-session"
    # Remember-me is not offered; should a remember cookie ever be set, same flags.
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_SECURE"] = bool(config.get("SESSION_COOKIE_SECURE"))


def _load_user(token: str):
    """The user of the server-side session whose token the cookie carries (see
    accounts.services.find_session: ended, idle, too old or deactivated -> signed out)."""
    from .accounts import services as accounts

    row = accounts.find_session(token)
    if row is None:
        return None
    if accounts.session_needs_touch(row):
        _touch_session(row)
    g.user_session = row
    row.user.session_token = token
    return row.user


def _touch_session(row) -> None:
    """Record the session's use. A write request does it in its own transaction (already
    IMMEDIATE: it commits with the request). A read request's transaction is deferred and
    must stay read-only (upgrading a read lock is what fails with "database is locked"), so
    that one is ended (it holds nothing to keep) and the touch gets a short IMMEDIATE
    transaction of its own before the page goes on reading."""
    from .accounts import services as accounts

    if write_intent.get():
        accounts.touch_session(row)
        return
    db.session.commit()
    token = write_intent.set(True)
    try:
        accounts.touch_session(row)
        db.session.commit()
    except OperationalError:  # busy beyond busy_timeout: the next request will try again
        db.session.rollback()
        current_app.logger.warning("Could not record session use (database busy)")
    finally:
        write_intent.reset(token)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _begin_request():
    # Reading requests read: their transactions never take SQLite's write lock (an API call
    # records its token's use in a short write of its own, api/auth.py).
    g.write_token = write_intent.set(request.method not in READ_METHODS)
    # No name in an address holds a NUL character (PostgreSQL stores none, and refuses to
    # compare one): such an address names nothing, whatever the route.
    if any(isinstance(value, str) and "\x00" in value
           for value in (request.view_args or {}).values()):
        abort(404)
    if is_api_request() or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint is None:  # unknown URL: let the 404 handler answer
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _end_request(_exc=None):
    token = g.pop("write_token", None)
    if token is not None:
        write_intent.reset(token)


def _invalid_input_status(response):
    """A page that shows refused input (a form's errors, a filter it could not apply)
    answers 422, so that no bad number or date ever reads as a success."""
    if request.environ.get(INVALID_INPUT) and response.status_code == 200:
        response.status_code = 422
    return response


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy",
                       "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint == "static" and request.args.get("v"):
        # Versioned by content hash: cache for a year.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif is_api_request() or request.endpoint == "auth.login" or current_user.is_authenticated:
        # Nothing personal (nor the sign-in form's CSRF token) in a shared or browser cache.
        headers["Cache-Control"] = "no-store"
    return response


# --- errors ----------------------------------------------------------------------

def api_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:  # a message may be lazy (a module's constant): JSON wants its text
        body["error"]["fields"] = {name: str(text) if not isinstance(text, list | dict) else text
                                   for name, text in fields.items()}
    return jsonify(body), status


def _domain_error(error: DomainError):
    db.session.rollback()
    if isinstance(error, NotFound | Forbidden):
        _audit_refusal(error)
    if is_api_request():
        return api_error(error.status, error.code, error.message, error.fields)
    if isinstance(error, NotFound | Forbidden | Gone):
        return _error_page(error.status, error.message)
    # A refused transition or bad input changes nothing and says why.
    flash(error.message, "error")
    if isinstance(error, Conflict | Invalid):
        return redirect(safe_back())
    return _error_page(error.status, error.message)


def _audit_refusal(error: DomainError) -> None:
    """Record a refused access (403, or 404 for what the user may not see) in the audit
    log, in its own short write transaction (a GET request's is read-only). An anonymous
    visitor's is recorded once a minute per address (accounts/refusals.py): the repeats of
    a flood cost one read each and no write."""
    from .accounts import refusals

    actor = api_user() if is_api_request() else current_user
    actor = actor if getattr(actor, "is_authenticated", False) else None
    address = request.remote_addr or ""
    if actor is None and refusals.recorded_this_minute(address):
        return
    db.session.commit()  # end the reading transaction: the write needs one of its own
    token = write_intent.set(True)
    try:
        refusals.record_refusal(actor, refusals.summary(error.status, request.method,
                                                        request.path), address)
        db.session.commit()
    except OperationalError:  # the database is busy: the refusal itself still answers
        db.session.rollback()
        current_app.logger.warning("Could not record a refused access (database busy)")
    finally:
        write_intent.reset(token)


def api_user():
    return g.get("api_user")


HTTP_MESSAGES = {  # lazy: each in the language of the request that meets it
    400: _l("The request could not be understood (an expired form? Please try again)."),
    401: _l("Please sign in."),
    403: _l("You may not do this."),
    404: _l("There is nothing here, or you may not see it."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing you typed was saved twice; "
            "please try again."),
}


def _http_error(error: HTTPException):
    if is_api_request():
        code = (error.name or "error").lower().replace(" ", "_")
        body, status = api_error(error.code or 500, code,
                                 HTTP_MESSAGES.get(error.code, error.name))
    else:
        body, status = _error_page(error.code or 500,
                                   HTTP_MESSAGES.get(error.code, error.description))
    # The exception's own headers are part of the answer (Allow on a 405, WWW-Authenticate
    # on a 401); its Content-Type is not: the body is our page or our JSON.
    headers = [(name, value) for name, value in error.get_headers()
               if name.lower() != "content-type"]
    return body, status, headers


def _too_many_requests(error: HTTPException):
    """A rate limit (reachback/accounts/limits.py): the error page or the API's JSON error,
    with Retry-After saying when to try again."""
    from .accounts.limits import retry_after

    response = current_app.make_response(_http_error(error))
    response.headers["Retry-After"] = str(retry_after())
    return response


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    if isinstance(error, DataError):  # a value the database refuses: bad input, not a bug
        current_app.logger.warning("Refused by the database on %s: %s", request.path,
                                   error.orig.__class__.__name__)
        db.session.rollback()
        return _http_error(BadRequest(str(HTTP_MESSAGES[400])))
    current_app.logger.exception("Unhandled error on %s", request.path)
    db.session.rollback()
    if is_api_request():
        return api_error(500, "internal_error", HTTP_MESSAGES[500])
    return _error_page(500, HTTP_MESSAGES[500])


def _error_page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status


def safe_back(default: str | None = None) -> str:
    """The page the user came from when it is on this site, else `default` or home."""
    target = request.form.get("next") or request.referrer or ""
    return target if is_local_url(target) else (default or url_for("queries.home"))


def is_local_url(target: str) -> bool:
    if not target or "\\" in target:
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return parts.netloc == request.host and parts.scheme in ("http", "https")
    return target.startswith("/") and not target.startswith("//")


# --- templates ---------------------------------------------------------------------

def _template_context():
    from .notify.services import unread_count

    unread = unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_count": unread, "static_url": static_url}


@cache
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a year."""
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_file_hash(str(path)))


def viewer_zone() -> ZoneInfo:
    return i18n.user_zone(current_user)


def local_time(value: datetime | None) -> str:
    return i18n.local_time(value, viewer_zone())


def local_date(value: date | datetime | None) -> str:
    return i18n.local_date(value, viewer_zone())


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, (status or "").replace("_", " ").capitalize()))


MAX_PAGE = 100_000  # far beyond any list; a larger number would overflow the SQL OFFSET


def page_arg() -> int:
    """The ?page= number: 1 when missing or not a number, never below 1 or above MAX_PAGE."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit():
        return 1
    return max(1, min(int(raw[:7]), MAX_PAGE))


def apply_errors(form, error: Invalid) -> None:
    """Put a service's field errors beside the matching form fields."""
    mark_invalid()
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            flash(message, "error")


def submit(form, action, success=None, redirect_to=None, *, respond=None, refused=None,
           keep_refused=False):
    """The one shape of a view that acts: call the service (`action()`). When it refuses the
    input (Invalid), roll back, put its errors beside `form`'s fields (the page showing them
    answers 422) and return `refused(error)`, None by default: the view then shows its form
    again. Else commit, flash `success` and redirect to `redirect_to`, or return
    `respond(result)` (a page shown once: a new password, recovery codes).

    `success` and `redirect_to` may be functions of what the action returned (the new row's
    name, its page), read before the commit; `success` may give [(message, category), ...]
    (a warning after the news). `keep_refused` commits what the refusal recorded (an
    audited failed code) instead of rolling it back."""
    try:
        result = action()
    except Invalid as error:
        if keep_refused:
            db.session.commit()
        else:
            db.session.rollback()
        if form is not None:
            apply_errors(form, error)
        return refused(error) if refused is not None else None
    messages = success(result) if callable(success) else success
    if isinstance(messages, str):
        messages = [(messages, "success")]
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    db.session.commit()
    for message, category in messages or ():
        flash(message, category)
    return respond(result) if respond is not None else redirect(target)


def submitted(form, action, success=None, redirect_to=None, *, validate=True, **options):
    """submit() for a view that shows `form` on its page: None unless `form` is submitted
    (and valid; with `validate=False` the service alone checks the input), so the view
    reads `return submitted(...) or render_template(...)` and shows its page again, with
    the errors, when nothing was sent or the input is refused."""
    ready = form.validate_on_submit() if validate else form.is_submitted()
    return submit(form, action, success, redirect_to, **options) if ready else None
