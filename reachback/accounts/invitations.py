"""Invitations by e-mail: a facilitator or an admin invites a person, who sets their own
password through a signed, expiring, single-use link.

The account is created at once, without a password (nobody can sign in to it); the link
names an Invitation row, which makes it single-use and lets a new invitation of the same
person cancel the older links. Staff invited this way enrol their second factor at their
first sign-in.
"""
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from .. import permissions as perm
from ..audit import audit
from ..config import setting
from ..errors import Invalid
from ..extensions import db
from ..i18n import speaking
from ..models_base import utcnow
from . import links
from .models import Invitation, User, email_key, find_user_by_email
from .passwords import hash_password
from .services import add_user, plausible_email, update_profile, validate_password

SALT = "invitation"


def _days() -> int:
    return setting("INVITATION_DAYS")


def invite(actor, email: str, name: str, roles=()) -> Invitation:
    """Invite a person (a new account, or one whose earlier invitation was not accepted:
    its older links stop working) and queue the e-mail. Admins may give any role,
    facilitators member and expert only (Forbidden otherwise). Raises Invalid for a bad or
    taken address."""
    roles = sorted(set(roles or ()) | {"member"})
    perm.require(perm.can_invite(actor, roles), _("You may not invite people with these roles."))
    if not plausible_email(email_key(email)):
        raise Invalid(_("Please correct the e-mail address."),
                      {"email": _("Give a valid e-mail address.")})
    user = find_user_by_email(email)
    if user is None:
        user = add_user(actor, email, name, roles=roles)
    elif user.password_hash is not None:
        raise Invalid(_("This person has an account already."),
                      {"email": _("An account with this e-mail address exists.")})
    else:
        perm.require(perm.can_invite(actor, user.roles), _("You may not invite this person."))
        update_profile(None, user, name=name, roles=roles)
    _revoke_open(user)
    invitation = Invitation(user_id=user.id, invited_by_id=actor.id, created_at=utcnow())
    db.session.add(invitation)
    db.session.flush()
    token = links.sign(SALT, {"i": invitation.id})
    with speaking(user):  # the new member's language: DEFAULT_LANGUAGE until they choose
        links.send(user, _("[Reachback] %(name)s invites you to Reachback", name=actor.name),
                   links.compose("invitation", f"/invitation/{token}", person=user.name,
                                 inviter=actor.name, days=_days()))
    audit("invitation_sent", actor, user.email,
          f"invitation={invitation.id}; roles={','.join(roles)}")
    return invitation


def _revoke_open(user) -> None:
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))


def invitation_for(token: str) -> Invitation | None:
    """The open invitation this link names: signed by us less than INVITATION_DAYS ago,
    neither accepted nor replaced, for an active account still without a password."""
    payload = links.unsign(SALT, token, _days() * 86400)
    number = payload.get("i") if payload else None
    invitation = db.session.get(Invitation, number) if isinstance(number, int) else None
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return None
    user = invitation.user
    return invitation if user.active and user.password_hash is None else None


def accept(invitation: Invitation, password: str) -> None:
    """Set the invited person's password (the usual rules; Invalid on new_password); the
    invitation is used up."""
    user = invitation.user
    user.password_hash = hash_password(validate_password(password, "new_password"))
    invitation.accepted_at = utcnow()
    audit("invitation_accepted", user, user.email, f"invitation={invitation.id}")


def list_open(actor) -> list[Invitation]:
    """Invitations sent and not yet accepted, newest first: the actor's own, or all for
    admins."""
    perm.require(perm.can_invite(actor), _("You may not invite people."))
    stmt = (db.select(Invitation)
            .options(joinedload(Invitation.user).selectinload(User.role_rows),
                     joinedload(Invitation.invited_by))
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(50))
    if not perm.is_admin(actor):
        stmt = stmt.where(Invitation.invited_by_id == actor.id)
    return list(db.session.scalars(stmt))
