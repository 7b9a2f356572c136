"""What the query pages list: my queries, the triage inbox, an expert's queue, a timeline."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, defer, joinedload, load_only, selectinload

from .. import permissions as perm
from ..accounts.models import User
from ..extensions import db
from ..pagination import paginate_ids
from ..sla.services import next_due_order
from .models import OPEN_STATUSES, Assignment, Contribution, Event, FieldQuery, Message

NEXT_STEP = {
    "submitted": _l("A facilitator will review it and route it to experts."),
    "clarification": _l("The facilitator has a question for you: please reply."),
    "routed": _l("Experts are preparing their answers."),
    "synthesis": _l("The facilitator is writing the consolidated response."),
    "published": _l("The response is published."),
    "closed": _l("Closed: nothing more will happen."),
}

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

# The API's lists name people (name and e-mail) and need neither their roles nor their
# organisation: not loading them halves an API page of 100 queries. Nor the rest of their
# row (password hash, second-factor secret): never read where it is not needed.
_NAMES_ONLY = (load_only(User.email, User.name),)
# What the query page shows of the query itself (besides the lists below): the requester
# with their organisation, the themes, the experts asked, the files.
QUERY_PAGE = (joinedload(FieldQuery.requester).joinedload(User.organisation),
              selectinload(FieldQuery.themes),
              selectinload(FieldQuery.assignments).joinedload(Assignment.expert),
              selectinload(FieldQuery.attachments))
# What the API's query object leaves out.
_API_UNUSED = (defer(FieldQuery.context_html), defer(FieldQuery.purpose_html),
               defer(FieldQuery.close_note))

_PRIORITY_RANK = case(
    {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=FieldQuery.priority, else_=4
)


def my_queries(user, page: int, per_page: int):
    """The user's own queries: open ones by their answer's due time, then the rest, newest first."""
    due = case((FieldQuery.status.in_(OPEN_STATUSES), FieldQuery.resolution_due_at))
    stmt = (
        select(FieldQuery.id)
        .where(FieldQuery.requester_id == user.id)
        .order_by(due.is_(None), due, FieldQuery.created_at.desc(), FieldQuery.id.desc())
    )
    return _paginate_queries(stmt, page, per_page)


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
    return _paginate_queries(stmt, page, per_page)


def _paginate_queries(ids_stmt, page: int, per_page: int):
    return paginate_ids(ids_stmt, lambda ids: select(FieldQuery).options(*_LIST_ONLY)
                         .where(FieldQuery.id.in_(ids)), page, per_page)


def expert_queue(user, page: int, per_page: int, include_done: bool = False):
    """An expert's assignments, most urgent first: due time, then priority, then age."""
    statuses = ("invited", "accepted", "answered", "declined", "expired", "withdrawn") \
        if include_done else ("invited", "accepted")
    mine = (Assignment.expert_id == user.id, Assignment.status.in_(statuses))
    ids = (
        select(Assignment.id)
        .join(FieldQuery, Assignment.query_id == FieldQuery.id)
        .where(*mine)
        .order_by(
            Assignment.due_at.is_(None), Assignment.due_at, _PRIORITY_RANK,
            FieldQuery.created_at, Assignment.id,
        )
    )
    return paginate_ids(
        ids, lambda page_ids: select(Assignment).join(Assignment.query)
        .options(contains_eager(Assignment.query))
        .where(Assignment.id.in_(page_ids)), page, per_page,
        # Counted without the join (every assignment has its query), from the index alone:
        # joining a busy expert's 4 000 queries took 19 ms.
        count_stmt=select(func.count()).where(*mine))


def query_list(user, *, status=None, theme=None, country=None, mine=False,
               page=1, per_page=25):
    """Queries the user may see, filtered; newest first (the API list)."""
    from ..accounts.models import Theme
    from .models import query_themes

    stmt = select(FieldQuery.id).where(perm.visible_queries(user))
    if status:
        stmt = stmt.where(FieldQuery.status == status)
    if country:
        stmt = stmt.where(FieldQuery.country == country.upper())
    if mine:
        stmt = stmt.where(FieldQuery.requester_id == user.id)
    if theme:
        stmt = stmt.where(FieldQuery.id.in_(
            select(query_themes.c.query_id).join(Theme).where(Theme.slug == theme)))
    stmt = stmt.order_by(FieldQuery.created_at.desc(), FieldQuery.id.desc())
    return paginate_ids(stmt, lambda ids: select(FieldQuery).where(FieldQuery.id.in_(ids))
                        .options(*_API_UNUSED, selectinload(FieldQuery.themes),
                                 joinedload(FieldQuery.requester).options(*_NAMES_ONLY),
                                 selectinload(FieldQuery.assignments)
                                 .joinedload(Assignment.expert).options(*_NAMES_ONLY)),
                        page, per_page)


# Keys of an event's data that name another query (a duplicate, its original). That query may
# be hidden from a reader of this one, so each reader is shown only what they may see; the
# decision is taken when the timeline is read, and the stored event keeps the reference.
OTHER_QUERY_KEYS = ("duplicate_of", "duplicate")


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
    return [TimelineEntry(e.kind, e.actor, e.at, {
        key: value if key not in OTHER_QUERY_KEYS or value in shown else None
        for key, value in (e.data or {}).items()}) for e in events]


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


def contributions_by_query(user, queries) -> dict[int, list[Contribution]]:
    """The contributions `user` may see for each of `queries`, in one statement (lists)."""
    allowed = [q.id for q in queries if perm.can_view_contributions(user, q)]
    found: dict[int, list[Contribution]] = {q.id: [] for q in queries}
    if allowed:
        for c in db.session.scalars(
                select(Contribution).where(Contribution.query_id.in_(allowed))
                .options(joinedload(Contribution.author).options(*_NAMES_ONLY))
                .order_by(Contribution.created_at, Contribution.id)):
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
