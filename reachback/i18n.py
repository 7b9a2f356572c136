"""Languages: which one each request is served in, the switcher, and dates in it.

The interface speaks the languages that have a catalogue under reachback/translations/
(LANGUAGES, English first: it is the source). A request is served in the signed-in member's
chosen language; else the one an anonymous visitor chose with the switcher (kept in the
session); else the best match of the browser's Accept-Language; else DEFAULT_LANGUAGE.
E-mails and jobs have no request: they use `flask_babel.force_locale(person's language)`.

Adding a language: add its code to LANGUAGES, run `make translations LANG=xx` (creates the
catalogue), translate every entry, and `make test` checks that nothing is missing.
"""
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_timedelta, get_day_names
from babel.numbers import format_decimal
from flask import Blueprint, g, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, lazy_gettext
from flask_login import current_user
from markupsafe import Markup

from . import paths
from .config import setting

babel = Babel()
bp = Blueprint("i18n", __name__)


def init_i18n(app) -> None:
    babel.init_app(app, locale_selector=select_language,
                   default_translation_directories=str(paths.TRANSLATIONS),
                   default_domain="messages")
    # {% trans %} blocks are trimmed (line breaks and the spaces around them become one
    # space) when rendered as when extracted (babel.cfg): else a block spread over lines
    # would never find its translation.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(current_language=current_language, languages=language_menu,
                                 weekday_names=weekday_names, language_name=language_name,
                                 lang_of=lang_of)
    # theme_name: a theme in the reader's language; local_at/localdate_at: a time in a given
    # zone (an e-mail's recipient's, see user_zone), where the viewer's `local` cannot serve.
    app.jinja_env.filters.update(theme_name=theme_name, local_at=local_time,
                                 localdate_at=local_date)


def supported() -> list[str]:
    return setting("LANGUAGES")


def is_supported(code: str | None) -> bool:
    return bool(code) and code in supported()


def select_language() -> str:
    """The language of this request (Flask-Babel asks once per request and keeps it)."""
    if not has_request_context():
        return setting("DEFAULT_LANGUAGE")
    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    for choice in (getattr(user, "language", None), session.get("language")):
        if is_supported(choice):
            return choice
    return request.accept_languages.best_match(supported()) or setting("DEFAULT_LANGUAGE")


def number(value) -> str:
    """A number as the current language writes it ("1,200", "1 200", "1.200")."""
    return format_decimal(value, locale=current_language())


def current_language() -> str:
    return str(get_locale() or setting("DEFAULT_LANGUAGE"))


def language_of(user) -> str:
    """The language to write to someone outside a request (e-mails, notices): their choice,
    else DEFAULT_LANGUAGE (one who follows the browser has no browser here)."""
    choice = getattr(user, "language", None)
    return choice if is_supported(choice) else setting("DEFAULT_LANGUAGE")


def user_zone(user) -> ZoneInfo:
    """The person's time zone, else the site's (TIMEZONE); UTC for a name no longer known."""
    return _zone(getattr(user, "timezone", None) or setting("TIMEZONE"))


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    """The zone of that name (once per name: a list page asks for each of its dates)."""
    try:
        return ZoneInfo(name)
    except Exception:  # an unknown zone name must not break a page or an e-mail
        return ZoneInfo("UTC")


@contextmanager
def speaking(user):
    """`with speaking(user):` gettext, dates and names in `user`'s language (language_of)."""
    with force_locale(language_of(user)):
        yield


def theme_name(theme) -> str:
    """A theme's name in the current language (the taxonomy's names are in the catalogues,
    reachback/data/taxonomy.py); a name the catalogues lack (a theme added later) as it is.
    Takes a Theme or its (English) name."""
    name = getattr(theme, "name", theme) or ""
    return gettext(name) if name else ""


def theme_namer():
    """theme_name for a long list: a function naming themes (or their names) in the current
    language, the catalogue found once (flask_babel's gettext looks for it on each call:
    ~50 µs, 5 ms for the hundred themes of every filter form)."""
    translate = get_translations().gettext

    def name_of(theme) -> str:
        name = getattr(theme, "name", theme) or ""
        return translate(name) if name else ""
    return name_of


# The names in themselves of the languages the forms offer, as Babel gives them (a unit
# test checks they still agree): asking Babel loads the whole of each language's locale
# data, about 1 MB a language in every worker, for one word.
AUTONYMS = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية",
            "pt": "Português", "ru": "Русский", "sw": "Kiswahili", "uk": "Українська"}


def language_name(code: str) -> str:
    """A language's name in itself ("Français"), as people look for their own."""
    known = AUTONYMS.get(code)
    return known if known is not None else Locale.parse(code).get_display_name(code).capitalize()


def language_menu() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in supported()]


# --- the language content is written in --------------------------------------------------
# Queries, contributions and responses may be written in any language, not only in one the
# interface speaks: an ISO 639-1 code that Babel knows.
_CODE = re.compile(r"[a-z]{2}")
# Offered by the forms after the interface's own languages: common in the field.
FIELD_LANGUAGES = ("ar", "pt", "ru", "sw", "uk")
NOT_A_LANGUAGE = lazy_gettext("Choose a language: a two-letter code such as en, fr or ar.")


def is_content_language(code) -> bool:
    """Whether `code` names a language content may be written in (ISO 639-1, lower case,
    known to Babel): the one check of queries, contributions and responses."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def content_language(given, author, errors: dict, field: str = "language") -> str:
    """The language of a new text: `given` when it names one (else an error under `field`
    in `errors`), else its author's choice, else the language of this request."""
    if given not in (None, ""):
        if is_content_language(given):
            return given
        errors[field] = NOT_A_LANGUAGE
        return ""
    chosen = getattr(author, "language", None)
    if is_content_language(chosen):
        return chosen
    return current_language()


def content_language_menu() -> list[tuple[str, str]]:
    """The languages the content forms offer: the interface's, then common ones."""
    codes = [*supported(), *(c for c in FIELD_LANGUAGES if c not in supported())]
    return [(code, language_name(code)) for code in codes]


def lang_of(item) -> Markup:
    """` lang="xx"` for an element holding `item`'s text when it is written in another
    language than the page's, else nothing: `<h1{{ lang_of(q) }}>`."""
    code = getattr(item, "language", None)
    if not code or code == current_language():
        return Markup("")
    return Markup(' lang="{}"').format(code)


@bp.post("/language")
def choose():
    """The switcher (a form in every page's footer, so it works without JavaScript): keeps the
    choice in the session, and as the member's preference when signed in; back to the page."""
    from .web import safe_back

    code = request.form.get("language", "")
    if is_supported(code):
        session["language"] = code
        if current_user.is_authenticated:
            from .accounts.services import set_language

            set_language(current_user, code)
    return redirect(safe_back(url_for("knowledge.index")))


# --- dates and times, in the viewer's language and time zone ---------------------------------

def local_time(value: datetime | None, zone) -> str:
    """"07 Dec 2026, 10:15 CET" (en), "07 déc. 2026, 10:15 CET" (fr)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(zone)
    # Babel's 'dd MMM y, HH:mm', in two parts: the day (formatted once per day and language,
    # _day_text) and the time of day, whose digits Babel writes as Python does.
    return f"{_day_text(value.date(), current_language())}, {value.strftime('%H:%M %Z')}"


def local_date(value: date | datetime | None, zone) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return _day_text(value, current_language())


@lru_cache(maxsize=8192)
def _day_text(day: date, language: str) -> str:
    """A day as local_date writes it, formatted once per day and language (a list of a
    hundred discussions or events formats the same few days over and over; Babel's
    format_date costs about 0.1 ms a call)."""
    return format_date(day, "dd MMM y", locale=language)


SOURCE_SPANS = {"minute": "{} min", "hour": "{} h", "day": "{} day"}


def duration(count: int, unit: str) -> str:
    """`count` minutes, hours or days (`unit`) in the current language, by Babel's
    format_timedelta in that very unit: "3 heures", "2 días". English keeps the app's own
    short words ("3 h", "25 min", "2 days"), which Babel has not ("3 hr")."""
    lang = current_language()
    if lang == "en":
        return SOURCE_SPANS[unit].format(count) + ("s" if unit == "day" and count != 1 else "")
    return format_timedelta(timedelta(seconds=count * UNIT_SECONDS[unit]), granularity=unit,
                            threshold=float("inf"), format="long", locale=lang)


UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def weekday_names(width: str = "wide") -> list[str]:
    """Monday first (0) to Sunday (6), as the calendars number them: "Lundi" ("wide"),
    "Lun." ("abbreviated"), in the current language, capitalised as a label."""
    names = get_day_names(width, locale=current_language())
    return [names[i][:1].upper() + names[i][1:] for i in range(7)]
