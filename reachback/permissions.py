"""The one access policy: every "may this user ...?" question is answered here.

Each rule exists twice, by design kept side by side: as a SQL filter for lists
(`visible_*`) and as an object check (`can_*`). tests/service/test_permissions.py
checks that the two agree on every combination of role and object. Who may read a published
item of each visibility is one table (READERS), which the search index's principals
(knowledge.search.principals_of) are made from too.
"""
from sqlalchemy import and_, false, or_, select, true, union

from .errors import Forbidden, NotFound
from .knowledge.models import Document
from .queries.models import ACTIVE_ASSIGNMENT, Assignment, Contribution, FieldQuery, Message
from .synthesis.models import READABLE_STATUSES, ConsolidatedResponse, ReviewRequest

EDITABLE_CONTRIBUTION = ("submitted", "clarification", "routed", "synthesis")


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    """Facilitators and admins see every query and run triage and synthesis."""
    return _signed_in(user) and user.is_staff


def is_admin(user) -> bool:
    return _signed_in(user) and user.has_role("admin")


def can_edit_thesaurus(user) -> bool:
    """The search thesaurus (acronyms and synonyms every search expands through): admins."""
    return is_admin(user)


def is_expert(user) -> bool:
    return _signed_in(user) and user.has_role("expert")


# --- who reads a published item ---------------------------------------------------------
# The readers of a published response or library document, by its visibility. A wider kind
# takes in the narrower ones (anyone > members > staff); "its people" are the item's own
# (a response's requester and assigned experts; a document has none).
ANYONE, MEMBERS, STAFF, ITS_PEOPLE = "anyone", "members", "staff", "its people"
READERS = {
    "public": frozenset({ANYONE}),
    "community": frozenset({MEMBERS}),
    "restricted": frozenset({STAFF, ITS_PEOPLE}),
}


def readers_of(visibility: str) -> frozenset[str]:
    """Who may read an item of this visibility; an unknown one counts as restricted."""
    return READERS.get(visibility, READERS["restricted"])


def _visibilities(*kinds: str) -> list[str]:
    """The visibilities whose readers include one of these kinds of reader."""
    return [v for v, readers in READERS.items() if readers & set(kinds)]


def _may_read(user, visibility: str, its_person) -> bool:
    """The object check of READERS; `its_person()` says whether the user is one of the
    item's own people."""
    readers = readers_of(visibility)
    if ANYONE in readers:
        return True
    if not _signed_in(user):
        return False
    if MEMBERS in readers or (STAFF in readers and user.is_staff):
        return True
    return ITS_PEOPLE in readers and its_person()


def _assigned_query_ids(user):
    """The ids of the queries the user is actively assigned to. Uncorrelated on purpose:
    the database reads the user's few assignments once (an index), where a correlated
    EXISTS is checked against every one of 100 000 queries."""
    return select(Assignment.query_id).where(
        Assignment.expert_id == user.id,
        Assignment.status.in_(ACTIVE_ASSIGNMENT),
    )


def is_assigned(user, query) -> bool:
    return _signed_in(user) and any(
        a.expert_id == user.id and a.status in ACTIVE_ASSIGNMENT for a in query.assignments
    )


# --- queries -----------------------------------------------------------------

def visible_queries(user):
    """Filter on FieldQuery: staff see all; others their own, community ones, and assigned ones."""
    if not _signed_in(user):
        return false()
    if user.is_staff:
        return true()
    return or_(
        FieldQuery.requester_id == user.id,
        FieldQuery.confidentiality == "community",
        FieldQuery.id.in_(_assigned_query_ids(user)),
        FieldQuery.id.in_(_reviewed_query_ids(user)),
    )


def can_view_query(user, query) -> bool:
    if not _signed_in(user):
        return False
    return (
        user.is_staff
        or query.requester_id == user.id
        or query.confidentiality == "community"
        or is_assigned(user, query)
        or is_reviewer(user, query)
    )


def _reviewed_query_ids(user):
    """The ids of the queries whose draft the user was asked to review."""
    return select(ReviewRequest.query_id).where(ReviewRequest.reviewer_id == user.id)


def is_reviewer(user, query) -> bool:
    """Whether the user was asked to review the query's draft (who may then read it)."""
    from .extensions import db

    return _signed_in(user) and db.session.scalar(
        select(ReviewRequest.id).where(ReviewRequest.query_id == query.id,
                                       ReviewRequest.reviewer_id == user.id).limit(1)
    ) is not None


def may_review(user) -> bool:
    """Who may be asked to review a draft response: facilitators and experts."""
    return _signed_in(user) and (user.has_role("facilitator") or user.has_role("expert"))


def can_request_review(user, query) -> bool:
    """Ask for a review of the draft: facilitators (who write it)."""
    return can_triage(user, query)


def can_answer_review(user, review) -> bool:
    """Approve or ask for changes: the reviewer asked, only."""
    return _signed_in(user) and review.reviewer_id == user.id


def can_read_draft(user, query) -> bool:
    """The draft response and its revisions: facilitators, and the reviewers asked."""
    return can_triage(user, query) or is_reviewer(user, query)


def can_triage(user, query) -> bool:
    """Clarify, route, close for any reason, draft and publish: staff only."""
    return is_staff(user)


def can_edit_query(user, query) -> bool:
    """Correct a query's title, themes, country, priority and confidentiality during triage
    (while it is neither closed nor published): facilitators, as can_triage."""
    return can_triage(user, query)


def can_read_edit_reason(user, query) -> bool:
    """The reason a facilitator gave for changing a query's confidentiality: staff only (the
    timeline's other readers see what changed, not why)."""
    return is_staff(user)


def can_see_triage_due(user, query) -> bool:
    """The triage target (its due time and state) is the facilitators' own."""
    return can_triage(user, query)


def can_see_resolution_due(user, query) -> bool:
    """When the response is due: staff, the requester ("answer expected by") and the
    experts assigned; not other readers of a community query."""
    return is_staff(user) or is_requester(user, query) or is_assigned(user, query)


def is_requester(user, query) -> bool:
    return _signed_in(user) and query.requester_id == user.id


def can_withdraw(user, query) -> bool:
    return is_requester(user, query) or is_staff(user)


def can_contribute(user, query) -> bool:
    return is_assigned(user, query) and query.status in ("routed", "synthesis")


def can_see_internal(user, query) -> bool:
    """Internal notes and staff-only events: staff and assigned experts, never the requester
    (unless the requester is also staff or assigned)."""
    return is_staff(user) or is_assigned(user, query)


def can_view_contributions(user, query) -> bool:
    """Staff and assigned experts always; the requester only once the response is published."""
    return can_see_internal(user, query) or (
        is_requester(user, query) and query.status == "published"
    )


def is_author(user, item) -> bool:
    """Whether the user wrote the contribution (or message)."""
    return _signed_in(user) and item.author_id == user.id


def can_edit_contribution(user, contribution) -> bool:
    """Its author, until the response is published (or the query closed)."""
    return is_author(user, contribution) and contribution.query.status in EDITABLE_CONTRIBUTION


def can_answer_assignment(user, assignment) -> bool:
    """Accept or decline: only the invited expert."""
    return _signed_in(user) and assignment.expert_id == user.id


# --- responses ----------------------------------------------------------------

def visible_responses(user):
    """Filter on ConsolidatedResponse (joined to FieldQuery): published and readable (READERS)."""
    published = ConsolidatedResponse.status.in_(READABLE_STATUSES)
    if not _signed_in(user):
        return and_(published, ConsolidatedResponse.visibility.in_(_visibilities(ANYONE)))
    if user.is_staff:
        return published
    return and_(
        published,
        or_(
            ConsolidatedResponse.visibility.in_(_visibilities(ANYONE, MEMBERS)),
            ConsolidatedResponse.query_id.in_(
                union(select(FieldQuery.id).where(FieldQuery.requester_id == user.id),
                      _assigned_query_ids(user))
            ),
        ),
    )


def can_view_response(user, response) -> bool:
    """A published (or superseded) response, by READERS; its people are its query's requester
    and experts."""
    if response is None or response.status not in READABLE_STATUSES:
        return False
    return could_read_response(user, response)


def could_read_response(user, response) -> bool:
    """Whether the user is among the response's readers by its visibility, whatever its
    status: those told why a retracted response is gone (410), where others learn nothing."""
    return _may_read(user, response.visibility, lambda: is_requester(user, response.query)
                     or is_assigned(user, response.query))


def can_change_status(user, response) -> bool:
    """Supersede or retract a published response: facilitators."""
    return is_staff(user)


def can_rate(user, query) -> bool:
    """Rate the response to a query: its requester."""
    return is_requester(user, query)


def can_see_rating(user, query) -> bool:
    """See the requester's rating of the response: the requester and staff."""
    return can_rate(user, query) or is_staff(user)


def can_give_feedback(user, response) -> bool:
    """Mark a response useful or not, comment, flag it outdated: its signed-in readers (the
    caller found it readable first)."""
    return _signed_in(user) and can_view_response(user, response)


def can_see_feedback(user, response) -> bool:
    """Readers' comments and flags, and the ratings: staff."""
    return is_staff(user)


def can_follow_up(user, query) -> bool:
    """Ask a follow-up question: whoever may read its published response, or the requester
    of the closed query."""
    return _signed_in(user) and (
        can_view_response(user, query.response)
        or (query.status == "closed" and is_requester(user, query)))


def can_view_annexes(user, response) -> bool:
    """Download a response's annexes: whoever may read the response, and the staff who write
    it (a draft's annexes too); others are told nothing (404)."""
    return response is not None and (can_view_response(user, response)
                                     or can_triage(user, response.query))


def can_manage_annexes(user, response) -> bool:
    """Attach annexes to a response, or remove them: the facilitators who write it."""
    return response is not None and can_triage(user, response.query)


def can_link_responses(user, response) -> bool:
    """Add or remove a response's "See also" links: facilitators."""
    return is_staff(user)


def can_translate(user, response) -> bool:
    """Add or edit a translation of a response: facilitators (who publish it). Its readers
    are the response's (can_view_response)."""
    return is_staff(user)


# --- library documents and attachments ------------------------------------------

def can_manage_documents(user) -> bool:
    """Add and edit library documents: staff only."""
    return is_staff(user)


def visible_documents(user):
    """Filter on Document (READERS): public ones for everyone (even signed out), community
    ones for every signed-in user, restricted ones for staff only."""
    if not _signed_in(user):
        return Document.visibility.in_(_visibilities(ANYONE))
    if user.is_staff:
        return true()
    return Document.visibility.in_(_visibilities(ANYONE, MEMBERS))


def can_view_document(user, document) -> bool:
    """A library document, by READERS (it has no people of its own)."""
    if document is None:
        return False
    return _may_read(user, document.visibility, lambda: False)


def can_view_message(user, message, query) -> bool:
    """A message of `query`: public ones with the query, internal notes only to those who
    see internal notes (staff and assigned experts)."""
    return can_view_query(user, query) and (
        message.visibility == "public" or can_see_internal(user, query))


def can_view_attachment(user, attachment) -> bool:
    """Whoever may see the attachment's owner: the query; the message (internal notes only to
    staff and assigned experts); the contribution (can_view_contributions); the document; the
    response whose annex it is (can_view_annexes)."""
    if attachment is None:
        return False
    if attachment.query_id is not None:
        return can_view_query(user, attachment.query)
    if attachment.message_id is not None:
        message = attachment.message
        return can_view_message(user, message, _query_of(message))
    if attachment.contribution_id is not None:
        query = attachment.contribution.query
        return can_view_query(user, query) and can_view_contributions(user, query)
    if attachment.document_id is not None:
        return can_view_document(user, attachment.document)
    if attachment.response_id is not None:
        return can_view_annexes(user, attachment.response)
    return False


def can_attach(user, owner) -> bool:
    """Attach a file: to a query, its requester or staff; to a message or a contribution, its
    author (a contribution only while it may still be edited); to a document, staff; to a
    response (an annex), can_manage_annexes."""
    if not _signed_in(user):
        return False
    if isinstance(owner, FieldQuery):
        return is_requester(user, owner) or is_staff(user)
    if isinstance(owner, Message):
        return is_author(user, owner)
    if isinstance(owner, Contribution):
        return can_edit_contribution(user, owner)
    if isinstance(owner, Document):
        return can_manage_documents(user)
    if isinstance(owner, ConsolidatedResponse):
        return can_manage_annexes(user, owner)
    return False


def _query_of(message) -> FieldQuery:
    from .extensions import db

    return db.session.get(FieldQuery, message.query_id)


# --- reports ------------------------------------------------------------------------

def can_view_reports(user) -> bool:
    """The reports (demand, response times, expert load, use, knowledge gaps) and their
    exports: facilitators and admins."""
    return is_staff(user)


# --- accounts ---------------------------------------------------------------------

INVITABLE_BY_FACILITATORS = frozenset({"member", "expert"})


def can_invite(user, roles=()) -> bool:
    """Invite people by e-mail: admins with any roles, facilitators members and experts
    only (a facilitator never creates a facilitator or an admin)."""
    if is_admin(user):
        return True
    return is_staff(user) and set(roles) <= INVITABLE_BY_FACILITATORS


def needs_two_factor(user) -> bool:
    """Two-factor sign-in is required for facilitators and admins, and for everyone when
    the TOTP_REQUIRED_FOR_ALL setting is on; optional otherwise."""
    from .config import setting

    return bool(user is not None and (user.is_staff or setting("TOTP_REQUIRED_FOR_ALL")))


def can_disable_two_factor(user) -> bool:
    """Turn two-factor sign-in off: only where it is not required."""
    return _signed_in(user) and not needs_two_factor(user)


# --- guards used by services ----------------------------------------------------

def require(allowed: bool, message: str = "You may not do this.") -> None:
    if not allowed:
        raise Forbidden(message)


def require_visible_query(user, query) -> FieldQuery:
    if query is None or not can_view_query(user, query):
        raise NotFound("No such query.")
    return query
