"""Invitations: staff invite a person by e-mail; the person sets a password from the link."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import permissions as perm
from ..config import setting
from ..web import submitted
from . import invitations, limits
from .forms import ROLE_LABELS, InviteForm
from .models import ROLES
from .views import choose_password, no_store

bp = Blueprint("invitations", __name__)
bp.after_request(no_store)


@bp.route("/invitations/new", methods=["GET", "POST"])
@limits.limited("RATELIMIT_INVITE", limits.signed_in_person, every=True)
def new():
    perm.require(perm.can_invite(current_user), _("Only facilitators and admins invite people."))
    form = InviteForm()
    # Only the roles this person may give are offered (the service checks again).
    form.roles.choices = [SelectChoice(r, ROLE_LABELS[r]) for r in ROLES
                          if perm.can_invite(current_user, [r])]
    return (submitted(form, lambda: invitations.invite(current_user, form.email.data,
                                                       form.name.data, form.roles.data),
                      lambda invitation: ngettext(
                          "Invitation sent to %(email)s. The link works once, for %(num)d day.",
                          "Invitation sent to %(email)s. The link works once, for %(num)d days.",
                          setting("INVITATION_DAYS"), email=invitation.user.email),
                      url_for("invitations.new"))
            or render_template("accounts/invite.html", form=form,
                               waiting=invitations.list_open(current_user)))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limits.limited("RATELIMIT_LINK", limits.link_token)
def accept(token):
    invitation = invitations.invitation_for(token)
    return choose_password(
        invitation.user if invitation is not None else None, lambda password: invitations.accept(invitation, password),
        _("Welcome to Reachback"), _("Set my password"),
        _("Your password is set. Sign in with your e-mail address and it."))
