"""The one access policy: every "may this user ...?" question is answered here.

Each rule exists twice, by design kept side by side: as a SQL filter for lists
(`visible_*`) and as an object check (`can_*`). tests/service/test_permissions.py
checks that the two agree on every combination of role and object. Who may read a published
item of each visibility is one table (READERS), which the search index's principals
(knowledge.search.principals_of) are made from too.

Sub-groups (reachback.groups): an item of a group with the visibility `group` is read by the
group's active members (and staff); a group's facilitators are staff for its items only
(triage, route, synthesise, publish; read its restricted queries and responses), never
elsewhere. Memberships are read afresh on every request: a member who leaves loses access
at once.
"""
from flask import has_request_context, request
from sqlalchemy import and_, false, func, or_, select, true, union

from .community.models import CommunityEvent, Notice
from .discussions.models import Discussion, DiscussionParticipant
from .errors import Forbidden, NotFound
from .groups.models import GroupMembership
from .knowledge.models import Document
from .newsletters.models import PUBLISHED_STATUSES, Newsletter
from .queries.models import ACTIVE_ASSIGNMENT, Assignment, Contribution, FieldQuery, Message
from .synthesis.models import READABLE_STATUSES, ConsolidatedResponse, ReviewRequest

EDITABLE_CONTRIBUTION = ("submitted", "clarification", "routed", "synthesis")


def is_signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    """Facilitators and admins see every query and run triage and synthesis."""
    return is_signed_in(user) and user.is_staff


def is_admin(user) -> bool:
    return is_signed_in(user) and user.has_role("admin")


def can_edit_thesaurus(user) -> bool:
    """The search thesaurus (acronyms and synonyms every search expands through): admins."""
    return is_admin(user)


def is_expert(user) -> bool:
    return is_signed_in(user) and user.has_role("expert")


# --- groups ---------------------------------------------------------------------------

def group_roles(user) -> dict[int, str]:
    """{group id: "member" or "facilitator"} of the user's active memberships (pending ones
    give nothing). Read once per request (kept on the request), never across requests."""
    if not is_signed_in(user):
        return {}
    cache = getattr(request, "_rb_group_roles", None) if has_request_context() else None
    if cache is not None and cache[0] == user.id:
        return cache[1]
    from .extensions import db

    roles = dict(db.session.execute(
        select(GroupMembership.group_id, GroupMembership.role)
        .where(GroupMembership.user_id == user.id, GroupMembership.status == "active")).all())
    if has_request_context():
        request._rb_group_roles = (user.id, roles)
    return roles


def forget_group_roles() -> None:
    """After a membership changes: the next check reads them again."""
    if has_request_context():
        request._rb_group_roles = None


def is_group_member(user, group_id) -> bool:
    """An active member (or facilitator) of the group."""
    return group_id is not None and group_id in group_roles(user)


def is_group_facilitator(user, group_id) -> bool:
    """An active facilitator of the group."""
    return group_id is not None and group_roles(user).get(group_id) == "facilitator"


def _group_ids(user, facilitator: bool = False):
    """The ids of the groups the user is an active member (or facilitator) of, as SQL."""
    stmt = select(GroupMembership.group_id).where(GroupMembership.user_id == user.id,
                                                  GroupMembership.status == "active")
    return stmt.where(GroupMembership.role == "facilitator") if facilitator else stmt


def _staff_for(user, group_id) -> bool:
    """Staff, or a facilitator of the item's group: who runs an item of that group."""
    return is_staff(user) or is_group_facilitator(user, group_id)


def can_create_group(user) -> bool:
    """Create a group: admins."""
    return is_admin(user)


def can_manage_group(user, group) -> bool:
    """Approve members, remove them: the group's facilitators and staff."""
    return _staff_for(user, group.id)


def can_name_group_facilitators(user) -> bool:
    """Make a member a group's facilitator, or a facilitator a member again: staff, not the
    group's own facilitators."""
    return is_staff(user)


def can_join_group(user) -> bool:
    """Ask to join a group: any signed-in user."""
    return is_signed_in(user)


def can_remove_member(user, membership) -> bool:
    """End a membership: the member themselves, the group's facilitators, staff."""
    return is_signed_in(user) and (membership.user_id == user.id
                                 or _staff_for(user, membership.group_id))


def can_see_pending(user, group) -> bool:
    """Who waits to join: those who approve them."""
    return can_manage_group(user, group)


def can_use_group(user, group) -> bool:
    """Put a query in the group: its active members (facilitators included)."""
    return group is not None and is_group_member(user, group.id)


# --- e-discussions ---------------------------------------------------------------------
# A discussion's audience: for the community (no group), every signed-in member; for a
# group, its active members, its facilitators and staff. Invited resource people join the
# audience of the discussion they were invited to.

def _invited_discussion_ids(user):
    return select(DiscussionParticipant.discussion_id).where(
        DiscussionParticipant.user_id == user.id, DiscussionParticipant.invited.is_(True))


def is_invited(user, discussion) -> bool:
    """An invited resource person of the discussion."""
    from .extensions import db

    return is_signed_in(user) and db.session.scalar(
        select(DiscussionParticipant.user_id).where(
            DiscussionParticipant.discussion_id == discussion.id,
            DiscussionParticipant.user_id == user.id,
            DiscussionParticipant.invited.is_(True))) is not None


def visible_discussions(user):
    """Filter on Discussion: the community's for every signed-in member; a group's for its
    active members (and facilitators); every one for staff; the ones they were invited to."""
    if not is_signed_in(user):
        return false()
    if user.is_staff:
        return true()
    return or_(Discussion.group_id.is_(None), Discussion.group_id.in_(_group_ids(user)),
               Discussion.id.in_(_invited_discussion_ids(user)))


def can_see_discussion(user, discussion) -> bool:
    """The object check of visible_discussions."""
    if discussion is None or not is_signed_in(user):
        return False
    return (discussion.group_id is None or _staff_for(user, discussion.group_id)
            or is_group_member(user, discussion.group_id) or is_invited(user, discussion))


def can_open_discussion(user, group=None) -> bool:
    """Open a discussion: facilitators (and admins) for any audience; a group's facilitators
    for their own group."""
    return is_staff(user) or (group is not None and is_group_facilitator(user, group.id))


def can_post_in_discussion(user, discussion) -> bool:
    """Post and reply: its audience (and only while it is open: the service answers 409)."""
    return can_see_discussion(user, discussion)


def can_moderate_discussion(user, discussion) -> bool:
    """Hide a post (with a reason), see hidden posts, post weekly summaries, publish the
    summary that closes it: staff and the facilitators of its group."""
    return is_signed_in(user) and _staff_for(user, discussion.group_id)


# --- who reads a published item ---------------------------------------------------------
# The readers of a published response or library document, by its visibility. A wider kind
# takes in the narrower ones (anyone > members > staff); "its people" are the item's own
# (a response's requester and assigned experts; a document has none). "Its group" are the
# active members of the item's group; STAFF takes in the facilitators of the item's group.
ANYONE, MEMBERS, STAFF, ITS_PEOPLE = "anyone", "members", "staff", "its people"
GROUP = "its group"
READERS = {
    "public": frozenset({ANYONE}),
    "community": frozenset({MEMBERS}),
    "group": frozenset({GROUP, STAFF, ITS_PEOPLE}),
    "restricted": frozenset({STAFF, ITS_PEOPLE}),
}


def readers_of(visibility: str) -> frozenset[str]:
    """Who may read an item of this visibility; an unknown one counts as restricted."""
    return READERS.get(visibility, READERS["restricted"])


def _visibilities(*kinds: str) -> list[str]:
    """The visibilities whose readers include one of these kinds of reader."""
    return [v for v, readers in READERS.items() if readers & set(kinds)]


def _may_read(user, visibility: str, its_person, group_id=None) -> bool:
    """The object check of READERS; `its_person()` says whether the user is one of the
    item's own people; `group_id` is the item's group (None for most)."""
    readers = readers_of(visibility)
    if ANYONE in readers:
        return True
    if not is_signed_in(user):
        return False
    if MEMBERS in readers or (STAFF in readers and _staff_for(user, group_id)):
        return True
    if GROUP in readers and is_group_member(user, group_id):
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
    return is_signed_in(user) and any(
        a.expert_id == user.id and a.status in ACTIVE_ASSIGNMENT for a in query.assignments
    )


# --- queries -----------------------------------------------------------------

def visible_queries(user):
    """Filter on FieldQuery: staff see all; others their own, community ones, assigned ones,
    `group` ones of their groups, and every query of the groups they facilitate."""
    if not is_signed_in(user):
        return false()
    if user.is_staff:
        return true()
    return or_(
        FieldQuery.requester_id == user.id,
        FieldQuery.confidentiality == "community",
        FieldQuery.id.in_(_assigned_query_ids(user)),
        FieldQuery.id.in_(_reviewed_query_ids(user)),
        and_(FieldQuery.confidentiality == "group", FieldQuery.group_id.in_(_group_ids(user))),
        FieldQuery.group_id.in_(_group_ids(user, facilitator=True)),
    )


def can_view_query(user, query) -> bool:
    if not is_signed_in(user):
        return False
    return (
        _staff_for(user, query.group_id)
        or query.requester_id == user.id
        or query.confidentiality == "community"
        or (query.confidentiality == "group" and is_group_member(user, query.group_id))
        or is_assigned(user, query)
        or is_reviewer(user, query)
    )


def _reviewed_query_ids(user):
    """The ids of the queries whose draft the user was asked to review."""
    return select(ReviewRequest.query_id).where(ReviewRequest.reviewer_id == user.id)


def is_reviewer(user, query) -> bool:
    """Whether the user was asked to review the query's draft (who may then read it)."""
    from .extensions import db

    return is_signed_in(user) and db.session.scalar(
        select(ReviewRequest.id).where(ReviewRequest.query_id == query.id,
                                       ReviewRequest.reviewer_id == user.id).limit(1)
    ) is not None


def may_review(user) -> bool:
    """Who may be asked to review a draft response: facilitators and experts."""
    return is_signed_in(user) and (user.has_role("facilitator") or user.has_role("expert"))


def can_request_review(user, query) -> bool:
    """Ask for a review of the draft: facilitators (who write it)."""
    return can_triage(user, query)


def can_answer_review(user, review) -> bool:
    """Approve or ask for changes: the reviewer asked, only."""
    return is_signed_in(user) and review.reviewer_id == user.id


def can_read_draft(user, query) -> bool:
    """The draft response and its revisions: facilitators, and the reviewers asked."""
    return can_triage(user, query) or is_reviewer(user, query)


def can_triage(user, query) -> bool:
    """Clarify, route, close for any reason, draft and publish: staff, and the facilitators
    of the query's group."""
    return _staff_for(user, query.group_id)


def can_edit_query(user, query) -> bool:
    """Correct a query's title, themes, country, priority and confidentiality during triage
    (while it is neither closed nor published): facilitators, as can_triage."""
    return can_triage(user, query)


def can_read_edit_reason(user, query) -> bool:
    """The reason a facilitator gave for changing a query's confidentiality: staff only (the
    timeline's other readers see what changed, not why)."""
    return can_triage(user, query)


def can_see_triage_due(user, query) -> bool:
    """The triage target (its due time and state) is the facilitators' own."""
    return can_triage(user, query)


def can_see_resolution_due(user, query) -> bool:
    """When the response is due: staff, the requester ("answer expected by") and the
    experts assigned; not other readers of a community query."""
    return can_triage(user, query) or is_requester(user, query) or is_assigned(user, query)


def is_requester(user, query) -> bool:
    return is_signed_in(user) and query.requester_id == user.id


def can_withdraw(user, query) -> bool:
    return is_requester(user, query) or can_triage(user, query)


def can_contribute(user, query) -> bool:
    return is_assigned(user, query) and query.status in ("routed", "synthesis")


def can_see_internal(user, query) -> bool:
    """Internal notes and staff-only events: staff and assigned experts, never the requester
    (unless the requester is also staff or assigned); the group's facilitators for a query
    of their group."""
    return can_triage(user, query) or is_assigned(user, query)


def can_view_contributions(user, query) -> bool:
    """Staff and assigned experts always; the requester only once the response is published."""
    return can_see_internal(user, query) or (
        is_requester(user, query) and query.status == "published"
    )


def is_author(user, item) -> bool:
    """Whether the user wrote the contribution (or message)."""
    return is_signed_in(user) and item.author_id == user.id


def can_edit_contribution(user, contribution) -> bool:
    """Its author, until the response is published (or the query closed)."""
    return is_author(user, contribution) and contribution.query.status in EDITABLE_CONTRIBUTION


def can_answer_assignment(user, assignment) -> bool:
    """Accept or decline: only the invited expert."""
    return is_signed_in(user) and assignment.expert_id == user.id


# --- responses ----------------------------------------------------------------

def visible_responses(user, *, newest_first=False):
    """Filter on ConsolidatedResponse (joined to FieldQuery): published and readable (READERS).

    `newest_first`: the same filter for a list read in publication order, its status read
    through an expression so that no planner walks the status index (ix_responses_visible:
    every published response, then a sort of them all) where the listing index
    (ix_responses_listing, in publication order, covering the filter) stops at the page."""
    status = func.coalesce(ConsolidatedResponse.status, "") if newest_first \
        else ConsolidatedResponse.status
    published = status.in_(READABLE_STATUSES)
    if not is_signed_in(user):
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
            and_(ConsolidatedResponse.visibility.in_(_visibilities(GROUP)),
                 ConsolidatedResponse.query_id.in_(
                     select(FieldQuery.id).where(FieldQuery.group_id.in_(_group_ids(user))))),
            and_(ConsolidatedResponse.visibility.in_(_visibilities(STAFF)),
                 ConsolidatedResponse.query_id.in_(
                     select(FieldQuery.id).where(
                         FieldQuery.group_id.in_(_group_ids(user, facilitator=True))))),
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
                     or is_assigned(user, response.query), response.query.group_id)


def can_change_status(user, response) -> bool:
    """Supersede or retract a published response: facilitators (a group's, its own)."""
    return can_triage(user, response.query)


def can_rate(user, query) -> bool:
    """Rate the response to a query: its requester."""
    return is_requester(user, query)


def can_see_rating(user, query) -> bool:
    """See the requester's rating of the response: the requester and staff."""
    return can_rate(user, query) or can_triage(user, query)


def can_give_feedback(user, response) -> bool:
    """Mark a response useful or not, comment, flag it outdated: its signed-in readers (the
    caller found it readable first)."""
    return is_signed_in(user) and can_view_response(user, response)


def can_see_feedback(user, response) -> bool:
    """Readers' comments and flags, and the ratings: staff."""
    return is_staff(user)


def can_follow_up(user, query) -> bool:
    """Ask a follow-up question: whoever may read its published response, or the requester
    of the closed query."""
    return is_signed_in(user) and (
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
    """Add or remove a response's "See also" links: the facilitators who write it."""
    return response is not None and can_triage(user, response.query)


def can_translate(user, response) -> bool:
    """Add or edit a translation of a response: facilitators (who publish it). Its readers
    are the response's (can_view_response)."""
    return can_triage(user, response.query)


# --- library documents and attachments ------------------------------------------

def can_manage_documents(user) -> bool:
    """Add and edit library documents: staff only."""
    return is_staff(user)


def can_use_group_for_item(user, group) -> bool:
    """Put a library document or a calendar event in a group: staff (any group), else the
    group's active members (can_use_group)."""
    return group is not None and (is_staff(user) or can_use_group(user, group))


def _group_item_readable(user, visibility_column, group_column):
    """The SQL of READERS' group cells for a user who is neither anonymous nor staff: an
    item of one of their groups whose visibility its group reads, or of a group they
    facilitate whose visibility staff read."""
    return or_(
        and_(visibility_column.in_(_visibilities(GROUP)), group_column.in_(_group_ids(user))),
        and_(visibility_column.in_(_visibilities(STAFF)),
             group_column.in_(_group_ids(user, facilitator=True))),
    )


def visible_documents(user):
    """Filter on Document (READERS): public ones for everyone (even signed out), community
    ones for every signed-in user, `group` ones for the active members of their group,
    restricted ones for staff (and, for a document of a group, that group's facilitators)."""
    if not is_signed_in(user):
        return Document.visibility.in_(_visibilities(ANYONE))
    if user.is_staff:
        return true()
    return or_(Document.visibility.in_(_visibilities(ANYONE, MEMBERS)),
               _group_item_readable(user, Document.visibility, Document.group_id))


def can_view_document(user, document) -> bool:
    """A library document, by READERS (it has no people of its own; its group's)."""
    if document is None:
        return False
    return _may_read(user, document.visibility, lambda: False, document.group_id)


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
    if not is_signed_in(user):
        return False
    if isinstance(owner, FieldQuery):
        return is_requester(user, owner) or can_triage(user, owner)
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


# --- the community calendar and the blackboard ---------------------------------------

def can_publish_event(user) -> bool:
    """Put an event straight on the calendar, approve a member's proposal or cancel an event:
    facilitators (and admins)."""
    return is_staff(user)


def can_propose_event(user) -> bool:
    """Propose an event (a facilitator's is published at once): every signed-in member."""
    return is_signed_in(user)


def visible_events(user):
    """Filter on CommunityEvent: what is on the calendar (published or cancelled, never a
    proposal) by READERS: public ones for everyone, community ones for members, `group`
    ones for their group's active members and staff. Proposals are listed to facilitators
    on their own page (pending_events), never here."""
    listed = CommunityEvent.status.in_(("published", "cancelled"))
    if not is_signed_in(user):
        return and_(listed, CommunityEvent.visibility.in_(_visibilities(ANYONE)))
    if user.is_staff:
        return listed
    return and_(listed, or_(
        CommunityEvent.visibility.in_(_visibilities(ANYONE, MEMBERS)),
        _group_item_readable(user, CommunityEvent.visibility, CommunityEvent.group_id)))


def can_see_event(user, event) -> bool:
    """An event's page and file: one on the calendar, by READERS (its group's members for
    a `group` one); a proposal only to facilitators (who approve it) and to the member who
    proposed it."""
    if event is None:
        return False
    if event.status == "proposed":
        return is_staff(user) or (is_signed_in(user) and event.organiser_id == user.id)
    return _may_read(user, event.visibility, lambda: False, event.group_id)


def can_subscribe_to_feed(user) -> bool:
    """A personal (secret) calendar feed with the community's events: signed-in members."""
    return is_signed_in(user)


def can_post_notice(user) -> bool:
    """Post a notice on the blackboard at once, or approve a member's: facilitators."""
    return is_staff(user)


def can_propose_notice(user) -> bool:
    return is_signed_in(user)


def can_read_board(user) -> bool:
    """The blackboard (vacancies, deployments, calls for contributions): members only."""
    return is_signed_in(user)


def visible_notices(user, today):
    """Filter on Notice: the board of signed-in members, published notices that have not
    expired (`today`: the application clock's date); nothing for anyone else."""
    if not can_read_board(user):
        return false()
    return and_(Notice.status == "published", Notice.expires_on >= today)


def can_see_notice(user, notice, today) -> bool:
    if notice is None or not can_read_board(user):
        return False
    if notice.status == "proposed":
        return is_staff(user) or notice.author_id == user.id
    return notice.expires_on >= today


# --- the monthly newsletter ---------------------------------------------------------

def can_manage_newsletters(user) -> bool:
    """Draft, edit, preview and send the monthly newsletter: facilitators (and admins)."""
    return is_staff(user)


def visible_newsletters(user):
    """Filter on Newsletter: the archive, sent (or sending) newsletters by READERS: those
    whose every item is public for everyone, the others for signed-in members. Drafts are
    listed to facilitators on their own (newsletters.services.drafts), never here."""
    kinds = (ANYONE, MEMBERS) if is_signed_in(user) else (ANYONE,)
    return and_(Newsletter.status.in_(PUBLISHED_STATUSES),
                Newsletter.visibility.in_(_visibilities(*kinds)))


def can_view_newsletter(user, newsletter) -> bool:
    """A newsletter's web version: a sent one by READERS of its visibility; a draft only
    to those who edit it."""
    if newsletter is None:
        return False
    if newsletter.status not in PUBLISHED_STATUSES:
        return can_manage_newsletters(user)
    return _may_read(user, newsletter.visibility, lambda: False)


def can_choose_newsletter(user) -> bool:
    """Receive the newsletter or not (its one-click link works signed out too): members."""
    return is_signed_in(user)


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
    return is_signed_in(user) and not needs_two_factor(user)


# --- members and their profiles ---------------------------------------------------

def visible_members(user):
    """Filter on User for the member directory: signed-in members see every active member;
    deactivated accounts are never listed; anonymous visitors see nobody."""
    from .accounts.models import User

    if not is_signed_in(user):
        return false()
    return User.active.is_(True)


def can_view_member(user, member) -> bool:
    """A member's profile page: signed-in members, for an active member; staff also for a
    deactivated one (whom the directory does not list)."""
    if member is None or not is_signed_in(user):
        return False
    return bool(member.active) or user.is_staff


def can_edit_profile(user, member) -> bool:
    """A profile is edited by its member, only."""
    return is_signed_in(user) and member is not None and member.id == user.id


def can_see_email(user, member) -> bool:
    """A member's e-mail address: when they chose to show it (to signed-in members), to
    themselves, and to staff (who already see addresses: accounts, routing, invitations)."""
    if not can_view_member(user, member):
        return False
    return bool(member.show_email) or member.id == user.id or user.is_staff


# --- guards used by services ----------------------------------------------------

def require(allowed: bool, message: str = "You may not do this.") -> None:
    if not allowed:
        raise Forbidden(message)


def require_visible_query(user, query) -> FieldQuery:
    if query is None or not can_view_query(user, query):
        raise NotFound("No such query.")
    return query
