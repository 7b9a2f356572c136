"""The query state machine: the one place that knows which transitions exist."""
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import Conflict
from .models import Event

# (from, to) pairs that exist; who may take them is decided by the services via permissions.
TRANSITIONS = {
    ("submitted", "clarification"),
    ("clarification", "submitted"),
    ("submitted", "routed"),
    ("clarification", "routed"),
    ("routed", "routed"),
    ("submitted", "synthesis"),
    ("routed", "synthesis"),
    ("synthesis", "published"),
    ("submitted", "closed"),
    ("clarification", "closed"),
    ("routed", "closed"),
    ("synthesis", "closed"),
}

# What a person reads for each status (the `status` filter), in their language; the API
# sends the codes. A query's statuses first, then an expert assignment's.
STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "clarification": _l("Awaiting clarification"),
    "routed": _l("With experts"),
    "synthesis": _l("In synthesis"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "answered": _l("Answered"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}


def can_transition(current: str, target: str) -> bool:
    return (current, target) in TRANSITIONS


def check_transition(query, target: str) -> None:
    if not can_transition(query.status, target):
        raise Conflict(_("This query is %(status)s; it cannot move to “%(target)s”.",
                         status=str(STATUS_LABELS[query.status]).lower(),
                         target=str(STATUS_LABELS[target]).lower()))


def transition(query, target: str, actor, kind: str, **data) -> Event:
    """Move the query to `target` and record the event in the same transaction."""
    check_transition(query, target)
    previous = query.status
    query.status = target
    return record(query, actor, kind, from_status=previous, to_status=target, **data)


# Where the actions being recorded came from, when not the site or the API ("email").
ORIGIN: ContextVar[str | None] = ContextVar("origin", default=None)


@contextmanager
def origin(name: str):
    """Every event recorded inside says it came by `name` (its data's `origin`): the mail-in
    handler wraps the services it calls so, and the timeline shows it."""
    token = ORIGIN.set(name)
    try:
        yield
    finally:
        ORIGIN.reset(token)


def record(query, actor, kind: str, internal: bool = False, **data) -> Event:
    """Append an event to the query's timeline (marked with the ORIGIN in force)."""
    from ..extensions import db

    if (came_by := ORIGIN.get()) is not None:
        data["origin"] = came_by

    event = Event(
        query_id=query.id if query is not None else None,
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        data=data,
        internal=internal,
    )
    db.session.add(event)
    return event
