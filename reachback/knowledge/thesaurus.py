"""The search thesaurus: the field's acronyms and synonyms (reachback/data/thesaurus.yaml, or
the version an admin saved at /admin/thesaurus), through which searches are expanded.

An entry is a set of equivalent terms (its `en`, `fr` and `es` lists together; `theme`
names the taxonomy theme it belongs to). A search holding one of an entry's terms (whole
words, any letter case, a final "s" ignored) also looks for the entry's other terms, which
weigh less than the words typed (index_api.EXPANSION_BOOST). No search engine here: search.py
passes the terms to either backend.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib import resources

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as perm
from ..errors import Invalid
from ..extensions import db
from ..models_base import utcnow
from .models import SearchThesaurus

LANGUAGES = ("en", "fr", "es")
MAX_TEXT_CHARS = 200_000
MAX_TERM_CHARS = 100
MAX_EXPANSIONS = 12  # terms added to one search at most
_WORD = re.compile(r"\w+")


class ThesaurusError(ValueError):
    """The text is not a thesaurus; the message says why, for the admin."""


@dataclass(frozen=True)
class Entry:
    terms: tuple[str, ...]
    theme: str | None = None


def repository_text() -> str:
    return resources.files("reachback.data").joinpath("thesaurus.yaml").read_text("utf-8")


def parse(text: str) -> list[Entry]:
    """The entries of a thesaurus in YAML; ThesaurusError (a message for people) when it is
    not one."""
    if len(text) > MAX_TEXT_CHARS:
        raise ThesaurusError(_("The thesaurus is too long (%(count)s characters at most).",
                               count=MAX_TEXT_CHARS))
    try:
        # The base loader: every value a string (no dates, numbers or tags to construct,
        # nothing that fails on odd input beyond the syntax); safer than safe_load, which
        # constructs dates and numbers, so bandit's B506 does not apply.
        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
        data = yaml.load(text, Loader=loader)  # noqa: S506  # nosec B506
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ThesaurusError(_("The thesaurus is not valid YAML (line %(line)s).",
                               line=line)) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ThesaurusError(_("The thesaurus must be a list of entries, each starting "
                               "with \"- \"."))
    entries = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or set(item) - {"theme", *LANGUAGES}:
            raise ThesaurusError(_("Entry %(number)s: an entry has a theme and lists of "
                                   "terms under en, fr and es only.", number=n))
        terms = []
        for language in LANGUAGES:
            values = item.get(language) or []
            if not isinstance(values, list) or not all(
                    isinstance(v, str) and v.strip() for v in values):
                raise ThesaurusError(_("Entry %(number)s: %(language)s must be a list of "
                                       "terms in square brackets.", number=n,
                                       language=language))
            for value in values:
                term = " ".join(str(value).split())
                if len(term) > MAX_TERM_CHARS:
                    raise ThesaurusError(_("Entry %(number)s: a term is longer than "
                                           "%(count)s characters.", number=n,
                                           count=MAX_TERM_CHARS))
                if term.lower() not in {t.lower() for t in terms}:
                    terms.append(term)
        if len(terms) < 2:
            raise ThesaurusError(_("Entry %(number)s: an entry needs at least two terms.",
                                   number=n))
        theme = item.get("theme")
        entries.append(Entry(tuple(terms), str(theme) if theme else None))
    return entries


def _key(text: str) -> tuple[str, ...]:
    """A term's or a text's words as they are compared: lower case, a final "s" dropped."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") else w
                 for w in _WORD.findall(text.lower()))


class Thesaurus:
    """Parsed entries, indexed by their terms' first word for expand()."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for n, entry in enumerate(entries):
            for term in entry.terms:
                key = _key(term)
                if key:
                    self._by_first.setdefault(key[0], []).append((key, n))

    def expand(self, text: str) -> list[str]:
        """The other terms of the entries whose terms `text` holds (a term inside a longer
        one it holds does not count: "mine risk education" is not "education"), taken in
        turn from each entry, MAX_EXPANSIONS at most."""
        words = _key(text)
        spans = []  # (start, end, entry) of each term found
        for i, word in enumerate(words):
            for key, n in self._by_first.get(word, ()):
                if words[i:i + len(key)] == key:
                    spans.append((i, i + len(key), n))
        spans = [(a, b, n) for a, b, n in spans
                 if not any(a2 <= a and b <= b2 and b2 - a2 > b - a for a2, b2, _ in spans)]
        found = list(dict.fromkeys(n for _a, _b, n in spans))
        held = {words[a:b] for a, b, _n in spans}
        lists = [[t for t in self.entries[n].terms if _key(t) and _key(t) not in held]
                 for n in found]
        out: list[str] = []
        for turn in range(max(map(len, lists), default=0)):
            for terms in lists:
                if turn < len(terms) and terms[turn] not in out:
                    out.append(terms[turn])
        return out[:MAX_EXPANSIONS]


_cache: dict[str, tuple[object, Thesaurus]] = {}
_cache_lock = threading.Lock()


def current() -> Thesaurus:
    """The thesaurus in use: the admins' saved version, or the repository's file. Parsed
    once per saved version (a search costs one primary-key read)."""
    stamp = db.session.scalar(select(SearchThesaurus.updated_at).where(SearchThesaurus.id == 1))
    key = db.engine.url.render_as_string()
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if stamp is None:
        entries = parse(repository_text())
    else:
        row = db.session.get(SearchThesaurus, 1)
        try:
            entries = parse(row.text)
        except ThesaurusError:  # saved text is checked first: only a hand-edited row
            entries = parse(repository_text())
    thesaurus = Thesaurus(entries)
    with _cache_lock:
        _cache[key] = (stamp, thesaurus)
    return thesaurus


def saved_row() -> SearchThesaurus | None:
    """The version an admin saved (who, when), or None: the repository's file is used."""
    return db.session.get(SearchThesaurus, 1)


def saved_text() -> str:
    """The text the admin page shows: the saved version, or the repository's file."""
    row = saved_row()
    return row.text if row is not None else repository_text()


def save(user, text: str) -> list[Entry]:
    """Check and save an admin's version: Invalid (on the `text` field, nothing written)
    when it is not a thesaurus. The caller commits."""
    perm.require(perm.can_edit_thesaurus(user), _("Only admins edit the search thesaurus."))
    text = text.replace("\r\n", "\n")
    try:
        entries = parse(text)
    except ThesaurusError as error:
        raise Invalid(str(error), {"text": str(error)}) from None
    row = db.session.get(SearchThesaurus, 1)
    if row is None:
        row = SearchThesaurus(id=1, text=text)
        db.session.add(row)
    row.text, row.updated_at, row.updated_by_id = text, utcnow(), user.id
    return entries


def reset(user) -> None:
    """Go back to the repository's file (the saved version is deleted). The caller commits."""
    perm.require(perm.can_edit_thesaurus(user), _("Only admins edit the search thesaurus."))
    row = db.session.get(SearchThesaurus, 1)
    if row is not None:
        db.session.delete(row)
