"""Scheduled jobs of the notify feature: deliver the outbox, send daily digests, expire
invitations nobody answered. Each is a plain function that commits its own work and is
idempotent: running it twice sends and changes nothing twice."""
import logging
from datetime import timedelta
from itertools import groupby

from flask_babel import ngettext
from sqlalchemy import and_, func, insert, or_, select, update

from ..accounts.models import User, UserRole
from ..config import setting
from ..extensions import db
from ..i18n import speaking, user_zone
from ..models_base import utcnow
from ..queries.models import Assignment, Event
from .mailer import ConnectError, DeliveryError, build_message, get_backend
from .models import Notification, NotificationPreference, OutboundEmail
from .services import (
    DEFAULT_MODES,
    KINDS,
    STAFF_ROLES,
    absolute_url,
    backoff,
    queue_email,
    render_email,
)
from .subscriptions import bulk_headers

log = logging.getLogger(__name__)
DIGEST_FIRST_WINDOW = timedelta(days=1)
DIGEST_MAX_WINDOW = timedelta(days=7)


# --- delivery ----------------------------------------------------------------------------

def deliver_outbox(now=None, backend=None) -> int:
    """Send the queued e-mails that are due, in small batches; returns how many were sent.

    Each row is claimed before it is sent (attempts + 1 and the next attempt pushed back by
    the back-off, committed), so a crash mid-send retries later instead of losing the mail,
    and a sent row is never picked again. After MAIL_MAX_ATTEMPTS the row becomes `failed`.
    """
    now = now or utcnow()
    backend = backend or get_backend()
    sender, max_attempts = setting("MAIL_SENDER"), setting("MAIL_MAX_ATTEMPTS")
    sent = 0
    with backend:
        while claimed := _claim(now, setting("MAIL_BATCH_SIZE")):
            for i, email in enumerate(claimed):
                try:
                    backend.send(email, build_message(email, sender))
                except ConnectError as e:
                    # The server is down: the rest of the batch waits for its back-off too.
                    for other in claimed[i:]:
                        _record_failure(other, e, max_attempts)
                    db.session.commit()
                    log.warning("Mail server unreachable: %s", e)
                    return sent
                except Exception as e:  # any failure is recorded and retried
                    _record_failure(email, e, max_attempts)
                else:
                    email.status, email.sent_at, email.last_error = "sent", utcnow(), None
                    sent += 1
                db.session.commit()
    return sent


def _claim(now, batch_size: int) -> list[OutboundEmail]:
    """Mark up to batch_size due rows as attempted (conditional UPDATE per row) and commit."""
    due = db.session.execute(
        select(OutboundEmail.id, OutboundEmail.attempts)
        .where(OutboundEmail.status == "queued", OutboundEmail.next_attempt_at <= now)
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(batch_size)
    ).all()
    claimed = []
    for email_id, attempts in due:
        result = db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.id == email_id, OutboundEmail.status == "queued",
                   OutboundEmail.attempts == attempts)
            .values(attempts=attempts + 1, next_attempt_at=now + backoff(attempts + 1))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(email_id)
    db.session.commit()
    if not claimed:
        return []
    return list(db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.id.in_(claimed))
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .execution_options(populate_existing=True)
    ))


def _record_failure(email: OutboundEmail, error: Exception, max_attempts: int) -> None:
    permanent = isinstance(error, DeliveryError) and error.permanent
    email.last_error = (str(error) or error.__class__.__name__)[:1000]
    if permanent or email.attempts >= max_attempts:
        email.status = "failed"


# --- digests -----------------------------------------------------------------------------

def send_digests(now=None) -> int:
    """Queue one e-mail per digest-mode user with their unread notifications (of the kinds
    they chose `digest` for, or left at a `digest` default) since their last digest, at most once per UTC day: the key
    digest:<user_id>:<YYYY-MM-DD> makes a re-run queue nothing. Returns how many queued."""
    now = now or utcnow()
    day = now.date().isoformat()
    staff = User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES)))
    by_default = {side: [k for k, modes in DEFAULT_MODES.items() if modes[side] == "digest"]
                  for side in (0, 1)}  # (members, staff): see DEFAULT_MODES
    digest = or_(NotificationPreference.mode == "digest", and_(
        NotificationPreference.mode.is_(None),
        or_(and_(staff, Notification.kind.in_(by_default[1])),
            and_(~staff, Notification.kind.in_(by_default[0])))))
    rows = db.session.execute(
        select(Notification, User)
        .outerjoin(NotificationPreference, and_(
            NotificationPreference.user_id == Notification.user_id,
            NotificationPreference.kind == Notification.kind))
        .join(User, User.id == Notification.user_id)
        .where(digest, Notification.read_at.is_(None),
               Notification.created_at > now - DIGEST_MAX_WINDOW,
               Notification.created_at <= now, User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    if not rows:
        return 0
    last = dict(db.session.execute(
        select(OutboundEmail.user_id, func.max(OutboundEmail.created_at))
        .where(OutboundEmail.dedupe_key.like("digest:%"))
        .group_by(OutboundEmail.user_id)
    ).all())
    queued = 0
    for _user_id, group in groupby(rows, key=lambda row: row[1].id):
        group = list(group)
        user = group[0][1]
        since = last.get(user.id)
        if since is None or since < now - DIGEST_MAX_WINDOW:
            since = now - DIGEST_FIRST_WINDOW
        notes = [note for note, _ in group if note.created_at > since]
        if notes and _queue_digest(user, notes, now, f"digest:{user.id}:{day}"):
            queued += 1
    db.session.commit()
    return queued


def _queue_digest(user, notes, now, key) -> bool:
    """The digest, written in the user's language, dates in their time zone."""
    with speaking(user):
        items = [{"note": n, "kind": str(KINDS.get(n.kind, n.kind)),
                  "link": absolute_url(n.url or "/notifications")} for n in notes]
        text, html = render_email("digest", user=user, items=items, day=now,
                                  zone=user_zone(user), link=absolute_url("/notifications"))
        count = len(notes)
        subject = ngettext("[Reachback] Your daily digest: %(num)d notification",
                           "[Reachback] Your daily digest: %(num)d notifications", count)
        return queue_email(user.email, subject, text, html, user=user, dedupe_key=key,
                           now=now, headers=bulk_headers(user, "digest")) is not None


# --- invitations ---------------------------------------------------------------------------

def expire_invitations(now=None) -> int:
    """Invitations nobody answered by their due time become `expired`, in one set-wise
    UPDATE; an Event is recorded for exactly the rows that UPDATE changed."""
    now = now or utcnow()
    expired = db.session.execute(
        update(Assignment)
        .where(Assignment.status == "invited", Assignment.due_at.is_not(None),
               Assignment.due_at < now)
        .values(status="expired")
        .returning(Assignment.id, Assignment.query_id, Assignment.expert_id)
        .execution_options(synchronize_session=False)
    ).all()
    if expired:
        names = dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_({row.expert_id for row in expired}))
        ).all())
        db.session.execute(insert(Event), [
            {"query_id": row.query_id, "actor_id": None, "kind": "assignment_expired",
             "at": now, "internal": True,
             "data": {"expert": names.get(row.expert_id, ""), "assignment": row.id}}
            for row in expired
        ])
    db.session.commit()
    return len(expired)
