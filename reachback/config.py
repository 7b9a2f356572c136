"""Configuration: one table of every setting (name, type, default, what it does), loaded as
defaults, then instance/config.py, then REACHBACK_* environment variables, then overrides
(tests); every value is checked against its type once, at start-up. Code reads a setting
through `setting(name)`, of its declared type, whoever reads it: pages, scheduler, mailer,
rate limits."""
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context
from sqlalchemy.engine import make_url

from .paths import default_instance


class SettingError(RuntimeError):
    """A setting's value cannot be used (wrong type, out of range): the app refuses to start."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type  # bool, int, float, str, list or timedelta
    default: object
    doc: str
    optional: bool = False  # None is a value too (no limit)


def _s(name, kind, default, doc, optional=False) -> Setting:
    return Setting(name, kind, default, doc, optional)


MiB = 1024 * 1024

TABLE = (
    # --- the site ---------------------------------------------------------------------------
    _s("DATABASE_URL", str, "", "The database URL; empty means SQLite in the instance folder."),
    _s("TIMEZONE", str, "UTC", "The default time zone for display and business hours."),
    _s("LANGUAGES", list, ["en", "fr", "es"],
       "The interface's languages (each but English needs a catalogue in reachback/"
       "translations/); the first is the source language."),
    _s("DEFAULT_LANGUAGE", str, "en",
       "The language for visitors whose browser asks for none of LANGUAGES."),
    _s("PER_PAGE", int, 25, "Rows on a page of the query lists."),
    _s("BASE_URL", str, "http://127.0.0.1:5000", "Absolute links in e-mails point here."),
    _s("TRUSTED_PROXIES", int, 0,
       "How many reverse proxies to trust for X-Forwarded-For/-Proto (0: none)."),
    # --- sessions: deliberate lifetimes instead of Flask's month and Flask-Login's year ------
    _s("SESSION_IDLE_MINUTES", int, 60, "A server-side session unused this long ends."),
    _s("SESSION_ABSOLUTE_HOURS", int, 12,
       "A session ends this long after sign-in, however active (the cookie's lifetime too)."),
    _s("PERMANENT_SESSION_LIFETIME", timedelta, timedelta(hours=12),
       "Flask's cookie lifetime (seconds from the environment); set from "
       "SESSION_ABSOLUTE_HOURS."),
    _s("SESSION_COOKIE_HTTPONLY", bool, True, "The session cookie is hidden from scripts."),
    _s("SESSION_COOKIE_SAMESITE", str, "Lax", "The session cookie's SameSite."),
    _s("SESSION_COOKIE_SECURE", bool, False,
       "Behind HTTPS: the cookie is Secure and named __Host-session."),
    _s("REMEMBER_COOKIE_DURATION", timedelta, timedelta(days=1),
       "Flask-Login's remember cookie (never offered)."),
    _s("WTF_CSRF_TIME_LIMIT", int, None,
       "A CSRF token's lifetime in seconds; none: the session's (a long answer typed over a "
       "slow link must never be refused because the form was opened an hour ago).",
       optional=True),
    # --- request sizes ------------------------------------------------------------------------
    _s("UPLOAD_MAX_BYTES", int, 10 * MiB,
       "The largest uploaded file (attachments, library documents)."),
    _s("MAX_CONTENT_LENGTH", int, 11 * MiB,
       "The largest request with a file: a little more than one file, so that an oversized "
       "file gets its message beside the field, not a bare 413."),
    _s("MAX_TEXT_CONTENT_LENGTH", int, 2 * MiB,
       "The largest request without a file: the largest form (a draft at lengths.py's caps) "
       "stays below it even with every character at its widest encoding (12 bytes)."),
    # --- library documents: reading their text for the index ---------------------------------
    _s("EXTRACT_TIMEOUT", float, 10.0,
       "Seconds the text of a PDF or Word file may take to read (then it is killed)."),
    _s("EXTRACT_MAX_CHARS", int, 2_000_000, "Characters of a file's text that are indexed."),
    _s("EXTRACT_MAX_PAGES", int, 500, "Pages of a PDF that are read."),
    _s("EXTRACT_MEMORY_MB", int, 768, "Memory the reading process may use."),
    # --- SLA ----------------------------------------------------------------------------------
    _s("SLA_WARNING_SHARE", float, 0.75,
       "The share of a target's time after which it is at risk (between 0 and 1)."),
    # --- e-mail ---------------------------------------------------------------------------------
    _s("MAIL_BACKEND", str, "file",
       '"file" writes .eml files under instance/mail (development); "smtp" sends.'),
    _s("MAIL_SERVER", str, "localhost", "The SMTP server."),
    _s("MAIL_PORT", int, 25, "The SMTP server's port."),
    _s("MAIL_USE_TLS", bool, False, "STARTTLS after connecting."),
    _s("MAIL_USE_SSL", bool, False, "Implicit TLS (port 465)."),
    _s("MAIL_USERNAME", str, "", "The SMTP account, if the server asks for one."),
    _s("MAIL_PASSWORD", str, "", "Its password."),
    _s("MAIL_SENDER", str, "Reachback <reachback@localhost>", "The From of every e-mail."),
    _s("MAIL_TIMEOUT", int, 10, "Seconds to wait for the SMTP server."),
    _s("MAIL_MAX_ATTEMPTS", int, 8, "Attempts to deliver an e-mail before it is failed."),
    _s("MAIL_RETRY_MAX_MINUTES", int, 60, "The longest wait between two attempts."),
    _s("MAIL_BATCH_SIZE", int, 20, "E-mails claimed at a time by the delivery job."),
    _s("DIGEST_HOUR_UTC", int, 6, "Daily digests go out from this hour (UTC)."),
    # --- the scheduler: one active process at a time, by a lease row in the database --------
    _s("SCHEDULER_IN_RUN", bool, True,
       "Start the scheduler inside `reachback run` (development); production runs "
       "`reachback scheduler`."),
    _s("SCHEDULER_LEASE_SECONDS", int, 60, "The scheduler's lease lasts this long unrenewed."),
    _s("SCHEDULER_SLA_SECONDS", int, 60, "Every this many seconds: evaluate the SLA targets."),
    _s("SCHEDULER_OUTBOX_SECONDS", int, 30, "Every this many seconds: deliver e-mail."),
    _s("SCHEDULER_INVITATIONS_SECONDS", int, 300,
       "Every this many seconds: expire unanswered invitations."),
    # --- search ---------------------------------------------------------------------------------
    _s("SEARCH_BACKEND", str, "auto",
       '"whoosh" (an index in the instance folder: one host), "postgresql" (full-text '
       'search in the database: any number of hosts) or "auto" (PostgreSQL\'s on '
       "PostgreSQL, else whoosh). Run `reachback reindex` after a switch."),
    _s("SEARCH_INDEX_PATH", str, "", "The whoosh index's folder; empty: instance/search-index."),
    # --- accounts ---------------------------------------------------------------------------
    _s("ARGON2_TIME_COST", int, 3, "argon2id passes (ASVS 5 floor: 1)."),
    _s("ARGON2_MEMORY_KIB", int, 65536, "argon2id memory (ASVS 5 floor: 46 MiB)."),
    _s("ARGON2_PARALLELISM", int, 4, "argon2id lanes."),
    _s("TOTP_REQUIRED_FOR_ALL", bool, False,
       "Two-factor sign-in for every account (always for facilitators and admins; ASVS level "
       "2 asks it of all)."),
    _s("TOTP_ISSUER", str, "Reachback", "The name authenticator apps show beside the account."),
    _s("TOTP_PENDING_MINUTES", int, 10,
       "How long the step between the password and the code (or the enrolment) may take."),
    # Failed sign-ins slow the pair of account and client address that made them, never the
    # owner elsewhere (accounts/lockout.py, in the database: it holds across workers).
    _s("SIGN_IN_THROTTLE_AFTER", int, 5, "Failures of a pair before it must wait."),
    _s("SIGN_IN_THROTTLE_BASE_SECONDS", int, 2,
       "The first wait; doubled at each further failure."),
    _s("SIGN_IN_THROTTLE_MAX_SECONDS", int, 900, "The longest wait."),
    _s("SIGN_IN_THROTTLE_FORGET_HOURS", int, 24,
       "A pair quiet this long starts again from nothing."),
    _s("INVITATION_DAYS", int, 7, "An e-mailed invitation link works this long."),
    _s("PASSWORD_RESET_MINUTES", int, 60, "An e-mailed password reset link works this long."),
    # --- rate limits (flask-limiter) ------------------------------------------------------
    _s("RATELIMIT_STORAGE_URI", str, "database://",
       'Where counters live: "database://" (the application\'s database, shared by every '
       'worker and host), "redis://host:6379" (pip install redis), "memory://" (per process).'),
    _s("RATELIMIT_ENABLED", bool, True, "Rate limits on."),
    _s("RATELIMIT_SIGN_IN", str, "10 per minute; 100 per hour",
       "Wrong passwords, per client address (per account: the delays above)."),
    _s("RATELIMIT_CODE", str, "10 per minute; 50 per hour", "Wrong two-factor codes."),
    _s("RATELIMIT_LINK", str, "10 per minute; 50 per hour", "Invalid e-mailed links."),
    _s("RATELIMIT_API_TOKEN", str, "30 per minute; 300 per hour",
       "Unknown API tokens (a valid token always passes)."),
    _s("RATELIMIT_RESET_REQUEST", str, "5 per hour", "Every request for a reset e-mail."),
    _s("RATELIMIT_INVITE", str, "30 per hour", "Every invitation sent."),
    _s("RATELIMIT_SEARCH", str, "120 per minute",
       "Every search (pages, API, similar answers), per person or anonymous address."),
    # --- /healthz answers 503 beyond these (seconds) -------------------------------------------
    _s("HEALTH_SCHEDULER_MAX_AGE", int, 180,
       "A scheduler heartbeat this old (three lease renewals missed)."),
    _s("HEALTH_OUTBOX_MAX_DELAY", int, 3600, "An e-mail due this long ago."),
    _s("HEALTH_SEARCH_MAX_LAG", int, 120,
       "An index change waiting this long (the budget is 10 s: minutes mean a stuck job)."),
    # --- compression (Flask-Compress) ----------------------------------------------------------
    # Text responses go out compressed: a page shrinks to a fifth of its size on the satellite
    # links our users are on. Pages first in Brotli (what browsers send over HTTPS, and curl):
    # its built-in dictionary of web text makes them 5-12 % smaller than gzip level 6, at
    # quality 5. JSON first in zstd: level 6 makes the API's page of 100 queries (360 KB) 4 %
    # smaller than Brotli 5 in half the time (3 ms; gzip level 6 takes 17). gzip level 6 for
    # everyone else. Text types only (images and archives are compressed already), and only
    # from 500 bytes up (a smaller body gains nothing).
    _s("COMPRESS_ALGORITHM", list, ["br", "zstd", "gzip"], "Encodings, preferred first."),
    _s("COMPRESS_ALGORITHM_STREAMING", list, ["br", "zstd", "gzip"],
       "The same for streamed responses (static files)."),
    _s("COMPRESS_BR_LEVEL", int, 5, "Brotli quality."),
    _s("COMPRESS_ZSTD_LEVEL", int, 6, "zstd level."),
    _s("COMPRESS_LEVEL", int, 6, "gzip level."),
    _s("COMPRESS_MIN_SIZE", int, 500, "Smaller bodies go out as they are."),
    _s("COMPRESS_MIMETYPES", list,
       ["text/html", "text/css", "text/plain", "text/csv", "text/javascript",
        "application/javascript", "application/json"], "Types that are compressed."),
)
SETTINGS: dict[str, Setting] = {s.name: s for s in TABLE}

# The same defaults as a class, for app.config.from_object().
Defaults = type("Defaults", (), {s.name: s.default for s in TABLE})

TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number",
              str: "text", list: "a list (comma-separated in the environment)",
              timedelta: "a number of seconds"}


def setting(name: str, app=None):
    """The value of setting `name` (see TABLE), of its declared type: from `app`'s config,
    else the current app's, else (outside an app) its default. An unknown name is a
    KeyError: a typo must not read as a missing setting."""
    spec = SETTINGS[name]
    if app is None:
        if not has_app_context():
            return spec.default
        app = current_app
    value = app.config.get(name, spec.default)
    return value if _is(spec, value) else convert(spec, value, "app.config")


def _is(spec: Setting, value) -> bool:
    if value is None:
        return spec.optional
    if spec.type is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if spec.type is float:
        return isinstance(value, float)
    return isinstance(value, spec.type)


def convert(spec: Setting, value, source: str):
    """`value` as the type of `spec`; text (the environment's) is parsed. SettingError, which
    names the setting and where its value came from, for anything else."""
    if _is(spec, value):
        return value
    text = value.strip() if isinstance(value, str) else None
    try:
        if value is None or (text == "" and spec.optional):
            if spec.optional:
                return None
        elif spec.type is bool:
            if text is not None and text.lower() in TRUE | FALSE:
                return text.lower() in TRUE
            if value in (0, 1) and not isinstance(value, float):
                return bool(value)
        elif spec.type is int and not isinstance(value, bool):
            if text is not None:
                return int(text)
            if isinstance(value, float) and value.is_integer():
                return int(value)
        elif spec.type is float and not isinstance(value, bool):
            if isinstance(value, int | str):
                return float(value)
        elif spec.type is timedelta and not isinstance(value, bool):
            if isinstance(value, int | float | str):
                return timedelta(seconds=float(value))
        elif spec.type is list:
            if isinstance(value, tuple):
                return list(value)
            if text is not None:
                return [item.strip() for item in text.split(",") if item.strip()]
        elif spec.type is str and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    except ValueError:
        pass
    raise SettingError(f"{spec.name} must be {TYPE_NAMES[spec.type]}, not {value!r} "
                       f"(from {source})")


def instance_path() -> str:
    return os.environ.get("REACHBACK_INSTANCE_PATH") or str(default_instance())


def _coerce(value: str, default):
    """A REACHBACK_* variable of a setting not in TABLE (one of Flask's or an extension's),
    parsed into the type of the value it overrides."""
    if isinstance(default, bool):
        return value.strip().lower() in TRUE
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, timedelta):
        return timedelta(seconds=int(value))
    return value


def load_config(app, overrides: dict | None = None) -> None:
    """Defaults -> instance/config.py -> REACHBACK_<SETTING> -> overrides (tests); then every
    setting of TABLE is checked (SettingError, a RuntimeError, names the bad one)."""
    app.config.from_object(Defaults)
    sources = {name: "the defaults" for name in SETTINGS}
    before = dict(app.config)
    app.config.from_pyfile("config.py", silent=True)
    sources.update({k: "instance/config.py" for k, v in app.config.items()
                    if k in SETTINGS and before.get(k) is not v})
    for key, value in os.environ.items():
        if key.startswith("REACHBACK_") and key != "REACHBACK_INSTANCE_PATH":
            name = key.removeprefix("REACHBACK_")
            if name in SETTINGS:
                app.config[name], sources[name] = value, f"the environment ({key})"
            else:
                app.config[name] = _coerce(value, app.config.get(name, ""))
    app.config.update(overrides or {})
    sources.update({name: "the overrides" for name in overrides or {} if name in SETTINGS})
    for name, spec in SETTINGS.items():
        value = convert(spec, app.config[name], sources[name])
        app.config[name] = list(value) if spec.type is list else value  # never the table's
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
MAIL_BACKENDS = ("file", "smtp")


def search_backend(config) -> str:
    """The search engine to use, "whoosh" or "postgresql", from SEARCH_BACKEND (see
    TABLE); "postgresql" needs a PostgreSQL database."""
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
    """What a type does not say: ranges, choices, and the rate limits' syntax."""
    from limits import parse_many

    if len(str(config["SECRET_KEY"])) < 32:
        raise SettingError("SECRET_KEY must be at least 32 characters of random data")
    if not 0 < config["SLA_WARNING_SHARE"] < 1:
        raise SettingError("SLA_WARNING_SHARE must be between 0 and 1")
    if config["MAIL_BACKEND"] not in MAIL_BACKENDS:
        raise SettingError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, "
                           f"not {config['MAIL_BACKEND']!r}")
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"TIMEZONE must name a time zone (such as Europe/Brussels), "
                           f"not {config['TIMEZONE']!r}") from None
    if config["DEFAULT_LANGUAGE"] not in config["LANGUAGES"]:
        raise SettingError(f"DEFAULT_LANGUAGE must be one of LANGUAGES "
                           f"({', '.join(config['LANGUAGES'])}), not {config['DEFAULT_LANGUAGE']!r}")
    for name in SETTINGS:
        if name.startswith("RATELIMIT_") and name not in ("RATELIMIT_STORAGE_URI",
                                                          "RATELIMIT_ENABLED"):
            try:
                parse_many(config[name])
            except ValueError:
                raise SettingError(f"{name} must be limits such as '10 per minute; 100 per "
                                   f"hour', not {config[name]!r}") from None
    search_backend(config)
