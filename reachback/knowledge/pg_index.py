"""Full-text search in PostgreSQL: the search backend for Reachback on several hosts.

PgSearchIndex has the interface of index.SearchIndex (the whoosh backend, whose index lives
on one disk) and keeps its index in three tables of the application's own database, so every
web worker and the scheduler on any host read and write the same index:

    search_documents    one row per IndexDoc: what a hit shows (title, summary, the start of
                        the body for snippets), what filters and facets need (kind, themes,
                        countries, year, date, language), who may read it (principals,
                        text[]), its standing (status, useful: index_api.standing, which
                        multiplies its rank), and two weighted tsvectors computed on write in the text
                        search configuration of the document's language (CONFIGS: english,
                        french, spanish; `simple` for any other): `head` (title A; summary,
                        theme and country names B), small and kept in the row, and
                        `document` (head + body C + extra D: a library file's name), the one
                        the GIN index finds matches in.
    search_words        every word the index has seen, for spelling suggestions (pg_trgm).
    search_index_state  one row once the index has been built: until then (a new database,
                        or one that used whoosh before) exists() is False and search.py
                        rebuilds it from the database, as it does for a missing whoosh index.

Why tables in db.metadata, created by create_all() and migration 0007 on every database
(SQLite included, with generic types there): the schema stays one schema, `reachback db
check` compares it like any other, and the test suite's per-test TRUNCATE empties the index
along with the rows it was built from. Only the GIN indexes (and the head's storage) are
PostgreSQL's own: they are what makes the search fast, and SQLite never uses these tables.

Searching. The search syntax is index_api's, the same as whoosh's backend reads; its clauses
become tsqueries through websearch_to_tsquery() (see parse()), in each text search
configuration of the languages the index holds (_configs(): most indexes hold English only,
one configuration as before), OR'ed: a word may be in any of them. Any of the words may match,
and documents holding more of them rank higher (ts_rank_cd times the share of the search's
stems they hold). Every
statement filters on the caller's principals (principals && :mine) in SQL, before ranking,
counting, paging and suggesting, so an item a user may not read never reaches their
results, snippets, facet counts, totals or suggestions. Ranking reads each match's
`document` from TOAST, so the matches are first ordered by the rank of their `head` and
only the best RANK_CANDIDATES are ranked in full. User input reaches SQL only as bound
parameters, read by websearch_to_tsquery(), which accepts any text.

Writing. Writers (apply_locked, rebuild) take a transaction-scoped advisory lock, which
serialises them across hosts. A rebuild replaces the rows in one transaction with DELETE
(not TRUNCATE, whose exclusive lock would stop every search until the commit): searches
read the old rows until the new ones are committed.
"""

from __future__ import annotations

import html
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import (
    DDL,
    REAL,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    cast,
    delete,
    event,
    false,
    func,
    literal,
    literal_column,
    not_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSON, REGCLASS, REGCONFIG, TSQUERY, TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..models_base import UTCDateTime, utcnow
from . import index_api  # helpers and limits shared with index.py, named by module
from .index_api import STEMMED, Clause, Hit, IndexBusy, IndexDoc, IndexMissing, SearchResult

log = logging.getLogger(__name__)

# The text search configuration of each language's documents (stemming and stop words):
# index_api.STEMMED, and `simple` (lower-case words, unstemmed) for any other language.
# No unaccent: it is an extension the project's scripts do not install, and French and
# Spanish words are stemmed with their accents ("réintégration" and "réintégrer" meet).
CONFIGS = dict(STEMMED)
OTHER_CONFIG = "simple"
CONFIG = CONFIGS["en"]  # an index holding no document yet
TEXT_ARRAY = ARRAY(Text).with_variant(JSON(), "sqlite")
# tsvector keeps at most 1 MB of lexemes: a few megabytes of extracted text are cut here.
INDEXED_BODY_CHARS = 500_000
WRITE_BATCH = 500
# ts_rank_cd's weights of the {D, C, B, A} labels.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
NEAR_WEIGHTS = [1.0, 1.0, 1.0, 1.0]  # words typed found close together: body or title alike
RANK_NORMALISATION = 1  # divide by 1 + log(length): long documents do not win by length alone
# Ranking reads a document's whole tsvector (kilobytes, out of line): fine for hundreds,
# too slow for thousands. The matches are first ordered by the rank of their small head,
# and only this many of the best are ranked on their whole document.
RANK_CANDIDATES = 300
SIMILAR_TERMS = 10  # the text's most significant words that similar() searches for
SIMILAR_CANDIDATES = 20  # ... chosen among this many of its most frequent
COMMON_WORD_DOCUMENTS = 200  # document frequencies are counted up to this
SPELL_CANDIDATES = 5
MAX_WORD_CHARS = 100
# Advisory lock keys (any two numbers no other part of Reachback uses).
WRITE_LOCK = 7_300_001
REBUILD_LOCK = 7_300_002
# Snippets: ts_headline marks matches with these private-use characters, which are removed
# from the stored text, so that the text can be escaped before <mark> tags are put in.
# "<" and ">" are swapped for two more around ts_headline: its parser drops anything that
# looks like an HTML tag, and the snippet must show the text as written.
MARK_START, MARK_STOP, LESS, GREATER = "\ue000", "\ue001", "\ue002", "\ue003"
HEADLINE_OPTIONS = (f'StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=2, '
                    f'MaxWords=30, MinWords=12, ShortWord=2, FragmentDelimiter=" … "')
_UNSAFE = str.maketrans({"\x00": " ", MARK_START: None, MARK_STOP: None, LESS: None,
                         GREATER: None})
HIDE_TAGS = str.maketrans({"<": LESS, ">": GREATER})


def _postgresql_only(index: Index) -> Index:
    """An index created on PostgreSQL only (GIN); `info` tells migrations/env.py to compare
    it there only (Alembic does not read ddl_if)."""
    index.info["dialect"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


documents = Table(
    "search_documents", db.metadata,
    Column("key", String(200), primary_key=True),
    Column("kind", String(50), nullable=False),
    Column("ref", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("excerpt", Text, nullable=False),  # the start of the body, for snippets
    Column("themes", TEXT_ARRAY, nullable=False),
    Column("countries", TEXT_ARRAY, nullable=False),
    Column("principals", TEXT_ARRAY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("date", UTCDateTime, nullable=False),
    # index_api.language_code(): the language facet, and the configuration of the tsvectors.
    Column("language", String(20), nullable=False, server_default="en"),
    # A response's standing, which its score is multiplied by (index_api.standing): its
    # status ("superseded" sinks) and its readers' useful votes (index_api.usefulness).
    Column("status", String(20), nullable=False, server_default=""),
    Column("useful", Integer, nullable=False, server_default="0"),
    # title (A), summary and theme and country names (B): small, kept in the row.
    Column("head", TSVECTOR().with_variant(Text(), "sqlite"), nullable=False),
    # head + body (C) + extra (D: a library file's name): kilobytes, out of line (TOAST).
    Column("document", TSVECTOR().with_variant(Text(), "sqlite"), nullable=False),
    # The one way to the matches of a search: GIN answers @@ exactly, reading no tsvector.
    # No index on principals, on purpose: the planner would pair it with this one, or use
    # it alone and test @@ on every permitted row, reading each one's tsvector from TOAST
    # (ten times slower). The principals of the matches are checked in their rows.
    _postgresql_only(Index("ix_search_documents_document", "document", postgresql_using="gin")),
    Index("ix_search_documents_date", "date"),  # browsing, newest first
    Index("ix_search_documents_language", "language"),  # the languages held (_configs)
)
words = Table(
    "search_words", db.metadata,
    Column("word", String(MAX_WORD_CHARS), primary_key=True),
    _postgresql_only(Index("ix_search_words_trigrams", "word", postgresql_using="gin",
                           postgresql_ops={"word": "gin_trgm_ops"})),
)
state = Table(
    "search_index_state", db.metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("built_at", UTCDateTime, nullable=False),
)
# The trigram index needs pg_trgm (a trusted extension: the database's owner may create it).
event.listen(words, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
# Keep the head in the row (compressed) rather than out of line with the body's tsvector:
# ranking the heads of thousands of matches must not read each one from TOAST.
KEEP_HEAD_IN_ROW = "ALTER TABLE search_documents ALTER COLUMN head SET STORAGE MAIN"
event.listen(documents, "after_create", DDL(KEEP_HEAD_IN_ROW).execute_if(dialect="postgresql"))

# Written as one statement, the tsvectors computed from the IndexDoc's fields in the
# configuration of its language (:config, one of CONFIGS or OTHER_CONFIG).
UPSERT = text("""
    INSERT INTO search_documents (key, kind, ref, title, summary, excerpt, themes, countries,
                                  principals, year, date, language, status, useful, head,
                                  document)
    SELECT key, kind, ref, title, summary, excerpt, themes, countries, principals, year, date,
           language, status, useful, head,
           head || setweight(to_tsvector(config, body), 'C')
                || setweight(to_tsvector(config, extra), 'D')
    FROM (VALUES (:key, :kind, :ref, :title, :summary, :excerpt, :themes, :countries,
                  :principals, :year, :date, :language, :status, :useful,
                  CAST(:config AS regconfig),
                  setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A')
                  || setweight(to_tsvector(CAST(:config AS regconfig), :labels), 'B'),
                  :body, :extra))
         AS v (key, kind, ref, title, summary, excerpt, themes, countries, principals, year,
               date, language, status, useful, config, head, body, extra)
    ON CONFLICT (key) DO UPDATE SET
        kind = excluded.kind, ref = excluded.ref, title = excluded.title,
        summary = excluded.summary, excerpt = excluded.excerpt, themes = excluded.themes,
        countries = excluded.countries, principals = excluded.principals,
        year = excluded.year, date = excluded.date, language = excluded.language,
        status = excluded.status, useful = excluded.useful,
        head = excluded.head, document = excluded.document
""").bindparams(bindparam("date", type_=UTCDateTime()),
                *(bindparam(name, type_=ARRAY(Text))
                  for name in ("themes", "countries", "principals")))
ADD_WORDS = text("INSERT INTO search_words (word) SELECT unnest(CAST(:words AS text[])) "
                 "ON CONFLICT DO NOTHING")
# The languages the index holds, one index probe each (a loose scan of
# ix_search_documents_language, where DISTINCT would read every row's entry).
LANGUAGES_HELD = text("""
    WITH RECURSIVE held (language) AS (
        SELECT min(language) FROM search_documents
        UNION ALL
        SELECT (SELECT min(language) FROM search_documents WHERE language > held.language)
        FROM held WHERE held.language IS NOT NULL)
    SELECT language FROM held WHERE language IS NOT NULL
""")
# How many documents hold each lexeme (a tsquery of one lexeme each), counted up to :cap:
# beyond that a word is common, whatever its exact count. For similar().
DOCUMENT_FREQUENCIES = text("""
    SELECT term, (SELECT count(*) FROM (SELECT FROM search_documents d
                                        WHERE d.document @@ CAST(term AS tsquery)
                                        LIMIT :cap) AS found)
    FROM unnest(CAST(:terms AS text[])) AS term
""")


class PgSearchIndex:
    """The search index in PostgreSQL tables, with SearchIndex's interface (see the module
    docstring). Reads and writes on connections of its own from the app's engine, never in
    the caller's session: search.py rolls its session back around index calls, as the index
    is a separate store."""

    lock_retries = 6  # attempts to get the write lock ...
    lock_delay = 0.05  # ... sleeping this, doubled each time (~1.6 s in total)

    def __init__(self, engine):
        self.engine = engine

    # ----------------------------------------------------------- lifecycle

    def exists(self) -> bool:
        try:
            with self.engine.connect() as conn:
                return _built(conn)
        except DBAPIError:  # the tables are not there (the database is not upgraded)
            return False

    def create(self) -> None:
        self.rebuild(())

    def doc_count(self) -> int:
        with self._reading() as conn:
            return conn.scalar(select(func.count()).select_from(documents))

    def close(self) -> None:
        """Nothing to close: connections go back to the engine's pool after each call."""

    def drop(self) -> None:
        """Empty the index and mark it unbuilt (the next job rebuilds it from the database):
        before going back to PostgreSQL after a spell on whoosh, whose changes it missed."""
        with self.engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
            for table in (state, words, documents):
                conn.execute(delete(table))

    @contextmanager
    def rebuild_lock(self) -> Iterator[bool]:
        """Yields True for the one rebuild allowed at a time on every host: a session-level
        advisory lock, on a connection of its own, held until the block ends (or the process
        dies)."""
        with self.engine.connect() as conn:
            mine = conn.scalar(select(func.pg_try_advisory_lock(REBUILD_LOCK)))
            conn.commit()
            try:
                yield bool(mine)
            finally:
                if mine:
                    conn.execute(select(func.pg_advisory_unlock(REBUILD_LOCK)))
                    conn.commit()

    # -------------------------------------------------------------- writing

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[str]) -> None:
        self.apply_locked(lambda: (upserts, deletes, None))

    def apply_locked(self, build: Callable[[], tuple[Iterable[IndexDoc], Iterable[str], object]]):
        """Take the write lock, then call build() -> (upserts, deletes, result), write, commit
        and return result. Reading what to write while holding the lock means two workers
        (on any hosts) can never commit an older state of a document over a newer one."""
        with self.engine.begin() as conn:
            if not _built(conn):
                raise IndexMissing("the search index has not been built")
            self._lock(conn)
            upserts, deletes, result = build()
            deletes = set(deletes)
            if deletes:
                conn.execute(delete(documents).where(documents.c.key.in_(deletes)))
            # A key that is also being deleted was deleted after its edit.
            _write(conn, [doc for doc in upserts if doc.key not in deletes])
        return result

    def rebuild(self, docs: Iterable[IndexDoc],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index with `docs` (streamed, written in batches) in one
        transaction: searches see the old index until it commits, and a failure leaves it
        as it was."""
        count = 0
        with self.engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))  # applies wait
            conn.execute(delete(words))
            conn.execute(delete(documents))
            seen: set[str] = set()  # each word is written once, not once per document
            batch: list[IndexDoc] = []
            for doc in docs:
                batch.append(doc)
                count += 1
                if len(batch) == WRITE_BATCH:
                    _write(conn, batch, seen)
                    batch = []
                if progress and count % index_api.PROGRESS_EVERY == 0:
                    progress(count)
            _write(conn, batch, seen)
            conn.execute(pg_insert(state).values(id=1, built_at=utcnow())
                         .on_conflict_do_update(index_elements=["id"],
                                                set_={"built_at": utcnow()}))
        self._settle()
        if progress:
            progress(count)
        return count

    def _settle(self) -> None:
        """After a rebuild: move the GIN index's pending entries into the index proper
        (every search would read the unsorted pending list otherwise) and give the planner
        statistics of the new rows, rather than wait for autovacuum. Only an optimisation:
        the rebuild is committed already (a role that does not own the table may not)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(select(func.gin_clean_pending_list(
                    cast("ix_search_documents_document", REGCLASS))))
                conn.execute(text("ANALYZE search_documents"))
        except DBAPIError:
            log.warning("Could not tidy the search index after its rebuild", exc_info=True)

    def _lock(self, conn) -> None:
        delay = self.lock_delay
        for attempt in range(self.lock_retries):
            if conn.scalar(select(func.pg_try_advisory_xact_lock(WRITE_LOCK))):
                return
            if attempt < self.lock_retries - 1:
                time.sleep(delay)
                delay *= 2
        raise IndexBusy("the search index is locked by another writer")

    # ------------------------------------------------------------- searching

    def search(self, text: str, principals: Iterable[str], *,
               filters: dict[str, str] | None = None, page: int = 1, per_page: int = 10,
               sort: str = "relevance", exclude_kinds: Iterable[str] = (),
               synonyms: Iterable[str] = (), fuzzy: bool = True) -> SearchResult:
        principals = [p for p in principals if p]
        page = max(1, int(page))
        per_page = min(max(1, int(per_page)), index_api.MAX_PER_PAGE)
        text, message = index_api.clip(_clean(text or ""))
        with self._reading() as conn:
            if not principals:
                return SearchResult([], 0, page, per_page, index_api.empty_facets(), None, message)
            kinds = [k for k in exclude_kinds if k]
            allowed = _allowed(principals, filters, kinds)
            configs = _configs(conn)
            # Corrections of the words no readable document holds: offered as a suggestion,
            # and (fuzzy) searched for too, weighing less than the words typed.
            readable = _allowed(principals, None, kinds)
            held = _held_counts(conn, text, readable, configs) if text.strip() else {}
            corrections = _corrections(conn, held, readable, configs)
            # ... and the common spellings of rare words typed: searched for too, alike.
            common = _common_spellings(conn, text, held, readable, configs) if fuzzy else []
            if text.strip():
                query = parse(text, configs, synonyms,
                              [*corrections.values(), *common] if fuzzy else ())
                # No clause at all (only operators or punctuation): nothing matches.
                where = [*allowed, false() if query.match is None else _matches(query.match)]
            else:  # browsing: everything permitted, newest first
                query, where = Query(None, None), allowed
            by_date = sort == "date" or query.rank is None
            total, facets = _facets(conn, where)
            offset = (page - 1) * per_page
            hits = _page(conn, where, query, by_date, offset, per_page) if offset < total else []
            exact = total if query.fuzzy is None or not total else conn.scalar(
                select(func.count()).select_from(documents)
                .where(*allowed, _matches(query.exact)))
            return SearchResult(hits=hits, total=total, page=page, per_page=per_page,
                                facets=facets, suggestion=index_api.corrected(text, corrections),
                                message=message or query.message, exact_total=exact)

    def similar(self, text: str, principals: Iterable[str], limit: int = 5,
                exclude_keys: Iterable[str] = (),
                filters: dict[str, str] | None = None) -> list[Hit]:
        """The permitted documents sharing most of the text's significant words: an OR of
        its SIMILAR_TERMS words that the fewest documents hold (the rarer, the more telling),
        ranked like a search."""
        principals = [p for p in principals if p]
        text, _ = index_api.clip(_clean(text or ""), index_api.MAX_QUERY_CHARS * 10)
        with self._reading() as conn:
            if not principals or not text.strip():
                return []
            weights, produced = _significant_terms(conn, text, _configs(conn))
            if not weights:
                return []
            terms = list(weights)
            lexemes = _lexeme_query(terms)
            query = Query(lexemes, lexemes, lexemes=terms)
            where = [*_allowed(principals, filters), _matches(query.match),
                     documents.c.key.not_in(list(exclude_keys))]
            hits = _page(conn, where, query, False, 0, max(1, int(limit)))
            _measure_matches(conn, hits, weights, produced)
            return hits

    @contextmanager
    def _reading(self) -> Iterator:
        with self.engine.connect() as conn:
            try:
                built = _built(conn)
            except DBAPIError as exc:
                raise IndexMissing("no search index tables in the database") from exc
            if not built:
                raise IndexMissing("the search index has not been built")
            # The planner does not count the cost of reading TOASTed tsvectors, and for a
            # query matching a good share of the rows (similar()'s OR of ten words) it
            # would scan the table, reading every document's tsvector: hundreds of ms. The
            # GIN index answers @@ without reading any, so it is always the better path.
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            yield conn


# --- the user's search text -> tsqueries ---------------------------------------------------

@dataclass
class Query:
    """A search in SQL. `match`: the tsquery a document must match (None for a browse, which
    matches every permitted document). `rank`: the tsquery of the clauses to include, which
    ranks the matches and is marked in snippets (None without any: newest first). `words`:
    the text of those clauses, whose lexemes (in each configuration of `configs`) measure how
    much of the search a document holds and find the snippets' windows (with `lexemes`,
    similar()'s, they are known already)."""

    match: object | None
    rank: object | None
    words: str = ""
    message: str | None = None
    lexemes: list[str] | None = None
    configs: tuple[str, ...] = (CONFIG,)
    # Beyond the words typed: thesaurus terms, spelling corrections (each a tsquery that
    # adds to `match`, ranked apart and weighing less), neighbouring words typed close
    # together (adds to the rank only); `exact`: what matches without the corrections.
    expanded: object | None = None
    fuzzy: object | None = None
    near: object | None = None
    exact: object | None = None

    @property
    def marked(self):
        """What snippets mark and the first rank orders by: any clause to include."""
        return _either(self.rank, self.expanded, self.fuzzy)

    def stems(self, conn) -> dict[str, list[str]]:
        """The lexemes of the clauses to include in each configuration (for coverage and
        snippet windows); similar()'s known lexemes under None."""
        if self.lexemes is not None or not self.words:
            return {None: self.lexemes or []}
        rows = conn.execute(union_all(*(
            select(literal(config), func.tsvector_to_array(
                func.to_tsvector(cast(config, REGCONFIG), literal(self.words, Text))))
            for config in self.configs))).all()
        return {config: list(lexemes or []) for config, lexemes in rows}


def parse(text: str, configs: Iterable[str] = (CONFIG,), synonyms: Iterable[str] = (),
          corrections: Iterable[str] = ()) -> Query:
    """The search, in the syntax index_api.parse_query() reads, as tsqueries made by
    websearch_to_tsquery(), which reads words, "phrases", OR and minus signs, stems the words,
    drops stop words and never fails on any text. Its words must all be present where ours
    need not, so it is given the clauses to include joined by OR, and those to leave out
    each with its minus sign, and the two are joined by && (given `a OR b -c` at once, it
    would read a OR (b AND NOT c)). Each is read in every configuration of `configs` (the
    languages of the index): the clauses to include as any of them stems them (||), those to
    leave out as each of them does (&&: a document holding any form is left out).

    The thesaurus terms `synonyms` and the spelling `corrections` are tsqueries of their own
    (matching too, ranked apart: see _score), and neighbouring words typed a tsquery of
    them PROXIMITY_SLOP words apart at most."""
    configs = tuple(configs) or (CONFIG,)
    parsed = index_api.parse_query(text)
    include = " OR ".join(_websearch(clause) for clause in parsed.include)
    exclude = " ".join("-" + _websearch(clause) for clause in parsed.exclude)
    rank = _in_each(configs, include, "||") if include else None
    leave_out = _in_each(configs, exclude, "&&") if exclude else None
    expanded = fuzzy = near = None
    if rank is not None:
        if extra := index_api.extra_clauses(synonyms, ()):
            expanded = _in_each(configs, " OR ".join(map(_websearch, extra)), "||")
        if extra := index_api.extra_clauses((), corrections):
            fuzzy = _in_each(configs, " OR ".join(map(_websearch, extra)), "||")
        if pairs := index_api.proximity_pairs(parsed):
            near = _either(*(_near(config, pair.text.split()) for config in configs
                             for pair in pairs))

    def without(found):
        if found is None or leave_out is None:
            return found if found is not None else leave_out
        return found.op("&&", return_type=TSQUERY)(leave_out)

    return Query(without(_either(rank, expanded, fuzzy)), rank,
                 " ".join(clause.text for clause in parsed.include), parsed.message,
                 configs=configs, expanded=expanded, fuzzy=fuzzy, near=near,
                 exact=without(_either(rank, expanded)) if fuzzy is not None else None)


def _either(*queries):
    """The tsqueries that are not None, joined by ||; None if none."""
    found = [q for q in queries if q is not None]
    if not found:
        return None
    joined = found[0]
    for query in found[1:]:
        joined = joined.op("||", return_type=TSQUERY)(query)
    return joined


def _near(config: str, pair: list[str]):
    """Two words 1 to PROXIMITY_SLOP positions apart, in this order (tsquery_phrase)."""
    first, second = (func.plainto_tsquery(cast(config, REGCONFIG), literal(word, Text),
                                          type_=TSQUERY) for word in pair)
    return _either(*(func.tsquery_phrase(first, second, distance, type_=TSQUERY)
                     for distance in range(1, index_api.PROXIMITY_SLOP + 1)))


def _websearch(clause: Clause) -> str:
    """A clause as websearch_to_tsquery() text: a word as typed (parse_query() gives no word
    with a space or a quote, nor one starting with a minus sign), a phrase within quotes
    (it holds none)."""
    return f'"{clause.text}"' if clause.phrase else clause.text


def _in_each(configs: Iterable[str], value: str, operator: str, reader=None):
    """The tsqueries of `value` in each configuration (websearch_to_tsquery, or `reader`),
    joined by `operator` (|| or &&)."""
    reader = reader or func.websearch_to_tsquery
    queries = [reader(cast(config, REGCONFIG), value if not isinstance(value, str)
                      else literal(value, Text), type_=TSQUERY) for config in configs]
    joined = queries[0]
    for query in queries[1:]:
        joined = joined.op(operator, return_type=TSQUERY)(query)
    return joined


def _configs(conn) -> tuple[str, ...]:
    """The text search configurations of the languages the index holds (CONFIG when it
    holds nothing), in a fixed order."""
    held = {config_of(language) for language in conn.scalars(LANGUAGES_HELD)}
    return tuple(sorted(held)) or (CONFIG,)


def config_of(language: str) -> str:
    """The text search configuration of a language (an index_api.language_code)."""
    return CONFIGS.get(language, OTHER_CONFIG)


def _row_config():
    """The configuration of each row's language, as SQL (the CASE of config_of)."""
    return case(CONFIGS, value=documents.c.language, else_=literal(OTHER_CONFIG))


def _lexeme_query(lexemes: list[str]):
    """A tsquery matching any of `lexemes` (to_tsvector's output, as similar() picks them,
    never the user's text), each quoted as a tsquery operand so none is read as syntax."""
    return cast(literal(" | ".join(_quote(lexeme) for lexeme in lexemes), Text), TSQUERY)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# --- the SQL of a search ----------------------------------------------------------------------

def _built(conn) -> bool:
    return conn.scalar(select(state.c.id).limit(1)) is not None


def _allowed(principals: list[str], filters: dict | None = None,
             exclude_kinds: Iterable[str] = ()) -> list:
    """The conditions every statement of a search applies: readable by one of the
    caller's principals, matching each facet filter, of no excluded kind."""
    d = documents.c
    where = [d.principals.overlap(cast(principals, ARRAY(Text)))]
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        value = str(value)
        if name == "kind":
            where.append(d.kind == value)
        elif name == "language":
            where.append(d.language == value)
        elif name == "theme":
            where.append(d.themes.contains(cast([value], ARRAY(Text))))
        elif name == "country":
            where.append(d.countries.contains(cast([value], ARRAY(Text))))
        elif name == "year":
            year = value.strip()
            where.append(d.year == int(year) if year.isdecimal() and len(year) <= 4 else false())
    exclude = list(exclude_kinds)
    if exclude:
        where.append(d.kind.not_in(exclude))
    return where


def _matches(tsquery):
    return documents.c.document.bool_op("@@")(tsquery)


def _head_rank(query: Query):
    """A first, cheap rank of the matches: ts_rank (a third of ts_rank_cd's cost with many
    words) of their heads, kept in the row."""
    return func.ts_rank(cast(RANK_WEIGHTS, ARRAY(REAL)), documents.c.head, query.marked)


def _standing():
    """What each row's score is multiplied by (index_api.standing), as SQL."""
    d = documents.c
    factor = case((d.status == "superseded", index_api.SUPERSEDED_FACTOR), else_=1.0)
    votes = cast(d.useful, Float)
    return factor * (1.0 + index_api.USEFUL_BOOST * votes / (votes + index_api.USEFUL_HALF))


def _score(stems: dict[str | None, list[str]], query: Query):
    """ts_rank_cd (cover density, title above summary above body), times the share of the
    search's stems the document holds: whoosh's coordination, so that a document with every
    word comes before one with a single word repeated. (The share in one pass: the lexemes
    ts_delete() takes away from the document are the stems it holds.) The stems are those of
    the document's own configuration (`stems` by configuration; under None, similar()'s
    lexemes, the same for every document). Plus the ranks of the thesaurus terms, the
    spelling corrections and the words typed close together, each times its boost
    (index_api.EXPANSION_BOOST, FUZZY_BOOST, PROXIMITY_BOOST)."""
    d = documents.c

    def cover(tsquery, weights=RANK_WEIGHTS):
        return func.ts_rank_cd(cast(weights, ARRAY(REAL)), d.document, tsquery,
                               RANK_NORMALISATION)

    rank = cover(query.rank)

    def share(lexemes: list[str]):
        covered = func.length(d.document) - func.length(
            func.ts_delete(d.document, cast(lexemes, ARRAY(Text))))
        return rank * (covered + 1.0) / (len(lexemes) + 1.0)

    if None in stems or len(stems) == 1:
        lexemes = next(iter(stems.values()))
        score = rank if len(lexemes) < 2 else share(lexemes)
    else:
        score = case(*((_row_config() == config, share(lexemes) if len(lexemes) >= 2 else rank)
                       for config, lexemes in stems.items()), else_=rank)
    for tsquery, boost, weights in (
            (query.expanded, index_api.EXPANSION_BOOST, RANK_WEIGHTS),
            (query.fuzzy, index_api.FUZZY_BOOST, RANK_WEIGHTS),
            # words close together count wherever they are, in a title or a body
            (query.near, index_api.PROXIMITY_BOOST, NEAR_WEIGHTS)):
        if tsquery is not None:
            score = score + boost * cover(tsquery, weights)
    return score


def _facets(conn, where: list) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The number of matches, and the facet counts over them, in one statement."""
    d = documents.c
    matched = select(d.kind, d.year, d.themes, d.countries, d.language).where(*where) \
        .cte("matched")
    themes = select(func.unnest(matched.c.themes).label("value")).subquery()
    countries = select(func.unnest(matched.c.countries).label("value")).subquery()
    rows = conn.execute(union_all(
        select(literal("total"), literal(""), func.count()).select_from(matched),
        select(literal("kind"), matched.c.kind, func.count()).group_by(matched.c.kind),
        select(literal("language"), matched.c.language, func.count())
        .group_by(matched.c.language),
        select(literal("year"), cast(matched.c.year, Text), func.count())
        .group_by(matched.c.year),
        select(literal("theme"), themes.c.value, func.count()).group_by(themes.c.value),
        select(literal("country"), countries.c.value, func.count())
        .group_by(countries.c.value),
    )).all()
    total = next(count for name, _value, count in rows if name == "total")
    facets = index_api.empty_facets()
    for name, value, count in rows:
        if name != "total":
            facets[name].append((value, count))
    for values in facets.values():
        values.sort(key=lambda vn: (-vn[1], vn[0]))
    return total, facets


def _page(conn, where: list, query: Query, by_date: bool, offset: int, limit: int) -> list[Hit]:
    """One page of hits, best (or newest) first, with snippets for that page only."""
    d = documents.c
    offset = min(offset, 2**62)
    stems = query.stems(conn)
    if by_date or query.rank is None:
        score = literal(0.0)
        order = [d.date.desc(), d.key]
        page = select(d.key, score.label("score")).where(*where)
    else:  # the best RANK_CANDIDATES by their head, then ranked on the whole document
        # (each rank times the document's standing: superseded ones sink, useful ones rise)
        candidates = (select(d.key).where(*where)
                      .order_by((_head_rank(query) * _standing()).desc(), d.date.desc(), d.key)
                      .limit(max(RANK_CANDIDATES, offset + limit)).scalar_subquery())
        score = _score(stems, query) * _standing()
        order = [score.desc(), d.date.desc(), d.key]
        page = select(d.key, score.label("score")).where(d.key.in_(candidates))
    ranked = page.order_by(*order).limit(limit).offset(offset).subquery()
    rows = conn.execute(
        select(d.key, d.kind, d.ref, d.title, d.summary, d.date, d.language, ranked.c.score,
               d.excerpt if query.rank is not None else literal("").label("excerpt"))
        .select_from(documents.join(ranked, ranked.c.key == d.key))
        .order_by(ranked.c.score.desc(), *order[-2:])).all()
    snippets = _snippets(conn, query, stems, rows)
    return [Hit(key=row.key, kind=row.kind, ref=row.ref, title=row.title, summary=row.summary,
                score=float(row.score or 0.0), date=row.date,
                highlights=snippets.get(row.key) or html.escape(
                    index_api.truncate(row.summary, index_api.SNIPPET_CHARS)))
            for row in rows]


def _snippets(conn, query: Query, stems: dict[str | None, list[str]],
              rows) -> dict[str, str]:
    """{key: safe HTML snippet} of the hits in which a word of the search was marked.

    ts_headline costs what analysing its text costs, and a body may hold 20 000 characters:
    as whoosh's backend does, it is given only a few windows of the text around the likely
    matches (index_api.windows), the first window with a marked word giving the snippet."""
    if query.rank is None or not rows:
        return {}
    owners, texts, configs = [], [], []
    for row in rows:
        text_ = f"{row.summary}\n\n{row.excerpt}" if row.summary else row.excerpt
        config = config_of(row.language)
        for window in index_api.windows(text_, set(stems.get(config, stems.get(None, ())))):
            owners.append(row.key)
            configs.append(config)  # each text is parsed as its document was indexed
            # ts_headline's parser drops what looks like an HTML tag: hide "<" and ">".
            texts.append(window.translate(HIDE_TAGS))
    found = (func.unnest(cast(texts, ARRAY(Text)), cast(configs, ARRAY(Text)))
             .table_valued("text", "config", with_ordinality="n").render_derived())
    marked = conn.scalars(
        select(func.ts_headline(cast(found.c.config, REGCONFIG), found.c.text, query.marked,
                                HEADLINE_OPTIONS))
        .select_from(found).order_by(found.c.n))
    snippets: dict[str, str] = {}
    for key, snippet in zip(owners, marked, strict=True):
        if key not in snippets and MARK_START in snippet:
            snippets[key] = _safe_html(snippet.strip())
    return snippets


def _safe_html(snippet: str) -> str:
    """The escaped snippet, with its marked words in <mark> and its "<" and ">" back."""
    return (html.escape(snippet).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
            .replace(LESS, "&lt;").replace(GREATER, "&gt;"))


# --- spelling suggestions and similar documents ---------------------------------------------

def _corrections(conn, held: dict[str, int], allowed: list,
                 configs: tuple[str, ...]) -> dict[str, str]:
    """{word: the most similar word a permitted document holds (pg_trgm)} for the words
    found in no permitted document (in any language of the index: `held`, _held_counts()),
    so that a correction never reveals a word of a document the caller may not read."""
    out = {}
    for word in sorted(w for w, count in held.items() if not count):
        if candidate := _best_candidate(conn, word, allowed, configs):
            out[word] = candidate
    return out


def _held_counts(conn, text: str, allowed: list, configs: tuple[str, ...]) -> dict[str, int]:
    """{word: how many permitted documents hold it, counted up to RARE_DOCUMENTS + 1} for
    the words of the search that a correction may replace (three letters or more, not
    numbers, not stop words): one statement for all of them."""
    found = {m.group().lower() for m in index_api.spelling_words(text)}
    wanted = sorted(w for w in found if len(w) >= 3 and not w.isdigit())
    if not wanted:
        return {}
    word = func.unnest(cast(wanted, ARRAY(Text))).table_valued("word").render_derived()
    stop_word = func.numnode(_plain(word.c.word, configs)) == 0  # in every configuration
    holders = (select(documents.c.key).where(*allowed, _matches(_plain(word.c.word, configs)))
               .limit(index_api.RARE_DOCUMENTS + 1).lateral())
    return dict(conn.execute(
        select(word.c.word, func.count(holders.c.key))
        .select_from(word.outerjoin(holders, true()))
        .where(not_(stop_word)).group_by(word.c.word)).all())


def _common_spellings(conn, text: str, held: dict[str, int], allowed: list,
                      configs: tuple[str, ...]) -> list[str]:
    """For each word to include that RARE_DOCUMENTS permitted documents at most hold, the
    most similar spelling (MAX_EDITS edits at most) that COMMON_RATIO times as many hold,
    if any (see index_api.RARE_DOCUMENTS)."""
    typed = " ".join(c.text for c in index_api.parse_query(text).include if not c.phrase)
    out = []
    for match in index_api.spelling_words(typed):
        word = match.group().lower()
        count = held.get(word, 0)
        if len(word) >= 4 and 1 <= count <= index_api.RARE_DOCUMENTS and word not in out:
            if candidate := _common_spelling(conn, word, count * index_api.COMMON_RATIO,
                                             allowed, configs):
                out.append(candidate)
    return out


def _common_spelling(conn, word: str, wanted: int, allowed: list,
                     configs: tuple[str, ...]) -> str | None:
    """The indexed word most like `word` (trigram similarity, the same first letter, at
    most MAX_EDITS edits away) that `wanted` permitted documents hold at least. (A word of
    the same stem is held by as many documents as `word`: never chosen.)"""
    w = words.c.word
    similarity = func.similarity(w, word)
    likely = (select(w.label("word"), similarity.label("similarity"))
              .where(w.bool_op("%")(word), w != word, func.left(w, 1) == word[:1])
              .order_by(similarity.desc(), w).limit(SPELL_CANDIDATES).subquery())
    holders = (select(documents.c.key)
               .where(*allowed, _matches(_plain(likely.c.word, configs)))
               .limit(wanted).lateral())
    rows = conn.execute(
        select(likely.c.word, func.count(holders.c.key))
        .select_from(likely.outerjoin(holders, true()))
        .group_by(likely.c.word, likely.c.similarity)
        .order_by(likely.c.similarity.desc(), likely.c.word)).all()
    return next((candidate for candidate, count in rows
                 if count >= wanted and index_api.edits(word, candidate) <= index_api.MAX_EDITS),
                None)


def _plain(word, configs: tuple[str, ...]):
    """`word` as plainto_tsquery() reads it in any of `configs` (||)."""
    return _in_each(configs, word, "||", reader=func.plainto_tsquery)


def _holds(word, allowed: list, configs: tuple[str, ...]):
    """Whether a permitted document holds `word` (stemmed in any of `configs`), as a SQL
    condition."""
    return select(documents.c.key).where(*allowed, _matches(_plain(word, configs))).exists()


def _best_candidate(conn, word: str, allowed: list, configs: tuple[str, ...]) -> str | None:
    """The indexed word most like `word` (trigram similarity; like whoosh's corrector, it
    starts with the same letter) that a permitted document holds."""
    w = words.c.word
    similarity = func.similarity(w, word)
    likely = (select(w.label("word"), similarity.label("similarity"))
              .where(w.bool_op("%")(word), w != word, func.left(w, 1) == word[:1])
              .order_by(similarity.desc(), w).limit(SPELL_CANDIDATES).subquery())
    return conn.scalar(select(likely.c.word).where(_holds(likely.c.word, allowed, configs))
                       .order_by(likely.c.similarity.desc(), likely.c.word).limit(1))


def _measure_matches(conn, hits: list[Hit], weights: dict[str, float],
                     produced: dict[str, set[str]]) -> None:
    """Set each hit's `match`: the weight of the text's lexemes its document holds, out of
    the weight of those its language's configuration gives (one statement for the page)."""
    if not hits:
        return
    d = documents.c
    terms = list(weights)
    rows = conn.execute(select(d.key, d.language, *(
        _matches(cast(literal(_quote(term), Text), TSQUERY)) for term in terms))
        .where(d.key.in_([hit.key for hit in hits]))).all()
    held = {row[0]: (config_of(row[1]), {t for t, has in zip(terms, row[2:], strict=True)
                                         if has}) for row in rows}
    for hit in hits:
        config, found = held.get(hit.key, (OTHER_CONFIG, set()))
        own = produced.get(config, set())
        total = sum(weights[t] for t in own)
        hit.match = round(sum(weights[t] for t in found & own) / total, 4) if total else 0.0
        hit.shared = len(found & own)


def _significant_terms(conn, text: str,
                       configs: tuple[str, ...]) -> tuple[dict[str, float], dict[str, set[str]]]:
    """The text's SIMILAR_TERMS lexemes that weigh most (tf-idf: frequent in the text,
    rare in the index), as each configuration of `configs` stems the text (the languages of
    the index: one, most often), with their weights, heaviest first; lexemes no document
    holds are left out. And {configuration: the lexemes of those it gives}."""
    lexemes = conn.execute(union_all(*(
        select(literal(config), literal_column("lexeme"),
               func.cardinality(literal_column("positions")))
        .select_from(func.unnest(func.to_tsvector(cast(config, REGCONFIG), literal(text, Text)))
                     .table_valued("lexeme", "positions", "weights"))
        for config in configs))).all()
    produced: dict[str, set[str]] = {}
    for config, lexeme, _n in lexemes:
        produced.setdefault(config, set()).add(lexeme)
    lexemes = [(lexeme, n) for _config, lexeme, n in lexemes]
    if len(configs) > 1:  # a lexeme several configurations give counts once
        lexemes = list({lexeme: (lexeme, n) for lexeme, n in sorted(
            lexemes, key=lambda lp: lp[1])}.values())
    frequent = sorted(lexemes, key=lambda lp: (-lp[1], -len(lp[0]), lp[0]))
    tf = {_quote(lexeme): (lexeme, n) for lexeme, n in frequent[:SIMILAR_CANDIDATES]}
    if not tf:
        return {}, {}
    found = conn.execute(DOCUMENT_FREQUENCIES, {"terms": list(tf), "cap": COMMON_WORD_DOCUMENTS})
    # Rarer words weigh more; any word in COMMON_WORD_DOCUMENTS documents or more is common.
    weights = {tf[term][0]: tf[term][1] * math.log(1 + 10 * COMMON_WORD_DOCUMENTS / df)
               for term, df in found if df}
    best = sorted(weights, key=lambda lexeme: -weights[lexeme])[:SIMILAR_TERMS]
    chosen = set(best)
    return ({lexeme: weights[lexeme] for lexeme in best},
            {config: found_ & chosen for config, found_ in produced.items()})


# --- writing ----------------------------------------------------------------------------------

def _write(conn, docs: list[IndexDoc], seen: set[str] | None = None) -> None:
    """Insert or replace `docs`, and add their words to the spelling list (with `seen`, a
    rebuild's set of words already written)."""
    if not docs:
        return
    conn.execute(UPSERT, [_row(doc) for doc in docs])
    new = set().union(*(index_api.spell_words(doc) for doc in docs))
    new = {w for w in new if len(w) <= MAX_WORD_CHARS}
    if seen is not None:
        new -= seen
        seen |= new
    if new:
        conn.execute(ADD_WORDS, {"words": sorted(new)})


def _row(doc: IndexDoc) -> dict:
    summary = _clean(doc.summary or "")
    body = _clean(doc.body or "")[:INDEXED_BODY_CHARS]
    names = " ; ".join(_clean(name) for name in [*doc.theme_names, *doc.country_names])
    language = index_api.language_code(doc.language)
    return dict(
        key=doc.key, kind=doc.kind, ref=doc.ref, title=_clean(doc.title or ""),
        summary=summary, excerpt=body[:index_api.EXCERPT_CHARS],
        themes=list(doc.themes or ()), countries=list(doc.countries or ()),
        principals=list(doc.principals or ()), year=_utc(doc.date).year, date=doc.date,
        language=language, config=config_of(language), status=(doc.status or "")[:20],
        useful=index_api.usefulness(doc.useful),
        labels=f"{summary}\n\n{names}", body=body, extra=_clean(doc.extra or ""),
    )


def _utc(value):
    """The date in UTC (its year is the year facet, as with whoosh)."""
    return value.astimezone(UTC) if value.tzinfo is not None else value


def _clean(value: str) -> str:
    """Text without NUL (PostgreSQL refuses it) and without the snippet markers."""
    return value.translate(_UNSAFE)
