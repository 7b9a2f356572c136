"""Review before publishing: a facilitator asks a reviewer (another facilitator, or an
expert, who may then read the draft) to review the latest revision; the reviewer approves
it or asks for changes. With the REVIEW_REQUIRED setting only an approval of the latest
revision lets it be published (services.publish_response)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import User, find_user_by_email
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..notify.services import notify
from ..queries.states import record
from .models import ResponseRevision, ReviewRequest


def request_review(user, query, reviewer_email: str, note: str | None = None) -> ReviewRequest:
    """Ask `reviewer_email` to review the current revision. Raises Forbidden (not a
    facilitator), Conflict (no draft), Invalid (no such facilitator or expert, oneself)."""
    perm.require(perm.can_request_review(user, query),
                 _("Only facilitators ask for reviews."))
    response = query.response
    if response is None or response.status not in ("draft", "published") \
            or query.status not in ("synthesis", "published"):
        raise Conflict(_("Only a saved draft can be reviewed."))
    note = (note or "").strip()
    errors = {}
    reviewer = find_user_by_email((reviewer_email or "").strip()) if reviewer_email else None
    if not (reviewer_email or "").strip():
        errors["reviewer"] = _("This field is required.")
    elif reviewer is None or not reviewer.active or not perm.may_review(reviewer):
        errors["reviewer"] = _("Choose a facilitator or an expert.")
    elif reviewer.id == user.id:
        errors["reviewer"] = _("Ask someone else: you cannot review your own request.")
    lengths.check(errors, note=(note, lengths.NOTE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    review = ReviewRequest(query=query, response=response, revision=response.revision,
                           reviewer=reviewer, requested_by=user, note=note, status="pending")
    db.session.add(review)
    db.session.flush()
    record(query, user, "review_requested", internal=True, revision=response.revision,
           reviewer=reviewer.name)
    notify([reviewer], "review_requested",
           _l("Please review the draft response to %(ref)s", ref=query.reference), query,
           actor=user, url=f"/review-requests/{review.id}")
    return review


def get_review(user, review_id: int) -> ReviewRequest:
    """The review request, to those who may see its query (NotFound otherwise)."""
    review = db.session.get(ReviewRequest, review_id)
    if review is None or not perm.can_view_query(user, review.query):
        raise NotFound(_("No such review request."))
    return review


def answer_review(user, review: ReviewRequest, approve: bool, note: str | None = None):
    """The reviewer approves the revision, or asks for changes (a note required). Raises
    Forbidden (not the reviewer; the author of the revision approving it), Conflict
    (answered already), Invalid."""
    perm.require(perm.can_answer_review(user, review),
                 _("Only the reviewer asked answers this review."))
    if review.status != "pending":
        raise Conflict(_("This review is answered already."))
    if approve:
        author_id = db.session.scalar(select(ResponseRevision.author_id).where(
            ResponseRevision.response_id == review.response_id,
            ResponseRevision.number == review.revision))
        perm.require(author_id != user.id,
                     _("The author of a revision cannot approve it."))
    note = (note or "").strip()
    errors = {}
    if not approve and not note:
        errors["note"] = _("Say what should change.")
    lengths.check(errors, note=(note, lengths.NOTE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    review.status = "approved" if approve else "changes_requested"
    review.answer_note, review.answered_at = note, utcnow()
    record(review.query, user, "review_approved" if approve else "review_changes_requested",
           internal=True, revision=review.revision)
    text = (_l("%(name)s approved revision %(number)s of the response to %(ref)s",
               name=user.name, number=review.revision, ref=review.query.reference)
            if approve else
            _l("%(name)s asks for changes to the response to %(ref)s",
               name=user.name, ref=review.query.reference))
    notify([review.requested_by], "review_answered", text, review.query, actor=user,
           url=f"/queries/{review.query.reference}/synthesis")
    db.session.flush()
    return review


def is_approved(response) -> bool:
    """Whether the latest revision of the response has an approval (an approval of an older
    revision does not count)."""
    return db.session.scalar(select(ReviewRequest.id).where(
        ReviewRequest.response_id == response.id, ReviewRequest.revision == response.revision,
        ReviewRequest.status == "approved").limit(1)) is not None


def reviews_of(query) -> list[ReviewRequest]:
    """The review requests of the query's response, newest first (staff's synthesis page)."""
    return list(db.session.scalars(select(ReviewRequest).where(
        ReviewRequest.query_id == query.id).order_by(ReviewRequest.id.desc())))


def pending_reviews(user, query=None, limit: int | None = None) -> list[ReviewRequest]:
    """The reviews the user is asked for and has not answered (their queue), with their
    queries; only those of `query` when given; the first `limit` when given."""
    if not perm.is_signed_in(user):
        return []
    stmt = (select(ReviewRequest).options(joinedload(ReviewRequest.query))
            .where(ReviewRequest.reviewer_id == user.id, ReviewRequest.status == "pending")
            .order_by(ReviewRequest.created_at))
    if query is not None:
        stmt = stmt.where(ReviewRequest.query_id == query.id)
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def eligible_reviewers(user) -> list:
    """Active facilitators and experts but the user: whom a review may be asked of, by
    name, as rows of (name, email) (the form's choice list of hundreds of people)."""
    from ..accounts.models import UserRole

    return list(db.session.execute(
        select(User.name, User.email).where(
            User.active.is_(True), User.id != user.id,
            # From the role index (an EXISTS per user read all 5 000 users at 100 000 queries).
            User.id.in_(select(UserRole.user_id)
                        .where(UserRole.role.in_(("facilitator", "expert")))))
        .order_by(User.name, User.id)))
