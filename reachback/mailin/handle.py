"""Handling one incoming message, whichever way it came (`reachback mail receive` on standard
input, or the IMAP job): noise is ignored, bounces mark their address, a reply to a signed
reply address does what its thread implies, mail to the intake address becomes a query.

Each action is a service call (reachback.queries.services, reachback.files.services): they
check permission and state, exactly as for the site and the API. Everything is recorded
`with origin("email")`, so the timeline says it came by e-mail. One message, one
transaction: committed when handled, rolled back (nothing stored) when refused.

Outcome codes are sysexits(3)'s, which an MTA pipe understands: 0 handled or ignored,
65 (EX_DATAERR) unreadable or refused content, 67 (EX_NOUSER) unknown or not allowed sender
or address."""
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from .. import permissions as perm
from ..accounts.models import User, email_key, find_user_by_email
from ..config import setting
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from ..files.services import attach_to
from ..i18n import speaking, user_zone
from ..lengths import TITLE
from ..models_base import utcnow
from ..notify.services import absolute_url, queue_email, render_email
from ..queries import services as qs
from ..queries.models import FieldQuery
from ..queries.states import origin
from .models import MailBounce, MailRefusal
from .parse import Incoming, Unparsable, parse
from .tokens import ReplyToken, is_reply_address, read_reply_address, reply_domain

log = logging.getLogger(__name__)
OK, DATAERR, NOUSER = 0, 65, 67
DECLINE = re.compile(r"(?i)\s*decline\b[\s:.,;!-]*(.*)")
REFUSAL_INTERVAL = timedelta(days=1)


@dataclass
class Outcome:
    code: int  # OK, DATAERR or NOUSER
    line: str  # what was done, in one line (printed by the command, logged by the job)


def receive(raw: bytes, recipients=()) -> Outcome:
    """Handle one message (its bytes; `recipients`: the envelope's, when known) and commit
    what it did; nothing is stored when it is refused."""
    try:
        outcome = _receive(raw, recipients)
    except Exception:
        db.session.rollback()
        raise
    if outcome.code == OK:
        db.session.commit()
    else:
        db.session.rollback()
    log.info("mail in: %s", outcome.line)
    return outcome


def _receive(raw: bytes, recipients) -> Outcome:
    limit = setting("MAIL_IN_MAX_BYTES")
    if len(raw) > limit:
        return Outcome(DATAERR, f"refused: the message is larger than {limit} bytes")
    try:
        incoming = parse(raw, recipients)
    except Unparsable as e:
        return Outcome(DATAERR, f"unparsable: {e}")
    if incoming.bounces is not None:
        return _bounce(incoming)
    if incoming.noise:
        return Outcome(OK, f"ignored: {incoming.noise}")
    if _is_own(incoming.sender):
        return Outcome(OK, f"ignored: from Reachback's own address {incoming.sender}")
    for address in incoming.recipients:
        if (token := read_reply_address(address)) is not None:
            return _reply(incoming, token)
    if any(is_reply_address(a) for a in incoming.recipients):
        return Outcome(NOUSER, "refused: a reply address whose signature is not valid")
    intake = email_key(setting("MAIL_INTAKE_ADDRESS") or "")
    if intake and intake in incoming.recipients:
        return _intake(incoming)
    return Outcome(NOUSER, f"refused: no Reachback address among "
                           f"{', '.join(incoming.recipients) or 'the recipients'}")


def _is_own(address: str) -> bool:
    own = {parseaddr(setting("MAIL_SENDER"))[1].lower(),
           email_key(setting("MAIL_INTAKE_ADDRESS") or ""),
           email_key(setting("MAIL_IMAP_USER") or "")} - {""}
    return address in own or (is_reply_address(address)
                               and address.rpartition("@")[2] == reply_domain())


# --- bounces ---------------------------------------------------------------------------------

def _bounce(incoming: Incoming) -> Outcome:
    """A delivery status notification: each failed recipient is marked as bouncing."""
    if not incoming.bounces:
        return Outcome(OK, "ignored: a delivery report without a failed recipient")
    now = utcnow()
    for bounce in incoming.bounces:
        row = db.session.get(MailBounce, bounce.address)
        if row is None:
            db.session.add(MailBounce(address=bounce.address, first_at=now, last_at=now,
                                      count=1, diagnostic=bounce.diagnostic))
        else:
            row.last_at, row.count, row.diagnostic = now, row.count + 1, bounce.diagnostic
    db.session.flush()
    return Outcome(OK, "bounce: marked as bouncing "
                       + ", ".join(b.address for b in incoming.bounces))


BOUNCES_SHOWN = 100


def bouncing_addresses(actor) -> list[MailBounce]:
    """The addresses that bounce, latest first, for the outbox page. Raises Forbidden."""
    perm.require(perm.is_admin(actor), _("Only admins see the e-mail outbox."))
    return list(db.session.scalars(
        select(MailBounce).order_by(MailBounce.last_at.desc()).limit(BOUNCES_SHOWN)))


# --- replies ---------------------------------------------------------------------------------

def _reply(incoming: Incoming, token: ReplyToken) -> Outcome:
    if token.purpose == "discussion":
        return _discussion_reply(incoming, token)
    user = db.session.get(User, token.user_id)
    query = db.session.get(FieldQuery, token.query_id)
    if user is None or query is None or not user.active:
        return Outcome(NOUSER, "refused: the reply address names no active account or query")
    if incoming.sender != email_key(user.email):
        return Outcome(NOUSER, f"refused: {incoming.sender} is not the address this reply "
                               f"address was sent to")
    action = REPLIES[token.purpose]
    try:
        with speaking(user), origin("email"):
            owner = action(user, query, incoming.text)
            _attach(user, incoming, owner)
    except (Conflict, Forbidden, NotFound) as e:
        return Outcome(NOUSER, f"refused: {token.purpose} on {query.reference} is not open "
                               f"to {incoming.sender} ({e.message})")
    except Invalid as e:
        return Outcome(DATAERR, f"refused: {_why(e)}")
    return Outcome(OK, f"{token.purpose} on {query.reference}: {owner.__class__.__name__.lower()}"
                       f" {owner.id} from {incoming.sender}")


def _discussion_reply(incoming: Incoming, token: ReplyToken) -> Outcome:
    """A reply to a discussion's e-mail: a post, from the address it was sent to, by someone
    in its audience, while it is open (the same service as the site's)."""
    from ..discussions import services as discussions

    user = db.session.get(User, token.user_id)
    if user is None or not user.active or incoming.sender != email_key(user.email):
        return Outcome(NOUSER, "refused: the reply address names no active account of "
                               f"{incoming.sender}")
    try:
        with speaking(user):
            discussion = discussions.get_discussion(user, token.query_id)
            post = discussions.add_post(user, discussion, {"body": incoming.text})
    except (Conflict, Forbidden, NotFound) as e:
        return Outcome(NOUSER, f"refused: discussion {token.query_id} is not open to "
                               f"{incoming.sender} ({e.message})")
    except Invalid as e:
        return Outcome(DATAERR, f"refused: {_why(e)}")
    return Outcome(OK, f"discussion {token.query_id}: post {post.id} from {incoming.sender}")


def _answer_clarification(user, query, text):
    return qs.reply_to_clarification(user, query, text)


def _answer_invitation(user, query, text):
    """Accept and contribute; or decline when the first line says `decline` (the reason
    after it). Only an open invitation (invited or accepted) takes a reply."""
    assignment = next((a for a in query.assignments if a.expert_id == user.id), None)
    if assignment is None or assignment.status not in ("invited", "accepted"):
        raise Conflict(_("Only an open invitation can be answered."))
    first, _sep, rest = text.strip().partition("\n")
    if match := DECLINE.fullmatch(first):
        reason = "\n".join(p for p in (match[1].strip(), rest.strip()) if p)
        return qs.decline_assignment(user, assignment, reason)
    if assignment.status == "invited":
        qs.accept_assignment(user, assignment)
    return qs.add_contribution(user, query, text)


def _add_note(user, query, text):
    if not query.is_open:
        raise Conflict(_("This query is closed: it takes no more notes."))
    return qs.add_internal_note(user, query, text)


def _write_to_requester(user, query, text):
    return qs.ask_clarification(user, query, text)


def _follow_up(user, query, text):
    return qs.add_follow_up(user, query, text)


REPLIES = {
    "clarification": _answer_clarification,
    "invitation": _answer_invitation,
    "note": _add_note,
    "message": _write_to_requester,
    "publication": _follow_up,
}


def _attach(user, incoming: Incoming, owner) -> None:
    """The message's files, each through the upload checks (type by content, size), on the
    query, message or contribution the reply made."""
    kind = {"FieldQuery": "query", "Message": "message", "Contribution": "contribution"}.get(
        owner.__class__.__name__)
    if kind is None:  # a declined invitation keeps no files
        return
    for name, data in incoming.attachments:
        attach_to(user, FileStorage(stream=io.BytesIO(data), filename=name), **{kind: owner})


def _why(error: Invalid) -> str:
    return "; ".join(f"{k}: {v}" for k, v in error.fields.items()) or error.message


# --- new queries ----------------------------------------------------------------------------

def _intake(incoming: Incoming) -> Outcome:
    user = find_user_by_email(incoming.sender)
    if user is None or not user.active:
        answered = _answer_unknown(incoming.sender)
        return Outcome(NOUSER, f"refused: {incoming.sender} has no active account"
                               + ("; told so" if answered else ""))
    title = incoming.subject or incoming.text.strip().partition("\n")[0]
    if len(title) > TITLE:
        title = title[:TITLE - 1].rstrip() + "…"
    data = {"title": title, "question": incoming.text, "priority": "normal",
            "confidentiality": "restricted"}
    try:
        with speaking(user), origin("email"):
            query = qs.submit_query(user, data, leave_for_triage=True, channel="email")
            _attach(user, incoming, query)
            _acknowledge(user, query)
    except Invalid as e:
        return Outcome(DATAERR, f"refused: {_why(e)}")
    except DomainError as e:
        return Outcome(NOUSER, f"refused: {e.message}")
    return Outcome(OK, f"query {query.reference} submitted by {incoming.sender}")


def _acknowledge(user, query) -> None:
    """The member's receipt: the reference, and when a facilitator looks at it."""
    link = absolute_url(f"/queries/{query.reference}")
    text, html = render_email("mail_query_received", user=user, query=query, link=link,
                              zone=user_zone(user))
    queue_email(user.email, _("[Reachback] %(ref)s received: %(title)s", ref=query.reference,
                              title=query.title),
                text, html, user=user, dedupe_key=f"mail-received:{query.id}")


def _answer_unknown(address: str) -> bool:
    """At most one polite answer a day to an address without an account (only its hash is
    kept); True when one is queued now."""
    key = hashlib.sha256(address.encode()).hexdigest()
    now = utcnow()
    row = db.session.get(MailRefusal, key)
    if row is not None and row.answered_at > now - REFUSAL_INTERVAL:
        return False
    try:
        with speaking(None):  # the site's language: nothing is known of the writer
            text, html = render_email("mail_unknown_sender", address=address)
            queue_email(address, _("[Reachback] Your message could not be accepted"), text,
                        html)
    except Invalid:
        return False
    if row is None:
        db.session.add(MailRefusal(address_hash=key, answered_at=now))
    else:
        row.answered_at = now
    db.session.commit()  # the answer and its date stand, though the message is refused
    return True
