"""The security audit log: appending an event (every feature that records one), and reading
the log (the admins' page)."""
from datetime import UTC, date, datetime, time, timedelta

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from . import permissions as perm
from .accounts.models import AuditEvent, User
from .extensions import db
from .models_base import utcnow


def escape_controls(text: str) -> str:
    r"""Control characters (CR, LF, tab, escape...) written visibly as \r, \n, \x1b: a value
    a visitor typed can never forge a line or a terminal sequence in a log."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def audit(kind: str, actor=None, subject: str = "", detail: str = "") -> None:
    """Append a security event. Never pass a password, token or secret in `detail`; control
    characters in `subject` and `detail` are escaped (no log injection)."""
    ip = (request.remote_addr or "") if has_request_context() else ""
    db.session.add(AuditEvent(at=utcnow(), kind=kind, actor_id=getattr(actor, "id", None),
                              subject=escape_controls(subject or "")[:254], ip=ip[:64],
                              detail=escape_controls(detail or "")[:1000]))


# --- the audit log -----------------------------------------------------------------------

def audit_kinds() -> list[str]:
    """Every kind of event the log holds, for the filter."""
    return list(db.session.scalars(
        select(AuditEvent.kind).distinct().order_by(AuditEvent.kind)))


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character "\\") for the lower-cased `text` anywhere in a
    lower-cased column: its own % and _ match only themselves."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def list_audit(actor, kind: str | None = None, email: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               page: int = 1, per_page: int = 50):
    """Audit events, newest first, for admins only (Forbidden otherwise): of one kind; whose
    actor's address or subject contains `email` (case-insensitive: failed sign-ins of
    unknown addresses have only a subject); from `since` up to `until` (UTC, excluded).
    Returns a paginate object."""
    perm.require(perm.is_admin(actor), _("Only admins read the audit log."))
    stmt = select(AuditEvent).options(joinedload(AuditEvent.actor)) \
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    if email and email.strip():
        pattern = like_pattern(email)
        actors = select(User.id).where(func.lower(User.email).like(pattern, escape="\\"))
        stmt = stmt.where(or_(AuditEvent.actor_id.in_(actors),
                              func.lower(AuditEvent.subject).like(pattern, escape="\\")))
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def day_bounds(first: date | None, last: date | None, zone) -> tuple:
    """(since, until) in UTC: from the start of day `first` to the end of day `last`, both
    days in `zone`; None where a day is not given."""
    since = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC) if first else None
    until = (datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
             if last else None)
    return since, until
