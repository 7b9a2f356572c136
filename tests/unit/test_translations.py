"""The French and Spanish catalogues are complete: every string the code and templates mark
for translation is translated, none is fuzzy, and each keeps the original's placeholders.
(`make translations` extracts the strings and updates the catalogues.)"""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from reachback.config import SETTINGS
from reachback.paths import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None,
            "lazy_gettext": None, "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")
TRANSLATED = [code for code in SETTINGS["LANGUAGES"].default if code != "en"]


def source_messages() -> set[tuple[str | None, str]]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={**KEYWORDS}):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


@pytest.fixture(scope="module")
def marked():
    messages = source_messages()
    assert messages, "nothing extracted: see babel.cfg"
    return messages


def catalogue(code):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=code)


def problems(messages, marked: set[tuple[str | None, str]]) -> list[str]:
    """What is wrong with the catalogue `messages` for the strings `marked` ((context, id))."""
    entries = {(m.context, _strings(m.id)[0]): m for m in messages if m.id}
    found = [f"missing: {_name(k)}" for k in sorted(marked - entries.keys(), key=str)]
    for key in sorted(marked & entries.keys(), key=str):
        entry, key = entries[key], _name(key)
        translations = _strings(entry.string)
        if not all(translations):
            found.append(f"untranslated: {key}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {key}")
        elif any(_placeholders(t) != _placeholders(_strings(entry.id)[-1]) for t in translations):
            found.append(f"placeholders differ: {key} -> {translations[0]}")
    return found


def _name(key) -> str:
    context, message = key
    return f"{context}|{message}" if context else message


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_string_is_translated_with_its_placeholders(marked, code):
    found = problems(catalogue(code), marked)
    assert not found, f"{code}: {len(found)} problems (make translations, then translate): " \
                      f"{found[:10]}"


def test_the_check_finds_each_kind_of_problem():
    from babel.messages.catalog import Catalog

    messages = Catalog(locale="fr")
    messages.add("Good %(n)s", "Bon %(n)s")
    messages.add("Fuzzy", "Flou", flags=["fuzzy"])
    messages.add("Empty", "")
    messages.add("Hello %(name)s", "Bonjour %(nom)s")
    messages.add("To", "À", context="e-mail")
    marked = {"Good %(n)s", "Fuzzy", "Empty", "Hello %(name)s", "Gone"}
    found = problems(messages, {(None, m) for m in marked} | {("e-mail", "To"), (None, "To")})
    assert sorted(found) == ["fuzzy: Fuzzy", "missing: Gone", "missing: To",
                             "placeholders differ: Hello %(name)s -> Bonjour %(nom)s",
                             "untranslated: Empty"]


def test_the_autonyms_kept_are_babels_and_cover_every_language_the_forms_offer():
    from babel import Locale

    from reachback.i18n import AUTONYMS, FIELD_LANGUAGES
    offered = {*SETTINGS["LANGUAGES"].default, *FIELD_LANGUAGES}
    assert offered <= set(AUTONYMS)
    assert AUTONYMS == {code: Locale.parse(code).get_display_name(code).capitalize()
                        for code in AUTONYMS}
