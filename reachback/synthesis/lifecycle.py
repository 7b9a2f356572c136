"""A published response lives on: it is corrected (services.publish_response), superseded by
a newer one, or retracted; members watch queries to hear of it. Everything here is recorded
in the timelines of the queries concerned."""
from flask_babel import gettext as _
from sqlalchemy import delete, select

from .. import lengths
from .. import permissions as perm
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..knowledge import search
from ..models_base import utcnow
from ..notify.services import notify
from ..queries.models import FieldQuery, Watcher
from ..queries.states import record
from .models import READABLE_STATUSES, ConsolidatedResponse, ResponseLink, ResponseRevision


def find_response(reference: str) -> ConsolidatedResponse | None:
    return db.session.scalar(
        select(ConsolidatedResponse).join(FieldQuery)
        .where(FieldQuery.reference == (reference or "").upper()))


def get_response(user, reference: str) -> ConsolidatedResponse:
    """A response the user may read (knowledge.services.get_published_response)."""
    from ..knowledge.services import get_published_response

    return get_published_response(user, reference)


def _changeable(user, reference: str, linking: bool = False) -> ConsolidatedResponse:
    """The response a facilitator supersedes or retracts (or, `linking`, whose "See also"
    links they change): NotFound when they may not see it, Forbidden when they may not act."""
    response = find_response(reference)
    if response is None or not (perm.can_view_response(user, response)
                                or perm.can_view_query(user, response.query)):
        raise NotFound(_("No such response."))
    if linking:
        perm.require(perm.can_link_responses(user, response),
                     _("Only facilitators link related responses."))
    else:
        perm.require(perm.can_change_status(user, response),
                     _("Only facilitators supersede or retract responses."))
    return response


def supersede(user, reference: str, by: str | None) -> ConsolidatedResponse:
    """Mark the published response `reference` as superseded by the published response of
    `by`: it stays readable with a banner linking the newer one, and search marks it."""
    response = _changeable(user, reference)
    if not (by or "").strip():
        raise Invalid(_("Please correct the highlighted fields."),
                      {"by": _("This field is required.")})
    newer = find_response(by.strip())
    if newer is None or not perm.can_view_query(user, newer.query):
        raise Invalid(_("No such response."), {"by": _("No such response.")})
    if newer.id == response.id:
        raise Invalid(_("A response cannot supersede itself."),
                      {"by": _("That is this response.")})
    if response.status != "published":
        raise Conflict(_("Only a published response can be superseded."))
    if newer.status != "published":
        raise Conflict(_("The newer response must be published."))
    response.status, response.superseded_by = "superseded", newer
    record(response.query, user, "superseded", by=newer.query.reference)
    record(newer.query, user, "supersedes", response=response.query.reference)
    search.response_changed(response)
    db.session.flush()
    return response


def retract(user, reference: str, reason: str | None) -> ConsolidatedResponse:
    """Withdraw a published (or superseded) response: it leaves the knowledge base and
    search at once; its former readers are told why (410)."""
    response = _changeable(user, reference)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("This field is required.")
    lengths.check(errors, reason=(reason, lengths.NOTE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    if response.status not in ("published", "superseded"):
        raise Conflict(_("Only a published response can be retracted."))
    response.status = "retracted"
    response.retracted_reason, response.retracted_at = reason, utcnow()
    record(response.query, user, "retracted", reason=reason)
    search.response_changed(response)
    db.session.flush()
    return response


def correction_texts(user, reference: str, revision: int):
    """The response, the correction publishing `revision`, and the two revisions it compares
    (the text readers saw before and the corrected one), for readers of the response."""
    response = get_response(user, reference)
    correction = next((c for c in response.corrections if c.revision == revision), None)
    if correction is None:
        raise NotFound(_("No such correction."))
    rows = {r.number: r for r in db.session.scalars(select(ResponseRevision).where(
        ResponseRevision.response_id == response.id,
        ResponseRevision.number.in_((correction.previous_revision, correction.revision))))}
    old, new = rows.get(correction.previous_revision), rows.get(correction.revision)
    if old is None or new is None:
        raise NotFound(_("No such correction."))
    return response, correction, old, new


# --- watchers -----------------------------------------------------------------------------

def add_watcher(query, user) -> None:
    """`user` watches `query` (no change when they do already)."""
    if not is_watching(user, query):
        db.session.add(Watcher(query_id=query.id, user_id=user.id))
        db.session.flush()


def is_watching(user, query) -> bool:
    return perm.is_signed_in(user) and db.session.get(Watcher, (query.id, user.id)) is not None


def watch(user, query, on: bool = True) -> bool:
    """Start (or stop) watching a query the user may see (the caller checked: get_query)."""
    if on:
        if not is_watching(user, query):
            add_watcher(query, user)
            record(query, user, "watched", internal=True)
    elif is_watching(user, query):
        db.session.execute(delete(Watcher).where(Watcher.query_id == query.id,
                                                  Watcher.user_id == user.id))
        record(query, user, "unwatched", internal=True)
    return on


def tell_watchers(actor, query, response, told: set[int], text,
                  kind: str = "response_published") -> None:
    """The query's watchers who may read the response (but those in `told`) hear `text`."""
    watchers = [w.user for w in db.session.scalars(
        select(Watcher).where(Watcher.query_id == query.id))]
    readers = [u for u in watchers if u.id not in told and u.active
               and perm.can_view_response(u, response)]
    told.update(u.id for u in readers)
    notify(readers, kind, text, query, actor=actor, url=f"/kb/{query.reference}")


# --- see also -------------------------------------------------------------------------------

SEE_ALSO = 5


def link_response(user, reference: str, other: str | None,
                  field: str = "other") -> tuple[ResponseLink, bool]:
    """A facilitator adds a "See also" link from the response `reference` to the published
    response `other` (`field` names it in a refusal). Returns the link and whether it is new
    (linking twice changes nothing)."""
    response = _changeable(user, reference, linking=True)
    target = find_response((other or "").strip()) if (other or "").strip() else None
    if target is None or target.status not in READABLE_STATUSES:
        raise Invalid(_("No such response."), {field: _("Give the reference of a "
                                                        "published response.")})
    if target.id == response.id:
        raise Invalid(_("No such response."), {field: _("That is this response.")})
    link = db.session.get(ResponseLink, (response.id, target.id))
    created = link is None
    if created:
        link = ResponseLink(response_id=response.id, target_id=target.id, added_by_id=user.id)
        db.session.add(link)
        record(response.query, user, "see_also_linked", internal=True,
               response=target.query.reference)
    db.session.flush()
    return link, created


def unlink_response(user, reference: str, other: str | None) -> ConsolidatedResponse:
    """A facilitator removes the "See also" link from `reference` to `other` (NotFound when
    there is none)."""
    response = _changeable(user, reference, linking=True)
    target = find_response((other or "").strip()) if (other or "").strip() else None
    link = db.session.get(ResponseLink, (response.id, target.id)) if target else None
    if link is None:
        raise NotFound(_("No such link."))
    db.session.delete(link)
    record(response.query, user, "see_also_unlinked", internal=True,
           response=target.query.reference)
    db.session.flush()
    return response


def linked_responses(response) -> list[ConsolidatedResponse]:
    """The responses the facilitators linked from `response`, in the order they were linked
    (for the facilitators' form; readers see see_also)."""
    return [link.target for link in db.session.scalars(
        select(ResponseLink).where(ResponseLink.response_id == response.id)
        .order_by(ResponseLink.created_at))]


def see_also(user, response) -> list[ConsolidatedResponse]:
    """Up to five published responses the user may read: the facilitators' links first,
    then the most similar by search (never the response itself), as kept for the response
    (search.similar_response_refs: found once per change of the knowledge base, not on
    every view), those the user may read."""
    shown = [r for r in linked_responses(response)
             if perm.can_view_response(user, r)][:SEE_ALSO]
    if len(shown) < SEE_ALSO:
        own = {response.query.reference, *(r.query.reference for r in shown)}
        refs = [ref for ref in search.similar_response_refs(response) if ref not in own]
        if refs:
            found = {r.query.reference: r for r in db.session.scalars(
                select(ConsolidatedResponse).join(FieldQuery)
                .where(FieldQuery.reference.in_(refs), perm.visible_responses(user)))}
            shown += [found[ref] for ref in refs if ref in found][:SEE_ALSO - len(shown)]
    return shown
