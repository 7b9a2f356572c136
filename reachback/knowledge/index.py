"""Full-text search index for the knowledge base (the only module that imports whoosh)."""

from __future__ import annotations

import functools
import heapq
import html
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import accumulate

from whoosh import highlight, index, qparser, scoring, sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.matching.wrappers import FilterMatcher
from whoosh.qparser import plugins as qplugins
from whoosh.query import And, AndNot, Every, Not, NullQuery, Or, Query, Term

from .index_api import (  # the interface shared with pg_index.py, re-exported here
    EXCERPT_CHARS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_SPELL_WORDS,
    OPERATOR_WORDS,
    PROGRESS_EVERY,
    SNIPPET_CHARS,
    SYNTAX_MESSAGE,
    Hit,
    IndexBusy,
    IndexDoc,
    IndexMissing,
    SearchResult,
    clip,
    empty_facets,
    spell_words,
    truncate,
    windows,
)

# Fields the user's words are matched against (boosts live in the schema).
SEARCH_FIELDS = ("title", "summary", "body", "extra", "theme_names", "country_names")
# Public facet/filter name -> index field.
FACET_FIELDS = {"theme": "themes", "country": "countries", "year": "year", "kind": "kind"}

log = logging.getLogger(__name__)
REBUILD_LIMITMB = 64  # whoosh uses ~2.5x this: 64 keeps a 20 000-response rebuild near 200 MB
# One file per part of a segment, not whoosh's compound file: a searcher reads a compound
# file's parts through BytesIO copies, ~170 MB of private memory in every web worker at
# 20 000 responses (bench/results/latest.md); separate files are read in place.
COMPOUND = False


def build_schema() -> Schema:
    stem = StemmingAnalyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        # commas=True everywhere so a value with a space stays one keyword.
        kind=KEYWORD(stored=True, commas=True),
        ref=KEYWORD(stored=True, commas=True),
        themes=KEYWORD(commas=True),
        countries=KEYWORD(commas=True),
        principals=KEYWORD(commas=True),
        year=KEYWORD(commas=True),
        title=TEXT(analyzer=stem, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=stem, field_boost=2.0, stored=True),
        body=TEXT(analyzer=stem),
        extra=TEXT(analyzer=stem, field_boost=0.5),
        theme_names=TEXT(analyzer=stem),
        country_names=TEXT(analyzer=stem),
        date=DATETIME(sortable=True, stored=True),
        excerpt=STORED(),
        # Each document's distinct unstemmed words, so suggestions are real
        # words ("ceasefire", not the stem "ceasefir"). TEXT(spelling=True)
        # would do the same but doubles indexing time by re-indexing every token.
        spell=KEYWORD(lowercase=True),
    )


class _MarkFormatter(highlight.Formatter):
    """Escapes all text and wraps matched terms in <mark> (nothing else is emitted)."""

    between = " … "

    def _text(self, text):
        return html.escape(text)

    def format_token(self, text, token, replace=False):
        return "<mark>" + html.escape(highlight.get_text(text, token, replace)) + "</mark>"


class _Session:
    """One searcher, and what is cached about its version of the index: kept by the version's
    pool, for all its sessions (computed once, and one copy for the garbage collector to
    scan instead of one per session)."""

    def __init__(self, searcher, pool: _Pool):
        self.searcher = searcher
        self._pool = pool

    def allowed(self, principals, filters=None, exclude_kinds=()) -> set[int]:
        """Documents readable by one of `principals`, matching every facet filter and of no
        excluded kind: the filter every search of the session applies inside whoosh."""
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
        # Shared principals (public, community, role:...) are cached; one person's few
        # documents are cheaper to read again than to keep for every user.
        cached = self._pool.principal_docs.get(principal)
        if cached is None:
            cached = _doc_array(self.searcher.docs_for_query(Term("principals", principal)))
            if not principal.startswith("user:"):
                self._pool.principal_docs[principal] = cached
        return cached

    def facet_docs(self) -> dict[str, dict[str, array]]:
        """Facet name -> value -> document numbers (fixed for a searcher's lifetime)."""
        # Counting by set intersection instead of groupedby=FieldFacet:
        # whoosh's per-document categorising costs ~20 us a match, which was
        # most of a search's time.
        if self._pool.facet_docs is None:
            reader = self.searcher.reader()
            self._pool.facet_docs = {
                name: {
                    value: _doc_array(self.searcher.docs_for_query(Term(fieldname, value)))
                    for value in reader.field_terms(fieldname)
                }
                for name, fieldname in FACET_FIELDS.items()
            }
        return self._pool.facet_docs


def _doc_array(docnums: Iterable[int]) -> array:
    """Document numbers kept for the life of an index version (who may read what, facet
    values): as an array, 4 bytes a document where a frozenset takes ~60, and nothing for the
    garbage collector to scan. As frozensets, their ~200 000 members at 20 000 responses
    added 8 ms to every full collection of a web worker."""
    return array("I", docnums)


class _Pool:
    """Idle sessions for one version of the index.

    A whoosh searcher seeks and reads shared file objects, so two threads
    using one searcher corrupt each other's reads: each search borrows a
    session of its own and hands it back for reuse.
    """

    max_idle = 4

    def __init__(self, stamp):
        self.stamp = stamp
        self.idle: list[_Session] = []
        self.retired = False
        # What the sessions share (see _Session): a version's documents never change.
        self.facet_docs: dict[str, dict[str, array]] | None = None
        self.principal_docs: dict[str, array] = {}

    def retire(self) -> None:
        self.retired = True
        while self.idle:
            self.idle.pop().searcher.close()


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
        self._schema = build_schema()
        self._stem = self._schema["body"].analyzer
        self._lengths: dict[tuple, array] = {}  # see _Weighting

    # ----------------------------------------------------------- lifecycle

    def exists(self) -> bool:
        storage = _Storage(self.path)
        try:
            with storage.closing_on_failure():
                ix = storage.open_index()
                with ix.searcher() as searcher:
                    searcher.doc_count()
            return True
        except Exception:  # any unreadable state counts as "no index"
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
        writer = index.create_in(path, self._schema).writer(limitmb=REBUILD_LIMITMB,
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
                return ix.writer(compound=COMPOUND)
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
    ) -> SearchResult:
        principals = [p for p in principals if p]
        page = max(1, int(page))
        per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
        text, message = clip(text or "")
        with self._session() as session:
            searcher = session.searcher
            if not principals:
                return SearchResult([], 0, page, per_page, empty_facets(), None, message)
            # Permissions, filters and excluded kinds, as one set of document numbers
            # given to whoosh (never applied after paging), so totals, facets and
            # pages only ever see permitted documents.
            kinds = [k for k in exclude_kinds if k]
            allow = session.allowed(principals, filters, kinds)
            if text.strip():
                q, parse_message = self._parse(text)
                q = _preloaded(_tune(q, searcher.reader()))
                by_date = sort == "date"
            else:  # browsing: everything permitted, newest first
                q, parse_message, by_date = Every(), None, True
            start = (page - 1) * per_page
            matched, ranked = _ranked(searcher, q, allow, by_date, start + per_page)
            terms = _highlight_terms(q)
            hits = [self._hit(searcher.stored_fields(docnum), score, terms, by_date)
                    for docnum, score in ranked[start:]]
            suggestion = (
                self._suggest(searcher, text, session.allowed(principals, None, kinds))
                if text.strip()
                else None
            )
            return SearchResult(
                hits=hits,
                total=len(matched),
                page=page,
                per_page=per_page,
                facets=_count_facets(matched, session.facet_docs()),
                suggestion=suggestion,
                message=message or parse_message,
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
        principals = [p for p in principals if p]
        text, _ = clip(text or "", MAX_QUERY_CHARS * 10)
        with self._session() as session:
            searcher = session.searcher
            if not principals or not text.strip():
                return []
            weights: dict[str, float] = {}
            for fieldname in ("title", "body"):
                for term, weight in searcher.key_terms_from_text(fieldname, text, numterms=10):
                    weights[term] = max(weight, weights.get(term, 0.0))
            if not weights:
                return []
            q = Or(
                [
                    Term(f, t, boost=w)
                    for t, w in weights.items()
                    for f in ("title", "summary", "body")
                ]
            )
            exclude = [Term("key", k) for k in exclude_keys]
            allow = session.allowed(principals, filters)
            if not allow:  # whoosh ignores an empty filter set instead of matching nothing
                return []
            results = searcher.search(
                q, limit=limit, filter=allow, mask=Or(exclude) if exclude else None
            )
            terms = set(weights)
            return [self._hit(h.fields(), h.score, terms, False) for h in results]

    # -------------------------------------------------------------- helpers

    def _parse(self, text: str) -> tuple[Query, str | None]:
        """Parse user syntax; on failure (or if it swallowed every word) search the plain words."""
        try:
            q = _user_parser(self._schema).parse(text)
        except Exception:  # whoosh's parser raises assorted errors on odd input
            return self._plain_query(text), SYNTAX_MESSAGE
        if q is NullQuery:
            plain = self._plain_query(text)
            if plain is not NullQuery:
                return plain, SYNTAX_MESSAGE
        return q, None

    def _plain_query(self, text: str) -> Query:
        words = [w for w in re.findall(r"\w+", text) if w not in OPERATOR_WORDS]
        try:
            return _plain_parser(self._schema).parse(" ".join(words))
        except Exception:
            return NullQuery

    def _hit(self, fields: dict, score: float | None, terms: set[str], by_date: bool) -> Hit:
        summary = fields.get("summary", "")
        date = fields.get("date")
        return Hit(
            key=fields["key"],
            kind=fields.get("kind", ""),
            ref=fields.get("ref", ""),
            title=fields.get("title", ""),
            summary=summary,
            score=0.0 if by_date or score is None else float(score),
            highlights=self._highlight(summary, fields.get("excerpt", ""), terms),
            date=date.replace(tzinfo=UTC) if date else None,
        )

    def _highlight(self, summary: str, excerpt: str, terms: set[str]) -> str:
        if terms:
            text = f"{summary}\n\n{excerpt}" if summary else excerpt
            for window in windows(text, terms):
                snippet = self._mark(window, terms)
                if snippet:
                    return snippet
        return html.escape(truncate(summary, SNIPPET_CHARS))

    def _mark(self, text: str, terms: set[str]) -> str:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        return highlight.highlight(text, terms, self._stem, fragmenter, _MarkFormatter(), top=2)

    def _suggest(self, searcher, text: str, allowed: set[int]) -> str | None:
        """Replace words with no permitted hits by the closest word that has some."""
        reader = searcher.reader()
        out, last, changed = [], 0, False
        words = [m for m in re.finditer(r"\w+", text) if m.group() not in OPERATOR_WORDS]
        for match in words[:MAX_SPELL_WORDS]:
            word = match.group().lower()
            if (
                len(word) < 3
                or word.isdigit()
                or self._permitted(searcher, word, allowed) is not False
            ):
                continue
            for candidate in _candidates(reader, word):
                if candidate != word and self._permitted(searcher, candidate, allowed):
                    out += [text[last : match.start()], candidate]
                    last, changed = match.end(), True
                    break
        return "".join(out) + text[last:] if changed else None

    def _permitted(self, searcher, word: str, allowed: set[int]) -> bool | None:
        """Whether `word` occurs in a permitted document (None: a stop word, nothing to check)."""
        stems = [t.text for t in self._stem(word)]
        if not stems:
            return None
        # One term at a time: an Or would preload every posting before the
        # first permitted document can short-circuit the scan.
        for fieldname in SEARCH_FIELDS:
            for stem in stems:
                if any(d in allowed for d in searcher.docs_for_query(Term(fieldname, stem))):
                    return True
        return False

    # ------------------------------------------------- index/searcher access

    def _open_index(self):
        try:
            storage = _Storage(self.path)
            with storage.closing_on_failure():
                return storage.open_index()
        except Exception as exc:
            raise IndexMissing(f"no readable search index at {self.path}") from exc

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
                if len(self._lengths) > 60:  # merged segments' lists: dropped now and then
                    self._lengths.clear()
            if pool.idle:
                return pool, pool.idle.pop()
            try:
                with self._ix.storage.closing_on_failure():
                    return pool, _Session(self._ix.searcher(
                        weighting=_Weighting(self._lengths)), pool)
            except Exception as exc:
                raise IndexMissing(f"no readable search index at {self.path}") from exc

    def _release(self, pool: _Pool, session: _Session) -> None:
        with self._lock:
            if pool.retired or len(pool.idle) >= pool.max_idle:
                session.searcher.close()
            else:
                pool.idle.append(session)

    @contextmanager
    def _session(self) -> Iterator[_Session]:
        pool, session = self._acquire()
        try:
            yield session
        except (IndexMissing, IndexBusy):
            raise
        except Exception as exc:
            # Garbage in the files often surfaces only while reading postings.
            if not self.exists():
                raise IndexMissing(f"search index at {self.path} is unreadable") from exc
            raise
        finally:
            self._release(pool, session)


# ------------------------------------------------------------ module helpers


class _Storage(FileStorage):
    """whoosh's file storage, able to close what a failed open left behind: whoosh leaves
    the table-of-contents file open when it cannot parse it (a corrupt index)."""

    def __init__(self, path):
        super().__init__(path)
        self._local = threading.local()  # files opened by this thread inside the guard

    def open_file(self, name, **kwargs):
        f = super().open_file(name, **kwargs)
        opened = getattr(self._local, "opened", None)
        if opened is not None:
            opened.append(f)
        return f

    @contextmanager
    def closing_on_failure(self):
        self._local.opened = opened = []
        try:
            yield
        except BaseException:
            for f in opened:
                try:
                    f.close()
                except Exception:  # noqa: S110 - already failing; the first error matters
                    pass
            raise
        finally:
            self._local.opened = None


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
    return dict(
        key=doc.key,
        kind=_keywords([doc.kind]),
        ref=_keywords([doc.ref]),
        title=doc.title or "",
        summary=doc.summary or "",
        body=doc.body or "",
        excerpt=(doc.body or "")[:EXCERPT_CHARS],
        extra=doc.extra or "",
        themes=_keywords(doc.themes),
        theme_names=" ; ".join(doc.theme_names or ()),
        countries=_keywords(doc.countries),
        country_names=" ; ".join(doc.country_names or ()),
        principals=_keywords(doc.principals),
        year=str(date.year),
        date=date,
        spell=" ".join(words),
    )


def _keywords(values: Iterable[str] | None) -> str:
    # Commas separate keywords, so a comma inside a value must not split it.
    return ",".join(v.replace(",", " ").strip() for v in (values or ()) if v and v.strip())


def _utc_naive(value: datetime) -> datetime:
    # whoosh drops tzinfo without converting, so normalise to UTC first.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _user_parser(schema: Schema):
    # Only phrases, grouping and AND/OR/NOT: no fields (principals:...),
    # wildcards, ranges or boosts, which are costly or confusing for users.
    return qparser.MultifieldParser(
        list(SEARCH_FIELDS),
        schema,
        group=qparser.OrGroup.factory(0.9),
        plugins=[qplugins.PhrasePlugin(), qplugins.GroupPlugin(), qplugins.OperatorsPlugin()],
    )


def _plain_parser(schema: Schema):
    return qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, group=qparser.OrGroup.factory(0.9), plugins=[]
    )


def _count_facets(matched: set[int], facet_docs) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name, values in facet_docs.items():
        counts = [(value, len(matched.intersection(docs))) for value, docs in values.items()]
        out[name] = sorted(((v, n) for v, n in counts if n), key=lambda vn: (-vn[1], vn[0]))
    return out

def _candidates(reader, word: str) -> Iterator[str]:
    """Spelling candidates, one edit away before two, most frequent first."""
    # ReaderCorrector ranks every candidate within maxdist alike (by
    # frequency only), so ask for distance 1 before distance 2.
    corrector = reader.corrector("spell")
    for maxdist in (1, 2):
        yield from corrector.suggest(word, limit=5, maxdist=maxdist, prefix=1)


def _tune(q: Query, reader) -> Query:
    """Fix two OrGroup quirks: `a NOT b` means `a OR (NOT b)`, and a lone term scores 0."""
    if not isinstance(q, Or):
        return q
    positives = [s for s in q.subqueries if not isinstance(s, Not)]
    negatives = [s.query for s in q.subqueries if isinstance(s, Not)]
    if not positives:
        return q
    # whoosh's coordination bonus multiplies by (terms-1)/terms, where terms
    # counts only (field, word) pairs present in the index: with one, every
    # score becomes 0 and ranking is lost.
    scale = q.scale if len(Or(positives).existing_terms(reader, phrases=True)) > 1 else None
    base = Or(positives, boost=q.boost, scale=scale)
    return AndNot(base, Or(negatives)) if negatives else base


def _preloaded(q: Query) -> Query:
    """Every Or scored by whoosh's array matcher, which adds each term's scores into one
    array per query, instead of its default tree of union matchers, which steps every
    matching document through each level of the tree: at 20 000 responses a four-word
    search took 300 ms instead of 100. The array matcher has no coordination bonus, which
    changed no rank of the relevance set (MRR 0.963 either way)."""
    if isinstance(q, AndNot):
        return AndNot(_preloaded(q.a), q.b)
    if isinstance(q, (Or, And)):
        q = q.copy()
        q.subqueries = [_preloaded(sub) for sub in q.subqueries]
        if isinstance(q, Or):
            q.matcher_type = Or.ARRAY_MATCHER
    return q


_NEWEST_FIRST = sorting.FieldFacet("date", reverse=True)


def _ranked(searcher, q: Query, allow: set[int], by_date: bool, end: int):
    """(every permitted match of `q`, the first `end` of them in order as (docnum, score))."""
    if not allow:  # whoosh ignores an empty filter set instead of matching nothing
        return allow, []
    if isinstance(q, Every):
        matched = allow
    else:
        scores = _disjunction_scores(searcher, q)
        if scores is None:  # phrases and AND: whoosh's own matchers
            results = searcher.search(q, limit=None, filter=allow,
                                      sortedby=_NEWEST_FIRST if by_date else None)
            return set(results.docs()), [(hit.docnum, hit.score) for hit in results[:end]]
        matched = allow.intersection(scores)
        if not matched:
            return matched, []
        if not by_date:  # best first; equal scores in index order, as whoosh ranks them
            top = heapq.nsmallest(end, matched, key=lambda d: (-scores[d], d))
            return matched, [(d, scores[d]) for d in top]
    newest = searcher.search(Every(), limit=min(end, len(matched)), filter=matched,
                             sortedby=_NEWEST_FIRST)
    return matched, [(hit.docnum, 0.0) for hit in newest]


def _disjunction_scores(searcher, q: Query) -> dict[int, float] | None:
    """Document number -> score for a query of words OR-ed (the usual search: each word in
    any field, `a OR b`, `a NOT b`), one term's postings at a time, as whoosh's array
    matcher scores them; None for any other query.

    whoosh steps through every posting with four method calls (is_active, id, score,
    next) and the scorer's two more, ~2.5 us a posting. Read here a block of postings at a
    time and scored in one loop (BM25F inlined, its parts computed once per term), the
    search page of a three-word search over 20 000 responses took 38 ms instead of 57
    (bench/profile.py). tests/unit/test_search_scoring.py checks every score against
    whoosh's."""
    negative = None
    if isinstance(q, AndNot):
        q, negative = q.a, q.b
    terms = _or_terms(q, 1.0)
    if terms is None:
        return None
    weighting = searcher.weighting
    scores: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        acc = [0.0] * reader.doc_count_all()
        touched: set[int] = set()
        for fieldname, text, boost in terms:
            if (fieldname, text) not in reader:
                continue
            scorer = weighting.scorer(leaf, fieldname, text)
            length = weighting.field_lengths(reader, fieldname)
            # bm25(): idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgfl))
            scale = boost * scorer.idf * (scorer.K1 + 1)
            base = scorer.K1 * (1 - scorer.B)
            per_length = scorer.K1 * scorer.B / scorer.avgfl
            for ids, weights in _posting_blocks(reader.postings(fieldname, text)):
                touched.update(ids)
                for d, tf in zip(ids, weights, strict=True):
                    acc[d] += scale * tf / (tf + base + per_length * length[d])
        scores.update((d + offset, acc[d]) for d in touched)
    if negative is not None:
        for docnum in searcher.docs_for_query(negative):
            scores.pop(docnum, None)
    return scores


def _or_terms(q: Query, boost: float) -> list[tuple[str, bytes, float]] | None:
    """(field, term, boost) of each word of a tree of ORs, or None for any other clause."""
    if isinstance(q, Term):
        if q.fieldname not in SEARCH_FIELDS:
            return None
        return [(q.fieldname, q.text.encode("utf-8") if isinstance(q.text, str) else q.text,
                 boost * q.boost)]
    if not isinstance(q, Or) or q.matcher_type != Or.ARRAY_MATCHER:
        return None
    if len(q.subqueries) > 1:  # whoosh applies an OR's boost only to two or more clauses
        boost *= q.boost
    terms = []
    for sub in q.subqueries:
        found = _or_terms(sub, boost)
        if found is None:
            return None
        terms += found
    return terms


def _posting_blocks(matcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings of one segment as (document numbers, weights), a block at a time.
    Deleted documents are included: every caller keeps only permitted documents, a set
    that never holds a deleted one (see _Session.allowed)."""
    if isinstance(matcher, FilterMatcher):  # the segment's deletions
        matcher = matcher.child
        matcher.reset()
    if isinstance(matcher, W3LeafMatcher):
        # whoosh's own block reads (as its id() and weight() do), except that the ids'
        # deltas are summed by itertools.accumulate, in C, not by whoosh's delta_decode
        # generator (a fifth of a large search's time).
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            matcher._read_weights()
            yield (ids if matcher._byteids else list(accumulate(ids))), matcher._weights
            matcher._next_block()
        return
    ids, weights = [], []  # a short list kept inline with its term, or another codec
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


class _Weighting(scoring.BM25F):
    """whoosh's BM25F, reading each document's field length from an array loaded once per
    segment and field (`lengths`, shared by the index's searchers: a segment never
    changes), where whoosh reads the length column again for every posting it scores (a
    third of a large search's time)."""

    def __init__(self, lengths: dict):
        super().__init__()
        self._lengths = lengths

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "dfl"):  # a length-weighted scorer (scorable field)
            scorer.dfl = self.field_lengths(searcher.reader(), fieldname).__getitem__
        return scorer

    def field_lengths(self, reader, fieldname: str) -> array:
        # An array, not a list: 4 bytes a document instead of ~36, and nothing for the
        # garbage collector to scan (a list of 26 000 ints is 26 000 visits a full pass).
        segment = reader.segment() if hasattr(reader, "segment") else None
        key = (segment.segment_id() if segment is not None else id(reader), fieldname)
        found = self._lengths.get(key)
        if found is None or len(found) != reader.doc_count_all():
            # (None, for a document without the field, is never read: no posting has it.)
            found = self._lengths[key] = array("I", (
                reader.doc_field_length(d, fieldname, 1) or 0
                for d in range(reader.doc_count_all())))
        return found


def _highlight_terms(q: Query) -> set[str]:
    if isinstance(q, AndNot):
        q = q.a  # never highlight excluded words
    terms = set()
    for fieldname, text in q.iter_all_terms(phrases=True):
        if fieldname in SEARCH_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms
