"""E-mail pages: a user's notification settings, and the outbox for admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..forms import Form
from ..mailin.handle import bouncing_addresses
from ..web import page_arg, submitted
from .services import (
    MODES,
    OUTBOX_STATUSES,
    get_preferences,
    kinds_for,
    list_outbox,
    outbox_counts,
    retry_email,
    set_preferences,
)

bp = Blueprint("email", __name__)
PER_PAGE = 50


def preferences_form(kinds: dict, current: dict[str, str]) -> Form:
    """One select per kind of notification offered, named after the kind, preset to the
    saved mode (or its default)."""

    class PreferencesForm(Form):
        pass

    for kind, label in kinds.items():
        setattr(PreferencesForm, kind, SelectField(label, choices=[SelectChoice(mode, text) for mode, text in MODES.items()]))
    return PreferencesForm(data=current)


@bp.route("/profile/notifications", methods=["GET", "POST"])
def preferences():
    kinds = kinds_for(current_user)  # a kind not offered to the user is not a field: ignored
    form = preferences_form(kinds, get_preferences(current_user))
    return (submitted(form, lambda: set_preferences(current_user, current_user,
                                                    {k: form[k].data for k in kinds}),
                      _("Your notification settings are saved."), url_for("email.preferences"))
            or render_template("email/preferences.html", form=form, kinds=kinds))


@bp.route("/admin/outbox")
def outbox():
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    pager = list_outbox(current_user, status, page_arg(), PER_PAGE)
    return render_template("email/outbox.html", pager=pager, status=status,
                           counts=outbox_counts(current_user), statuses=OUTBOX_STATUSES,
                           bounces=bouncing_addresses(current_user))


@bp.route("/admin/outbox/<int:email_id>/retry", methods=["POST"])
def retry(email_id):
    email = retry_email(current_user, email_id)
    db.session.commit()
    flash(_("The e-mail to %(recipient)s is queued again and goes out shortly.",
            recipient=email.recipient), "success")
    return redirect(url_for("email.outbox", status=request.form.get("status") or None))
