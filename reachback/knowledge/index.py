"""Full-text search index for the knowledge base (the only module that imports whoosh).

Through whoosh's public API only (query classes and their matchers, searchers, readers'
term lists, the highlighter, the spelling corrector): nothing here reads a codec's blocks
or any other private name, so any whoosh-reloaded release with that API will do.

What keeps a search within its budget (p95 100 ms at 20 000 responses, DESIGN §9) is what
it asks of whoosh, not how it reads the files:

- Few postings. A document's searchable words (its title three times, so that title
  matches come first; summary, body, a library file's name, theme and country names) are
  one field, the text field of its language (text_en, text_fr, text_es: stemmed in that
  language; text_other: any other language, unstemmed): a word of a search is one list of
  postings in each language the index holds, not one per part of a document, and it is
  scored (whoosh's BM25F) in those fields alone. A document is in one text field only, so
  the postings a word reads are no more than with one field; a field no document uses is
  never searched (most indexes hold English alone: one field, as before).
- Each clause is read once per version of the index. The documents a word (or phrase)
  matches, and the score whoosh's own matcher and BM25F scorer give each (as
  searcher.search() would), are kept until the next commit (MAX_CACHED_POSTINGS at most):
  a later search with that word reads none of its postings again. A search's matches are
  then sets of document numbers (for the total, and facet counts as bits of ints); its
  page is the best of those sums of scores (whoosh's score of an OR), or the newest
  matches, by an order of every document kept per version too.

A first search after a commit reads its words' postings through whoosh's matchers (~2-3 us
a posting); the same words again cost a few milliseconds (bench/results/latest.md).
"""

from __future__ import annotations

import functools
import heapq
import html
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from whoosh import highlight, index, scoring, sorting
from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
)
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.lang import stopwords_for_language
from whoosh.query import DefaultOr, Every, Or, Phrase, Term
from whoosh.query import Query as WhooshQuery

from .index_api import (  # the interface shared with pg_index.py, re-exported here
    COMMON_RATIO,
    EXCERPT_CHARS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    PROGRESS_EVERY,
    RARE_DOCUMENTS,
    SNIPPET_CHARS,
    STEMMED,
    Clause,
    Hit,
    IndexBusy,
    IndexDoc,
    IndexMissing,
    SearchResult,
    clip,
    corrected,
    empty_facets,
    extra_clauses,
    language_code,
    parse_query,
    proximity_pairs,
    spell_words,
    spelling_words,
    standing,
    truncate,
    usefulness,
    windows,
)

# The fields words are matched in and scored in: one per stemmed language, and one for the
# words of any other language, unstemmed. A document's text is in the field of its language.
TEXT_FIELDS = {code: f"text_{code}" for code in STEMMED}
OTHER_TEXT_FIELD = "text_other"
# A title is written three times into the text, so its words weigh three times as much.
TITLE_REPEAT = 3
# Public facet/filter name -> index field.
FACET_FIELDS = {"theme": "themes", "country": "countries", "year": "year", "kind": "kind",
                "language": "language"}
# What clauses found, kept per version of the index: at most this many postings in all
# (12 bytes each: document number and score), the common words of searches, read once
# after each commit.
MAX_CACHED_POSTINGS = 500_000
# similar() ranks this many more than it returns (twice as many, and this) by their
# standing too.
SIMILAR_EXTRA = 10

log = logging.getLogger(__name__)
REBUILD_LIMITMB = 64  # whoosh uses ~2.5x this: 64 keeps a 20 000-response rebuild near 200 MB
# One file per part of a segment, not whoosh's compound file: a searcher reads a compound
# file's parts through BytesIO copies, ~170 MB of private memory in every web worker at
# 20 000 responses (bench/results/latest.md); separate files are read in place.
COMPOUND = False


class _Codec(W3Codec):
    """Whoosh's codec, with segment names drawn from the OS's randomness.

    Whoosh names a new segment from the global `random` module. Anything that reseeds it
    (Hypothesis before every example, a script's random.seed(42), a fork that does not
    reseed) makes a later writer draw a live segment's name again: it truncates that
    segment's files, and every read and merge after it fails ("Unknown file header").
    The segment keeps a plain W3Codec, so the index's table of contents stays readable
    by whoosh alone."""

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(), indexname, segid=secrets.token_hex(8))


def text_field(language: str) -> str:
    """The text field of a document in `language` (an index_api.language_code)."""
    return TEXT_FIELDS.get(language, OTHER_TEXT_FIELD)


def analyser(language: str | None):
    """The analyser of a language's text field: English as it always was (whoosh's Porter
    stemmer and stop words), French and Spanish with their Snowball stemmers and stop words,
    any other language lower-case words only."""
    if language == "en":
        return StemmingAnalyzer()
    if language in STEMMED:
        return (RegexTokenizer() | LowercaseFilter()
                | StopFilter(stoplist=stopwords_for_language(language))
                | StemFilter(lang=language))
    return StandardAnalyzer(stoplist=None)


def build_schema() -> Schema:
    texts = {field: TEXT(analyzer=analyser(code)) for code, field in TEXT_FIELDS.items()}
    texts[OTHER_TEXT_FIELD] = TEXT(analyzer=analyser(None))
    return Schema(
        key=ID(unique=True, stored=True),
        # commas=True everywhere so a value with a space stays one keyword.
        kind=KEYWORD(stored=True, commas=True),
        ref=KEYWORD(stored=True, commas=True),
        themes=KEYWORD(commas=True),
        countries=KEYWORD(commas=True),
        principals=KEYWORD(commas=True),
        year=KEYWORD(commas=True),
        language=KEYWORD(stored=True, commas=True),
        title=STORED(),
        summary=STORED(),
        # Title (TITLE_REPEAT times), summary, body, extra, theme and country names, in
        # the field of the document's language.
        **texts,
        date=DATETIME(sortable=True, stored=True),
        excerpt=STORED(),
        # Each document's distinct unstemmed words, so suggestions are real
        # words ("ceasefire", not the stem "ceasefir"). TEXT(spelling=True)
        # would do the same but doubles indexing time by re-indexing every token.
        spell=KEYWORD(lowercase=True),
        # A response's standing (index_api.standing): "superseded" or "published", and its
        # useful votes (a number, only when above zero).
        status=KEYWORD(commas=True),
        useful=KEYWORD(commas=True),
    )


def _schema_signature(schema: Schema) -> list[tuple[str, str]]:
    return sorted((name, type(field).__name__) for name, field in schema.items())


class _MarkFormatter(highlight.Formatter):
    """Escapes all text and wraps matched terms in <mark> (nothing else is emitted)."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return "<mark>" + html.escape(highlight.get_text(text, token, replace)) + "</mark>"

    def format_fragment(self, fragment, replace=False):
        out, index_ = [], fragment.startchar
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar is None or token.startchar < index_:
                continue  # overlapping tokens: the first and longest is marked
            out += [html.escape(fragment.text[index_:token.startchar]),
                    self.format_token(fragment.text, token, replace)]
            index_ = token.endchar
        out.append(html.escape(fragment.text[index_:fragment.endchar]))
        return "".join(out)


@dataclass
class _Search:
    """A search as whoosh queries: the clauses to include (any of them matches; together
    they score), those to leave out, and the stems to mark in snippets (by text field: a
    document's snippet marks those of its language)."""

    include: list[WhooshQuery]
    exclude: list[WhooshQuery]
    terms: dict[str, set[str]]
    message: str | None = None
    # Of `include`: the clauses whose matches are results (the words typed, thesaurus
    # terms), and the spelling corrections'; the rest (words typed close together) only
    # add to the score of documents matched already.
    matching: list[WhooshQuery] | None = None
    fuzzy: list[WhooshQuery] | None = None


class _Pool:
    """Idle searchers of one version of the index, and what is kept about that version for
    all of them (computed once; a version's documents never change).

    A whoosh searcher seeks and reads shared file objects, so two threads using one
    searcher corrupt each other's reads: each search borrows a searcher of its own and
    hands it back for reuse.
    """

    max_idle = 4

    def __init__(self, stamp):
        self.stamp = stamp
        self.idle: list = []
        self.retired = False
        self._lock = threading.Lock()
        self.facet_docs: dict[str, dict[str, array]] | None = None
        self.facet_masks: dict[str, dict[str, int]] | None = None
        self.principal_docs: dict[str, array] = {}
        self.newest_first: tuple[array, array] | None = None
        self.text_fields: list[str] | None = None
        self.standing: dict[int, float] | None = None
        # (clause, scored) -> (documents, their scores or None): see _Session.clause.
        self.clauses: OrderedDict[tuple, tuple[array, array | None]] = OrderedDict()
        self.cached_postings = 0

    def retire(self) -> None:
        self.retired = True
        while self.idle:
            self.idle.pop().close()

    def remember(self, key: tuple, found: tuple[array, array | None]) -> None:
        """Keep what a clause found, forgetting the least recently used beyond the cap."""
        with self._lock:
            if key in self.clauses or len(found[0]) > MAX_CACHED_POSTINGS:
                return
            self.clauses[key] = found
            self.cached_postings += len(found[0])
            while self.cached_postings > MAX_CACHED_POSTINGS:
                _, (dropped, _scores) = self.clauses.popitem(last=False)
                self.cached_postings -= len(dropped)

    def recall(self, key: tuple) -> tuple[array, array | None] | None:
        with self._lock:
            found = self.clauses.get(key)
            if found is not None:
                self.clauses.move_to_end(key)
            return found


class _Session:
    """One borrowed searcher, and its version's pool (what is kept about the version)."""

    def __init__(self, searcher, pool: _Pool):
        self.searcher = searcher
        self.pool = pool

    def allowed(self, principals, filters=None, exclude_kinds=()) -> set[int]:
        """Documents readable by one of `principals`, matching every facet filter and of no
        excluded kind: every search of the session stays within them."""
        docs: set[int] = set()
        for principal in principals:
            docs.update(self.principal_docs(principal))
        facet_docs = self.facet_docs()
        for name, value in (filters or {}).items():
            if name in FACET_FIELDS and value not in (None, ""):
                docs.intersection_update(facet_docs[name].get(str(value), ()))
        for kind in exclude_kinds:
            docs.difference_update(facet_docs["kind"].get(kind, ()))
        return docs  # a set: whoosh takes a set (not a frozenset) as a filter

    def principal_docs(self, principal: str) -> array:
        # Shared principals (public, community, role:...) are kept; one person's few
        # documents are cheaper to read again than to keep for every user.
        cached = self.pool.principal_docs.get(principal)
        if cached is None:
            cached = _doc_array(self.searcher.docs_for_query(Term("principals", principal)))
            if not principal.startswith("user:"):
                self.pool.principal_docs[principal] = cached
        return cached

    def facet_docs(self) -> dict[str, dict[str, array]]:
        """Facet name -> value -> document numbers (fixed for a version of the index)."""
        # Counting by set intersection instead of groupedby=FieldFacet: whoosh's
        # per-document categorising costs ~20 us a match.
        if self.pool.facet_docs is None:
            reader = self.searcher.reader()
            self.pool.facet_docs = {
                name: {
                    value: _doc_array(self.searcher.docs_for_query(Term(fieldname, value)))
                    for value in reader.field_terms(fieldname)
                }
                for name, fieldname in FACET_FIELDS.items()
            }
        return self.pool.facet_docs

    def facet_masks(self) -> dict[str, dict[str, int]]:
        """Facet name -> value -> its documents as the bits of an int (see _count_facets)."""
        if self.pool.facet_masks is None:
            self.pool.facet_masks = {name: {value: _mask(docs) for value, docs in values.items()}
                                     for name, values in self.facet_docs().items()}
        return self.pool.facet_masks

    def clause(self, clause: WhooshQuery, scored: bool = True) -> tuple[array, array | None]:
        """The documents matching one clause (deleted ones never do), in order, and (when
        `scored`) the score whoosh gives each: its own matcher and scorer, as
        searcher.search() runs them on each segment, so a sum of these is the score of an
        OR of clauses. Kept for the version: a later search with the clause reads none of
        its postings again."""
        found = self.pool.recall((clause, scored))
        if found is None:
            if scored:
                docs, scores = array("I"), array("d")
                context = self.searcher.context()
                for leaf, offset in self.searcher.leaf_searchers():
                    matcher = clause.matcher(leaf, context)
                    while matcher.is_active():
                        docs.append(matcher.id() + offset)
                        scores.append(matcher.score())
                        matcher.next()
                found = docs, scores
            else:
                found = _doc_array(self.searcher.docs_for_query(clause)), None
            self.pool.remember((clause, scored), found)
        return found

    def standing(self) -> dict[int, float]:
        """{document number: what its score is multiplied by (index_api.standing)} of the
        documents whose standing is not 1.0 (superseded, or found useful: few), kept for
        the version of the index."""
        if self.pool.standing is None:
            reader = self.searcher.reader()
            status: dict[int, str] = {}
            for value in reader.field_terms("status"):
                if standing(value, 0) != 1.0:  # not every published document
                    status.update(dict.fromkeys(
                        self.searcher.docs_for_query(Term("status", value)), value))
            votes: dict[int, int] = {}
            for value in reader.field_terms("useful"):
                votes.update(dict.fromkeys(
                    self.searcher.docs_for_query(Term("useful", value)), int(value)))
            factors = {docnum: standing(status.get(docnum), votes.get(docnum))
                       for docnum in status.keys() | votes.keys()}
            self.pool.standing = {d: f for d, f in factors.items() if f != 1.0}
        return self.pool.standing

    def text_fields(self) -> list[str]:
        """The text fields that hold documents (the languages of the index), searched for
        every word: a field no document uses would only cost its term lookups."""
        if self.pool.text_fields is None:
            reader = self.searcher.reader()
            self.pool.text_fields = [
                field for field in (*TEXT_FIELDS.values(), OTHER_TEXT_FIELD)
                if reader.field_length(field)] or [TEXT_FIELDS["en"]]
        return self.pool.text_fields

    def newest_first(self) -> tuple[array, array]:
        """Every document number, the newest document first (equal dates in index order),
        and each document number's place in that order."""
        if self.pool.newest_first is None:
            results = self.searcher.search(Every(), limit=None, sortedby=_NEWEST_FIRST)
            order = _doc_array(docnum for docnum, _key in results.items())
            place = array("I", [len(order)]) * self.searcher.doc_count_all()
            for i, docnum in enumerate(order):
                place[docnum] = i
            self.pool.newest_first = order, place
        return self.pool.newest_first


def _doc_array(docnums: Iterable[int]) -> array:
    """Document numbers kept for the life of an index version (who may read what, facet
    values, clauses): as an array, 4 bytes a document where a frozenset takes ~60, and
    nothing for the garbage collector to scan. As frozensets, their ~200 000 members at
    20 000 responses added 8 ms to every full collection of a web worker."""
    return array("I", docnums)


def _again_if_files_vanished(method):
    """Run a search once more when it failed on a searcher whose files a commit removed.

    With separate segment files (COMPOUND = False), a commit that merges segments deletes
    the old segments' files; a searcher opened before it then finds a column gone (whoosh
    hands back None, or the file is missing) in the middle of reading. The second run
    borrows a searcher of the new version; a second failure is a real one."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (TypeError, OSError):
            log.info("Search index files replaced during a search: searching again")
            return method(self, *args, **kwargs)
    return run


class SearchIndex:
    lock_retries = 6  # attempts to get the write lock ...
    lock_delay = 0.05  # ... sleeping this, doubled each time (~1.6 s in total)

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._pool: _Pool | None = None
        self._ix = None
        self._ix_inode = None
        self._readable_stamp = None  # the (inode, generation) exists() last opened fine
        self._schema = build_schema()
        self._analysers = {field: self._schema[field].analyzer
                           for field in (*TEXT_FIELDS.values(), OTHER_TEXT_FIELD)}

    # ----------------------------------------------------------- lifecycle

    def exists(self) -> bool:
        """Whether a readable index is there: opened with a searcher once per generation
        (each commit or rebuild makes a new one), then answered from its stamp (a query
        page asks this on every view while its duplicates are being computed)."""
        try:
            with self._lock:
                stamp = self._current_stamp()  # reopens the index when the folder changed
            if stamp != self._readable_stamp:
                ix = self._open_index()
                self._opened(lambda: ix.searcher().close())
                self._readable_stamp = stamp
            return True
        except (OSError, IndexMissing):  # any unreadable state counts as "no index"
            return False

    def create(self) -> None:
        self.rebuild(())

    def doc_count(self) -> int:
        with self._session() as session:
            return session.searcher.doc_count()

    def close(self) -> None:
        """Close cached searchers (at app teardown); the next search reopens one."""
        with self._lock:
            if self._pool is not None:
                self._pool.retire()
                self._pool = None

    def __del__(self):
        # An index dropped without close() (an app never torn down) closes its searchers'
        # files itself, rather than leave them to the garbage collector's warnings.
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.retire()

    # -------------------------------------------------------------- writing

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[str]) -> None:
        self.apply_locked(lambda: (upserts, deletes, None))

    def apply_locked(self, build: Callable[[], tuple[Iterable[IndexDoc], Iterable[str], object]]):
        """Take the write lock, then call build() -> (upserts, deletes, result), write, commit
        and return result. Reading what to write while holding the lock means two workers
        can never commit an older state of a document over a newer one."""
        ix = self._open_index()
        writer = self._writer(ix)
        try:
            upserts, deletes, result = build()
            deletes = set(deletes)
            for doc in upserts:
                # A key that is also being deleted was deleted after its edit.
                if doc.key not in deletes:
                    writer.update_document(**_doc_fields(doc))
            for key in deletes:
                writer.delete_by_term("key", key)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return result

    def rebuild(
        self, docs: Iterable[IndexDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        parent = os.path.dirname(os.path.abspath(self.path)) or "."
        os.makedirs(parent, exist_ok=True)
        base = os.path.basename(os.path.abspath(self.path))
        tmp = tempfile.mkdtemp(prefix=f".{base}.rebuild-", dir=parent)
        try:
            count = self._build_into(tmp, docs, progress)
            self._swap_in(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return count

    def _build_into(self, path, docs, progress) -> int:
        writer = index.create_in(path, self._schema).writer(limitmb=REBUILD_LIMITMB, codec=_Codec(),
                                                            compound=COMPOUND)
        count = 0
        spelled: set[str] = set()
        try:
            for doc in docs:  # streamed: never hold all documents at once
                writer.add_document(**_doc_fields(doc, spelled))
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    progress(count)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        if progress:
            progress(count)
        return count

    def _swap_in(self, fresh: str) -> None:
        # A directory cannot be replaced in one rename, so move the old one
        # aside first; the gap is microseconds and idle searchers keep
        # serving the old files meanwhile (see _acquire).
        base = os.path.basename(os.path.abspath(self.path))
        graveyard = tempfile.mkdtemp(prefix=f".{base}.old-", dir=os.path.dirname(fresh))
        old = os.path.join(graveyard, base)
        try:
            had_old = os.path.exists(self.path)
            if had_old:
                os.rename(self.path, old)
            try:
                os.rename(fresh, self.path)
            except OSError:
                if had_old:
                    os.rename(old, self.path)
                raise
        finally:
            shutil.rmtree(graveyard, ignore_errors=True)

    def _writer(self, ix):
        delay = self.lock_delay
        for attempt in range(self.lock_retries):
            try:
                return ix.writer(compound=COMPOUND, codec=_Codec())
            except LockError:
                if attempt == self.lock_retries - 1:
                    break
                time.sleep(delay)
                delay *= 2
        raise IndexBusy(f"search index at {self.path} is locked by another writer")

    # ------------------------------------------------------------- searching

    @_again_if_files_vanished
    def search(
        self,
        text: str,
        principals: Iterable[str],
        *,
        filters: dict[str, str] | None = None,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        exclude_kinds: Iterable[str] = (),
        synonyms: Iterable[str] = (),
        fuzzy: bool = True,
    ) -> SearchResult:
        principals = [p for p in principals if p]
        page = max(1, int(page))
        per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
        text, message = clip(text or "")
        with self._session() as session:
            if not principals:
                return SearchResult([], 0, page, per_page, empty_facets(), None, message)
            # Permissions, filters and excluded kinds, as one set of document numbers that
            # every step stays within (never applied after paging), so totals, facets and
            # pages only ever see permitted documents.
            kinds = [k for k in exclude_kinds if k]
            allow = session.allowed(principals, filters, kinds)
            # Corrections of the words no readable document holds: offered as a suggestion,
            # and (fuzzy) searched for too, weighing less than the words typed.
            readable = session.allowed(principals, None, kinds) if text.strip() else set()
            corrections = self._corrections(session, text, readable) if text.strip() else {}
            # ... and the common spellings of rare words typed: searched for too, alike.
            common = self._common_spellings(session, text, readable, set(corrections)) \
                if fuzzy and text.strip() else []
            search = self._parse(text, session.text_fields(), synonyms,
                                 [*corrections.values(), *common] if fuzzy else ()) \
                if text.strip() else None
            matched = self._matches(session, search, allow)
            exact = self._matches(session, search, allow, fuzzy=False) \
                if search is not None and search.fuzzy else matched
            start = (page - 1) * per_page
            by_date = search is None or not search.include or sort == "date"
            ranked = [] if start >= len(matched) else (
                _newest(session, matched, start + per_page) if by_date
                else _best_of([session.clause(c) for c in search.include], matched,
                              start + per_page, session.standing()))
            terms = search.terms if search is not None else {}
            hits = [self._hit(session.searcher.stored_fields(docnum), score, terms, by_date)
                    for docnum, score in ranked[start:]]
            suggestion = corrected(text, corrections) if search is not None else None
            return SearchResult(
                hits=hits,
                total=len(matched),
                page=page,
                per_page=per_page,
                facets=_count_facets(matched, session.facet_masks()),
                suggestion=suggestion,
                message=message or (search.message if search is not None else None),
                exact_total=len(exact),
            )

    @_again_if_files_vanished
    def similar(
        self,
        text: str,
        principals: Iterable[str],
        limit: int = 5,
        exclude_keys: Iterable[str] = (),
        filters: dict[str, str] | None = None,
    ) -> list[Hit]:
        """The permitted documents sharing most of the text's most telling words (whoosh's
        key terms of the text: frequent in it, rare in the index), best first."""
        principals = [p for p in principals if p]
        text, _ = clip(text or "", MAX_QUERY_CHARS * 10)
        with self._session() as session:
            searcher = session.searcher
            if not principals or not text.strip():
                return []
            # The text's telling words in each language of the index, as that language's
            # field stems them (a document matches in the field of its own language).
            weights = {field: dict(searcher.key_terms_from_text(field, text, numterms=10))
                       for field in session.text_fields()}
            q = DefaultOr([Term(field, term, boost=weight)
                           for field, terms in weights.items()
                           for term, weight in terms.items()])
            if not q.subqueries:
                return []
            allow = session.allowed(principals, filters)
            for key in exclude_keys:
                allow.difference_update(searcher.docs_for_query(Term("key", key)))
            # The best by whoosh's score, then by their standing (as a search ranks them).
            limit = max(1, int(limit))
            ranked = _restand(_best(searcher, q, allow, limit * 2 + SIMILAR_EXTRA),
                              session.standing(), limit)
            terms = {field: set(found) for field, found in weights.items()}
            hits = [self._hit(searcher.stored_fields(docnum), score, terms, False)
                    for docnum, score in ranked]
            held = _held(searcher, weights, [docnum for docnum, _ in ranked])
            for hit, (docnum, _) in zip(hits, ranked, strict=True):
                field = text_field(searcher.stored_fields(docnum).get("language") or "en")
                total = sum(weights.get(field, {}).values())
                hit.match = round(sum(weights[field][t] for t in held.get(docnum, ()))
                                  / total, 4) if total else 0.0
                hit.shared = len(held.get(docnum, ()))
            return hits

    # -------------------------------------------------------------- helpers

    def _parse(self, text: str, fields: list[str], synonyms: Iterable[str] = (),
               corrections: Iterable[str] = ()) -> _Search:
        """The search in index_api's syntax as whoosh queries (see parse_query()), each
        clause matched in every text field of `fields` as that field stems it; with the
        thesaurus terms `synonyms` and spelling `corrections` as clauses weighing less, and
        neighbouring words typed as near phrases (index_api.proximity_pairs)."""
        parsed = parse_query(text)

        def clauses(found: Iterable[Clause]) -> list[WhooshQuery]:
            # dict.fromkeys: a clause typed twice counts once (as in whoosh's own parser)
            return list(dict.fromkeys(q for c in found
                                      if (q := self._clause(c, fields)) is not None))

        typed = clauses(parsed.include)
        expanded = [q for q in clauses(extra_clauses(synonyms, ())) if q not in typed] \
            if typed else []
        fuzzy = [q for q in clauses(extra_clauses((), corrections)) if q not in typed] \
            if typed else []
        near = clauses(proximity_pairs(parsed))
        exclude = clauses(parsed.exclude)
        terms: dict[str, set[str]] = {}
        for q in typed + expanded + fuzzy:
            for field, term in q.iter_all_terms(phrases=True):
                terms.setdefault(field, set()).add(
                    term.decode("utf-8") if isinstance(term, bytes) else term)
        return _Search(typed + expanded + fuzzy + near, exclude, terms, parsed.message,
                       matching=typed + expanded, fuzzy=fuzzy)

    def _clause(self, clause: Clause, fields: list[str]) -> WhooshQuery | None:
        """A word as a term; a phrase (or a word the analyser splits, such as
        civil-military) as a phrase; in each of `fields` (an OR of them: a document is in
        one field only, so its score is that field's); None for stop words only. Weighted
        by the clause's boost; a phrase's words at most its slop apart."""
        found = []
        for field in fields:
            stems = [token.text for token in self._analysers[field](clause.text)]
            if len(stems) == 1:
                if clause.slop > 1:
                    continue  # a near phrase whose other word is a stop word
                found.append(Term(field, stems[0], boost=clause.boost))
            elif stems:
                # whoosh scores a phrase as the sum of its words: a thesaurus term of three
                # words weighs as one word (times its boost), never more than a word typed.
                boost = clause.boost if clause.boost >= 1 else clause.boost / len(stems)
                found.append(Phrase(field, stems, slop=clause.slop, boost=boost))
        if not found:
            return None
        return found[0] if len(found) == 1 else Or(found)

    def _matches(self, session: _Session, search: _Search | None, allow: set[int],
                 fuzzy: bool = True) -> set[int]:
        """The permitted documents a search matches: without text, all of them; else those
        of any clause to include (or, with none but some to leave out, all of them), less
        those of the clauses to leave out. Without `fuzzy`, not those of the spelling
        corrections alone."""
        if search is None:
            return allow
        if search.include:
            matched: set[int] = set()
            for clause in search.matching + (search.fuzzy if fuzzy else []):
                matched.update(session.clause(clause)[0])
            matched &= allow
        elif search.exclude:
            matched = set(allow)
        else:  # nothing to search for (stop words, operators): nothing matches
            return set()
        for clause in search.exclude:
            matched.difference_update(session.clause(clause, scored=False)[0])
        return matched

    def _hit(self, fields: dict, score: float | None, terms: dict[str, set[str]],
             by_date: bool) -> Hit:
        """A hit, its snippet marking the stems of the field of its language."""
        summary = fields.get("summary", "")
        date = fields.get("date")
        field = text_field(fields.get("language") or "en")
        return Hit(
            key=fields["key"],
            kind=fields.get("kind", ""),
            ref=fields.get("ref", ""),
            title=fields.get("title", ""),
            summary=summary,
            score=0.0 if by_date or score is None else float(score),
            highlights=self._highlight(summary, fields.get("excerpt", ""),
                                       terms.get(field, set()), self._analysers[field]),
            date=date.replace(tzinfo=UTC) if date else None,
        )

    def _highlight(self, summary: str, excerpt: str, terms: set[str], analyse) -> str:
        if terms:
            text = f"{summary}\n\n{excerpt}" if summary else excerpt
            for window in windows(text, terms):
                snippet = self._mark(window, terms, analyse)
                if snippet:
                    return snippet
        return html.escape(truncate(summary, SNIPPET_CHARS))

    def _mark(self, text: str, terms: set[str], analyse) -> str:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        return highlight.highlight(text, terms, analyse, fragmenter, _MarkFormatter(), top=2)

    def _corrections(self, session: _Session, text: str,
                     allowed: set[int]) -> dict[str, str]:
        """{word: the closest word that some permitted document holds} for the words of the
        search that no permitted document holds."""
        corrector = session.searcher.reader().corrector("spell")
        out: dict[str, str] = {}
        for match in spelling_words(text):
            word = match.group().lower()
            if (
                len(word) < 3
                or word.isdigit()
                or word in out
                or self._permitted(session, word, allowed) is not False
            ):
                continue
            for candidate in _candidates(corrector, word):
                if candidate != word and self._permitted(session, candidate, allowed):
                    out[word] = candidate
                    break
        return out

    def _common_spellings(self, session: _Session, text: str, allowed: set[int],
                          skip: set[str]) -> list[str]:
        """For each word to include that RARE_DOCUMENTS permitted documents at most hold,
        the closest spelling (one edit, then two) that COMMON_RATIO times as many hold, if
        any (index_api.RARE_DOCUMENTS); not for the words of `skip` (no document holds
        them: see _corrections)."""
        words = " ".join(c.text for c in parse_query(text).include if not c.phrase)
        corrector, out, seen = None, [], set(skip)
        for match in spelling_words(words):
            word = match.group().lower()
            if len(word) < 4 or word in seen:
                continue
            seen.add(word)
            held = self._held_by(session, word, allowed, RARE_DOCUMENTS + 1)
            if not 1 <= held <= RARE_DOCUMENTS:
                continue
            corrector = corrector or session.searcher.reader().corrector("spell")
            wanted = held * COMMON_RATIO
            for candidate in _candidates(corrector, word):
                # (a spelling of the same stem is held by as few documents: never chosen)
                if candidate != word and \
                        self._held_by(session, candidate, allowed, wanted) >= wanted:
                    out.append(candidate)
                    break
        return out

    def _held_by(self, session: _Session, word: str, allowed: set[int], cap: int) -> int:
        """How many permitted documents hold `word` (in any language of the index), counted
        up to `cap`: its documents as the clause of the word typed finds them (kept for
        the version, and scored next)."""
        found: set[int] = set()
        for field in session.text_fields():
            for token in self._analysers[field](word):
                for docnum in session.clause(Term(field, token.text))[0]:
                    if docnum in allowed:
                        found.add(docnum)
                        if len(found) >= cap:
                            return cap
        return len(found)

    def _permitted(self, session: _Session, word: str, allowed: set[int]) -> bool | None:
        """Whether `word` occurs in a permitted document, in any language of the index
        (None: a stop word in each, nothing to check)."""
        terms = [Term(field, t.text) for field in session.text_fields()
                 for t in self._analysers[field](word)]
        if not terms:
            return None
        # One term at a time, read lazily: the first permitted document ends the scan.
        return any(d in allowed for term in terms
                   for d in session.searcher.docs_for_query(term))

    # ------------------------------------------------- index/searcher access

    def _opened(self, open_: Callable):
        """open_() (the index, or a searcher of it), any failure raised as IndexMissing.

        whoosh leaves the files of an index it cannot read open, held by the failure's
        traceback (the table of contents of a corrupt index): the failure is dropped at the
        end of the except clause, which closes them at once, and the ResourceWarning each
        gives on closing is not the caller's to see."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return open_()
            except Exception as exc:  # garbage in the files raises assorted errors
                reason = f"{type(exc).__name__}: {exc}"
        raise IndexMissing(f"no readable search index at {self.path} ({reason})")

    def _open_index(self):
        ix = self._opened(lambda: index.open_dir(self.path))
        if _schema_signature(ix.schema) != _schema_signature(self._schema):
            # Built by an older version of this module: unreadable by this one, so rebuilt
            # from the database like a missing index (search.ensure_index, apply_outbox).
            raise IndexMissing(f"the search index at {self.path} has an older schema")
        return ix

    def _current_stamp(self):
        """(directory inode, generation): changes on every commit and on a rebuild swap."""
        inode = os.stat(self.path).st_ino
        if self._ix is None or self._ix_inode != inode:
            self._ix, self._ix_inode = self._open_index(), inode
        return inode, self._ix.latest_generation()

    def _acquire(self):
        with self._lock:
            pool = self._pool
            try:
                stamp = self._current_stamp()
            except (OSError, IndexMissing) as exc:
                if pool is None:
                    raise IndexMissing(f"no readable search index at {self.path}") from exc
                stamp = pool.stamp  # mid-swap: keep using the files already open
            if pool is None or pool.stamp != stamp:
                # A fresh searcher rather than searcher.refresh(): in
                # whoosh-reloaded 2.7.5 refresh() keeps segment readers with
                # stale deletions, so deleted documents would stay visible.
                if pool is not None:
                    pool.retire()
                self._pool = pool = _Pool(stamp)
            if pool.idle:
                return pool, pool.idle.pop()
            ix = self._ix
            return pool, self._opened(lambda: ix.searcher(weighting=scoring.BM25F()))

    def _release(self, pool: _Pool, searcher) -> None:
        with self._lock:
            if pool.retired or len(pool.idle) >= pool.max_idle:
                searcher.close()
            else:
                pool.idle.append(searcher)

    @contextmanager
    def _session(self) -> Iterator[_Session]:
        pool, searcher = self._acquire()
        try:
            yield _Session(searcher, pool)
        except (IndexMissing, IndexBusy):
            raise
        except Exception as exc:
            # Garbage in the files often surfaces only while reading postings.
            if not self.exists():
                raise IndexMissing(f"search index at {self.path} is unreadable") from exc
            raise
        finally:
            self._release(pool, searcher)


# ------------------------------------------------------------ module helpers


_NEWEST_FIRST = sorting.FieldFacet("date", reverse=True)


def _best_of(clauses: list[tuple[array, array]], matched: set[int],
             end: int, factors: dict[int, float] | None = None) -> list[tuple[int, float]]:
    """The first `end` of the matches by score, best first (equal scores in index order,
    as whoosh ranks them): each match's score is the sum of the scores of the clauses it
    matches, whoosh's score of their OR, times its standing (`factors`: those not 1.0)."""
    docs, scores = clauses[0]
    score = dict(zip(docs, scores, strict=True))
    get = score.get
    for docs, scores in clauses[1:]:
        for docnum, value in zip(docs, scores, strict=True):
            score[docnum] = get(docnum, 0.0) + value
    factors = factors or {}
    for docnum in (factors.keys() & score.keys() if len(factors) < len(score)
                   else score.keys() & factors.keys()):
        score[docnum] *= factors[docnum]
    best = heapq.nlargest(end, sorted(matched), key=score.__getitem__)  # stable: index order
    return [(docnum, score[docnum]) for docnum in best]


def _best(searcher, q: WhooshQuery, matched: set[int], end: int) -> list[tuple[int, float]]:
    """The first `end` of the matches by score, best first (equal scores in index order):
    whoosh's top-N collector over the matches only, skipping blocks of postings that
    cannot reach the page."""
    if not matched:  # whoosh ignores an empty filter set instead of matching nothing
        return []
    return list(searcher.search(q, limit=min(end, len(matched)), filter=matched).items())


def _restand(ranked: list[tuple[int, float]], factors: dict[int, float],
             end: int) -> list[tuple[int, float]]:
    """The first `end` of `ranked` (best first) once each score is multiplied by its
    document's standing (equal scores keep their order)."""
    restood = [(docnum, score * factors.get(docnum, 1.0)) for docnum, score in ranked]
    return sorted(restood, key=lambda ds: -ds[1])[:end]


def _held(searcher, weights: dict[str, dict[str, float]],
          docnums: list[int]) -> dict[int, set[str]]:
    """{docnum: the terms of `weights` (by field) it holds} for a few documents: each term's
    postings skipped to those documents only (whoosh's matchers read a block at most)."""
    held: dict[int, set[str]] = {}
    wanted = sorted(set(docnums))
    for field, terms in weights.items():
        for term in terms:
            matcher = Term(field, term).matcher(searcher)
            for docnum in wanted:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    held.setdefault(docnum, set()).add(term)
    return held


def _newest(session: _Session, matched: set[int], end: int) -> list[tuple[int, float]]:
    """The first `end` of the matches by date, newest first: with many matches, the first
    ones met in the order of every document; with few, the matches sorted by their place."""
    order, place = session.newest_first()
    if len(matched) * 8 < len(order):
        return [(d, 0.0) for d in heapq.nsmallest(end, matched, key=place.__getitem__)]
    return [(d, 0.0) for d in islice((d for d in order if d in matched), end)]


def _doc_fields(doc: IndexDoc, spelled: set[str] | None = None) -> dict:
    """The whoosh fields of a document. With `spelled` (a rebuild), a word goes into the
    spelling field only the first time it is seen: suggestions need each word once in the
    field's word list, not once per document, and this halves the time of a rebuild. (Which
    document holds a word does not matter: a suggestion is offered only when a document the
    searcher may read contains it, see SearchIndex._permitted.)"""
    date = _utc_naive(doc.date)
    words = spell_words(doc)
    if spelled is not None:
        words -= spelled
        spelled |= words
    names = " ; ".join([*(doc.theme_names or ()), *(doc.country_names or ())])
    language = language_code(doc.language)
    # One run of words (as PostgreSQL's backend joins its parts too): a phrase may run
    # from the end of one part into the next, or of a title into its repetition.
    text = "\n\n".join(part for part in (*[doc.title] * TITLE_REPEAT, doc.summary, doc.body,
                                         doc.extra, names) if part)
    return dict(
        key=doc.key,
        kind=_keywords([doc.kind]),
        ref=_keywords([doc.ref]),
        title=doc.title or "",
        summary=doc.summary or "",
        **{text_field(language): text},
        language=language,
        excerpt=(doc.body or "")[:EXCERPT_CHARS],
        themes=_keywords(doc.themes),
        countries=_keywords(doc.countries),
        principals=_keywords(doc.principals),
        year=str(date.year),
        date=date,
        spell=" ".join(words),
        status=_keywords([doc.status]),
        useful=str(usefulness(doc.useful)) if usefulness(doc.useful) else "",
    )


def _keywords(values: Iterable[str] | None) -> str:
    # Commas separate keywords, so a comma inside a value must not split it.
    return ",".join(v.replace(",", " ").strip() for v in (values or ()) if v and v.strip())


def _utc_naive(value: datetime) -> datetime:
    # whoosh drops tzinfo without converting, so normalise to UTC first.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _count_facets(matched: set[int], facet_masks) -> dict[str, list[tuple[str, int]]]:
    """Each facet value's count of matches, largest first: the bits of an int AND-ed and
    counted in C, a microsecond a value, where intersecting sets took ~8 ms a search at
    20 000 responses (every value's documents visited one by one)."""
    matches = _mask(matched)
    out = {}
    for name, values in facet_masks.items():
        counts = [(value, (matches & bits).bit_count()) for value, bits in values.items()]
        out[name] = sorted(((v, n) for v, n in counts if n), key=lambda vn: (-vn[1], vn[0]))
    return out


def _mask(docnums) -> int:
    """Document numbers as the bits of an int (bit n set: document n)."""
    bits = bytearray((max(docnums) >> 3) + 1 if docnums else 0)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _candidates(corrector, word: str) -> Iterator[str]:
    """Spelling candidates, one edit away before two, most frequent first."""
    # ReaderCorrector ranks every candidate within maxdist alike (by
    # frequency only), so ask for distance 1 before distance 2.
    for maxdist in (1, 2):
        yield from corrector.suggest(word, limit=5, maxdist=maxdist, prefix=1)
