"""E-mail pages: a user's notification settings, and the outbox for admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from ..extensions import csrf, db
from ..forms import Form, countries_field, themes_field
from ..mailin.handle import bouncing_addresses
from ..web import page_arg, submitted
from . import subscriptions as subs
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


FREQUENCIES = {"immediately": _l("Immediately: one e-mail per response"),
               "daily": _l("Daily: one e-mail with the day's responses"),
               "weekly": _l("Weekly: one e-mail with the week's responses")}


class SubscriptionsForm(Form):
    themes = themes_field(_l("Themes"))
    countries = countries_field(_l("Countries"))
    frequency = RadioField(_l("How often"), default=subs.DEFAULT_FREQUENCY,
                           choices=[SelectChoice(k, v) for k, v in FREQUENCIES.items()])


@bp.route("/profile/subscriptions", methods=["GET", "POST"])
def subscriptions():
    form = SubscriptionsForm(data=subs.get_subscription(current_user))
    return (submitted(form, lambda: subs.set_subscription(
                current_user, current_user, form.themes.data, form.countries.data,
                form.frequency.data),
            _("Your subscriptions are saved."), url_for("email.subscriptions"))
            or render_template("email/subscriptions.html", form=form))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs without a session; the signed token is the check
def unsubscribe(token):
    """One click: a POST (the mail client's, or the page's button) unsubscribes at once,
    without signing in; a GET only asks (a link checker must not unsubscribe anyone)."""
    _user, list_name = subs.read_unsubscribe_token(token)
    if request.method == "POST":
        subs.unsubscribe(token)
        db.session.commit()
    return render_template("email/unsubscribe.html", list_name=list_name,
                           done=request.method == "POST")


@bp.route("/admin/outbox")
def outbox():
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    counts = outbox_counts(current_user)
    pager = list_outbox(current_user, status, page_arg(), PER_PAGE, counts)
    return render_template("email/outbox.html", pager=pager, status=status,
                           counts=counts, statuses=OUTBOX_STATUSES,
                           bounces=bouncing_addresses(current_user))


@bp.route("/admin/outbox/<int:email_id>/retry", methods=["POST"])
def retry(email_id):
    email = retry_email(current_user, email_id)
    db.session.commit()
    flash(_("The e-mail to %(recipient)s is queued again and goes out shortly.",
            recipient=email.recipient), "success")
    return redirect(url_for("email.outbox", status=request.form.get("status") or None))
