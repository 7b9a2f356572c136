"""JSON shapes of the API's objects: plain dicts, timestamps in UTC ISO 8601."""
from datetime import UTC, date, datetime

from .. import permissions as perm
from ..models_base import utcnow
from ..queries import lists
from ..queries.lists import contributors_of
from ..sla.services import assignment_state, sla_summary


def iso(value: datetime | date | None) -> str | None:
    """`2026-11-27T14:03:00+00:00` for a time, `2026-11-27` for a date, None for nothing."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    return value.isoformat()


def person(user) -> dict | None:
    return {"email": user.email, "name": user.name} if user is not None else None


def me(user) -> dict:
    return {**person(user), "roles": sorted(user.roles)}


def theme(t) -> dict:
    return {"slug": t.slug, "name": t.name, "parent": t.parent.slug if t.parent else None}


def query(user, q, contributions=None) -> dict:
    """A query as `user` may see it: assignments only for staff and assigned experts,
    contributions only as queries.lists.contributions allows (lists pass them in batch)."""
    if contributions is None:
        contributions = lists.contributions(user, q)
    internal = perm.can_see_internal(user, q)
    return {
        "ref": q.reference,
        "title": q.title,
        "question": q.question,
        "question_html": str(q.html("question")),
        "context": q.context,
        "purpose": q.purpose,
        "country": q.country,
        "themes": [t.slug for t in q.themes],
        "priority": q.priority,
        "needed_by": iso(q.needed_by),
        "confidentiality": q.confidentiality,
        "status": q.status,
        "requester": person(q.requester),
        "created_at": iso(q.created_at),
        "updated_at": iso(q.updated_at),
        "assignments": [_query_assignment(a) for a in q.assignments] if internal else [],
        "contributions": [_query_contribution(c) for c in contributions],
        "sla": sla_summary(q, utcnow()),
    }


def _query_assignment(a) -> dict:
    return {"id": a.id, "expert": person(a.expert), "status": a.status,
            "due_at": iso(a.due_at), "sla_state": assignment_state(a, utcnow())}


def _query_contribution(c) -> dict:
    return {"id": c.id, "author": person(c.author), "body": c.body,
            "body_html": str(c.html("body")), "created_at": iso(c.created_at)}


def assignment(a) -> dict:
    return {"id": a.id, "query": a.query.reference, "expert": person(a.expert),
            "status": a.status, "due_at": iso(a.due_at),
            "sla_state": assignment_state(a, utcnow()),
            "decline_reason": a.decline_reason}


def contribution(c) -> dict:
    return {**_query_contribution(c), "query": c.query.reference, "updated_at": iso(c.updated_at)}


def response(r) -> dict:
    q = r.query
    return {
        "ref": q.reference,
        "title": r.title,
        "summary": r.summary,
        "body": r.body,
        "body_html": str(r.html("body")),
        "visibility": r.visibility,
        "status": r.status,
        "published_at": iso(r.published_at),
        "revision": r.revision,
        "country": q.country,
        "themes": [t.slug for t in q.themes],
        "contributors": contributors_of(q),
    }


def suggestion(s) -> dict:
    return {**person(s.expert), "score": s.score, "reasons": list(s.reasons), "away": s.away}


def event(e) -> dict:
    return {"kind": e.kind, "actor": person(e.actor), "at": iso(e.at), "data": e.data or {}}


def page(items, pager) -> dict:
    return {"items": items, "total": pager.total, "page": pager.page, "per_page": pager.per_page}
