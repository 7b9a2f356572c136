"""Pages of the calendar (its month-by-month list, each event, the iCalendar files and
feeds, proposing and approving events) and of the blackboard of notices.

Every handler loads through a service (404 when invisible), calls one service, commits once
and redirects; a refused form is shown again, each error beside its field.
"""
from babel.dates import format_date
from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..i18n import current_language
from ..knowledge import library
from ..web import page_arg, submit, submitted
from . import services
from .forms import EventForm, NoticeForm
from .models import NOTICE_KIND_LABELS

bp = Blueprint("community", __name__)
PAST_PER_PAGE = 10
ICAL = "text/calendar; charset=utf-8"


def _ical(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=ICAL)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the calendar ---------------------------------------------------------------------

@bp.route("/calendar")
def index():
    upcoming = services.upcoming_events(current_user)
    past = services.past_events(current_user, page_arg(), PAST_PER_PAGE)
    feed = (url_for("community.personal_feed", token=services.feed_token(current_user),
                    _external=True) if perm.can_subscribe_to_feed(current_user) else None)
    pending = services.pending_count(current_user) \
        if perm.can_publish_event(current_user) else 0
    months = [(format_date(month, "LLLL y", locale=current_language()), events)
              for month, events in services.by_month(upcoming)]
    return render_template("community/calendar.html", months=months,
                           past=past, feed=feed, pending=pending)


@bp.route("/calendar/feed/new", methods=["POST"])
def new_feed():
    """A new personal feed address; the old one (perhaps shared by mistake) stops working."""
    return submit(None, lambda: services.new_feed_address(current_user),
                  _("Your calendar has a new address; the old one no longer works. Give the "
                    "new one to your calendar application."),
                  url_for("community.index", _anchor="subscribe-heading"))


@bp.route("/calendar/<int:event_id>")
def event(event_id):
    return render_template("community/event.html",
                           event=services.get_event(current_user, event_id))


@bp.route("/calendar/<int:event_id>.ics")
def event_ics(event_id):
    item = services.get_event(current_user, event_id)
    return _ical(services.ical([item], item.title), f"event-{item.id}.ics")


@bp.route("/calendar.ics")
def feed():
    """The subscription feed of whoever asks: public events for anyone signed out."""
    return _ical(services.ical(services.feed_events(current_user), _("Reachback events")),
                 "reachback.ics")


@bp.route("/calendar/feed/<token>.ics")
def personal_feed(token):
    """A member's secret feed (the community's events too): the token is the credential,
    since calendar applications send no cookie."""
    user = services.feed_user(token)
    response = _ical(services.ical(services.feed_events(user), _("Reachback events")),
                     "reachback.ics")
    response.headers["Cache-Control"] = "private, no-store"  # a member's, in no shared cache
    return response


@bp.route("/calendar/new", methods=["GET", "POST"])
def new_event():
    perm.require(perm.can_propose_event(current_user))
    form = EventForm.blank(groups=library.usable_groups(current_user))
    return (submitted(form, lambda: services.submit_event(current_user, form.to_data()),
                      _event_news, _event_url, validate=False)
            or render_template("community/event_form.html", form=form))


@bp.route("/calendar/proposals")
def proposals():
    events = services.pending_events(current_user)
    return render_template("community/proposals.html", events=events)


@bp.route("/calendar/<int:event_id>/approve", methods=["POST"])
def approve_event(event_id):
    item = services.get_event(current_user, event_id)
    return submit(None, lambda: services.approve_event(current_user, item),
                  _("The event is on the calendar."), url_for("community.event",
                                                               event_id=event_id))


@bp.route("/calendar/<int:event_id>/cancel", methods=["POST"])
def cancel_event(event_id):
    item = services.get_event(current_user, event_id)
    proposed = item.status == "proposed"
    return submit(None, lambda: services.cancel_event(current_user, item),
                  _("The proposal is turned down.") if proposed else _("The event is cancelled."),
                  url_for("community.proposals") if proposed
                  else url_for("community.event", event_id=event_id))


def _event_news(item) -> str:
    if item.status == "proposed":
        return _("Thank you: a facilitator will review your event before it is listed.")
    return _("“%(title)s” is on the calendar.", title=item.title)


def _event_url(item) -> str:
    return url_for("community.event", event_id=item.id)


# --- the blackboard -------------------------------------------------------------------

@bp.route("/notices")
def notices():
    perm.require(perm.can_read_board(current_user))
    pending = services.pending_notices(current_user) \
        if perm.can_post_notice(current_user) else []
    return render_template("community/notices.html", notices=services.board(current_user),
                           pending=pending, kinds=NOTICE_KIND_LABELS)


@bp.route("/notices/new", methods=["GET", "POST"])
def new_notice():
    perm.require(perm.can_propose_notice(current_user))
    form = NoticeForm()
    return (submitted(form, lambda: services.submit_notice(current_user, form.to_data()),
                      _notice_news, url_for("community.notices"), validate=False)
            or render_template("community/notice_form.html", form=form))


@bp.route("/notices/<int:notice_id>/approve", methods=["POST"])
def approve_notice(notice_id):
    notice = services.get_notice(current_user, notice_id)
    return submit(None, lambda: services.approve_notice(current_user, notice),
                  _("The notice is on the board."), url_for("community.notices"))


@bp.route("/notices/<int:notice_id>/remove", methods=["POST"])
def remove_notice(notice_id):
    notice = services.get_notice(current_user, notice_id)
    return submit(None, lambda: services.remove_notice(current_user, notice),
                  _("The notice is removed."), url_for("community.notices"))


def _notice_news(notice) -> str:
    if notice.status == "proposed":
        return _("Thank you: a facilitator will review your notice before it is shown.")
    return _("The notice is on the board.")


def home_block() -> dict:
    """The community's block of a home page (the queries' start pages include it)."""
    return services.home_block(current_user)

