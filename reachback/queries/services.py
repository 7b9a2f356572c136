"""Business rules of a query's life: submit, clarify, route, contribute, close.

Every function takes the acting user and plain data, checks permission through
reachback.permissions, changes the database, records an Event and queues the
notifications, then flushes. The caller (request, API call, command) commits.
"""
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import lengths, timebounds
from .. import permissions as perm
from ..accounts.models import Theme, User
from ..countries import is_place
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..groups.models import Group
from ..groups.services import chosen_group, facilitators_of
from ..i18n import content_language
from ..knowledge import search
from ..models_base import utcnow
from ..notify.services import notify, staff_recipients
from ..sla import services as sla
from .models import (
    ACTIVE_ASSIGNMENT,
    CHANNELS,
    CLOSE_REASONS,
    CONFIDENTIALITY,
    PRIORITIES,
    Assignment,
    Contribution,
    FieldQuery,
    Message,
    ReferenceCounter,
)
from .states import STATUS_LABELS, check_transition, record, transition

# --- loading -------------------------------------------------------------------

def get_query(user, reference: str, *load) -> FieldQuery:
    """The query with this reference, or NotFound when missing or not visible to the user;
    `load`: loader options for what the caller shows (lists.QUERY_PAGE)."""
    reference = (reference or "").upper()
    # No reference holds a NUL character (PostgreSQL stores none, and refuses to compare one).
    query = None if "\x00" in reference else db.session.scalar(
        select(FieldQuery).where(FieldQuery.reference == reference).options(*load))
    return perm.require_visible_query(user, query)


def get_assignment(user, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not perm.can_view_query(user, assignment.query):
        raise NotFound(_("No such assignment."))
    return assignment


def get_contribution(user, contribution_id: int) -> Contribution:
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or not perm.can_view_contributions(user, contribution.query):
        raise NotFound(_("No such contribution."))
    return contribution


# --- validation ------------------------------------------------------------------

def _text(data, name, errors, required=True, limit=lengths.TEXT) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("Must be text.")
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[name] = _("Contains a character that is not allowed.")
    elif required and not value:
        errors[name] = _("This field is required.")
    else:
        lengths.check(errors, **{name: (value, limit)})
    return value


def _choice(data, name, choices, errors, default=None) -> str:
    value = data.get(name) or default
    if value not in choices:
        errors[name] = _("Choose one of: %(choices)s.", choices=", ".join(choices))
    return value


def _date(value, name, errors, today: date) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors[name] = _("Use a date such as 2026-12-31.")
            return None
    if not isinstance(value, date):
        errors[name] = _("Use a date such as 2026-12-31.")
        return None
    if message := timebounds.due_date_error(value, today):
        errors[name] = message
    return value


def _themes(slugs, errors) -> list[Theme]:
    if isinstance(slugs, str):
        slugs = [slugs]
    if not isinstance(slugs, list | tuple) or not all(isinstance(s, str) for s in slugs):
        errors["themes"] = _("Give a list of theme slugs.")
        return []
    slugs = list(dict.fromkeys(slugs))
    if not 1 <= len(slugs) <= 3:
        errors["themes"] = _("Choose between one and three themes.")
        return []
    themes = db.session.scalars(select(Theme).where(Theme.slug.in_(slugs))).all()
    if len(themes) != len(slugs):
        errors["themes"] = _("Unknown theme.")
    return list(themes)


def _country(data, errors) -> str | None:
    country = data.get("country")
    if not isinstance(country, str) or not is_place(country):
        errors["country"] = _("Choose a country, a region or the world.")
        return None
    return country.upper()


def _group(data, author, errors) -> Group | None:
    """The group named by its slug (None when none is named): one its author belongs to."""
    return chosen_group(data.get("group"), errors, lambda g: perm.can_use_group(author, g),
                        _("Only the members of a group may ask a query in it."))


def _field_checks(today: date, author, defaults: bool) -> dict:
    """The check of each field of a query, `(data, errors) -> clean value`: a submission
    runs them all (absent choices taking their `defaults`), a triage edit those it changes."""
    def default(value):
        return value if defaults else None

    return {
        "title": lambda d, e: _text(d, "title", e, limit=lengths.TITLE),
        "question": lambda d, e: _text(d, "question", e),
        "context": lambda d, e: _text(d, "context", e, required=False),
        "purpose": lambda d, e: _text(d, "purpose", e, required=False),
        "priority": lambda d, e: _choice(d, "priority", PRIORITIES, e,
                                         default=default("normal")),
        "confidentiality": lambda d, e: _choice(d, "confidentiality", CONFIDENTIALITY, e,
                                                default=default("restricted")),
        "needed_by": lambda d, e: _date(d.get("needed_by"), "needed_by", e, today),
        "themes": lambda d, e: _themes(d.get("themes") or [], e),
        "language": lambda d, e: content_language(d.get("language"), author, e),
        "country": _country,
        "group": lambda d, e: _group(d, author, e),
    }


def validate_query_data(data: dict, today: date | None = None, author=None,
                        only=None, skip=()) -> dict:
    """Check a submission (or, with `only`, those of its fields; without those in `skip`);
    returns clean values or raises Invalid with a message per field. Its language: the one
    given, else the author's, else the request's (i18n)."""
    errors: dict[str, str] = {}
    checks = _field_checks(today or utcnow().date(), author, defaults=only is None)
    clean = {name: check(data, errors) for name, check in checks.items()
             if (only is None or name in only) and name not in skip}
    if (only is None and clean.get("confidentiality") == "group" and clean.get("group") is None
            and "group" not in errors):
        errors["group"] = _("Choose the group whose members may read the query.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return clean


def next_reference(year: int) -> str:
    """RB-<year>-<sequence>: the counter row is locked and bumped, so no number is reused."""
    counter = db.session.get(ReferenceCounter, year, with_for_update=True)
    if counter is None:
        counter = ReferenceCounter(year=year, last=0)
        db.session.add(counter)
    counter.last += 1
    db.session.flush()
    return f"RB-{year}-{counter.last:04d}"


# --- the journey ---------------------------------------------------------------

# What a query sent by e-mail leaves for the facilitator to set at triage (edit_query).
SET_AT_TRIAGE = ("country", "themes")


def submit_query(user, data: dict, now: datetime | None = None,
                 leave_for_triage: bool = False, channel: str = "web") -> FieldQuery:
    """A signed-in user asks a question, through `channel` (web, email or api: CHANNELS);
    `leave_for_triage` (a query sent by e-mail): without the SET_AT_TRIAGE fields, which the
    facilitator sets. Raises Invalid."""
    perm.require(user is not None and user.is_authenticated and user.is_active,
                 _("Sign in to ask a question."))
    now = now or utcnow()
    clean = validate_query_data(data, today=now.date(), author=user,
                                skip=SET_AT_TRIAGE if leave_for_triage else ())
    themes = clean.pop("themes", [])
    query = FieldQuery(
        reference=next_reference(now.year),
        requester_id=user.id,
        status="submitted",
        channel=channel if channel in CHANNELS else "web",
        created_at=now,
        updated_at=now,
        **clean,
    )
    query.themes = themes
    sla.on_submitted(query)
    db.session.add(query)
    db.session.flush()
    record(query, user, "submitted", title=query.title)
    search.query_changed(query)
    staff = staff_recipients()
    if query.group_id is not None:  # the group's facilitators run it too
        known = {u.id for u in staff}
        staff += [u for u in facilitators_of(query.group_id) if u.id not in known]
    notify(staff, "query_submitted",
           _l("New query %(ref)s: %(title)s", ref=query.reference, title=query.title), query, actor=user)
    db.session.flush()
    return query


# What facilitators may correct during triage; PATCH /api/v1/queries/{ref} reads these alone.
EDITABLE_FIELDS = ("title", "themes", "country", "priority", "confidentiality")
# A change of these re-queues the query's search document.
INDEXED_FIELDS = ("title", "themes", "country", "confidentiality")


def _current(query, name: str):
    """A field's value as the timeline records it (themes by their slugs)."""
    if name == "themes":
        return sorted(t.slug for t in query.themes)
    return getattr(query, name)


def require_editable(user, query) -> None:
    """Forbidden unless the user may edit the query; Conflict once it is closed or
    published."""
    perm.require(perm.can_edit_query(user, query), _("Only facilitators edit a query."))
    if not query.is_open:
        raise Conflict(_("This query is %(status)s: it can no longer be edited.",
                         status=str(STATUS_LABELS[query.status]).lower()))


def edit_query(user, query, changes: dict, reason: str | None = None) -> FieldQuery:
    """A facilitator corrects the query during triage: any of EDITABLE_FIELDS in `changes`
    (others are ignored), each checked as at submission. A change of confidentiality needs a
    `reason` (shown to staff only). Records one `query_edited` event naming each changed
    field with its old and new values; a new priority recomputes the SLA targets. Raises
    Forbidden, Conflict (closed or published), Invalid."""
    require_editable(user, query)
    given = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    errors: dict[str, str] = {}
    try:
        clean = validate_query_data(given, author=user, only=given)
    except Invalid as error:
        errors, clean = dict(error.fields), {}
    reason = _text({"reason": reason}, "reason", errors, required=False, limit=lengths.NOTE)
    confidentiality = given.get("confidentiality", query.confidentiality)
    if confidentiality == "group" and query.group_id is None and "confidentiality" not in errors:
        errors["confidentiality"] = _("Only a query of a group can be read by its group.")
    if (confidentiality in CONFIDENTIALITY and confidentiality != query.confidentiality
            and not reason and "reason" not in errors):
        errors["reason"] = _("Say why the confidentiality changes.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    themes = clean.pop("themes", None)
    new = {**clean, **({"themes": sorted(t.slug for t in themes)} if themes is not None else {})}
    changed = {name: {"from": _current(query, name), "to": value}
               for name, value in new.items() if _current(query, name) != value}
    if not changed:
        return query
    for name in changed:
        if name == "themes":
            query.themes = themes
        else:
            setattr(query, name, clean[name])
    fields = [name for name in EDITABLE_FIELDS if name in changed]
    record(query, user, "query_edited", fields=fields, changes=changed,
           **({"reason": reason} if reason else {}))
    if "priority" in changed:
        sla.on_reprioritised(query)
    if any(name in changed for name in INDEXED_FIELDS):
        search.query_changed(query)
    query.updated_at = utcnow()
    db.session.flush()
    return query


def ask_clarification(user, query, message: str) -> Message:
    """Staff ask the requester a question; the query waits in `clarification`. Raises
    Forbidden, Conflict, Invalid."""
    perm.require(perm.can_triage(user, query), _("Only facilitators ask for clarification."))
    body = _require_text(message, "message")
    transition(query, "clarification", user, "clarification_requested")
    sla.on_first_action(query)
    sla.on_paused(query)
    msg = _add_message(query, user, body, "public", "clarification")
    notify([query.requester], "clarification_requested",
           _l("%(ref)s: the facilitator asks for clarification", ref=query.reference), query,
           actor=user, details={"message": msg})
    return msg


def reply_to_clarification(user, query, message: str) -> Message:
    """The requester answers a clarification request; the query returns to triage."""
    perm.require(perm.is_requester(user, query), _("Only the requester can reply."))
    body = _require_text(message, "message")
    transition(query, "submitted", user, "clarification_answered")
    sla.on_resumed(query)
    msg = _add_message(query, user, body, "public", "reply")
    notify(staff_recipients(), "clarification_answered",
           _l("%(ref)s: the requester replied", ref=query.reference), query, actor=user)
    return msg


def assign_expert(user, query, expert: User | None, due_at: datetime | None = None,
                  message: str | None = None) -> Assignment:
    """Route the query to an expert (again if they had declined or been withdrawn), with
    the facilitator's `message` to them if any: kept in the (internal) assignment event and
    written in the invitation's notice and e-mail."""
    perm.require(perm.can_triage(user, query), _("Only facilitators route queries."))
    if expert is None or not expert.active or not expert.has_role("expert"):
        raise Invalid(_("Choose an active expert."), {"expert": _("Not an active expert.")})
    if due_at is not None and (error := timebounds.due_time_error(due_at)):
        raise Invalid(_("Choose another due time."), {"due_at": error})
    message = invitation_message(message)
    check_transition(query, "routed")
    assignment = next((a for a in query.assignments if a.expert_id == expert.id), None)
    if assignment is not None and assignment.status in ACTIVE_ASSIGNMENT:
        raise Conflict(_("%(name)s is already assigned to this query.", name=expert.name))
    if assignment is None:
        assignment = Assignment(query=query, expert=expert)
        db.session.add(assignment)
    assignment.status, assignment.assigned_by_id = "invited", user.id
    assignment.created_at, assignment.due_at = utcnow(), due_at
    assignment.responded_at = assignment.decline_reason = None
    # The requester sees that the query went to experts, never who they are.
    if query.status != "routed":
        transition(query, "routed", user, "routed")
    details = {"expert_id": expert.id, "message": message} if message else {}
    record(query, user, "expert_assigned", internal=True, expert=expert.name, **details)
    sla.on_resumed(query)
    sla.on_first_action(query)
    sla.on_assigned(assignment)
    invited = _l("You are asked to answer %(ref)s: %(title)s", ref=query.reference,
                 title=query.title)
    text = invited if not message else (lambda _user: "\n\n".join((str(invited), _(
        "Message from %(name)s: %(message)s", name=user.name, message=message))))
    db.session.flush()
    notify([expert], "assigned", text, query, actor=user, details={"assignment": assignment})
    db.session.flush()
    return assignment


def invitation_message(message) -> str | None:
    """The facilitator's message to an invited expert, stripped (None when empty); Invalid
    when it is not text or over its cap."""
    if message is None or (isinstance(message, str) and not message.strip()):
        return None
    return _require_text(message, "message", lengths.NOTE)


def withdraw_assignment(user, assignment) -> Assignment:
    perm.require(perm.can_triage(user, assignment.query), _("Only facilitators withdraw experts."))
    if assignment.status not in ("invited", "accepted"):
        raise Conflict(_("Only an open invitation can be withdrawn."))
    assignment.status = "withdrawn"
    record(assignment.query, user, "expert_withdrawn", internal=True,
           expert=assignment.expert.name)
    return assignment


def accept_assignment(user, assignment) -> Assignment:
    perm.require(perm.can_answer_assignment(user, assignment), _("This is not your assignment."))
    if assignment.status != "invited" or not assignment.query.is_open:
        raise Conflict(_("Only an open invitation can be accepted."))
    assignment.status, assignment.responded_at = "accepted", utcnow()
    record(assignment.query, user, "assignment_accepted", internal=True)
    return assignment


def _tell_staff(query, expert, kind: str, text, url: str | None = None, **details) -> None:
    """An expert's step on the query: an internal event, and a notice of the same kind to the
    staff (leading to `url`, else the query's page)."""
    record(query, expert, kind, internal=True, **details)
    notify(staff_recipients(), kind, text, query, actor=expert, url=url)


def decline_assignment(user, assignment, reason: str) -> Assignment:
    perm.require(perm.can_answer_assignment(user, assignment), _("This is not your assignment."))
    reason = _require_text(reason, "reason", lengths.NOTE)
    if assignment.status not in ("invited", "accepted"):
        raise Conflict(_("Only an open assignment can be declined."))
    assignment.status, assignment.responded_at = "declined", utcnow()
    assignment.decline_reason = reason
    query = assignment.query
    # The notice leads to the route page, the experts not yet asked on top (after_decline).
    _tell_staff(query, user, "assignment_declined",
                _l("%(name)s declined %(ref)s: %(reason)s", name=user.name, ref=query.reference,
                   reason=reason[:120]), reason=reason,
                url=f"/queries/{query.reference}/route?after_decline={assignment.id}")
    return assignment


def add_contribution(user, query, body: str, language: str | None = None) -> Contribution:
    """An assigned expert answers (in `language`, else their own, else the request's); an
    invitation answered is accepted by the act."""
    perm.require(perm.is_assigned(user, query),
                 _("Only experts assigned to this query contribute."))
    if not perm.can_contribute(user, query):
        raise Conflict(_("This query no longer takes contributions."))
    body = _require_text(body, "body", lengths.BODY)
    contribution = Contribution(query_id=query.id, author_id=user.id, body=body,
                                language=_language(language, user))
    db.session.add(contribution)
    for a in query.assignments:
        if a.expert_id == user.id and a.status in ("invited", "accepted"):
            a.status, a.answered_at = "answered", utcnow()
            a.responded_at = a.responded_at or a.answered_at
            sla.on_answered(a)
    db.session.flush()
    _tell_staff(query, user, "contribution_added",
                _l("%(name)s contributed to %(ref)s", name=user.name, ref=query.reference), contribution=contribution.id)
    return contribution


def edit_contribution(user, contribution, body: str) -> Contribution:
    perm.require(perm.is_author(user, contribution), _("Only its author edits a contribution."))
    if not perm.can_edit_contribution(user, contribution):
        raise Conflict(_("The response is published: contributions can no longer change."))
    contribution.body = _require_text(body, "body", lengths.BODY)
    record(contribution.query, user, "contribution_edited", internal=True,
           contribution=contribution.id)
    return contribution


def add_follow_up(user, query, body: str) -> Message:
    """The requester writes again about a published response: a message to the
    facilitators. Raises Forbidden, Conflict (not published), Invalid."""
    perm.require(perm.is_requester(user, query), _("Only the requester follows up."))
    if query.status != "published":
        raise Conflict(_("Only a published response can be followed up."))
    msg = _add_message(query, user, _require_text(body, "body"), "public", "follow_up")
    record(query, user, "follow_up_added")
    notify(staff_recipients(), "follow_up",
           _l("%(ref)s: the requester follows up on the response", ref=query.reference),
           query, actor=user)
    return msg


def add_internal_note(user, query, body: str) -> Message:
    perm.require(perm.can_see_internal(user, query),
                 _("Only staff and assigned experts add notes."))
    msg = _add_message(query, user, _require_text(body, "body"), "internal", "note")
    record(query, user, "note_added", internal=True)
    return msg


# The requester's notice of a closing, one whole sentence per reason (read in their language).
CLOSED_NOTICES = {
    "declined": lambda ref: _l("%(ref)s was closed (declined)", ref=ref),
    "out_of_scope": lambda ref: _l("%(ref)s was closed (out of scope)", ref=ref),
    "withdrawn": lambda ref: _l("%(ref)s was closed (withdrawn)", ref=ref),
    "duplicate": lambda ref: _l("%(ref)s was closed (duplicate)", ref=ref),
}


def check_withdrawal(user, query) -> None:
    """May the user withdraw the query now? Raises Forbidden, or Conflict when it is no
    longer open (the withdraw page asks before close_query does it)."""
    perm.require(perm.can_withdraw(user, query), _("Only the requester can withdraw a query."))
    check_transition(query, "closed")


def close_query(user, query, reason: str, duplicate_of: str | None = None,
                note: str | None = None) -> FieldQuery:
    """Staff close for any reason; the requester may only withdraw their own query."""
    if reason not in CLOSE_REASONS:
        raise Invalid(_("Choose a reason."), {"reason": _(
            "Choose one of: %(choices)s.", choices=", ".join(CLOSE_REASONS))})
    if reason == "withdrawn":
        check_withdrawal(user, query)
    else:
        perm.require(perm.can_triage(user, query), _("Only facilitators close queries."))
    check_transition(query, "closed")
    note = _close_note(note)
    original = None
    if reason == "duplicate":
        original = _original_for_duplicate(user, query, duplicate_of)
        query.duplicate_of_id = original.id
    query.close_reason, query.close_note = reason, note
    query.closed_at = utcnow()
    for a in query.assignments:
        if a.status in ("invited", "accepted"):
            a.status = "withdrawn"
    data = {"reason": reason}
    if original is not None:
        data["duplicate_of"] = original.reference
        record(original, user, "duplicate_linked", duplicate=query.reference)
        from ..synthesis.lifecycle import add_watcher

        add_watcher(original, query.requester)  # told when the original is answered
    transition(query, "closed", user, "closed", **data)
    search.query_changed(query)
    sla.on_resolved(query)
    notify([query.requester], "closed", CLOSED_NOTICES[reason](query.reference), query, actor=user)
    return query


def _original_for_duplicate(user, query, reference) -> FieldQuery:
    if not reference:
        raise Invalid(_("Give the reference of the original query."),
                      {"duplicate_of": _("Required for a duplicate.")})
    try:
        original = get_query(user, reference)
    except NotFound:
        raise Invalid(_("No such query."), {"duplicate_of": _("No such query.")}) from None
    if original.id == query.id:
        raise Invalid(_("A query cannot duplicate itself."),
                      {"duplicate_of": _("That is this query.")})
    return original


def _require_text(value, name: str, limit: int = lengths.TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("This field is required."), {name: _("This field is required.")})
    if "\x00" in value:
        raise Invalid(_("Not allowed."), {name: _("Contains a character that is not allowed.")})
    lengths.refuse_too_long(**{name: (value, limit)})
    return value.strip()


def _language(given, author) -> str:
    """A text's language (i18n.content_language); Invalid for a code that names none."""
    errors: dict[str, str] = {}
    language = content_language(given, author, errors)
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    return language


def _close_note(note: str | None) -> str | None:
    """The note told to the requester on closing, or None; Invalid when over its cap."""
    note = (note or "").strip()
    lengths.refuse_too_long(note=(note, lengths.NOTE))
    return note or None


def _add_message(query, user, body, visibility, purpose) -> Message:
    msg = Message(query_id=query.id, author_id=user.id, body=body,
                  visibility=visibility, purpose=purpose)
    db.session.add(msg)
    return msg
