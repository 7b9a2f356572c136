"""Configuration: one table of every setting (name, type, default, what it does), read from
reachback/settings.toml and loaded as defaults, then instance/config.py, then REACHBACK_*
environment variables, then overrides (tests); every value is checked against its type
once, at start-up. Code reads a setting through `setting(name)`, of its declared type,
whoever reads it: pages, scheduler, mailer, rate limits."""
import os
import secrets
import tomllib
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


TYPES = {"bool": bool, "int": int, "float": float, "str": str, "list": list,
         "timedelta": timedelta}


def _load_table(path: Path) -> tuple[Setting, ...]:
    """The settings of `path` (reachback/settings.toml: data, not code), in its order. A
    timedelta's default is written in seconds; an optional setting may have none (None)."""
    with path.open("rb") as fh:
        rows = tomllib.load(fh)
    table = []
    for name, row in rows.items():
        kind, default = TYPES[row["type"]], row.get("default")
        if kind is timedelta and default is not None:
            default = timedelta(seconds=default)
        table.append(Setting(name, kind, default, row["doc"], row.get("optional", False)))
    return tuple(table)


TABLE = _load_table(Path(__file__).with_name("settings.toml"))
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
