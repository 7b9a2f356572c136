"""Creating and reading in-app notifications."""
from sqlalchemy import func, select, update

from ..accounts.models import User, UserRole
from ..extensions import db
from ..models_base import utcnow
from .models import Notification


def staff_recipients() -> list[User]:
    """Active facilitators (admins when there is no facilitator at all)."""
    for role in ("facilitator", "admin"):
        users = db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))
        ).all()
        if users:
            return list(users)
    return []


def notify(recipients, kind: str, text: str, query=None, actor=None) -> None:
    """Queue an in-app notice for each recipient (never for the person who acted)."""
    seen = set()
    for user in recipients:
        if user is None or user.id in seen or (actor is not None and user.id == actor.id):
            continue
        seen.add(user.id)
        db.session.add(
            Notification(
                user_id=user.id,
                kind=kind,
                text=text,
                query_id=query.id if query is not None else None,
                url=f"/queries/{query.reference}" if query is not None else "",
            )
        )


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
