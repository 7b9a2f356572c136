"""Notification pages: the signed-in user's in-app notifications."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..web import page_arg
from .services import list_notifications, mark_all_read, open_notification, query_titles

bp = Blueprint("notify", __name__)
PER_PAGE = 25


@bp.route("/notifications")
def index():
    pager = list_notifications(current_user, page_arg(), PER_PAGE)
    return render_template("notify/index.html", pager=pager,
                           titles=query_titles(current_user, pager.items))


@bp.route("/notifications/<int:notification_id>/open")
def open_one(notification_id):
    """Follow a notification: it is marked read (the reader's own state), then its page."""
    target = open_notification(current_user, notification_id)
    db.session.commit()
    return redirect(target)


@bp.route("/notifications/read", methods=["POST"])
def mark_read():
    count = mark_all_read(current_user)
    db.session.commit()
    flash(ngettext("%(num)d notification marked as read.",
                   "%(num)d notifications marked as read.", count) if count
          else _("Nothing new to mark as read."), "success")
    return redirect(url_for("notify.index"))
