"""Configuration: defaults here, then instance/config.py, then REACHBACK_* environment variables."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from .paths import default_instance


class Defaults:
    # The database URL; empty means SQLite in the instance folder.
    DATABASE_URL = ""
    TIMEZONE = "UTC"
    PER_PAGE = 25
    # Sessions: deliberate lifetimes instead of Flask's month and Flask-Login's year.
    # Server-side sessions end after this much inactivity, and at the latest after the
    # absolute lifetime (the cookie's lifetime follows SESSION_ABSOLUTE_HOURS).
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 12
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # How many reverse proxies to trust for X-Forwarded-For/-Proto (0: none).
    TRUSTED_PROXIES = 0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=1)
    # A CSRF token lives as long as the session: a long answer typed over a slow link
    # must never be refused because the form was opened more than an hour ago.
    WTF_CSRF_TIME_LIMIT = None
    # One uploaded file; a whole request may be a little larger (the form around the file),
    # so that an oversized file gets its message beside the field, not a bare 413.
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    # A request without a file (any form or JSON body that is not multipart): the largest
    # form (a draft at reachback/lengths.py's caps) stays below this even with every
    # character at its widest encoding (12 bytes: %F0%9F%98%80, or a JSON surrogate pair).
    MAX_TEXT_CONTENT_LENGTH = 2 * 1024 * 1024
    # Start the scheduler inside `reachback run` (development); production runs `reachback scheduler`.
    SCHEDULER_IN_RUN = True
    SLA_WARNING_SHARE = 0.75
    # Absolute links in e-mails point here.
    BASE_URL = "http://127.0.0.1:5000"
    # E-mail: "file" writes .eml files under instance/mail (development); "smtp" sends.
    MAIL_BACKEND = "file"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Reachback <reachback@localhost>"
    MAIL_TIMEOUT = 10
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_MAX_MINUTES = 60
    MAIL_BATCH_SIZE = 20
    DIGEST_HOUR_UTC = 6
    # Scheduler: one active process at a time, by a lease row in the database.
    SCHEDULER_LEASE_SECONDS = 60
    SCHEDULER_SLA_SECONDS = 60
    SCHEDULER_OUTBOX_SECONDS = 30
    SCHEDULER_INVITATIONS_SECONDS = 300
    # Search engine: "whoosh" (an index in the instance folder: one host), "postgresql"
    # (full-text search in the database: any number of hosts), or "auto": PostgreSQL's
    # when the database is PostgreSQL, else whoosh. Run `reachback reindex` after a switch.
    SEARCH_BACKEND = "auto"
    # Two-factor sign-in (TOTP): always required for facilitators and admins; this makes it
    # required for every account (ASVS level 2 asks for that).
    TOTP_REQUIRED_FOR_ALL = False
    # The name authenticator apps show beside the account.
    TOTP_ISSUER = "Reachback"
    # How long the step between the password and the code (or the enrolment) may take.
    TOTP_PENDING_MINUTES = 10
    # Failed sign-ins slow the pair of account and client address that made them, never the
    # owner elsewhere (accounts/lockout.py, in the database: it holds across workers). After
    # SIGN_IN_THROTTLE_AFTER failures of a pair, each further failure makes it wait
    # SIGN_IN_THROTTLE_BASE_SECONDS, doubled each time, at most SIGN_IN_THROTTLE_MAX_SECONDS;
    # a pair quiet for SIGN_IN_THROTTLE_FORGET_HOURS starts again from nothing.
    SIGN_IN_THROTTLE_AFTER = 5
    SIGN_IN_THROTTLE_BASE_SECONDS = 2
    SIGN_IN_THROTTLE_MAX_SECONDS = 900
    SIGN_IN_THROTTLE_FORGET_HOURS = 24
    # E-mailed links: an invitation, a password reset.
    INVITATION_DAYS = 7
    PASSWORD_RESET_MINUTES = 60
    # Rate limits (flask-limiter). Counters live in the application's database by default
    # ("database://": shared by every worker and host); "redis://host:6379" uses redis
    # (pip install redis). "memory://" counts per process.
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_ENABLED = True
    # Failed attempts only: wrong passwords (per client address; per account, the delays
    # above), wrong codes, invalid links, unknown API tokens (a valid token always passes).
    RATELIMIT_SIGN_IN = "10 per minute; 100 per hour"
    RATELIMIT_CODE = "10 per minute; 50 per hour"
    RATELIMIT_LINK = "10 per minute; 50 per hour"
    RATELIMIT_API_TOKEN = "30 per minute; 300 per hour"  # noqa: S105 - a limit, not a secret
    # Every request: asking for a reset e-mail, sending invitations.
    RATELIMIT_RESET_REQUEST = "5 per hour"
    RATELIMIT_INVITE = "30 per hour"
    # Every request, per signed-in person (per client address for anonymous callers): the
    # search pages, the API's search and the new-query form's similar answers, together.
    RATELIMIT_SEARCH = "120 per minute"
    # /healthz answers 503 beyond these (seconds): a scheduler heartbeat this old (three
    # lease renewals missed), an e-mail due this long ago, an index change waiting this long
    # (the budget is 10 s: minutes mean the job is stuck).
    HEALTH_SCHEDULER_MAX_AGE = 180
    HEALTH_OUTBOX_MAX_DELAY = 3600
    HEALTH_SEARCH_MAX_LAG = 120


def instance_path() -> str:
    return os.environ.get("REACHBACK_INSTANCE_PATH") or str(default_instance())


def _coerce(value: str, default):
    """Parse an environment string into the type of the default it overrides."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, timedelta):
        return timedelta(seconds=int(value))
    return value


def load_config(app, overrides: dict | None = None) -> None:
    """Defaults -> instance/config.py -> REACHBACK_<SETTING> -> overrides (tests)."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key, value in os.environ.items():
        if key.startswith("REACHBACK_") and key != "REACHBACK_INSTANCE_PATH":
            name = key.removeprefix("REACHBACK_")
            app.config[name] = _coerce(value, app.config.get(name, ""))
    app.config.update(overrides or {})
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'reachback.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    _validate(app.config)


def _instance_secret(folder: Path) -> str:
    """Read the secret key from the instance folder, generating it on first start."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


SEARCH_BACKENDS = ("auto", "whoosh", "postgresql")


def search_backend(config) -> str:
    """The search engine to use, "whoosh" or "postgresql", from SEARCH_BACKEND (see
    Defaults); "postgresql" needs a PostgreSQL database."""
    choice = str(config.get("SEARCH_BACKEND") or "auto").strip().lower()
    if choice not in SEARCH_BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}, "
                           f"not {choice!r}")
    on_postgresql = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == \
        "postgresql"
    if choice == "auto":
        return "postgresql" if on_postgresql else "whoosh"
    if choice == "postgresql" and not on_postgresql:
        raise RuntimeError("SEARCH_BACKEND = 'postgresql' needs a PostgreSQL database "
                           "(DATABASE_URL = 'postgresql+psycopg://...'); with SQLite, "
                           "use 'whoosh' or 'auto'")
    return choice


def _validate(config) -> None:
    if len(str(config["SECRET_KEY"])) < 32:
        raise RuntimeError("SECRET_KEY must be at least 32 characters of random data")
    if not 0 < float(config["SLA_WARNING_SHARE"]) < 1:
        raise RuntimeError("SLA_WARNING_SHARE must be between 0 and 1")
    search_backend(config)
