"""What readers make of a response: the requester's rating (and the reminder to give one),
readers' feedback (useful or not, a comment, "outdated"), and follow-up questions."""
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from .. import lengths
from .. import permissions as perm
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..knowledge import search
from ..models_base import utcnow
from ..notify.services import notify
from ..queries.models import FieldQuery
from ..queries.states import record
from .models import READABLE_STATUSES, ConsolidatedResponse, ResponseFeedback, ResponseRating

RATING_REMINDER_AFTER = timedelta(days=14)
SCORES = range(1, 6)


def _score(value, errors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        errors["score"] = _("Give a whole number from 1 to 5.")
        return None
    return value


def rate(user, query, score, used_for: str | None = None) -> tuple[ResponseRating, bool]:
    """The requester rates the published response to their query; a second rating replaces
    the first. Returns (the rating, whether it is new). Raises Forbidden (not the requester),
    Conflict (not published yet), Invalid."""
    perm.require(perm.can_rate(user, query), _("Only the requester rates the response."))
    response = query.response
    if response is None or response.status not in READABLE_STATUSES:
        raise Conflict(_("The response can be rated once it is published."))
    errors = {}
    score = _score(score, errors)
    if used_for is not None and not isinstance(used_for, str):
        errors["used_for"], used_for = _("Must be text."), ""
    used_for = (used_for or "").strip()
    lengths.check(errors, used_for=(used_for, lengths.NOTE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    rating = db.session.scalar(select(ResponseRating).where(ResponseRating.query_id == query.id))
    created = rating is None
    if created:
        rating = ResponseRating(query_id=query.id, user_id=user.id, score=score)
        db.session.add(rating)
    rating.score, rating.used_for = score, used_for
    record(query, user, "rated", score=score)
    db.session.flush()
    return rating, created


def rating_of(query) -> ResponseRating | None:
    return db.session.scalar(select(ResponseRating).where(ResponseRating.query_id == query.id))


def ratings_summary(since=None) -> dict:
    """The number of ratings and their average (the SLA dashboard)."""
    stmt = select(func.count(ResponseRating.id), func.avg(ResponseRating.score))
    if since is not None:
        stmt = stmt.where(ResponseRating.updated_at >= since)
    count, average = db.session.execute(stmt).one()
    return {"count": count or 0, "average": round(float(average), 1) if average else None}


def remind_to_rate(now=None) -> int:
    """Ask each requester whose response was published 14 days ago or more, and who has not
    rated it, to rate it: once per response. Returns how many were asked."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(ConsolidatedResponse).join(FieldQuery)
        .outerjoin(ResponseRating, ResponseRating.query_id == FieldQuery.id)
        .where(ConsolidatedResponse.status.in_(READABLE_STATUSES),
               ConsolidatedResponse.published_at <= now - RATING_REMINDER_AFTER,
               ConsolidatedResponse.rating_reminded_at.is_(None),
               ResponseRating.id.is_(None))))
    for response in due:
        query = response.query
        response.rating_reminded_at = now
        notify([query.requester], "rating_reminder",
               _l("How useful was the response to %(ref)s? Please rate it.",
                  ref=query.reference), query)
        record(query, None, "rating_reminder_sent", internal=True)
    db.session.commit()
    return len(due)


# --- readers' feedback --------------------------------------------------------------------

def give_feedback(user, response, useful, comment: str | None = None,
                  outdated=None) -> tuple[ResponseFeedback, bool]:
    """A reader (signed in) marks the response useful or not, with an optional comment to
    the facilitators, and may flag it outdated; again replaces it. Returns (it, new)."""
    perm.require(perm.can_give_feedback(user, response),
                 _("Sign in to give feedback on a response."))
    errors = {}
    if not isinstance(useful, bool):
        errors["useful"] = _("Say whether it was useful: true or false.")
    if outdated is not None and not isinstance(outdated, bool):
        errors["outdated"] = _("Use true or false.")
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = _("Must be text.")
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    lengths.check(errors, comment=(comment, lengths.NOTE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    item = db.session.scalar(select(ResponseFeedback).where(
        ResponseFeedback.response_id == response.id, ResponseFeedback.user_id == user.id))
    created = item is None
    if created:
        item = ResponseFeedback(response_id=response.id, user_id=user.id, useful=useful)
        db.session.add(item)
    item.useful, item.comment, item.outdated = useful, comment, bool(outdated)
    record(response.query, user, "feedback_given", internal=True, useful=useful,
           outdated=bool(outdated))
    search.standing_changed(response)  # useful responses rank a little higher
    db.session.flush()
    return item, created


def feedback_counts(response) -> dict:
    """How many readers found it useful, not useful, and flagged it outdated."""
    useful, total, outdated = db.session.execute(select(
        func.count(case((ResponseFeedback.useful.is_(True), 1))),
        func.count(ResponseFeedback.id),
        func.count(case((ResponseFeedback.outdated.is_(True), 1))),
    ).where(ResponseFeedback.response_id == response.id)).one()
    return {"useful": useful, "not_useful": total - useful, "outdated": outdated,
            "total": total}


def feedback_comments(user, response) -> list[ResponseFeedback]:
    """The readers' comments and flags, newest first: for staff only."""
    if not perm.can_see_feedback(user, response):
        return []
    return list(db.session.scalars(select(ResponseFeedback).where(
        ResponseFeedback.response_id == response.id,
        (ResponseFeedback.comment != "") | ResponseFeedback.outdated.is_(True))
        .order_by(ResponseFeedback.updated_at.desc())))


def flagged_responses(user) -> list[tuple[ConsolidatedResponse, int]]:
    """Readable responses flagged outdated by readers, most flags first, with the count:
    the facilitators' list."""
    perm.require(perm.is_staff(user), _("Only facilitators see flagged responses."))
    flags = func.count(ResponseFeedback.id)
    rows = db.session.execute(
        select(ConsolidatedResponse, flags).join(
            ResponseFeedback, and_(ResponseFeedback.response_id == ConsolidatedResponse.id,
                                   ResponseFeedback.outdated.is_(True)))
        .where(ConsolidatedResponse.status.in_(READABLE_STATUSES))
        .group_by(ConsolidatedResponse.id)
        .order_by(flags.desc(), ConsolidatedResponse.id))
    return [(r, n) for r, n in rows]


# --- follow-ups -----------------------------------------------------------------------------

def follow_up_original(user, reference: str) -> FieldQuery:
    """The query `reference` if the user may follow it up: whoever may read its published
    response, or the requester of the closed query. NotFound when they may see neither the
    query nor its response; Conflict before it is published or closed; Forbidden."""
    original = db.session.scalar(select(FieldQuery).where(
        FieldQuery.reference == (reference or "").upper()))
    if original is None or not (perm.can_view_query(user, original)
                                or perm.can_view_response(user, original.response)):
        raise NotFound(_("No such query."))
    if original.status not in ("published", "closed"):
        raise Conflict(_("A follow-up can be asked once the query is answered or closed."))
    perm.require(perm.can_follow_up(user, original),
                 _("Only readers of its response, or its requester, ask a follow-up."))
    return original


def ask_follow_up(user, reference: str, data: dict) -> FieldQuery:
    """A new query (`data` as submit_query takes it) following up `reference`
    (follow_up_original says who may)."""
    from ..queries.services import submit_query

    original = follow_up_original(user, reference)
    query = submit_query(user, data)
    query.follows_id = original.id
    record(original, user, "follow_up_asked", follow_up=query.reference)
    record(query, user, "follows", original=original.reference)
    db.session.flush()
    return query


def follow_ups(user, query) -> list[FieldQuery]:
    """The follow-ups of `query` the user may see."""
    return list(db.session.scalars(select(FieldQuery).where(
        FieldQuery.follows_id == query.id, perm.visible_queries(user))
        .order_by(FieldQuery.created_at)))
