"""Consolidated responses: drafting (every save a revision), comparing, publishing."""
import difflib
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from .. import lengths
from .. import permissions as perm
from ..config import setting
from ..countries import country_name
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..i18n import content_language
from ..knowledge import search
from ..models_base import utcnow
from ..notify import subscriptions
from ..notify.services import Notice, notify, notify_many
from ..queries import lists
from ..queries.states import check_transition, record, transition
from ..sla import services as sla
from .models import (
    VISIBILITIES,
    ConsolidatedResponse,
    ResponseCorrection,
    ResponseRevision,
)

RESPONSE_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"),
                          "superseded": _l("Superseded"), "retracted": _l("Retracted")}


def draft_template(query) -> dict:
    """The prefilled first draft: the sections of a consolidated reply, its headings in the
    facilitator's language. The summary has a field of its own and the contributors are
    listed by the response page (contributors_of): neither is repeated in the body."""
    sections = [
        "## " + _("The query"),
        query.question.strip(),
        "## " + _("Synthesis of responses"),
        "## " + _("Comparative experiences"),
        "## " + _("Related resources"),
    ]
    note = _("Response to %(ref)s (%(country)s)", ref=query.reference,
             country=country_name(query.country))
    return {"title": query.title, "summary": "", "body": "\n\n".join(sections) + "\n",
            "note": note}


HEADING = re.compile(r"^(#{1,6})\s")


def without_empty_sections(body: str) -> str:
    """The Markdown without its empty sections: a heading followed by nothing but blank
    lines before the next heading of the same or a higher level (or the end) is dropped, as
    is a section that holds only such empty sub-sections."""
    lines = body.splitlines()
    kept: list[str] = []
    # Each open heading: (its level, its index in `kept`, whether text followed it).
    open_headings: list[list] = []

    def close(level: int) -> None:
        while open_headings and open_headings[-1][0] >= level:
            heading_level, at, has_text = open_headings.pop()
            if not has_text:
                del kept[at:]
            elif open_headings:
                open_headings[-1][2] = True

    in_code = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        match = None if in_code else HEADING.match(line)
        if match:
            close(len(match.group(1)))
            open_headings.append([len(match.group(1)), len(kept), False])
        elif line.strip() and open_headings:
            open_headings[-1][2] = True
        kept.append(line)
    close(1)
    text = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def save_draft(user, query, title: str, summary: str, body: str, note: str = "",
               language: str | None = None):
    """Save a new revision of the response; the first save moves the query to synthesis.
    Its language: the one given, else the draft's, else the facilitator's, else the
    request's. On a published response the revision is the draft of a correction: readers
    keep the published text until it is published (publish_response with a change note).
    Raises Forbidden, Conflict (closed, superseded, retracted, or waiting for
    clarification), Invalid."""
    perm.require(perm.can_triage(user, query), _("Only facilitators write responses."))
    errors = {}
    response = query.response
    correcting = response is not None and response.status == "published"
    if language in (None, "") and response is not None:
        language = response.language
    language = content_language(language, user, errors)
    title = check_texts(errors, title, summary, body, note)
    if response is not None and response.status in ("superseded", "retracted"):
        raise Conflict(_("This response is %(status)s; it can no longer be edited.",
                         status=str(RESPONSE_STATUS_LABELS[response.status]).lower()))
    if query.status != "synthesis" and not correcting:
        check_transition(query, "synthesis")
    if response is None:
        response = ConsolidatedResponse(query=query, title=title, revision=0, status="draft")
        db.session.add(response)
    summary, body = (summary or "").strip(), body.strip()
    if not correcting:  # a correction's text waits in its revision until published
        response.title, response.summary, response.body = title, summary, body
        response.language = language
    response.revision += 1
    db.session.add(ResponseRevision(
        response=response, number=response.revision, author_id=user.id,
        title=title, summary=summary, body=body, note=(note or "").strip(),
    ))
    if correcting:
        record(query, user, "correction_drafted", revision=response.revision, internal=True)
    elif query.status != "synthesis":
        transition(query, "synthesis", user, "synthesis_started")
    else:
        record(query, user, "draft_saved", revision=response.revision, internal=True)
    sla.on_first_action(query)
    db.session.flush()
    return response


def latest_revision(response) -> ResponseRevision | None:
    """The response's newest revision (the draft a review or a publication concerns)."""
    return db.session.scalar(
        select(ResponseRevision).where(ResponseRevision.response_id == response.id,
                                       ResponseRevision.number == response.revision))


def has_correction_draft(response) -> bool:
    """Whether a published response has a saved revision newer than the published one."""
    return (response is not None and response.status == "published"
            and response.revision > (response.published_revision or 0))


def check_texts(errors: dict, title: str, summary: str, body: str, note: str = "") -> str:
    """A response's (or a translation's) title and body are required, each text within its
    cap; raises Invalid with `errors` and these. Returns the title stripped."""
    title = (title or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    if not (body or "").strip():
        errors["body"] = _("This field is required.")
    lengths.check(errors, title=(title, lengths.TITLE), summary=(summary, lengths.SUMMARY),
                  body=(body, lengths.BODY), note=(note, lengths.TITLE))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return title


def default_visibility(query) -> str:
    """Who may read a response when the facilitator chooses nobody else: the readers of its
    query ("community" for a community query, else "restricted"). The one rule for the
    choice the publish page offers first and for an API publish that names none (a query
    read by its group: "group")."""
    if query.confidentiality in ("community", "group"):
        return query.confidentiality
    return "restricted"


def more_open(query, visibility: str) -> bool:
    """Whether publishing with `visibility` is more open than the requester chose for their
    query: a community or restricted query's response published for anyone to read."""
    return visibility == "public" and query.confidentiality != "public"


# What the requester is told when their query's response is published more openly than they
# chose, by what they had chosen.
WIDER_NOTICES = {
    "community": lambda ref: _l(
        "The response to %(ref)s is published for anyone to read, also outside the "
        "community: you had asked for your query to be read by members only.", ref=ref),
    "group": lambda ref: _l(
        "The response to %(ref)s is published for anyone to read: you had asked for your "
        "query to be read by the members of its group only.", ref=ref),
    "restricted": lambda ref: _l(
        "The response to %(ref)s is published for anyone to read: you had asked for your "
        "query to be read only by the facilitators and the experts they ask.", ref=ref),
}


def publish_response(user, query, visibility: str | None = None,
                     change_note: str | None = None, confirmed: bool = True):
    """Publish the latest draft with the given visibility (by default: a correction keeps
    its response's, a first publication the query's readers); the requester, the
    contributors, the watchers and the requesters of its duplicates hear. Publishing more
    openly than the requester chose (more_open) needs `confirmed` (the page asks; the API's
    caller has chosen), and the requester is told so. On a published response it publishes
    the correction drafted since (the response keeps its address and status;
    `change_note`, required, says what changed). With REVIEW_REQUIRED the latest revision
    must have been approved. Raises Forbidden, Invalid, Conflict."""
    perm.require(perm.can_triage(user, query), _("Only facilitators publish responses."))
    response = query.response
    correcting = response is not None and response.status == "published"
    if visibility is None:
        visibility = response.visibility if correcting else default_visibility(query)
    if visibility not in VISIBILITIES:
        raise Invalid(_("Choose a visibility."),
                      {"visibility": _("Choose one of: %(choices)s", choices=", ".join(VISIBILITIES))})
    if visibility == "group" and query.group_id is None:
        raise Invalid(_("Choose a visibility."),
                      {"visibility": _("Only the response to a query of a group can be "
                                       "published for its group.")})
    if correcting:
        if not has_correction_draft(response):
            raise Conflict(_("This response is published and has no newer revision: save "
                             "the correction first."))
        change_note = (change_note or "").strip()
        errors = {}
        if not change_note:
            errors["change_note"] = _("Say what the correction changes.")
        lengths.check(errors, change_note=(change_note, lengths.TITLE))
        if errors:
            raise Invalid(_("Please correct the highlighted fields."), errors)
    elif response is None or query.status != "synthesis":
        raise Conflict(_("Only a query in synthesis with a saved draft can be published."))
    # A correction that keeps the response's audience widens nothing.
    wider = more_open(query, visibility) and not (correcting and
                                                  visibility == response.visibility)
    if wider and not confirmed:
        raise Invalid(_("Confirm that the response is published for anyone to read."),
                      {"confirm": _("The requester asked for a narrower audience: tick the "
                                    "box to publish it for anyone to read (they are told).")})
    from . import reviews

    if setting("REVIEW_REQUIRED") and not reviews.is_approved(response):
        raise Conflict(_("A reviewer must approve the latest revision (%(number)s) before it "
                         "is published.", number=response.revision))
    if correcting:
        return _publish_correction(user, query, response, visibility, change_note)
    now = utcnow()
    response.body = without_empty_sections(response.body)
    response.status, response.visibility = "published", visibility
    response.published_at, response.published_by_id = now, user.id
    response.published_revision = response.revision
    for a in query.assignments:
        if a.status in ("invited", "accepted"):
            a.status = "withdrawn"
    transition(query, "published", user, "published", visibility=visibility,
               revision=response.revision)
    search.response_changed(response)
    sla.on_resolved(query)
    news = (WIDER_NOTICES[query.confidentiality](query.reference) if wider
            else _l("The response to %(ref)s is published", ref=query.reference))
    details = {"response": response}
    notify([query.requester], "response_published", news, query, actor=user, details=details)
    contributors = [c.author for c in lists.contributions_for_synthesis(query)]
    notify(contributors, "response_published",
           _l("The response you contributed to (%(ref)s) is published", ref=query.reference),
           query, actor=user, details=details)
    told = {query.requester_id, *(u.id for u in contributors)}
    _tell_duplicates(user, query, response, told)
    subscriptions.on_published(response)  # the listserv: the `immediately` subscribers
    from . import lifecycle

    lifecycle.tell_watchers(user, query, response, told, _l(
        "A query you watch (%(ref)s) has its response published", ref=query.reference))
    db.session.flush()
    return response


def _publish_correction(user, query, response, visibility, note):
    """The latest revision becomes the published text; the correction is recorded, shown to
    readers ("Updated on ...") and told to the requester, contributors and watchers."""
    revision = latest_revision(response)
    db.session.add(ResponseCorrection(
        response=response, revision=revision.number,
        previous_revision=response.published_revision or revision.number - 1,
        note=note, author_id=user.id))
    response.title, response.summary = revision.title, revision.summary
    response.body = without_empty_sections(revision.body)
    response.visibility = visibility
    response.published_revision = revision.number
    record(query, user, "response_corrected", revision=revision.number, note=note)
    search.response_changed(response)
    contributors = [c.author for c in lists.contributions_for_synthesis(query)]
    text = _l("The response to %(ref)s was corrected: %(note)s", ref=query.reference,
              note=note)
    url = f"/kb/{query.reference}"
    notify([query.requester, *contributors], "response_corrected", text, query, actor=user,
           url=url)
    from . import lifecycle

    lifecycle.tell_watchers(user, query, response,
                            {query.requester_id, *(u.id for u in contributors)}, text,
                            kind="response_corrected")
    db.session.flush()
    return response


def _tell_duplicates(user, query, response, told: set[int]) -> None:
    """Each requester of a duplicate of `query` (but those in `told`, who heard already) is
    told, about their own query, that a similar one was answered. The link goes to the
    response only when they may read it; otherwise the notice says it is restricted and
    neither names nor links it (the original may be a query they may not see). Telling them
    beats silence: their query is closed and would otherwise wait for nothing."""
    notices = []
    for duplicate in lists.duplicates_of(query):
        requester = duplicate.requester
        if requester.id in told:
            continue
        told.add(requester.id)
        if perm.can_view_response(requester, response):
            text = _l("A query similar to your %(ref)s was answered: read its response",
                      ref=duplicate.reference)
            url = f"/kb/{query.reference}"
        else:
            text = _l("A query similar to your %(ref)s was answered, but its response is "
                      "restricted: ask a facilitator if you need it", ref=duplicate.reference)
            url = ""
        notices.append(Notice([requester], "response_published", text, duplicate, user, url,
                              {"response": response}))
    notify_many(notices)


def get_revision(user, query, number: int) -> ResponseRevision:
    perm.require(perm.can_triage(user, query), _("Only facilitators see revisions."))
    revision = db.session.scalar(
        select(ResponseRevision).join(ConsolidatedResponse).where(
            ConsolidatedResponse.query_id == query.id, ResponseRevision.number == number)
    )
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


def get_revision_for_review(user, review) -> ResponseRevision:
    """The revision a review request is about: read by facilitators and by the reviewers
    of the query (permissions.can_read_draft)."""
    perm.require(perm.can_read_draft(user, review.query), _("Only reviewers read drafts."))
    revision = db.session.scalar(select(ResponseRevision).where(
        ResponseRevision.response_id == review.response_id,
        ResponseRevision.number == review.revision))
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


def revisions(user, query) -> list[ResponseRevision]:
    perm.require(perm.can_triage(user, query), _("Only facilitators see revisions."))
    if query.response is None:
        return []
    return list(db.session.scalars(
        select(ResponseRevision).where(ResponseRevision.response_id == query.response.id)
        .order_by(ResponseRevision.number)))


def diff_revisions(old: ResponseRevision, new: ResponseRevision) -> Markup:
    """A line diff of two revisions as escaped HTML with <ins> and <del>."""
    def lines(rev):
        return [f"# {rev.title}", "", rev.summary, "", *rev.body.splitlines()]

    out = []
    for line in difflib.ndiff(lines(old), lines(new)):
        tag, text = line[:2], escape(line[2:])
        if tag == "+ ":
            out.append(Markup("<ins>+ {}</ins>").format(text))
        elif tag == "- ":
            out.append(Markup("<del>- {}</del>").format(text))
        elif tag == "  ":
            out.append(Markup("  {}").format(text))
    return Markup("\n").join(out)
