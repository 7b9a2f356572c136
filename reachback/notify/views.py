"""Notification pages: the signed-in user's in-app notifications."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..web import page_arg
from .services import list_notifications, mark_all_read

bp = Blueprint("notify", __name__)
PER_PAGE = 25


@bp.route("/notifications")
def index():
    pager = list_notifications(current_user, page_arg(), PER_PAGE)
    return render_template("notify/index.html", pager=pager)


@bp.route("/notifications/read", methods=["POST"])
def mark_read():
    count = mark_all_read(current_user)
    db.session.commit()
    flash(ngettext("%(num)d notification marked as read.",
                   "%(num)d notifications marked as read.", count) if count
          else _("Nothing new to mark as read."), "success")
    return redirect(url_for("notify.index"))
