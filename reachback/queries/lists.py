"""What the query pages list: my queries, the triage inbox, an expert's queue, a timeline."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import bindparam, case, func, or_, select, true
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from .. import permissions as perm
from ..accounts.models import Theme, User
from ..extensions import db
from ..groups.models import Group
from ..markdown import Rendered
from ..pagination import page_of_ids, paginate_ids
from ..sla.services import next_due_order
from .models import (
    OPEN_STATUSES,
    Assignment,
    Contribution,
    Event,
    FieldQuery,
    Message,
    query_themes,
)

# "What happens next", for each status as seen by each viewer (see next_step()): the
# requester, the staff, an expert by their assignment's status, or anyone else ("other",
# also what a viewer without a text of their own reads).
NEXT_STEPS = {
    "submitted": {
        "requester": _l("A facilitator will review your query and route it to experts."),
        "staff": _l("Review it: route it to experts, ask the requester to clarify, or close it."),
        "other": _l("A facilitator will review it and route it to experts."),
    },
    "clarification": {
        "requester": _l("The facilitator has a question for you: reply below."),
        "staff": _l("Waiting for the requester's reply."),
        "other": _l("The facilitator is waiting for the requester's reply."),
    },
    "routed": {
        "requester": _l("Experts are preparing answers."),
        "staff": None,  # how many experts it waits for: next_step()
        "invited": _l("You are asked to contribute: accept or decline the invitation below."),
        "accepted": _l("Send your contribution below."),
        "answered": _l("Your contribution is in: the facilitator consolidates the answers."),
        "other": _l("Experts are preparing answers."),
    },
    "synthesis": {
        "requester": _l("The facilitator is writing the consolidated response."),
        "staff": _l("Write the consolidated response and publish it."),
        "other": _l("The facilitator is writing the consolidated response."),
    },
    "published": {
        "requester": _l("The response to your query is published."),
        "other": _l("The response is published."),
    },
    "closed": {"other": _l("Closed: nothing more will happen.")},
}
WAITING_FOR = ("invited", "accepted")  # an expert the routed query still waits for


def next_step(user, query) -> str:
    """What happens next to `query`, told to `user`."""
    if perm.is_requester(user, query):
        viewer = "requester"
    elif perm.can_triage(user, query):
        viewer = "staff"
    else:
        mine = [a.status for a in query.assignments if a.expert_id == user.id]
        viewer = mine[0] if mine else "other"
    steps = NEXT_STEPS[query.status]
    if query.status == "routed" and viewer == "staff":
        waiting = sum(a.status in WAITING_FOR for a in query.assignments)
        return ngettext("Waiting for %(num)d expert.", "Waiting for %(num)d experts.",
                        waiting) if waiting else \
            _("No expert is still answering: route it to more experts or write the response.")
    return str(steps.get(viewer) or steps["other"])


def next_steps_of_requester() -> dict[str, str]:
    """{status: what happens next} for a requester's own queries (the list of my queries)."""
    return {status: steps.get("requester") or steps["other"]
            for status, steps in NEXT_STEPS.items()}


INBOX_TABS = {
    "new": ("submitted",),
    "clarification": ("clarification",),
    "routed": ("routed",),
    "synthesis": ("synthesis",),
    "open": OPEN_STATUSES,
}

# Relationships load lazily (the models' default); each list below asks for what its page
# shows, in a fixed number of statements whatever the number of rows (the N+1 guard,
# tests/web/test_no_n_plus_one.py). The query lists show neither a query's experts nor its
# themes (loading them was most of a list page's time at 100 000 queries); the inbox names
# each query's requester.
_LIST_ONLY = (joinedload(FieldQuery.requester),)

# What the query page shows of the query itself (besides the lists below): the requester
# with their organisation, the themes, the experts asked, the files.
QUERY_PAGE = (joinedload(FieldQuery.requester).joinedload(User.organisation),
              selectinload(FieldQuery.themes),
              selectinload(FieldQuery.assignments).joinedload(Assignment.expert),
              selectinload(FieldQuery.attachments))

_PRIORITY_RANK = case(
    {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=FieldQuery.priority, else_=4
)


def my_queries(user, page: int, per_page: int, open_only: bool = False):
    """The user's own queries: open ones by their answer's due time, then the rest, newest
    first (`open_only`: the open ones alone, what the start page lists)."""
    due = case((FieldQuery.status.in_(OPEN_STATUSES), FieldQuery.resolution_due_at))
    stmt = (
        select(FieldQuery.id)
        .where(FieldQuery.requester_id == user.id)
        .order_by(due.is_(None), due, FieldQuery.created_at.desc(), FieldQuery.id.desc())
    )
    if open_only:
        stmt = stmt.where(FieldQuery.status.in_(OPEN_STATUSES))
    return _paginate_queries(stmt, page, per_page)


def triage_count(user) -> int:
    """Staff only: how many new queries wait in the triage inbox (its first tab)."""
    perm.require(perm.is_staff(user), _("Only facilitators see the triage inbox."))
    return db.session.scalar(select(func.count(FieldQuery.id))
                             .where(FieldQuery.status.in_(INBOX_TABS["new"])))


def triage_inbox(user, tab: str, page: int, per_page: int):
    """Staff only: queries of the tab's statuses, the next due first (then the oldest)."""
    perm.require(perm.is_staff(user), _("Only facilitators see the triage inbox."))
    statuses = INBOX_TABS.get(tab, INBOX_TABS["new"])
    due = next_due_order()
    stmt = (
        select(FieldQuery.id)
        .where(FieldQuery.status.in_(statuses))
        .order_by(due.is_(None), due, FieldQuery.created_at.asc(), FieldQuery.id.asc())
    )
    pager = _paginate_queries(stmt, page, per_page)
    pager.progress = inbox_progress(pager.items)  # each query's experts and what it needs
    return pager


# The expert progress the triage inbox shows for each query, in this order.
PROGRESS = ("invited", "accepted", "answered", "declined", "expired")


@dataclass
class Progress:
    """A query's experts counted by their assignment's status, and what, if anything, the
    facilitator has to do now (`needs`: "all_declined", "answers_complete",
    "clarification_answered" or None)."""

    counts: dict
    needs: str | None = None


def _needs(status: str, counts: dict, replied: bool) -> str | None:
    if status == "submitted" and replied:
        return "clarification_answered"  # the requester answered the facilitator's question
    if status != "routed":
        return None
    if not any(counts[s] for s in ("invited", "accepted", "answered")) and (
            counts["declined"] or counts["expired"]):
        return "all_declined"  # every invitation declined or expired: nobody is answering
    if counts["answered"] and not counts["accepted"]:
        return "answers_complete"  # every expert who accepted has answered
    return None


def inbox_progress(queries) -> dict[int, Progress]:
    """{query id: Progress} for the inbox's page of queries, set-wise: one grouped statement
    for the counts and one for the clarifications answered, whatever the number of rows."""
    ids = [q.id for q in queries]
    if not ids:
        return {}
    counts = {i: dict.fromkeys(PROGRESS, 0) for i in ids}
    for query_id, status, n in db.session.execute(
            select(Assignment.query_id, Assignment.status, func.count())
            .where(Assignment.query_id.in_(ids), Assignment.status.in_(PROGRESS))
            .group_by(Assignment.query_id, Assignment.status)):
        counts[query_id][status] = n
    replied = set(db.session.scalars(
        select(Event.query_id).where(Event.query_id.in_(ids),
                                     Event.kind == "clarification_answered").distinct()))
    return {q.id: Progress(counts[q.id], _needs(q.status, counts[q.id], q.id in replied))
            for q in queries}


def _paginate_queries(ids_stmt, page: int, per_page: int):
    return paginate_ids(ids_stmt, lambda ids: select(FieldQuery).options(*_LIST_ONLY)
                         .where(FieldQuery.id.in_(ids)), page, per_page)


def expert_queue(user, page: int, per_page: int, include_done: bool = False):
    """An expert's assignments, most urgent first: due time, then priority, then age.

    A busy expert's history holds thousands of assignments: the page's due times are read
    from the (expert, status, due_at) index alone, and only the assignments due at those
    times (the page, and its ties at either end) are joined to their queries and sorted in
    full."""
    statuses = ("invited", "accepted", "answered", "declined", "expired", "withdrawn") \
        if include_done else ("invited", "accepted")
    mine = (Assignment.expert_id == user.id, Assignment.status.in_(statuses))
    due = Assignment.due_at
    pager = page_of_ids(select(due).where(*mine).order_by(due.is_(None), due), page, per_page,
                        count_stmt=select(func.count()).where(*mine))
    if not pager.items:
        return pager
    first, last = pager.items[0], pager.items[-1]  # no due time sorts last
    before = db.session.scalar(select(func.count()).where(
        *mine, due.is_not(None) if first is None else due < first))
    window = (
        select(Assignment.id)
        .join(FieldQuery, Assignment.query_id == FieldQuery.id)
        .where(*mine, due.is_(None) if first is None else or_(due >= first, due.is_(None)),
               true() if last is None else due <= last)
        .order_by(due.is_(None), due, _PRIORITY_RANK, FieldQuery.created_at, Assignment.id)
        .offset((pager.page - 1) * pager.per_page - before).limit(pager.per_page))
    ids = db.session.scalars(window).all()
    rows = {row.id: row for row in db.session.scalars(
        select(Assignment).join(Assignment.query).options(contains_eager(Assignment.query))
        .where(Assignment.id.in_(ids)))}
    pager.items = [rows[i] for i in ids]
    return pager


def query_list(user, *, status=None, theme=None, country=None, mine=False,
               page=1, per_page=25):
    """Queries the user may see, filtered; newest first (the API list). The page's items are
    ListRows (see api_query_rows)."""
    filters = [perm.visible_queries(user)]
    if status:
        filters.append(FieldQuery.status == status)
    if country:
        filters.append(FieldQuery.country == country.upper())
    if mine:
        filters.append(FieldQuery.requester_id == user.id)
    if theme:
        filters.append(FieldQuery.id.in_(
            select(query_themes.c.query_id).join(Theme).where(Theme.slug == theme)))
    # Counted from the table, without the filter that lets staff see every query (true(),
    # one shared object): with no WHERE left, SQLite counts 100 000 queries from the index's
    # pages in 0.02 ms, where `WHERE 1 = 1` (or the ids' statement wrapped, as
    # Flask-SQLAlchemy counts) steps through every entry (2-4 ms).
    count = select(func.count()).select_from(FieldQuery).where(
        *(f for f in filters if f is not true()))
    pager = page_of_ids(select(FieldQuery.id).where(*filters)
                        .order_by(FieldQuery.created_at.desc(), FieldQuery.id.desc()),
                        page, per_page, count_stmt=count)
    found = {q.id: q for q in api_query_rows(pager.items)}
    pager.items = [found[i] for i in pager.items if i in found]
    return pager


class ListRow(Rendered):
    """A row of a list that is only shown: the columns it was selected with, as attributes
    named like the model's (and `html()` of a Markdown column, as the model's), so that the
    API's models and the permission checks read it as they read the ORM object. Loading 100
    queries with their requesters, themes and experts as ORM objects took 19 ms (identity
    map, instance state, one object per related row); as plain rows it takes a few."""

    def __init__(self, values):
        self.__dict__.update(values)


def _rows(stmt, ids) -> list[ListRow]:
    """The rows of `stmt` for the ids given to its `_IDS` parameter, as ListRows."""
    result = db.session.execute(stmt, {"ids": ids})
    keys = tuple(result.keys())
    return [ListRow(zip(keys, values, strict=True)) for values in result]


def _person(row, prefix: str) -> ListRow:
    """The person whose e-mail and name `row` carries as `<prefix>email`, `<prefix>name`
    (the API names people and needs nothing else of them: not their roles, organisation,
    password hash or second-factor secret)."""
    values = row.__dict__
    return ListRow({"email": values.pop(prefix + "email"), "name": values.pop(prefix + "name")})


def _named(prefix: str):
    """The joined user's e-mail and name, labelled `<prefix>email` and `<prefix>name` (read
    by _person)."""
    return (User.email.label(prefix + "email"), User.name.label(prefix + "name"))


# The statements of the API's list, built once: only the page's ids change (`_IDS`, an IN
# list expanded when run). Building them on every call took a quarter of the loading.
_IDS = bindparam("ids", expanding=True)
_ORIGINAL = aliased(FieldQuery)
_FOLLOWS = (select(_ORIGINAL.reference).where(_ORIGINAL.id == FieldQuery.follows_id)
            .scalar_subquery())
_GROUP_SLUG = select(Group.slug).where(Group.id == FieldQuery.group_id).scalar_subquery()
# What the API's query object (api.schemas.Query) reads of a query, its SLA summary
# (sla.services.sla_summary) and its permission checks: not the rendered context and
# purpose, the closing note or the duplicate, which the API does not show.
_API_QUERIES = select(
    FieldQuery.id, FieldQuery.reference, FieldQuery.title, FieldQuery.question,
    FieldQuery.question_html, FieldQuery.context, FieldQuery.purpose, FieldQuery.language,
    FieldQuery.country,
    FieldQuery.priority, FieldQuery.needed_by, FieldQuery.confidentiality, FieldQuery.status,
    FieldQuery.requester_id, FieldQuery.created_at, FieldQuery.updated_at,
    FieldQuery.triage_due_at, FieldQuery.triage_warn_at, FieldQuery.triage_met_at,
    FieldQuery.resolution_due_at, FieldQuery.resolution_warn_at, FieldQuery.resolution_met_at,
    FieldQuery.paused_at, FieldQuery.deadline_driven, FieldQuery.sla_calendar,
    FieldQuery.group_id, _GROUP_SLUG.label("group_slug"),
    _FOLLOWS.label("follows_reference"), *_named("requester_"),
).join(User, User.id == FieldQuery.requester_id).where(FieldQuery.id.in_(_IDS))
_API_THEMES = (select(query_themes.c.query_id, Theme.slug).join(Theme)
               .where(query_themes.c.query_id.in_(_IDS)).order_by(Theme.code))
# An assignment as api.schemas.QueryAssignment, sla.services.assignment_state and
# permissions.is_assigned read it.
_API_ASSIGNMENTS = select(
    Assignment.id, Assignment.query_id, Assignment.expert_id, Assignment.status,
    Assignment.due_at, Assignment.warn_at, Assignment.answered_at,
    *_named("expert_"),
).join(User, User.id == Assignment.expert_id).where(Assignment.query_id.in_(_IDS)) \
    .order_by(Assignment.id)
# A contribution as api.schemas.QueryContribution reads it.
_API_CONTRIBUTIONS = select(
    Contribution.id, Contribution.query_id, Contribution.body, Contribution.body_html,
    Contribution.language, Contribution.created_at, *_named("author_"),
).join(User, User.id == Contribution.author_id).where(Contribution.query_id.in_(_IDS)) \
    .order_by(Contribution.created_at, Contribution.id)


def api_query_rows(ids) -> list[ListRow]:
    """The queries `ids` (any order) as the API shows them, as ListRows: with `requester`,
    `themes` (each with its `slug`, by code) and `assignments` (each with its `expert` and
    its `query`, by id), whatever their number in three statements (none without ids)."""
    if not ids:
        return []
    queries = {}
    for q in _rows(_API_QUERIES, ids):
        q.requester, q.themes, q.assignments = _person(q, "requester_"), [], []
        queries[q.id] = q
    for query_id, slug in db.session.execute(_API_THEMES, {"ids": ids}):
        queries[query_id].themes.append(ListRow({"slug": slug}))
    for a in _rows(_API_ASSIGNMENTS, ids):
        a.expert, a.query = _person(a, "expert_"), queries[a.query_id]
        a.query.assignments.append(a)
    return list(queries.values())


# Keys of an event's data that name another query (a duplicate, its original, a linked or
# superseded response). That query may be hidden from a reader of this one, so each reader is
# shown only what they may see; the decision is taken when the timeline is read, and the
# stored event keeps the reference.
OTHER_QUERY_KEYS = ("duplicate_of", "duplicate", "response")
# Details of an event that only some of its readers are shown: the reason of a triage edit.
STAFF_KEYS = ("reason",)


@dataclass(frozen=True)
class TimelineEntry:
    """An event as one reader is shown it: a query they may not see is named None."""

    kind: str
    actor: User | None
    at: datetime
    data: dict


def timeline(user, query) -> list[TimelineEntry]:
    stmt = select(Event).where(Event.query_id == query.id).options(joinedload(Event.actor))
    if not perm.can_see_internal(user, query):
        stmt = stmt.where(Event.internal.is_(False))
    events = list(db.session.scalars(stmt.order_by(Event.at, Event.id)))
    named = {(e.data or {}).get(key) for e in events for key in OTHER_QUERY_KEYS}
    shown = _visible_references(user, named - {None})
    reasons = perm.can_read_edit_reason(user, query)
    return [TimelineEntry(e.kind, e.actor, e.at, {
        key: value if key not in OTHER_QUERY_KEYS or value in shown else None
        for key, value in (e.data or {}).items()
        if reasons or e.kind != "query_edited" or key not in STAFF_KEYS}) for e in events]


def _visible_references(user, references: set[str]) -> set[str]:
    """Those of `references` that name a query `user` may see: one statement, whatever the
    number of events (and none when the timeline names no other query)."""
    if not references:
        return set()
    return set(db.session.scalars(select(FieldQuery.reference).where(
        FieldQuery.reference.in_(references), perm.visible_queries(user))))


def duplicates_of(query) -> list[FieldQuery]:
    """The queries closed as duplicates of `query`, with their requesters (and the roles that
    decide what each may read), in two statements."""
    return list(db.session.scalars(
        select(FieldQuery).where(FieldQuery.duplicate_of_id == query.id)
        .options(joinedload(FieldQuery.requester).selectinload(User.role_rows))
        .order_by(FieldQuery.id)))


def messages(user, query) -> list[Message]:
    stmt = select(Message).where(Message.query_id == query.id).options(
        joinedload(Message.author), selectinload(Message.attachments))
    if not perm.can_see_internal(user, query):
        stmt = stmt.where(Message.visibility == "public")
    return list(db.session.scalars(stmt.order_by(Message.created_at, Message.id)))


def contributions_by_query(user, queries) -> dict[int, list[ListRow]]:
    """The contributions `user` may see for each of `queries`, in one statement (the API's
    list), as ListRows read as api.schemas.QueryContribution reads a Contribution."""
    allowed = [q.id for q in queries if perm.can_view_contributions(user, q)]
    found: dict[int, list[ListRow]] = {q.id: [] for q in queries}
    if allowed:
        for c in _rows(_API_CONTRIBUTIONS, allowed):
            c.author = _person(c, "author_")
            found[c.query_id].append(c)
    return found


def contributions(user, query) -> list[Contribution]:
    if not perm.can_view_contributions(user, query):
        return []
    return list(db.session.scalars(
        select(Contribution).where(Contribution.query_id == query.id)
        .options(joinedload(Contribution.author).joinedload(User.organisation),
                 selectinload(Contribution.attachments))
        .order_by(Contribution.created_at, Contribution.id)
    ))


def contributions_for_synthesis(query) -> list[Contribution]:
    """All contributions of a query, for staff-side work (templates, notifications)."""
    return list(db.session.scalars(
        select(Contribution).where(Contribution.query_id == query.id)
        .options(joinedload(Contribution.author).joinedload(User.organisation))
        .order_by(Contribution.created_at, Contribution.id)
    ))


def contributors_of(query) -> list[dict]:
    """Experts who contributed, in order of their first contribution, with their organisation."""
    seen: dict[int, dict] = {}
    for c in contributions_for_synthesis(query):
        if c.author_id not in seen:
            org = c.author.organisation.name if c.author.organisation else ""
            seen[c.author_id] = {"name": c.author.name, "organisation": org}
    return list(seen.values())
