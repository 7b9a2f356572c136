"""Search service: what the index holds, who may read it, and the outbox that keeps it current.

The database is the source of truth; the search index is a derived copy, kept by one of two
backends with the same interface, chosen by the SEARCH_BACKEND setting (see get_index):
whoosh (reachback.knowledge.index, the only module that imports whoosh), an index under
<instance>/search-index for a single host; or PostgreSQL's full-text search
(reachback.knowledge.pg_index), tables in the database itself that every host shares.
Callers get ids and scores from the index and the rows from the database.

Principals. Every indexed item lists who may read it, and every search filters on the
caller's principals inside the engine (never after paging), so an item a user may not read
never reaches their results, snippets, facet counts, totals or suggestions. The same rule
holds inside an item: its document holds only what every one of its readers may read (a
response's carries the response and the facets its page shows, never its query's text):

    public          anyone, signed in or not
    community       every signed-in member
    user:<id>       one person (the requester and assigned experts of a restricted response)
    role:staff      facilitators and admins (they read every published response)

Sources. Each kind of indexed item is a *source*. Responses ("response") and open queries
("query", staff only: duplicate candidates at triage) are registered here; the library
registers its documents the same way, at import time of reachback.knowledge.library:

    register_source(
        "document",
        load=lambda ids: [...],      # ids (str, the part after "document:") -> the IndexDocs
                                     #   of those still to be indexed; an id left out is
                                     #   removed from the index. Few ids: one or two queries.
        iter_all=lambda: ...,        # every IndexDoc to index, streamed (yield_per), for a
                                     #   rebuild; never all rows in memory at once.
        rows=lambda user, ids: {...},  # {id: row} of the rows `user` may read, in ONE query
                                       #   (a stale index can never show an unreadable row).
        url=lambda row: "...",       # the row's page (url_for("knowledge.document", ...)).
        labels={"briefing": "Briefing paper", ...},  # names of the IndexDoc kinds it gives
        count=lambda: ...,           # how many items iter_all() yields (progress bar)
    )

An IndexDoc's key is "<source>:<id>" (the source is found by the key's prefix, so a
source's IndexDocs may carry finer kinds, such as "briefing" or "guidance", for the kind
facet); its ref is the id shown to users (the document's id); its principals come from
principals_of(visibility, user_ids) or the same rule. Whenever a document changes
(created, edited, visibility changed, deleted) call, in the same transaction:

    enqueue(f"document:{doc.id}")            # "upsert": re-read it from the database
    enqueue(f"document:{doc.id}", "delete")  # or remove it outright

Outbox. enqueue() adds a SearchOutbox row to the caller's transaction, so a rollback leaves
nothing behind and a crash never loses a change. apply_outbox() (right after the request
that committed rows, and from the scheduler job) reads pending rows while holding the
index's write lock, re-reads those items from the database, writes them, then deletes
exactly the rows it applied: idempotent, and safe when two workers run at once.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from babel.core import UnknownLocaleError
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from .. import permissions as perm
from ..accounts.models import Theme
from ..config import search_backend, setting
from ..countries import country_name, names_everywhere
from ..extensions import db, listen_once, write_intent
from ..i18n import language_name, theme_namer
from ..markdown import plain_text, plain_title
from ..models_base import utcnow
from ..queries.models import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATUSES,
    Assignment,
    FieldQuery,
    query_themes,
)
from ..reports.usage import record_search
from ..synthesis.models import (
    READABLE_STATUSES,
    ConsolidatedResponse,
    ResponseFeedback,
    ResponseTranslation,
)
from . import thesaurus
from .index import SearchIndex
from .index_api import Hit, IndexBusy, IndexDoc, IndexMissing, parse_query
from .models import DuplicateCandidate, QueryDuplicates, SearchOutbox, SimilarResponses
from .pg_index import PgSearchIndex

try:  # a lock that dies with its process (POSIX); elsewhere a process-local lock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)

ACTIONS = ("upsert", "delete")
FILTERS = ("theme", "country", "year", "kind", "language")
SORTS = ("relevance", "date")
PER_PAGE = 10
SIMILAR_LIMIT = 5
# What makes an item "about the same thing" as a text (similar answers, duplicate
# candidates): it holds at least SIMILAR_MIN_SHARED of the text's telling words, and at
# least SIMILAR_MIN_MATCH of their weight (Hit.match: the same measure on both backends).
# Measured on tests/data/relevance.py's 33 responses, on whoosh and PostgreSQL alike: a
# response's own title and summary hold all ten of its telling words (1.0); the other
# responses that text finds hold 0.38 of the weight at most, and unrelated questions
# (baking, laptops, football, staff wellbeing, budget templates) two telling words at most.
SIMILAR_MIN_MATCH = 0.4
SIMILAR_MIN_SHARED = 3
# ... and at least this share of the best match's: where one response is the same thing
# (0.8 to 1.0), those that merely share its vocabulary (0.4 to 0.55 among the relevance
# suite's near misses, tests/data/relevance_corpus.py) are not offered beside it.
SIMILAR_RELATIVE = 0.7
OUTBOX_BATCH = 500
# Duplicate candidates (stored, see refresh_duplicates): open queries computed per outbox
# run (the scheduler's job; a request refreshes only a few, see search_views), and how many
# open queries similar to a changed response or query are marked for computing again.
DUPLICATES_PER_RUN = 200
DUPLICATES_MARKED = 20
# Whom candidates are found for: a facilitator (every published response, every open
# query); each reader is shown only those they may read.
STAFF_PRINCIPALS = ("public", "community", "role:staff")
STREAM_BATCH = 500
MAX_FILTER_CHARS = 120
STAFF_ONLY_KINDS = ("query",)  # shown only when asked for by name (kind=query)
REBUILDING_MESSAGE = _l("The search index is being rebuilt, so search is unavailable for a "
                        "moment. Please try again in a minute.")
# Modules that register sources when imported (the library, once it exists).
SOURCE_MODULES = ("reachback.knowledge.library", "reachback.newsletters.services")
SUMMARY_CHARS = 300


# --- principals -----------------------------------------------------------------------------

def principals_for(user) -> list[str]:
    """Who the caller is, for the index's filter: anonymous ["public"]; a signed-in user also
    "community" and "user:<id>"; facilitators and admins also "role:staff"; an active member
    of a group "group:<id>", its facilitator also "group-staff:<id>" (perm.group_roles)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ["public"]
    principals = ["public", "community", f"user:{user.id}"]
    if perm.is_staff(user):
        principals.append("role:staff")
    for group_id, role in sorted(perm.group_roles(user).items()):
        principals.append(f"group:{group_id}")
        if role == "facilitator":
            principals.append(f"group-staff:{group_id}")
    return principals


# The index's name of each kind of reader of the permission policy (perm.READERS).
PRINCIPALS = {perm.ANYONE: "public", perm.MEMBERS: "community", perm.STAFF: "role:staff"}


def principals_of(visibility: str, user_ids: Iterable[int] = (),
                  group_id: int | None = None) -> list[str]:
    """Who may read an item of this visibility, in the index's names: the readers the policy
    gives it (perm.readers_of, the rule of can_view_response and can_view_document), with
    "user:<id>" for each of `user_ids` where the item's own people read it (the requester
    and assigned experts of a restricted response). An item of group `group_id` is read by
    "group:<id>" where its group reads it, and by "group-staff:<id>" (the group's
    facilitators) where staff do. An unknown visibility is restricted."""
    readers = perm.readers_of(visibility)
    principals = [name for kind, name in PRINCIPALS.items() if kind in readers]
    if group_id is not None and perm.GROUP in readers:
        principals.append(f"group:{group_id}")
    if group_id is not None and perm.STAFF in readers:
        principals.append(f"group-staff:{group_id}")
    if perm.ITS_PEOPLE in readers:
        principals += [f"user:{uid}" for uid in sorted(set(user_ids))]
    return principals


# --- sources --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    kind: str
    load: Callable[[list[str]], Iterable[IndexDoc]]
    iter_all: Callable[[], Iterable[IndexDoc]]
    rows: Callable[[object, list[str]], dict[str, object]]
    url: Callable[[object], str | None]
    labels: dict[str, str]
    count: Callable[[], int] | None = None


_sources: dict[str, Source] = {}
_sources_imported = False


def register_source(kind: str, load, iter_all, *, rows, url,
                    labels: dict[str, str] | None = None, count=None) -> None:
    """Register (or replace) a source of indexed items; see the module docstring."""
    _sources[kind] = Source(kind, load, iter_all, rows, url, dict(labels or {}), count)


def total_to_index() -> int:
    """How many items a rebuild will index (for a progress bar; sources without a count
    add nothing)."""
    return sum(source.count() for source in sources().values() if source.count)


def sources() -> dict[str, Source]:
    global _sources_imported
    if not _sources_imported:
        import importlib

        for name in SOURCE_MODULES:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:  # a missing dependency of the module is a real error
                    raise
        _sources_imported = True
    return _sources


def kind_label(kind: str) -> str:
    """The name of an IndexDoc kind for people ("Response", "Briefing paper", ...)."""
    for source in sources().values():
        if kind in source.labels:
            return str(source.labels[kind])  # a lazy label, in the reader's language
    return (kind or "").replace("_", " ").capitalize()


# --- responses and open queries as index documents ------------------------------------------

@dataclass
class _QueryText:
    """The columns of an open query that its index document (staff only) is built from."""

    query_id: int
    reference: str
    title: str
    question: str
    context: str
    purpose: str
    country: str
    requester_id: int
    created_at: datetime
    language: str
    question_html: str | None = None  # the stored renderings (markdown.Rendered), if any
    context_html: str | None = None
    purpose_html: str | None = None


@dataclass
class _ResponseText:
    """The columns a response's index document is built from: the response's own text, and
    from its query only the facets and readers the response page shows or applies. Never the
    query's title, question, context or purpose: a restricted query's text may be more
    confidential than the answer published from it (DESIGN §12)."""

    query_id: int
    reference: str
    country: str
    requester_id: int
    created_at: datetime
    title: str
    summary: str | None
    body: str | None
    visibility: str
    published_at: datetime | None
    language: str  # the response's: what its words are stemmed in
    summary_html: str | None = None  # the stored renderings (markdown.Rendered), if any
    body_html: str | None = None
    status: str = "published"  # the response's: a superseded one ranks lower
    group_id: int | None = None  # its query's group (perm.READERS "its group")


def _themes_by_id() -> dict[int, Theme]:
    return {t.id: t for t in db.session.scalars(select(Theme))}


def _theme_fields(theme_ids: Iterable[int], themes: dict[int, Theme]) -> tuple[list, list]:
    """Slugs and names of the themes and of their parents (a parent theme finds its subs)."""
    slugs, names = [], []
    for theme_id in theme_ids:
        theme = themes.get(theme_id)
        while theme is not None:
            if theme.slug not in slugs:
                slugs.append(theme.slug)
                names.append(theme.name)
            theme = themes.get(theme.parent_id) if theme.parent_id else None
    return slugs, names


def _response_doc(r: _ResponseText, theme_ids, expert_ids, themes,
                  key: str | None = None, useful: int = 0) -> IndexDoc:
    """A response's document; a translation's (its text, its `key`) is built alike. Its
    title, summary and body as plain text (their Markdown's words, without its syntax): what
    results show, and snippets are cut from. Its standing (ranking): the response's status
    and `useful` votes (readers' useful less not useful ones)."""
    slugs, names = _theme_fields(theme_ids, themes)
    return IndexDoc(
        key=key or f"response:{r.reference}", kind="response", ref=r.reference,
        title=plain_title(r.title), summary=plain_text(r.summary, r.summary_html),
        body=plain_text(r.body, r.body_html), extra="",
        themes=slugs, theme_names=names,
        countries=_codes(r.country), country_names=names_everywhere(_codes(r.country)),
        date=r.published_at or r.created_at,
        principals=principals_of(r.visibility, [r.requester_id, *expert_ids], r.group_id),
        language=r.language or "en", status=r.status, useful=useful,
    )


def _codes(country: str | None) -> list[str]:
    """A query's country as a list: none until triage sets one (a query sent by e-mail)."""
    return [country] if country else []


def _open_query_doc(q: _QueryText, theme_ids, themes) -> IndexDoc:
    slugs, names = _theme_fields(theme_ids, themes)
    question = plain_text(q.question, q.question_html)
    summary = question if len(question) <= SUMMARY_CHARS \
        else question[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    body = (question, plain_text(q.context, q.context_html),
            plain_text(q.purpose, q.purpose_html))
    return IndexDoc(
        key=f"query:{q.reference}", kind="query", ref=q.reference, title=plain_title(q.title),
        summary=summary, body="\n\n".join(p for p in body if p),
        extra="", themes=slugs, theme_names=names,
        countries=_codes(q.country), country_names=names_everywhere(_codes(q.country)),
        date=q.created_at, principals=["role:staff"], language=q.language or "en",
    )


def response_to_doc(response: ConsolidatedResponse) -> IndexDoc:
    """The index document of one published response (its title, summary and body, its
    query's themes and country, and who may read it: requester and assigned experts of a
    restricted one, plus staff); never its query's text."""
    q = response.query
    experts = [a.expert_id for a in q.assignments if a.status in ACTIVE_ASSIGNMENT]
    text = _ResponseText(q.id, q.reference, q.country, q.requester_id, q.created_at,
                         response.title, response.summary, response.body,
                         response.visibility, response.published_at, response.language,
                         response.summary_html, response.body_html, response.status,
                         q.group_id)
    return _response_doc(text, [t.id for t in q.themes], experts, _themes_by_id(),
                         useful=_useful_votes([q.id]).get(q.id, 0))


_QUERY_COLUMNS = (FieldQuery.id, FieldQuery.reference, FieldQuery.title, FieldQuery.question,
                  FieldQuery.context, FieldQuery.purpose, FieldQuery.country,
                  FieldQuery.requester_id, FieldQuery.created_at, FieldQuery.language,
                  FieldQuery.question_html, FieldQuery.context_html, FieldQuery.purpose_html)
# In the order of _ResponseText's fields; no column of the query's text (see _ResponseText).
_RESPONSE_COLUMNS = (FieldQuery.id, FieldQuery.reference, FieldQuery.country,
                     FieldQuery.requester_id, FieldQuery.created_at,
                     ConsolidatedResponse.title, ConsolidatedResponse.summary,
                     ConsolidatedResponse.body, ConsolidatedResponse.visibility,
                     ConsolidatedResponse.published_at, ConsolidatedResponse.language,
                     ConsolidatedResponse.summary_html, ConsolidatedResponse.body_html,
                     ConsolidatedResponse.status, FieldQuery.group_id)
# A translation's document: the response's columns, its text and language the translation's.
_TRANSLATION_COLUMNS = (*_RESPONSE_COLUMNS[:5], ResponseTranslation.title,
                        ResponseTranslation.summary, ResponseTranslation.body,
                        ConsolidatedResponse.visibility, ConsolidatedResponse.published_at,
                        ResponseTranslation.language, ResponseTranslation.summary_html,
                        ResponseTranslation.body_html, ConsolidatedResponse.status,
                        FieldQuery.group_id)


def _useful_votes(query_ids: list[int]) -> dict[int, int]:
    """{query id: its response's useful votes less its not useful ones} of the responses
    readers gave feedback on, one query for a whole batch."""
    votes = func.sum(case((ResponseFeedback.useful.is_(True), 1), else_=-1))
    return dict(db.session.execute(
        select(ConsolidatedResponse.query_id, votes)
        .join(ResponseFeedback, ResponseFeedback.response_id == ConsolidatedResponse.id)
        .where(ConsolidatedResponse.query_id.in_(query_ids))
        .group_by(ConsolidatedResponse.query_id)).all())


def _links(query_ids: list[int], experts: bool) -> tuple[dict, dict]:
    """Theme ids and active experts' ids per query, two queries for a whole batch."""
    themes: dict[int, list[int]] = {}
    for query_id, theme_id in db.session.execute(
            select(query_themes.c.query_id, query_themes.c.theme_id)
            .where(query_themes.c.query_id.in_(query_ids))):
        themes.setdefault(query_id, []).append(theme_id)
    people: dict[int, list[int]] = {}
    if experts:
        for query_id, expert_id in db.session.execute(
                select(Assignment.query_id, Assignment.expert_id)
                .where(Assignment.query_id.in_(query_ids),
                       Assignment.status.in_(ACTIVE_ASSIGNMENT))):
            people.setdefault(query_id, []).append(expert_id)
    return themes, people


def _linked_batches(stmt, refs: list[str] | None, batch: int,
                    experts: bool) -> Iterator[tuple[list, dict, dict]]:
    """The rows of `stmt` (only those of the queries `refs`, when given) in batches, each
    with its queries' theme ids and, when `experts`, active experts' ids (see _links)."""
    if refs is not None:
        stmt = stmt.where(FieldQuery.reference.in_(refs))
    result = db.session.execute(stmt.execution_options(yield_per=batch))
    for rows in result.partitions():
        yield rows, *_links([row.id for row in rows], experts=experts)


def _response_docs(refs: list[str] | None, batch: int = STREAM_BATCH) -> Iterator[IndexDoc]:
    """Published responses as index documents (all of them, or those of `refs`), streamed
    as plain columns in batches: constant memory whatever the size of the library."""
    stmt = (select(*_RESPONSE_COLUMNS)
            .join_from(FieldQuery, ConsolidatedResponse,
                       ConsolidatedResponse.query_id == FieldQuery.id)
            .where(ConsolidatedResponse.status.in_(READABLE_STATUSES))
            .order_by(ConsolidatedResponse.id))
    themes = _themes_by_id()
    for rows, theme_ids, experts in _linked_batches(stmt, refs, batch, experts=True):
        useful = _useful_votes([row.id for row in rows])
        for row in rows:
            r = _ResponseText(*row)
            yield _response_doc(r, theme_ids.get(r.query_id, ()),
                                experts.get(r.query_id, ()), themes,
                                useful=useful.get(r.query_id, 0))


def translation_key(reference: str, language: str) -> str:
    return f"translation:{reference}/{language}"


def _translation_pairs(idents: list[str]) -> list[tuple[str, str]]:
    """("RB-2026-0001", "fr") of each "RB-2026-0001/fr"."""
    return [tuple(i.rsplit("/", 1)) for i in idents if "/" in i]


def _translation_docs(idents: list[str] | None,
                      batch: int = STREAM_BATCH) -> Iterator[IndexDoc]:
    """Translations of published responses as documents of their own (all, or `idents`):
    the response's readers and facets, the translation's words and language."""
    stmt = (select(*_TRANSLATION_COLUMNS)
            .join_from(FieldQuery, ConsolidatedResponse,
                       ConsolidatedResponse.query_id == FieldQuery.id)
            .join(ResponseTranslation, ResponseTranslation.response_id == ConsolidatedResponse.id)
            .where(ConsolidatedResponse.status.in_(READABLE_STATUSES))
            .order_by(ResponseTranslation.id))
    if idents is not None:
        stmt = stmt.where(tuple_(FieldQuery.reference, ResponseTranslation.language)
                          .in_(_translation_pairs(idents) or [("", "")]))
    themes = _themes_by_id()
    for rows, theme_ids, experts in _linked_batches(stmt, None, batch, experts=True):
        useful = _useful_votes([row.id for row in rows])
        for row in rows:
            r = _ResponseText(*row)
            yield _response_doc(r, theme_ids.get(r.query_id, ()), experts.get(r.query_id, ()),
                                themes, key=translation_key(r.reference, r.language),
                                useful=useful.get(r.query_id, 0))


def _translation_rows(user, idents: list[str]) -> dict[str, str]:
    """The "ref/language" idents of the translations the user may read (the responses')."""
    pairs = _translation_pairs(idents)
    if not pairs:
        return {}
    found = db.session.execute(
        select(FieldQuery.reference, ResponseTranslation.language)
        .join(ConsolidatedResponse, ConsolidatedResponse.query_id == FieldQuery.id)
        .join(ResponseTranslation, ResponseTranslation.response_id == ConsolidatedResponse.id)
        .where(tuple_(FieldQuery.reference, ResponseTranslation.language).in_(pairs),
               perm.visible_responses(user)))
    return {f"{ref}/{language}": f"{ref}/{language}" for ref, language in found}


def _open_query_docs(refs: list[str] | None, batch: int = STREAM_BATCH) -> Iterator[IndexDoc]:
    stmt = (select(*_QUERY_COLUMNS).where(FieldQuery.status.in_(OPEN_STATUSES))
            .order_by(FieldQuery.id))
    themes = _themes_by_id()
    for rows, theme_ids, _ in _linked_batches(stmt, refs, batch, experts=False):
        for row in rows:
            q = _QueryText(*row)
            yield _open_query_doc(q, theme_ids.get(q.query_id, ()), themes)


def _response_rows(user, refs: list[str]) -> dict[str, str]:
    """The references (all a result needs) of the published responses the user may read."""
    found = db.session.scalars(
        select(FieldQuery.reference)
        .join(ConsolidatedResponse, ConsolidatedResponse.query_id == FieldQuery.id)
        .where(FieldQuery.reference.in_(refs), perm.visible_responses(user)))
    return {ref: ref for ref in found}


def _query_rows(user, refs: list[str]) -> dict[str, str]:
    if not perm.is_staff(user):
        return {}
    found = db.session.scalars(select(FieldQuery.reference).where(
        FieldQuery.reference.in_(refs), FieldQuery.status.in_(OPEN_STATUSES)))
    return {ref: ref for ref in found}


register_source(
    "response", load=lambda refs: _response_docs(refs), iter_all=lambda: _response_docs(None),
    rows=_response_rows, url=lambda ref: url_for("knowledge.response", ref=ref),
    labels={"response": _l("Response")},
    count=lambda: db.session.scalar(select(func.count()).select_from(ConsolidatedResponse)
                                    .where(ConsolidatedResponse.status.in_(READABLE_STATUSES))))
register_source(
    "translation", load=lambda idents: _translation_docs(idents),
    iter_all=lambda: _translation_docs(None), rows=_translation_rows,
    url=lambda ident: url_for("knowledge.translation", ref=ident.rsplit("/", 1)[0],
                              language=ident.rsplit("/", 1)[1]),
    count=lambda: db.session.scalar(
        select(func.count()).select_from(ResponseTranslation).join(ConsolidatedResponse)
        .where(ConsolidatedResponse.status.in_(READABLE_STATUSES))))
register_source(
    "query", load=lambda refs: _open_query_docs(refs), iter_all=lambda: _open_query_docs(None),
    rows=_query_rows, url=lambda ref: url_for("queries.detail", ref=ref),
    labels={"query": _l("Open query")},
    count=lambda: db.session.scalar(select(func.count()).select_from(FieldQuery)
                                    .where(FieldQuery.status.in_(OPEN_STATUSES))))


# --- the outbox -----------------------------------------------------------------------------

def enqueue(key: str, action: str = "upsert") -> SearchOutbox:
    """Queue an index change in the caller's transaction: "upsert" re-reads the item from the
    database when applied (and removes it if it is no longer to be indexed), "delete"
    removes it. The caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown search outbox action {action!r}")
    row = SearchOutbox(key=key, action=action, created_at=utcnow())
    db.session.add(row)
    db.session.info["search_outbox"] = True
    return row


def response_changed(response) -> None:
    """A response was published (or changed): index it; its query is no longer open."""
    enqueue(f"response:{response.query.reference}")
    enqueue(f"query:{response.query.reference}")
    for translation in response.translations:  # they have the response's readers
        translation_changed(translation)


def standing_changed(response) -> None:
    """Readers' feedback changed a response's useful votes: index it (and its translations,
    which rank alike) again."""
    enqueue(f"response:{response.query.reference}")
    for translation in response.translations:
        translation_changed(translation)


def translation_changed(translation) -> None:
    """A translation of a published response was added or edited: index it."""
    enqueue(translation_key(translation.response.query.reference, translation.language))


def query_changed(query) -> None:
    """A query was submitted, edited or closed: its duplicate-candidate entry follows."""
    enqueue(f"query:{query.reference}")


def init_outbox_events() -> None:
    """Track whether a session committed outbox rows, so the request applies them after its
    commit (called by the app factory)."""
    listen_once(Session, "after_commit", _outbox_committed)
    listen_once(Session, "after_soft_rollback", _outbox_rolled_back)


def _outbox_committed(session):
    if session.info.pop("search_outbox", False):
        session.info["search_outbox_committed"] = True


def _outbox_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("search_outbox", None)


def take_committed_flag(session=None) -> bool:
    """True (once) when this session committed outbox rows since it was last asked."""
    session = session or db.session()
    return bool(session.info.pop("search_outbox_committed", False))


@contextmanager
def _intent(writes: bool):
    """SQLite: whether transactions begun in this block write (BEGIN IMMEDIATE) or only read
    (a deferred snapshot that never blocks writers), whatever the request's method."""
    token = write_intent.set(writes)
    try:
        yield
    finally:
        write_intent.reset(token)


def _split_key(key: str) -> tuple[str, str]:
    kind, _, ident = key.partition(":")
    return kind, ident


def _changes(latest: dict[str, str]) -> tuple[list[IndexDoc], list[str]]:
    """Index documents to write and keys to delete for {key: last action}."""
    wanted: dict[str, list[str]] = {}
    deletes = []
    for key, action in latest.items():
        kind, ident = _split_key(key)
        if action == "delete" or kind not in sources() or not ident:
            deletes.append(key)
        else:
            wanted.setdefault(kind, []).append(ident)
    upserts = []
    for kind, idents in wanted.items():
        docs = list(sources()[kind].load(idents))
        found = {doc.key for doc in docs}
        upserts += docs
        deletes += [f"{kind}:{i}" for i in idents if f"{kind}:{i}" not in found]
    return upserts, deletes


def apply_outbox(limit: int = OUTBOX_BATCH, rebuild_up_to: int | None = None,
                 refresh_up_to: int = DUPLICATES_PER_RUN) -> int:
    """_apply_outbox, then the duplicate candidates of at most `refresh_up_to` open queries
    that have none yet or stale ones (refresh_duplicates; the rest wait for the next run)."""
    applied = _apply_outbox(limit, rebuild_up_to)
    if refresh_up_to:
        refresh_duplicates(refresh_up_to)
    return applied


def _apply_outbox(limit: int = OUTBOX_BATCH, rebuild_up_to: int | None = None) -> int:
    """Apply pending index changes in batches of `limit`; returns how many rows were applied.

    Rows are read while the index's write lock is held, so an older state of an item can
    never be written over a newer one; the applied rows are then deleted by id (a row queued
    meanwhile stays for the next run). A missing or unreadable index is rebuilt from the
    database instead, unless it would index more than `rebuild_up_to` items (then the rows
    wait for the scheduler's job: a web request must not spend minutes rebuilding). Raises
    IndexBusy when another writer keeps the lock (retry later). Commits (the caller's
    transaction first, then its own).
    """
    index = get_index()
    applied = 0
    db.session.commit()
    while True:
        with _intent(writes=False):
            pending = db.session.scalar(select(SearchOutbox.id).limit(1)) is not None
            db.session.rollback()  # the rows are read again below, under the index lock
            if not pending:
                return applied
            keys: list[str] = []
            try:
                ids = index.apply_locked(partial(_pending_changes, limit, keys))
            except IndexBusy:
                db.session.rollback()
                raise
            except Exception as exc:
                db.session.rollback()
                if not isinstance(exc, IndexMissing) and index.exists():
                    raise
                if rebuild_up_to is not None and total_to_index() > rebuild_up_to:
                    return applied  # the scheduler's job rebuilds it
                log.warning("The search index is missing or unreadable: rebuilding it")
                return applied + ((rebuild() or {}).get("outbox", 0))
            near = _duplicates_near(keys)  # searches, before the write transaction
            db.session.rollback()
        with _intent(writes=True):
            db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
            _mark_duplicates_stale(keys, near)
            if any(_split_key(key)[0] == "response" for key in keys):
                # Any response may now be among any other's similar ones: found again on
                # their next view (similar_response_refs).
                db.session.execute(delete(SimilarResponses))
            db.session.commit()
        applied += len(ids)
        if len(ids) < limit:
            return applied


def _pending_changes(limit: int, keys: list[str] | None = None):
    """(documents to write, keys to delete, outbox ids) of the oldest pending rows; their
    keys are added to `keys`."""
    rows = db.session.execute(
        select(SearchOutbox.id, SearchOutbox.key, SearchOutbox.action)
        .order_by(SearchOutbox.id).limit(limit)).all()
    latest = {key: action for _id, key, action in rows}  # the last action on a key wins
    if keys is not None:
        keys += list(latest)
    upserts, deletes = _changes(latest)
    return upserts, deletes, [row.id for row in rows]


# --- rebuilding -----------------------------------------------------------------------------

_thread_lock = threading.Lock()
_index_lock = threading.Lock()


@contextmanager
def _rebuild_lock(index: SearchIndex | PgSearchIndex):
    """Yields True for the one rebuild allowed at a time (across threads and processes; with
    PostgreSQL, across hosts too)."""
    if not _thread_lock.acquire(blocking=False):
        yield False
        return
    try:
        lock = index.rebuild_lock() if isinstance(index, PgSearchIndex) \
            else _file_lock(f"{index.path}.rebuild.lock")
        with lock as mine:
            yield mine
    finally:
        _thread_lock.release()


@contextmanager
def _file_lock(path: str):
    """Yields True when this process holds the lock file at `path` (whoosh's index is on
    this host's disk, so a lock on this host is enough)."""
    if fcntl is None:  # pragma: no cover
        yield True
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def rebuild(progress: Callable[[int], None] | None = None) -> dict[str, int] | None:
    """Rebuild the whole index from the database (whoosh: into a fresh directory, then swapped
    in; PostgreSQL: in one transaction); searches use the old index meanwhile.

    Streams every source (yield_per: constant memory), reading in one snapshot that never
    blocks writers, and clears the outbox rows that existed when the snapshot began (they
    are in it). Returns counts per kind plus "outbox" (rows cleared), or None when another
    rebuild is already running. Commits.
    """
    index = get_index()
    with _rebuild_lock(index) as mine:
        if not mine:
            return None
        db.session.commit()  # end the caller's transaction: the snapshot starts below
        counts: Counter[str] = Counter()

        def docs():
            for kind, source in list(sources().items()):
                for doc in source.iter_all():
                    counts[kind] += 1
                    yield doc

        with _intent(writes=False):  # one snapshot; writers carry on meanwhile
            try:
                last = db.session.scalar(select(func.max(SearchOutbox.id)))
                index.rebuild(docs(), progress)
            finally:
                db.session.rollback()
        with _intent(writes=True):
            cleared = 0
            if last is not None:
                cleared = db.session.execute(
                    delete(SearchOutbox).where(SearchOutbox.id <= last)).rowcount
            # The stored duplicate candidates are computed again from the new index (the
            # outbox job, DUPLICATES_PER_RUN at a time; the old ones are shown meanwhile).
            db.session.execute(update(QueryDuplicates).values(stale=True))
            db.session.execute(delete(SimilarResponses))
            db.session.commit()
        log.info("Search index rebuilt: %s", dict(counts))
        return {**{kind: counts.get(kind, 0) for kind in sources()}, "outbox": cleared}


def ensure_index() -> dict[str, int] | None:
    """Rebuild the index when it is missing or unreadable; its counts, or None when it was
    fine (or another rebuild is running)."""
    if get_index().exists():
        return None
    log.warning("The search index is missing or unreadable: rebuilding it")
    return rebuild()


def get_index() -> SearchIndex | PgSearchIndex:
    """The app's index (one per app: whoosh's keeps pooled searchers), of the backend that
    SEARCH_BACKEND chooses: PostgreSQL's tables in the app's database, or whoosh's files at
    SEARCH_INDEX_PATH or <instance>/search-index."""
    app = current_app._get_current_object()
    index = app.extensions.get("reachback.search_index")
    if index is None:
        with _index_lock:
            index = app.extensions.get("reachback.search_index")
            if index is None:
                index = app.extensions["reachback.search_index"] = _new_index(app)
    return index


def _new_index(app) -> SearchIndex | PgSearchIndex:
    if search_backend(app.config) == "postgresql":
        return PgSearchIndex(db.engine)
    path = setting("SEARCH_INDEX_PATH", app) or os.path.join(app.instance_path, "search-index")
    return SearchIndex(path)


# --- searching ------------------------------------------------------------------------------

@dataclass
class SearchItem:
    """One result, resolved to its database row."""

    kind: str
    ref: str
    title: str
    summary: str
    url: str | None
    score: float
    highlights: str  # safe HTML from the index: escaped text, only <mark> tags
    date: datetime | None
    row: object = None
    superseded_by: str | None = None  # a superseded response: the newer one's reference

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass
class SearchPage:
    """A page of results, shaped for the pagination macro (has_prev, next_num, ...)."""

    items: list[SearchItem]
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None
    rebuilding: bool = False
    # The search typed found nothing, so these are the results of the corrected search
    # `showing_for` (the page says so, with a link to the search as typed).
    showing_for: str | None = None

    @property
    def hits(self) -> list[SearchItem]:
        return self.items

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return max(1, self.page - 1)

    @property
    def next_num(self) -> int:
        return self.page + 1

    def label(self, facet: str, value: str) -> str:
        return self.labels.get((facet, value), value)


def clean_filters(filters: dict | None) -> dict[str, str]:
    """Only the known filters, as short strings in their index form."""
    clean = {}
    for name in FILTERS:
        value = (filters or {}).get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()[:MAX_FILTER_CHARS]
        clean[name] = value.upper() if name == "country" else value.lower() \
            if name in ("theme", "kind", "language") else value
    return clean


def search(user, text: str, filters: dict | None = None, page: int = 1,
           sort: str = "relevance", per_page: int = PER_PAGE, exact: bool = False,
           correct: bool = True) -> SearchPage:
    """Published items `user` may read that match `text` (empty: browse, newest first),
    filtered by theme, country, year, kind and language; a page of results resolved to their rows,
    facet counts, and a spelling suggestion. Open queries (kind "query") appear only when
    staff ask for that kind. The words are also searched for through the thesaurus (its
    terms weighing less), and words no readable document holds through their closest
    spelling (weighing less again); when nothing matches the words as typed, the results
    are the corrected search's (`showing_for`). With `exact`, the words as typed only (no
    spelling corrections): the page's "search instead for" link; without `correct`, never
    the corrected search (the API: its suggestion says it). Never raises for odd input;
    a missing index gives an empty page with `rebuilding` set."""
    filters = clean_filters(filters)
    text = (text or "").replace("\x00", " ")
    sort = sort if sort in SORTS else "relevance"
    exclude = () if filters.get("kind") in STAFF_ONLY_KINDS else STAFF_ONLY_KINDS
    principals = principals_for(user)

    def run(words: str, fuzzy: bool):
        synonyms = thesaurus.current().expand(_typed(words)) if words.strip() else []
        return get_index().search(words, principals, filters=filters, page=page,
                                  per_page=per_page, sort=sort, exclude_kinds=exclude,
                                  synonyms=synonyms, fuzzy=fuzzy)

    showing_for = None
    try:
        result = run(text, not exact)
        if correct and not exact and result.exact_total == 0 and result.suggestion:
            result, showing_for = run(result.suggestion, False), result.suggestion
    except IndexMissing:
        return SearchPage([], page=max(1, page), per_page=per_page,
                          message=str(REBUILDING_MESSAGE), rebuilding=True)
    if result.page == 1:  # the reports' search terms: counted once per search, not per page
        record_search(text, result.total)
    return SearchPage(
        items=mark_superseded(_resolve(user, result.hits)), total=result.total, page=result.page,
        per_page=result.per_page, facets=result.facets,
        labels=_facet_labels(result.facets, filters),
        suggestion=None if showing_for else result.suggestion,
        message=result.message and str(result.message), showing_for=showing_for)


def _typed(text: str) -> str:
    """The words a search looks for (not those it leaves out), for the thesaurus."""
    return " ".join(clause.text for clause in parse_query(text).include)


def about_the_same(hit) -> bool:
    """Whether a hit of the index's similar() is about the same thing as the text (see
    SIMILAR_MIN_MATCH): only those are offered, however few."""
    return (hit.shared or 0) >= SIMILAR_MIN_SHARED and (hit.match or 0.0) >= SIMILAR_MIN_MATCH


def similar(user, text: str, kind: str = "response", limit: int = SIMILAR_LIMIT,
            exclude_keys: Iterable[str] = ()) -> list[SearchItem]:
    """At most `limit` items of `kind` that `user` may read and that are about the same
    thing as `text` (about_the_same), most similar first: none is a valid answer (search
    before asking; duplicate candidates). Empty while the index is rebuilt."""
    return _similar(user, text, kind, limit, exclude_keys) or []


def _similar(user, text, kind, limit, exclude_keys) -> list[SearchItem] | None:
    """As similar(), but None when the index is missing (being rebuilt)."""
    text = (text or "").replace("\x00", " ")
    try:
        hits = get_index().similar(text, principals_for(user), limit=limit,
                                   exclude_keys=exclude_keys, filters={"kind": kind})
    except IndexMissing:
        return None
    best = max((hit.match or 0.0 for hit in hits), default=0.0)
    return _resolve(user, [hit for hit in hits if about_the_same(hit)
                           and (hit.match or 0.0) >= best * SIMILAR_RELATIVE])


@dataclass
class DuplicateCandidates:
    responses: list[SearchItem]
    queries: list[SearchItem]
    rebuilding: bool = False
    pending: bool = False  # not computed yet (the outbox job is on it)


def duplicate_candidates(user, query, limit: int = SIMILAR_LIMIT) -> DuplicateCandidates:
    """For triage (staff only): published responses and other open queries similar to the
    query's title and question, as stored by refresh_duplicates (no search here), of those
    `user` may read (each kind's rows rule: two queries at most)."""
    if not perm.can_triage(user, query):
        return DuplicateCandidates([], [])
    stored = db.session.execute(
        select(DuplicateCandidate.key, DuplicateCandidate.title, DuplicateCandidate.score,
               QueryDuplicates.query_id)
        .select_from(QueryDuplicates)
        .outerjoin(DuplicateCandidate, DuplicateCandidate.query_id == QueryDuplicates.query_id)
        .where(QueryDuplicates.query_id == query.id)
        .order_by(DuplicateCandidate.position)).all()
    if not stored:
        return DuplicateCandidates([], [], rebuilding=not get_index().exists(), pending=True)
    found: dict[str, list[SearchItem]] = {"response": [], "query": []}
    by_kind: dict[str, list[tuple]] = {}
    for key, title, score, _query_id in stored:
        if key is not None:
            kind, ref = _split_key(key)
            by_kind.setdefault(kind, []).append((ref, title, score))
    for kind, items in by_kind.items():
        source = sources().get(kind)
        if source is None or kind not in found:
            continue
        rows = source.rows(user, [ref for ref, _title, _score in items])
        found[kind] = [
            SearchItem(kind=kind, ref=ref, title=title, summary="", url=_url(source, rows[ref]),
                       score=score, highlights="", date=None, row=rows[ref])
            for ref, title, score in items if ref in rows][:limit]
    return DuplicateCandidates(found["response"], found["query"])


# How many similar responses are kept for a response's page: more than it shows, as a reader
# is shown only those they may read (found with a facilitator's principals).
SIMILAR_KEPT = 12


def similar_response_refs(response) -> list[str]:
    """The references of the published responses about the same thing as `response`'s title
    and summary (as similar() finds them, with a facilitator's principals), best first, at
    most SIMILAR_KEPT; not the response itself. Read from similar_responses; found through
    the index when none are kept (the first view since the knowledge base changed), then
    kept after the request (its page is made first: the write commits). Empty while the
    index is rebuilt. The caller shows only those the reader may read."""
    kept = db.session.scalar(select(SimilarResponses.refs)
                             .where(SimilarResponses.response_id == response.id))
    if kept is not None:
        return kept.split()
    try:
        hits = _find_similar(f"{response.title}\n\n{response.summary}",
                             [f"response:{response.query.reference}"], SIMILAR_KEPT, ("response",))
    except IndexMissing:
        return []
    refs = [hit.ref for hit in hits]
    _keep_similar(response.id, " ".join(refs))
    return refs


def _keep_similar(response_id: int, refs: str) -> None:
    """Store a response's similar references after the request (at once outside one); a
    write that fails (a busy database) is logged and found again on the next view."""
    from flask import after_this_request, has_request_context

    from ..accounts.limit_store import own_transaction, upsert

    def keep(answer=None):
        try:
            with own_transaction():
                db.session.execute(upsert(SimilarResponses, {
                    "response_id": response_id, "refs": refs, "computed_at": utcnow()},
                    {"refs": refs, "computed_at": utcnow()}))
        except SQLAlchemyError:
            log.warning("Similar responses not kept", exc_info=True)
        return answer

    if has_request_context():
        after_this_request(keep)
    else:
        keep()


def _find_duplicates(text: str, own: list[str], limit: int) -> list[Hit]:
    """The responses then the open queries about the same thing as `text` (as _similar, with
    a facilitator's principals), best first. Raises IndexMissing."""
    return _find_similar(text, own, limit, ("response", "query"))


def _find_similar(text: str, own: list[str], limit: int, kinds: tuple[str, ...]) -> list[Hit]:
    """The items of each of `kinds` in turn about the same thing as `text` (as _similar,
    with a facilitator's principals), best first, not those of the keys `own`. Raises
    IndexMissing."""
    hits = []
    for kind in kinds:
        found = get_index().similar(text, STAFF_PRINCIPALS, limit=limit, exclude_keys=own,
                                    filters={"kind": kind})
        best = max((hit.match or 0.0 for hit in found), default=0.0)
        hits += [hit for hit in found if about_the_same(hit)
                 and (hit.match or 0.0) >= best * SIMILAR_RELATIVE]
    return hits


def refresh_duplicates(up_to: int = DUPLICATES_PER_RUN) -> int:
    """Compute and store the duplicate candidates of at most `up_to` open queries that have
    none yet (the newest first) or stale ones; returns how many. Nothing while the index is
    missing (being rebuilt). Commits."""
    have = select(QueryDuplicates.query_id).where(QueryDuplicates.query_id == FieldQuery.id,
                                                  QueryDuplicates.stale.is_(False))
    with _intent(writes=False):
        todo = db.session.execute(
            select(FieldQuery.id, FieldQuery.reference, FieldQuery.title, FieldQuery.question)
            .where(FieldQuery.status.in_(OPEN_STATUSES), ~have.exists())
            .order_by(FieldQuery.id.desc()).limit(up_to)).all()
        db.session.rollback()
    if not todo:
        return 0
    try:
        found = {qid: _find_duplicates(f"{title}\n\n{question}",
                                       [f"query:{ref}", f"response:{ref}"], SIMILAR_LIMIT)
                 for qid, ref, title, question in todo}
    except IndexMissing:
        return 0
    now = utcnow()
    ids = list(found)
    with _intent(writes=True):
        db.session.execute(delete(DuplicateCandidate).where(DuplicateCandidate.query_id.in_(ids)))
        db.session.execute(delete(QueryDuplicates).where(QueryDuplicates.query_id.in_(ids)))
        db.session.execute(insert(QueryDuplicates), [
            {"query_id": qid, "computed_at": now, "stale": False} for qid in ids])
        rows = [{"query_id": qid, "position": i, "key": hit.key, "title": hit.title[:300],
                 "score": round(hit.match or 0.0, 4)}
                for qid, hits in found.items() for i, hit in enumerate(hits)]
        if rows:
            db.session.execute(insert(DuplicateCandidate), rows)
        db.session.commit()
    return len(ids)


def _changed_refs(keys: list[str]) -> dict[str, list[str]]:
    refs: dict[str, list[str]] = {"query": [], "response": []}
    for key in keys:
        kind, ident = _split_key(key)
        if kind in refs and ident:
            refs[kind].append(ident)
    return refs


def _duplicates_near(keys: list[str]) -> set[str]:
    """The references of the open queries (at most DUPLICATES_MARKED each) most similar to
    each changed open query or published response among `keys`: their candidates may
    change. Reads only."""
    refs = _changed_refs(keys)
    texts = []
    if refs["query"]:
        texts += db.session.execute(
            select(FieldQuery.reference, FieldQuery.title, FieldQuery.question)
            .where(FieldQuery.reference.in_(refs["query"]),
                   FieldQuery.status.in_(OPEN_STATUSES))).all()
    if refs["response"]:
        texts += db.session.execute(
            select(FieldQuery.reference, ConsolidatedResponse.title,
                   ConsolidatedResponse.summary)
            .join(ConsolidatedResponse, ConsolidatedResponse.query_id == FieldQuery.id)
            .where(FieldQuery.reference.in_(refs["response"]),
                   ConsolidatedResponse.status.in_(READABLE_STATUSES))).all()
    near: set[str] = set()
    try:
        for ref, title, body in texts:
            near.update(hit.ref for hit in get_index().similar(
                f"{title}\n\n{body}", STAFF_PRINCIPALS, limit=DUPLICATES_MARKED,
                exclude_keys=[f"query:{ref}"], filters={"kind": "query"}))
    except IndexMissing:
        pass
    return near


def _mark_duplicates_stale(keys: list[str], near: set[str]) -> None:
    """After index changes of `keys` (in the caller's transaction), set-wise: the stored
    candidates of the changed queries, of the queries `near` them, and of those that list a
    changed item are marked stale; those of queries no longer open are dropped."""
    refs = _changed_refs(keys)
    if not any(refs.values()):
        return
    changed = [f"{kind}:{ref}" for kind, idents in refs.items() for ref in idents]
    near = set(near) | set(refs["query"])
    stale = QueryDuplicates.query_id.in_(
        select(DuplicateCandidate.query_id).where(DuplicateCandidate.key.in_(changed)))
    if near:
        stale = or_(stale, QueryDuplicates.query_id.in_(
            select(FieldQuery.id).where(FieldQuery.reference.in_(near))))
    db.session.execute(update(QueryDuplicates).where(stale).values(stale=True))
    if refs["query"]:
        closed = select(FieldQuery.id).where(FieldQuery.reference.in_(refs["query"]),
                                             FieldQuery.status.not_in(OPEN_STATUSES))
        db.session.execute(delete(DuplicateCandidate)
                           .where(DuplicateCandidate.query_id.in_(closed)))
        db.session.execute(delete(QueryDuplicates).where(QueryDuplicates.query_id.in_(closed)))


def _resolve(user, hits) -> list[SearchItem]:
    """Load the hits' rows, one query per source; a hit whose row is gone or unreadable (the
    index lags the database by a moment) is left out."""
    by_source: dict[str, list[str]] = {}
    for hit in hits:
        kind, ident = _split_key(hit.key)
        by_source.setdefault(kind, []).append(ident)
    rows = {}
    for kind, idents in by_source.items():
        source = sources().get(kind)
        if source is not None:
            rows.update({(kind, str(i)): row for i, row in source.rows(user, idents).items()})
    items = []
    for hit in hits:
        kind, ident = _split_key(hit.key)
        row = rows.get((kind, ident))
        if row is None:
            continue
        items.append(SearchItem(
            kind=hit.kind, ref=hit.ref, title=hit.title, summary=hit.summary,
            url=_url(sources()[kind], row), score=round(hit.score, 4),
            highlights=hit.highlights, date=hit.date, row=row))
    return items


def mark_superseded(items: list[SearchItem]) -> list[SearchItem]:
    """Superseded responses marked with the reference of the newer one, and shown after the
    others of the page (the newer first). One query."""
    refs = {item.ref for item in items if item.kind == "response"}
    if not refs:
        return items
    newer = aliased(ConsolidatedResponse)
    newer_query = aliased(FieldQuery)
    found = dict(db.session.execute(
        select(FieldQuery.reference, newer_query.reference)
        .join(ConsolidatedResponse, ConsolidatedResponse.query_id == FieldQuery.id)
        .join(newer, newer.id == ConsolidatedResponse.superseded_by_id)
        .join(newer_query, newer_query.id == newer.query_id)
        .where(FieldQuery.reference.in_(refs),
               ConsolidatedResponse.status == "superseded")).all())
    for item in items:
        if item.kind == "response":
            item.superseded_by = found.get(item.ref)
    return sorted(items, key=lambda item: item.superseded_by is not None)


def _url(source: Source, row) -> str | None:
    try:
        return source.url(row)
    except Exception:  # e.g. the library's page is not there yet (BuildError)
        return None


def _facet_labels(facets: dict[str, list[tuple[str, int]]],
                  filters: dict[str, str]) -> dict[tuple[str, str], str]:
    """Names for the facet values and the active filters (one query for the themes)."""
    def values(name):
        return {value for value, _ in facets.get(name, [])} | \
            ({filters[name]} if name in filters else set())

    labels = {}
    if slugs := values("theme"):
        name_of = theme_namer()  # the catalogue found once for the page's ~80 themes
        for slug, name in db.session.execute(
                select(Theme.slug, Theme.name).where(Theme.slug.in_(slugs))):
            labels[("theme", slug)] = name_of(name)
    labels.update({("country", code): country_name(code) for code in values("country")})
    labels.update({("kind", kind): kind_label(kind) for kind in values("kind")})
    labels.update({("language", code): language_label(code) for code in values("language")})
    return labels


def language_label(code: str) -> str:
    """A language's name in itself ("Français"); the code itself for one Babel does not
    know (a document's language is any code its source gave)."""
    try:
        return language_name(code)
    except (UnknownLocaleError, ValueError, TypeError):  # not a code Babel reads
        return code
