"""Consolidated responses: drafting (every save a revision), comparing, publishing."""
import difflib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from .. import lengths
from .. import permissions as perm
from ..countries import country_name
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..i18n import content_language
from ..knowledge import search
from ..models_base import utcnow
from ..notify import subscriptions
from ..notify.services import Notice, notify, notify_many
from ..queries import lists
from ..queries.lists import contributors_of
from ..queries.states import check_transition, record, transition
from ..sla import services as sla
from .models import VISIBILITIES, ConsolidatedResponse, ResponseRevision


def draft_template(query) -> dict:
    """The prefilled first draft: the sections of a consolidated reply, contributors named,
    its headings in the facilitator's language."""
    people = contributors_of(query)
    names = "\n".join(
        f"- {p['name']}" + (f", {p['organisation']}" if p["organisation"] else "") for p in people
    ) or "- " + _("(no expert contributions: desk research by the facilitator)")
    sections = [
        "## " + _("Summary"),
        _("(The answer first: what a busy reader can act on, in a few lines.)"),
        "## " + _("The query"),
        query.question.strip(),
        "## " + _("Synthesis of responses"),
        "## " + _("Comparative experiences"),
        "## " + _("Related resources"),
        "## " + _("Contributors"),
        names,
    ]
    note = _("Response to %(ref)s (%(country)s)", ref=query.reference,
             country=country_name(query.country))
    return {"title": query.title, "summary": "", "body": "\n\n".join(sections) + "\n",
            "note": note}


def save_draft(user, query, title: str, summary: str, body: str, note: str = "",
               language: str | None = None):
    """Save a new revision of the response; the first save moves the query to synthesis.
    Its language: the one given, else the draft's, else the facilitator's, else the
    request's. Raises Forbidden, Conflict (published, closed, or waiting for
    clarification), Invalid."""
    perm.require(perm.can_triage(user, query), _("Only facilitators write responses."))
    errors = {}
    if language in (None, "") and query.response is not None:
        language = query.response.language
    language = content_language(language, user, errors)
    title = check_texts(errors, title, summary, body, note)
    if query.status != "synthesis":
        check_transition(query, "synthesis")
    response = query.response
    if response is None:
        response = ConsolidatedResponse(query=query, title=title, revision=0, status="draft")
        db.session.add(response)
    elif response.status == "published":
        raise Conflict(_("This response is published; it can no longer be edited here."))
    response.title, response.summary, response.body = title, (summary or "").strip(), body.strip()
    response.language = language
    response.revision += 1
    db.session.add(ResponseRevision(
        response=response, number=response.revision, author_id=user.id,
        title=response.title, summary=response.summary, body=response.body,
        note=(note or "").strip(),
    ))
    if query.status != "synthesis":
        transition(query, "synthesis", user, "synthesis_started")
    else:
        record(query, user, "draft_saved", revision=response.revision, internal=True)
    sla.on_first_action(query)
    db.session.flush()
    return response


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
    choice the publish page offers first and for an API publish that names none."""
    return "community" if query.confidentiality == "community" else "restricted"


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
    "restricted": lambda ref: _l(
        "The response to %(ref)s is published for anyone to read: you had asked for your "
        "query to be read only by the facilitators and the experts they ask.", ref=ref),
}


def publish_response(user, query, visibility: str, confirmed: bool = True):
    """Publish the latest draft with the given visibility; the requester, the contributors and
    the requesters of its duplicates hear. Publishing more openly than the requester chose
    (more_open) needs `confirmed` (the page asks; the API's caller has chosen), and the
    requester is told so. Raises Forbidden, Invalid, Conflict."""
    perm.require(perm.can_triage(user, query), _("Only facilitators publish responses."))
    if visibility not in VISIBILITIES:
        raise Invalid(_("Choose a visibility."),
                      {"visibility": _("Choose one of: %(choices)s", choices=", ".join(VISIBILITIES))})
    response = query.response
    if response is None or query.status != "synthesis":
        raise Conflict(_("Only a query in synthesis with a saved draft can be published."))
    wider = more_open(query, visibility)
    if wider and not confirmed:
        raise Invalid(_("Confirm that the response is published for anyone to read."),
                      {"confirm": _("The requester asked for a narrower audience: tick the "
                                    "box to publish it for anyone to read (they are told).")})
    now = utcnow()
    response.status, response.visibility = "published", visibility
    response.published_at, response.published_by_id = now, user.id
    for a in query.assignments:
        if a.status in ("invited", "accepted"):
            a.status = "withdrawn"
    transition(query, "published", user, "published", visibility=visibility,
               revision=response.revision)
    search.response_changed(response)
    sla.on_resolved(query)
    told = (WIDER_NOTICES[query.confidentiality](query.reference) if wider
            else _l("The response to %(ref)s is published", ref=query.reference))
    details = {"response": response}
    notify([query.requester], "response_published", told, query, actor=user, details=details)
    contributors = [c.author for c in lists.contributions_for_synthesis(query)]
    notify(contributors, "response_published",
           _l("The response you contributed to (%(ref)s) is published", ref=query.reference),
           query, actor=user, details=details)
    _tell_duplicates(user, query, response, {query.requester_id, *(u.id for u in contributors)})
    subscriptions.on_published(response)  # the listserv: the `immediately` subscribers
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
