"""Notifications: in-app notices, the e-mail each one queues by the user's preference, and
the outbox (queueing, admin view, retry). Nothing here sends: reachback.notify.jobs does."""
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import permissions as perm
from ..accounts.models import User, UserRole
from ..config import setting
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..files.models import Attachment
from ..i18n import current_language, language_of, speaking, user_zone
from ..mailin.tokens import REPLY_KINDS, reply_address
from ..models_base import utcnow
from ..queries.models import Contribution, FieldQuery
from .mailer import has_line_break, sender_domain
from .models import Notification, NotificationPreference, OutboundEmail

# Every kind of notification, with what it means to the person who receives it.
KINDS = {
    "query_submitted": _l("A new query is submitted"),
    "clarification_requested": _l("A facilitator asks you to clarify your query"),
    "clarification_answered": _l("A requester answers a request for clarification"),
    "assigned": _l("You are asked to answer a query"),
    "assignment_declined": _l("An expert declines an assignment"),
    "contribution_added": _l("An expert sends a contribution"),
    "response_published": _l("A response you asked for or contributed to is published"),
    "response_corrected": _l("A response you asked for, contributed to or watch is corrected"),
    "review_requested": _l("A facilitator asks you to review a draft response"),
    "review_answered": _l("A reviewer answers your request for a review"),
    "rating_reminder": _l("A reminder to rate the response to your query"),
    "closed": _l("Your query is closed"),
    "follow_up": _l("A requester follows up on a published response"),
    "sla_reminder": _l("A reminder that your answer is due soon"),
    "sla_warning": _l("A response-time target is close to being missed"),
    "sla_breach": _l("A response-time target is missed"),
}
MODES = {"immediate": _l("E-mail at once"), "digest": _l("In the daily digest"),
         "off": _l("No e-mail")}
DEFAULT_MODE = "immediate"  # for kinds not in DEFAULT_MODES (such as sign-in alerts)
# The e-mail mode of each kind for a user who chose nothing: (for members and experts, for
# staff). None: only staff ever receive that kind, so members are not offered it. Staff get
# the frequent kinds in the daily digest; everyone gets what is about their own work at once.
DEFAULT_MODES = {
    "query_submitted": (None, "digest"),
    "clarification_requested": ("immediate", "immediate"),
    "clarification_answered": (None, "digest"),
    "assigned": ("immediate", "immediate"),
    "assignment_declined": (None, "immediate"),
    "contribution_added": (None, "digest"),
    "response_published": ("immediate", "immediate"),
    "closed": ("immediate", "immediate"),
    "sla_reminder": ("immediate", "digest"),
    "sla_warning": ("immediate", "digest"),
    "sla_breach": ("immediate", "digest"),
    "response_corrected": ("immediate", "immediate"),
    "review_requested": ("immediate", "immediate"),  # experts review drafts too
    "review_answered": (None, "immediate"),
    "rating_reminder": ("immediate", "immediate"),
    "follow_up": (None, "immediate"),
}
STAFF_ROLES = ("facilitator", "admin")  # User.is_staff
OUTBOX_STATUSES = ("failed", "queued", "sent")
SUBJECT_MAX = 150


def staff_recipients() -> list[User]:
    """Active facilitators (admins when there is no facilitator at all)."""
    for role in ("facilitator", "admin"):
        users = db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))
        ).all()
        if users:
            return list(users)
    return []


@dataclass
class Notice:
    """One thing to tell some people (see notify()).

    `text` is written in each recipient's language (their choice, else DEFAULT_LANGUAGE),
    when the notice is made: give it as a lazy string, `lazy_gettext("New query
    %(ref)s: %(title)s", ref=..., title=...)`, or as a function of the recipient returning
    the text (for what depends on them too, such as a time in their time zone); it is
    called and converted under `force_locale(their language)`. A plain str is kept as it
    is. The notice is stored as written (the notifications page shows it so) and the
    e-mail is written in the same language."""

    recipients: Iterable
    kind: str
    text: object
    query: object = None
    actor: object = None
    url: str | None = None  # where the notice leads; the query's page when None
    # What the e-mail of a kind in CONTENT_KINDS carries beside the query: `message` (the
    # facilitator's question), `assignment` (the invitation), `response` (the publication).
    # Each recipient's e-mail holds only what they may read (_email_content).
    details: dict | None = None


# The kinds whose e-mail carries the content to act on (templates/emails/<kind>.txt|html);
# the others say what happened and link to it (templates/emails/notification.*).
CONTENT_KINDS = ("clarification_requested", "assigned", "response_published")


def notify(recipients, kind: str, text, query=None, actor=None, url=None,
           details=None) -> None:
    """Queue an in-app notice for each recipient (never for the person who acted), and an
    e-mail for those whose preference for this kind is `immediate` (see DEFAULT_MODES)."""
    notify_many([Notice(recipients, kind, text, query, actor, url, details)])


def notify_many(notices: Iterable[Notice]) -> None:
    """notify() for many notices at once, set-wise: one flush, one preference query per kind
    and one INSERT of the e-mails, however many there are (the SLA job announces thousands
    of targets when it catches up after an outage)."""
    created = []
    for notice in notices:
        seen = set()
        for user in notice.recipients:
            if user is None or user.id in seen or (
                    notice.actor is not None and user.id == notice.actor.id):
                continue
            seen.add(user.id)
            query, url = notice.query, notice.url
            if url is None:
                url = f"/queries/{query.reference}" if query is not None else ""
            note = Notification(
                user_id=user.id,
                kind=notice.kind,
                text=written_for(user, notice.text),
                query_id=query.id if query is not None else None,
                url=url,
                created_at=utcnow(),
            )
            db.session.add(note)
            created.append((user, note, notice))
    if not created:
        return
    db.session.flush()  # ids for the e-mails' dedupe keys
    modes = {kind: email_modes({u.id: u for u, n, _ in created if n.kind == kind}.values(), kind)
             for kind in {n.kind for _, n, _ in created}}
    _queue_notification_emails([
        (user, note, notice) for user, note, notice in created
        if modes[note.kind][user.id] == "immediate" and user.active])


def written_for(user, text) -> str:
    """A notice's text (see Notice) in `user`'s language."""
    with speaking(user):
        return str(text(user) if callable(text) else text)


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def list_notifications(user, page: int, per_page: int):
    return db.paginate(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def open_notification(user, notification_id: int) -> str:
    """Mark the user's notification read and return where it leads (a site path; the
    notifications page when it names none or somewhere off the site). Raises NotFound for
    a notification that is not theirs."""
    note = db.session.get(Notification, notification_id)
    if note is None or user is None or note.user_id != user.id:
        raise NotFound(_("No such notification."))
    if note.read_at is None:
        note.read_at = utcnow()
    url = note.url or ""
    return url if url.startswith("/") and not url.startswith("//") else "/notifications"


def query_titles(user, notes) -> dict[int, str]:
    """{query_id: title} of the notices' queries the user may still see: one query for
    them all (a query they no longer see is left out: its notice shows its stored text)."""
    ids = {n.query_id for n in notes if n.query_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(FieldQuery.id, FieldQuery.title)
        .where(FieldQuery.id.in_(ids), perm.visible_queries(user))).all())


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


# --- preferences ---------------------------------------------------------------------

def default_mode(user, kind: str) -> str | None:
    """The mode of `kind` for `user` when they chose nothing (None: not offered to them)."""
    members, staff = DEFAULT_MODES.get(kind, (DEFAULT_MODE, DEFAULT_MODE))
    return staff if user.is_staff else members  # is_staff: a role in STAFF_ROLES


def kinds_for(user) -> dict:
    """The kinds (KINDS' labels) the user may choose a mode for: staff-only ones are left
    out for everyone else."""
    return {kind: label for kind, label in KINDS.items() if default_mode(user, kind)}


def email_modes(users, kind: str) -> dict[int, str]:
    """{user_id: mode} for each user: what they chose for this kind, else its default."""
    users = list(users)
    if not users:
        return {}
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.mode).where(
            NotificationPreference.kind == kind,
            NotificationPreference.user_id.in_([u.id for u in users]),
        )
    )
    chosen = dict(rows.all())
    return {u.id: chosen.get(u.id) or default_mode(u, kind) or DEFAULT_MODE for u in users}


def get_preferences(user) -> dict[str, str]:
    """The user's e-mail mode for every kind offered to them, defaults filled in."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id)
    )
    chosen = dict(rows.all())
    return {kind: chosen.get(kind, default_mode(user, kind)) for kind in kinds_for(user)}


def set_preferences(actor, user, modes: dict[str, str]) -> dict[str, str]:
    """Save the modes given (other kinds keep theirs). Only the user themself or an admin.
    Raises Forbidden; Invalid naming each unknown kind or mode."""
    perm.require(actor is not None and (actor.id == user.id or perm.is_admin(actor)),
                 _("You may only change your own notification settings."))
    offered = kinds_for(user)
    errors = {k: _("Unknown kind of notification.") for k in modes if k not in KINDS}
    errors.update({k: _("Only facilitators receive this kind of notification.")
                   for k in modes if k in KINDS and k not in offered})
    errors.update({k: _("Choose one of: %(modes)s", modes=", ".join(MODES))
                   for k, m in modes.items() if k in offered and m not in MODES})
    if errors:
        raise Invalid(_("Some choices are not valid."), errors)
    db.session.execute(delete(NotificationPreference).where(
        NotificationPreference.user_id == user.id,
        NotificationPreference.kind.in_(list(modes))))
    if modes:
        db.session.execute(insert(NotificationPreference), [
            {"user_id": user.id, "kind": k, "mode": m} for k, m in modes.items()])
    db.session.flush()
    return get_preferences(user)


# --- the outbox ------------------------------------------------------------------------

def absolute_url(path: str) -> str:
    """An absolute link for an e-mail (BASE_URL + a site path such as /queries/RB-2026-0001)."""
    base = str(setting("BASE_URL")).rstrip("/")
    return base + (path if path.startswith("/") else "/" + path)


def mail_domain() -> str:
    """The domain of Reachback's own Message-IDs: the sender's (MAIL_SENDER)."""
    return sender_domain(str(setting("MAIL_SENDER")))


def new_message_id(tag: str) -> str:
    """A unique Message-ID, fixed when the e-mail is queued (a retry sends the same one);
    short, so that its header line is never folded."""
    tag = "".join(c if c.isalnum() else "." for c in tag)[:40]
    return f"<{secrets.token_hex(8)}.{tag}@{mail_domain()}>"


def thread_root(reference: str) -> str:
    """The stable id every e-mail about one query points at (In-Reply-To and References),
    so that the recipient's client shows one thread per query: <query-RB-2026-0042@domain>."""
    return f"<query-{reference}@{mail_domain()}>"


def thread_headers(reference: str | None) -> dict[str, str]:
    """The headers of an automatic e-mail (Auto-Submitted: RFC 3834, so that no
    auto-responder answers it) and, about a query, those that thread it."""
    headers = {"Auto-Submitted": "auto-generated"}
    if reference:
        root = thread_root(reference)
        headers.update({"In-Reply-To": root, "References": root})
    return headers


def query_subject(reference: str | None, text: str) -> str:
    """[RB-2026-0042] and the notice (without the reference again at its start); a notice
    about no query keeps the [Reachback] tag."""
    text = str(text)
    if not reference:
        return clean_subject(f"[Reachback] {text}")
    for lead in (f"{reference}: ", f"{reference} "):
        if text.startswith(lead):
            text = text[len(lead):]
            break
    return clean_subject(f"[{reference}] {text}")


def render_email(name: str, **context) -> tuple[str, str]:
    """(text, html) bodies from templates/emails/<name>.txt and .html, in the language in
    force (callers write to someone `with i18n.speaking(recipient):`). The Jinja
    environment is used directly: no request, so jobs can render too."""
    env = current_app.jinja_env
    context.setdefault("base_url", absolute_url("/"))
    context.setdefault("settings_url", absolute_url("/profile/notifications"))
    text = env.get_template(f"emails/{name}.txt").render(**context)
    html = env.get_template(f"emails/{name}.html").render(**context)
    return text, html


def clean_subject(subject: str) -> str:
    """One line (CR/LF and other whitespace runs become a space), of a sensible length."""
    line = " ".join((subject or "").split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1].rstrip() + "…"


def queue_email(recipient: str, subject: str, text_body: str, html_body: str | None = None,
                user=None, dedupe_key: str | None = None, now=None,
                language: str | None = None, headers: dict | None = None,
                message_id: str | None = None) -> OutboundEmail | None:
    """Add an outbox row for the delivery job, written in `language` (by default the one in
    force: write it `with i18n.speaking(recipient):`). Returns None when a row with the same
    dedupe_key exists already (a re-run queues nothing twice). Raises Invalid when the
    recipient holds a line break (header injection) or is empty."""
    recipient = (recipient or "").strip()
    if not _mailable(recipient):
        raise Invalid(_("Not a valid recipient."),
                      {"recipient": _("Not a valid e-mail address.")})
    if dedupe_key is not None and db.session.scalar(
            select(OutboundEmail.id).where(OutboundEmail.dedupe_key == dedupe_key)):
        return None
    now = now or utcnow()
    email = OutboundEmail(
        user_id=user.id if user is not None else None, recipient=recipient,
        subject=clean_subject(str(subject)), text_body=text_body, html_body=html_body,
        language=language or current_language(), status="queued", attempts=0,
        next_attempt_at=now, created_at=now, dedupe_key=dedupe_key,
        message_id=message_id or new_message_id(dedupe_key or "mail"),
        headers=headers or {"Auto-Submitted": "auto-generated"},
    )
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:  # queued meanwhile by someone else: that one stands
        return None
    return email


def _queue_notification_emails(triples) -> None:
    """The e-mails of new notifications, in one INSERT. Their dedupe keys name the new
    notification ids, so a row can exist already only when SQLite reused the id of a deleted
    notification: those are found in one query and left out (queue_email's rule)."""
    rows = []
    for user, note, notice in triples:
        recipient = (user.email or "").strip()
        if not _mailable(recipient):  # an address that cannot be mailed must not stop the action
            current_app.logger.warning("No e-mail for user %s: invalid address", user.id)
            continue
        link = absolute_url(note.url or "/notifications")
        reference = notice.query.reference if notice.query is not None else None
        headers = thread_headers(reference)
        reply_to = _reply_to(user, note, notice.query)  # the mailer writes it as Reply-To
        with speaking(user):  # the notice's own language (written_for)
            name, context = _email_content(user, note, notice)
            text, html = render_email(name, user=user, note=note, link=link,
                                      reply_by_mail=bool(reply_to), **context)
        key = f"notification:{note.id}"
        rows.append({
            "user_id": user.id, "recipient": recipient,
            # The subject: the notice's first line (an invitation's message follows it).
            "subject": query_subject(reference, note.text.partition("\n")[0]),
            "text_body": text,
            "html_body": html, "language": language_of(user), "status": "queued",
            "attempts": 0,
            "next_attempt_at": note.created_at, "created_at": note.created_at,
            "dedupe_key": key, "message_id": new_message_id(key), "headers": headers,
            "reply_to": reply_to})
    taken = set()
    for start in range(0, len(rows), 500):
        keys = [row["dedupe_key"] for row in rows[start:start + 500]]
        taken.update(db.session.scalars(
            select(OutboundEmail.dedupe_key).where(OutboundEmail.dedupe_key.in_(keys))))
    rows = [row for row in rows if row["dedupe_key"] not in taken]
    if rows:
        db.session.execute(insert(OutboundEmail.__table__), rows)


def _reply_to(user, note, query) -> str | None:
    """The signed address that answers this notice by e-mail, when its kind expects one."""
    purpose = REPLY_KINDS.get(note.kind)
    if purpose is None or query is None:
        return None
    if purpose == "publication" and query.requester_id != user.id:
        return None  # the contributors are told too: only the requester follows up
    return reply_address(query.id, user, purpose)


def _email_content(user, note, notice) -> tuple[str, dict]:
    """(template name, its context) of a notice's e-mail to `user`: the kinds of
    CONTENT_KINDS carry what they need to act, each part only when `user` may read it
    (permissions.py decides, as on the pages); the others the notice and its link."""
    query, details = notice.query, notice.details or {}
    if note.kind not in CONTENT_KINDS or query is None:
        return "notification", {}
    context = {"query": query if perm.can_view_query(user, query) else None,
               "query_link": absolute_url(f"/queries/{query.reference}")}
    if note.kind == "clarification_requested":
        message = details.get("message")
        if context["query"] is None or message is None or not perm.can_view_message(
                user, message, query):
            return "notification", {}
        context["message"] = message
    elif note.kind == "assigned":
        assignment = details.get("assignment")
        if (context["query"] is None or assignment is None
                or not perm.can_answer_assignment(user, assignment)):
            return "notification", {}
        context.update(assignment=assignment, zone=user_zone(user),
                       decline_link=absolute_url(f"/assignments/{assignment.id}/decline"))
    else:  # response_published: the response may be another query's (a duplicate's)
        response = details.get("response")
        if response is None or not perm.can_view_response(user, response):
            return "notification", {}
        context.update(response_content(user, response))
    return note.kind, context


def response_content(user, response) -> dict:
    """A published response as an e-mail to `user` shows it (the caller checked that they
    may read it): its link, and the names and links of its contributions' files that `user`
    may download."""
    reference = response.query.reference
    files = [{"name": a.filename, "link": absolute_url(f"/attachments/{a.id}")}
             for a in _response_attachments(response)
             if perm.can_view_attachment(user, a)]
    return {"response": response, "response_link": absolute_url(f"/kb/{reference}"),
            "files": files}


def _response_attachments(response) -> list:
    """The files of the response's contributions, in one query, kept on the response for
    the other recipients of the same publication."""
    cached = getattr(response, "_mail_attachments", None)
    if cached is None:
        cached = list(db.session.scalars(
            select(Attachment).join(Contribution, Attachment.contribution_id == Contribution.id)
            .where(Contribution.query_id == response.query_id)
            .order_by(Attachment.id)))
        response._mail_attachments = cached
    return cached


def _mailable(recipient: str) -> bool:
    return bool(recipient) and "@" in recipient and not has_line_break(recipient)


class _OutboxPage(Pagination):
    """A page of the outbox, failed first, then waiting, then sent, each newest first: the
    page's ids read from each status's stretch of ix_outbound_emails_status_created (its
    place known from the counts per status), not from a sort of every e-mail ever queued;
    then those rows."""

    def _query_items(self) -> list:
        counts, skip, ids = self._query_args["counts"], self._query_offset, []
        for status in self._query_args["statuses"]:
            if len(ids) == self.per_page:
                break
            if skip >= counts[status]:
                skip -= counts[status]
                continue
            ids += db.session.scalars(
                select(OutboundEmail.id).where(OutboundEmail.status == status)
                .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
                .offset(skip).limit(self.per_page - len(ids))).all()
            skip = 0
        rows = {e.id: e for e in db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.id.in_(ids)))} if ids else {}
        return [rows[i] for i in ids if i in rows]

    def _query_count(self) -> int:
        return sum(self._query_args["counts"][s] for s in self._query_args["statuses"])


def list_outbox(actor, status: str | None, page: int, per_page: int,
                counts: dict[str, int] | None = None):
    """Outbox rows for admins, failed first, then waiting, then sent (each newest first);
    `counts`: outbox_counts() when the caller has it. Raises Forbidden. A Flask-SQLAlchemy
    Pagination."""
    perm.require(perm.is_admin(actor), _("Only admins see the e-mail outbox."))
    statuses = (status,) if status in OUTBOX_STATUSES else OUTBOX_STATUSES
    return _OutboxPage(page=page, per_page=per_page, error_out=False,
                       counts=counts if counts is not None else outbox_counts(actor),
                       statuses=statuses)


def outbox_counts(actor) -> dict[str, int]:
    """{status: how many e-mails}, every one of OUTBOX_STATUSES (the only statuses an
    e-mail takes) named."""
    perm.require(perm.is_admin(actor), _("Only admins see the e-mail outbox."))
    rows = db.session.execute(
        select(OutboundEmail.status, func.count(OutboundEmail.id)).group_by(OutboundEmail.status))
    counts = dict(rows.all())
    return {status: counts.get(status, 0) for status in OUTBOX_STATUSES}


def retry_email(actor, email_id: int) -> OutboundEmail:
    """Re-queue a failed (or waiting) e-mail for delivery now, with a fresh set of attempts.
    A sent e-mail is never sent again. Raises Forbidden, NotFound, Conflict."""
    perm.require(perm.is_admin(actor), _("Only admins retry e-mails."))
    email = db.session.get(OutboundEmail, email_id)
    if email is None:
        raise NotFound(_("No such e-mail."))
    if email.status == "sent":
        raise Conflict(_("This e-mail was sent already; it is not sent twice."))
    email.status, email.attempts, email.next_attempt_at = "queued", 0, utcnow()
    db.session.flush()
    return email


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, 8 ... minutes, capped."""
    cap = setting("MAIL_RETRY_MAX_MINUTES")
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap))
