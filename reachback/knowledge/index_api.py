"""What every search backend takes and gives (documents in; hits, pages and errors out), and
the helpers they share. No search engine is imported here: index.py (whoosh) and pg_index.py
(PostgreSQL) both build on it, and search.py chooses one of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .. import lengths

FACETS = ("theme", "country", "year", "kind")
# Unstemmed words of these fields feed spelling suggestions.
SPELL_SOURCES = ("title", "summary", "body")
SPELL_WORD = re.compile(r"[^\W\d_]{3,}")
OPERATOR_WORDS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}

EXCERPT_CHARS = 20_000  # stored copy of the body used only for highlighting
SNIPPET_CHARS = 300
HIGHLIGHT_WINDOW_CHARS = 700  # analysing the text is what highlighting costs
MAX_QUERY_CHARS = lengths.SEARCH  # longer input costs time and never helps ranking
MAX_PER_PAGE = 100
MAX_SPELL_WORDS = 8
PROGRESS_EVERY = 100

SYNTAX_MESSAGE = "The search syntax was not understood, so the words were searched for instead."
TRUNCATED_MESSAGE = f"The search text was shortened to {MAX_QUERY_CHARS} characters."


class IndexBusy(Exception):
    """Another writer held the index lock for longer than we were willing to wait."""


class IndexMissing(Exception):
    """No readable index (never built, being rebuilt, or corrupt)."""


@dataclass
class IndexDoc:
    key: str
    kind: str
    ref: str
    title: str
    summary: str
    body: str
    extra: str
    themes: list[str]
    theme_names: list[str]
    countries: list[str]
    country_names: list[str]
    date: datetime
    principals: list[str]


@dataclass
class Hit:
    key: str
    kind: str
    ref: str
    title: str
    summary: str
    score: float
    highlights: str  # safe HTML: escaped text, only <mark> tags
    date: datetime | None = None  # aware UTC


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def clip(text: str, limit: int = MAX_QUERY_CHARS) -> tuple[str, str | None]:
    """The text cut to `limit` characters, and the message saying so when it was."""
    if len(text) > limit:
        return text[:limit], TRUNCATED_MESSAGE
    return text, None


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def empty_facets() -> dict[str, list[tuple[str, int]]]:
    return {name: [] for name in FACETS}


def spell_words(doc: IndexDoc) -> set[str]:
    """The distinct lower-case words of a document that spelling suggestions may offer."""
    return {w.lower() for f in SPELL_SOURCES for w in SPELL_WORD.findall(getattr(doc, f) or "")}


def windows(text: str, terms: set[str], tries: int = 3) -> Iterator[str]:
    """Parts of `text` worth re-analysing for highlights (analysis is the slow part)."""
    # Stems are usually prefixes of the words they come from, so a plain
    # substring search finds likely matches (or false ones, as "war" in
    # "award": hence a few tries); with none, the opening is the best bet.
    lowered, offset = text.lower(), 0
    for _ in range(tries):
        positions = [p for p in (lowered.find(t, offset) for t in terms) if p >= 0]
        if not positions:
            break
        first = min(positions)
        start = text.rfind(" ", offset, max(offset, first - SNIPPET_CHARS // 2)) + 1
        start = max(start, offset)
        yield text[start : start + HIGHLIGHT_WINDOW_CHARS]
        offset = max(start + HIGHLIGHT_WINDOW_CHARS, first + 1)
    if offset == 0:
        yield text[:HIGHLIGHT_WINDOW_CHARS]
