"""What every search backend takes and gives (documents in; hits, pages and errors out), the
query syntax they both read, and the helpers they share. No search engine is imported here:
index.py (whoosh) and pg_index.py (PostgreSQL) both build on it, and search.py chooses one of
them.

The search syntax (both backends; parse_query() reads it, the backends only translate its
clauses: whoosh into its query objects, PostgreSQL into websearch_to_tsquery() text). It is
PostgreSQL's web search syntax, except that words need not all be present:

    ceasefire monitoring     any of the words: documents that hold more of them, or hold
                             them in the title, come first
    "water access"           a phrase: these words, next to each other, in this order
    -militia  -"armed group" leave out the documents that hold this word or phrase (the
                             minus sign written against it; NOT militia means the same)
    police OR gendarmerie    OR may stand between words (any of them matches anyway)

Everything else is text: words are matched in any letter case and by their stem
("negotiations" finds "negotiated"; a document is stemmed in its own language: see STEMMED, and
a search's words are stemmed in each language the index holds, so "réintégration" finds a
French document's "réintégrer" and "consultas" a Spanish one's "consulta"), punctuation only separates words (a hyphenated word
such as civil-military is searched as the phrase "civil military"), and words too common to
search for ("the", "of", "and") are left out. AND, parentheses, field names (title:...),
wildcards and boosts are not operators. No text is refused: a NOT or minus sign with nothing
after it makes the search look for every word instead, with a message saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from .. import lengths

FACETS = ("theme", "country", "year", "kind", "language")
# The languages both backends stem (whoosh's Snowball stemmers; PostgreSQL's text search
# configurations of the same names). A document in any other language is matched by its
# lower-case words, unstemmed (STEMMED.get(code) is None).
STEMMED = {"en": "english", "fr": "french", "es": "spanish"}
DEFAULT_LANGUAGE = "en"
# Unstemmed words of these fields feed spelling suggestions.
SPELL_SOURCES = ("title", "summary", "body")
SPELL_WORD = re.compile(r"[^\W\d_]{3,}")
OPERATOR_WORDS = {"OR", "NOT"}  # never offered a spelling suggestion for

EXCERPT_CHARS = 20_000  # stored copy of the body used only for highlighting
SNIPPET_CHARS = 300
HIGHLIGHT_WINDOW_CHARS = 700  # analysing the text is what highlighting costs
MAX_QUERY_CHARS = lengths.SEARCH  # longer input costs time and never helps ranking
MAX_PER_PAGE = 100
MAX_SPELL_WORDS = 8
PROGRESS_EVERY = 100
# Ranking beyond the words typed (both backends). Each is a clause of its own, its score
# multiplied by its boost: a thesaurus term found weighs less than a word typed, a spelling
# correction (fuzzy matching) less again; two words typed next to each other or close
# (PROXIMITY_SLOP words apart at most) add PROXIMITY_BOOST of a phrase's score.
EXPANSION_BOOST = 0.5
FUZZY_BOOST = 0.4
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 3
MAX_PROXIMITY_PAIRS = 6
# A word typed that is rare (in RARE_DOCUMENTS readable documents at most) while a spelling
# one or two edits away is in COMMON_RATIO times as many is most likely that word misspelt
# (in the search, or in the few documents holding it): the common spelling is searched for
# too, as a spelling correction (FUZZY_BOOST), though it is no suggestion.
RARE_DOCUMENTS = 2
COMMON_RATIO = 10
MAX_EDITS = 2
# A document's standing multiplies its score (both backends): a superseded response
# (IndexDoc.status) ranks at SUPERSEDED_FACTOR of an equal match, below the response that
# replaced it; a response readers found useful (IndexDoc.useful: "useful" votes less "not
# useful" ones) rises by up to USEFUL_BOOST, half of it at USEFUL_HALF votes: enough to pass
# an equal match, never a clearly better one.
SUPERSEDED_FACTOR = 0.5
USEFUL_BOOST = 0.1
USEFUL_HALF = 3
MAX_USEFUL = 1000  # votes counted (the index keeps the count as a word)
# Words left out of the pairs: those the stemmers drop (English, French, Spanish), so
# that "jobs for former fighters" pairs "jobs" with "former".
PROXIMITY_SKIP = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or that the this "
    "to us we when will with yet you your au aux avec ce d de des du en et l la le les par "
    "pour sur un une al con del el las los para por su un una y".split())

SYNTAX_MESSAGE = _l("The search syntax was not understood, so the words were searched for instead.")
TRUNCATED_MESSAGE = _l("The search text was shortened to %(count)s characters.", count=MAX_QUERY_CHARS)


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
    language: str = "en"  # what the text is written in: its words are stemmed in it
    status: str = ""  # a response's: "superseded" ranks lower (see standing())
    useful: int = 0  # a response's readers' "useful" votes less "not useful" ones


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
    # similar() only: the share (0 to 1) of the text's telling words the document holds,
    # each counted by its weight (rare in the index, frequent in the text), among those of
    # the document's language. The same measure on both backends, whatever their scores.
    match: float | None = None
    shared: int | None = None  # similar() only: how many of those words it holds


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None
    # How many matched without the spelling corrections (fuzzy matching): 0 when only the
    # corrections found anything (search.py then runs the corrected search); None: unknown.
    exact_total: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def usefulness(votes: int | None) -> int:
    """The useful votes the index keeps: none below zero, at most MAX_USEFUL."""
    return min(max(0, int(votes or 0)), MAX_USEFUL)


def standing(status: str | None, useful: int | None) -> float:
    """What a document's score is multiplied by (see SUPERSEDED_FACTOR): 1.0 for a
    document with no votes that is not superseded."""
    votes = usefulness(useful)
    factor = SUPERSEDED_FACTOR if status == "superseded" else 1.0
    return factor * (1.0 + USEFUL_BOOST * votes / (votes + USEFUL_HALF))


def edits(a: str, b: str, limit: int = MAX_EDITS) -> int:
    """The edit distance of two words (insertions, deletions, substitutions and swaps of
    two neighbouring letters), or limit + 1 when it is above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return min(row[-1], limit + 1)


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


def language_code(value: str | None) -> str:
    """A document's language as the index keeps it (its facet value, and what chooses its
    stemmer): the primary subtag, lower case ("fr-CA" -> "fr"); DEFAULT_LANGUAGE when not
    given. Any other code is kept, letters and digits only (its words are then matched
    unstemmed)."""
    code = re.split(r"[-_\s]", (value or "").strip().lower(), maxsplit=1)[0]
    return re.sub(r"[^a-z0-9]", "", code)[:20] or DEFAULT_LANGUAGE


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


# --- the search syntax (see the module docstring) --------------------------------------------

# A clause: minus signs, then a "phrase" (to the next quote, or to the end of the text as
# websearch_to_tsquery reads an unclosed quote) or a word (anything up to a space or quote).
CLAUSE = re.compile(r'(?P<minus>-+)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"\-][^\s"]*))')


@dataclass(frozen=True)
class Clause:
    """A word, or a phrase (words to find next to each other, in this order), as typed."""

    text: str
    phrase: bool = False
    boost: float = 1.0  # below 1: a thesaurus term or a spelling correction (see above)
    slop: int = 1  # a phrase's words may be this many apart (PROXIMITY_SLOP: near)


def proximity_pairs(parsed: ParsedQuery) -> list[Clause]:
    """Each two neighbouring words typed, as a phrase whose words may be PROXIMITY_SLOP
    apart, weighing PROXIMITY_BOOST: documents holding them close rank higher."""
    words = [c.text for c in parsed.include
             if not c.phrase and c.text.lower() not in PROXIMITY_SKIP]
    return [Clause(f"{a} {b}", True, PROXIMITY_BOOST, PROXIMITY_SLOP)
            for a, b in zip(words, words[1:], strict=False)][:MAX_PROXIMITY_PAIRS]


def extra_clauses(synonyms, corrections) -> list[Clause]:
    """Clauses for a search's thesaurus terms and spelling corrections, each weighing
    less than a word typed."""
    synonyms = [" ".join(term.replace('"', " ").split()).lstrip("-") for term in synonyms]
    return ([Clause(term, " " in term, EXPANSION_BOOST) for term in synonyms if term]
            + [Clause(word, False, FUZZY_BOOST) for word in corrections if word.strip()])


@dataclass(frozen=True)
class ParsedQuery:
    """A search: the clauses any of which may match, those that leave documents out, and a
    message for the user when the syntax was not understood."""

    include: tuple[Clause, ...] = ()
    exclude: tuple[Clause, ...] = ()
    message: str | None = None


def parse_query(text: str) -> ParsedQuery:
    """The clauses of a search in the syntax of the module docstring. Never raises: text it
    does not understand (a NOT with nothing to leave out) gives every word as a clause to
    include, with SYNTAX_MESSAGE."""
    include: list[Clause] = []
    exclude: list[Clause] = []
    negate, understood = False, True
    for match in CLAUSE.finditer(text):
        word, phrase = match.group("word"), match.group("phrase")
        if word is not None and not match.group("minus"):
            if word.upper() == "OR" or word == "NOT":
                understood = understood and not negate  # NOT NOT, NOT OR
                negate = word == "NOT"
                continue
        clause = Clause(word, False) if word is not None else Clause(phrase, True)
        if clause.text.strip():
            (exclude if match.group("minus") or negate else include).append(clause)
        negate = False
    if negate or not understood:
        return ParsedQuery(tuple(include + exclude), (), SYNTAX_MESSAGE)
    return ParsedQuery(tuple(include), tuple(exclude))


def corrected(text: str, corrections: dict[str, str]) -> str | None:
    """The text with each word of `corrections` (lower case) replaced, or None if none."""
    out, last = [], 0
    for match in spelling_words(text):
        candidate = corrections.get(match.group().lower())
        if candidate:
            out += [text[last:match.start()], candidate]
            last = match.end()
    return "".join(out) + text[last:] if out else None


def spelling_words(text: str) -> list[re.Match]:
    """The words of a search that a spelling suggestion may replace (not its operators), at
    most MAX_SPELL_WORDS, with their places in the text."""
    words = [m for m in re.finditer(r"\w+", text) if m.group() not in OPERATOR_WORDS]
    return words[:MAX_SPELL_WORDS]
