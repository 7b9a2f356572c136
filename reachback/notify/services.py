"""Notifications: in-app notices, the e-mail each one queues by the user's preference, and
the outbox (queueing, admin view, retry). Nothing here sends: reachback.notify.jobs does."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import permissions as perm
from ..accounts.models import User, UserRole
from ..config import setting
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..i18n import current_language, language_of, speaking
from ..models_base import utcnow
from .mailer import has_line_break
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
    "sla_reminder": _l("A reminder that your answer is due soon"),
    "sla_warning": _l("A response-time target is close to being missed"),
    "sla_breach": _l("A response-time target is missed"),
}
MODES = {"immediate": _l("E-mail at once"), "digest": _l("In the daily digest"),
         "off": _l("No e-mail")}
DEFAULT_MODE = "immediate"
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


def notify(recipients, kind: str, text, query=None, actor=None, url=None) -> None:
    """Queue an in-app notice for each recipient (never for the person who acted), and an
    e-mail for those whose preference for this kind is `immediate` (the default)."""
    notify_many([Notice(recipients, kind, text, query, actor, url)])


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
            created.append((user, note))
    if not created:
        return
    db.session.flush()  # ids for the e-mails' dedupe keys
    modes = {kind: email_modes({u.id for u, n in created if n.kind == kind}, kind)
             for kind in {n.kind for _, n in created}}
    _queue_notification_emails([
        (user, note) for user, note in created
        if modes[note.kind].get(user.id, DEFAULT_MODE) == "immediate" and user.active])


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


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


# --- preferences ---------------------------------------------------------------------

def email_modes(user_ids, kind: str) -> dict[int, str]:
    """{user_id: mode} for the users who chose something for this kind (others: immediate)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.mode).where(
            NotificationPreference.kind == kind,
            NotificationPreference.user_id.in_(list(user_ids)),
        )
    )
    return dict(rows.all())


def get_preferences(user) -> dict[str, str]:
    """The user's e-mail mode for every kind, defaults filled in."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id)
    )
    chosen = dict(rows.all())
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in KINDS}


def set_preferences(actor, user, modes: dict[str, str]) -> dict[str, str]:
    """Save the modes given (other kinds keep theirs). Only the user themself or an admin.
    Raises Forbidden; Invalid naming each unknown kind or mode."""
    perm.require(actor is not None and (actor.id == user.id or perm.is_admin(actor)),
                 _("You may only change your own notification settings."))
    errors = {k: _("Unknown kind of notification.") for k in modes if k not in KINDS}
    errors.update({k: _("Choose one of: %(modes)s", modes=", ".join(MODES))
                   for k, m in modes.items() if k in KINDS and m not in MODES})
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
                language: str | None = None) -> OutboundEmail | None:
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
        language=language or current_language(), status="queued", attempts=0, next_attempt_at=now, created_at=now, dedupe_key=dedupe_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:  # queued meanwhile by someone else: that one stands
        return None
    return email


def _queue_notification_emails(pairs) -> None:
    """The e-mails of new notifications, in one INSERT. Their dedupe keys name the new
    notification ids, so a row can exist already only when SQLite reused the id of a deleted
    notification: those are found in one query and left out (queue_email's rule)."""
    rows = []
    for user, note in pairs:
        recipient = (user.email or "").strip()
        if not _mailable(recipient):  # an address that cannot be mailed must not stop the action
            current_app.logger.warning("No e-mail for user %s: invalid address", user.id)
            continue
        link = absolute_url(note.url or "/notifications")
        with speaking(user):  # the notice's own language (written_for)
            text, html = render_email("notification", user=user, note=note, link=link)
        rows.append({
            "user_id": user.id, "recipient": recipient,
            "subject": clean_subject(f"[Reachback] {note.text}"), "text_body": text,
            "html_body": html, "language": language_of(user), "status": "queued",
            "attempts": 0,
            "next_attempt_at": note.created_at, "created_at": note.created_at,
            "dedupe_key": f"notification:{note.id}"})
    taken = set()
    for start in range(0, len(rows), 500):
        keys = [row["dedupe_key"] for row in rows[start:start + 500]]
        taken.update(db.session.scalars(
            select(OutboundEmail.dedupe_key).where(OutboundEmail.dedupe_key.in_(keys))))
    rows = [row for row in rows if row["dedupe_key"] not in taken]
    if rows:
        db.session.execute(insert(OutboundEmail.__table__), rows)


def _mailable(recipient: str) -> bool:
    return bool(recipient) and "@" in recipient and not has_line_break(recipient)


def list_outbox(actor, status: str | None, page: int, per_page: int):
    """Outbox rows for admins, failed first, then waiting, then sent. Raises Forbidden."""
    perm.require(perm.is_admin(actor), _("Only admins see the e-mail outbox."))
    stmt = select(OutboundEmail)
    if status in OUTBOX_STATUSES:
        stmt = stmt.where(OutboundEmail.status == status)
    order = case({"failed": 0, "queued": 1}, value=OutboundEmail.status, else_=2)
    return db.paginate(stmt.order_by(order, OutboundEmail.created_at.desc(),
                                     OutboundEmail.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def outbox_counts(actor) -> dict[str, int]:
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
