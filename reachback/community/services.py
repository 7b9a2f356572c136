"""The community calendar and the blackboard: proposing, publishing, approving and listing
events and notices, and the iCalendar files and feeds.

Services take the acting user, check permission through reachback.permissions, flush, and
leave the commit to the caller.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import User
from ..audit import audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..groups.services import chosen_group
from ..knowledge.library import as_list, themes_by_slug
from ..models_base import utcnow
from ..notify.services import absolute_url
from ..pagination import paginate_ids
from .models import EVENT_VISIBILITIES, NOTICE_KINDS, CommunityEvent, Notice

UPCOMING_LIMIT = 200  # the calendar's upcoming events, at most (months ahead)
FEED_SALT = "reachback.calendar-feed"


def today() -> date:
    """The application clock's date (UTC): a notice expiring today is still on the board."""
    return utcnow().date()


# --- checking what is sent ------------------------------------------------------------------

_text = lengths.given_text


def _zone(name, errors: dict) -> str:
    name = name or "UTC"
    try:
        if not isinstance(name, str) or len(name) > 64:
            raise ValueError(name)
        ZoneInfo(name)
    except Exception:  # unknown, malformed or a path: not a time zone
        errors["timezone"] = _("Unknown time zone.")
        return "UTC"
    return name


def _moment(value, zone: str, name: str, errors: dict) -> datetime | None:
    """An aware time in UTC, from an aware datetime, a naive one (read in `zone`) or ISO
    8601 text."""
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        errors[name] = _("Give a date and time, such as 2026-12-01T14:00.")
        return None
    try:
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=ZoneInfo(zone))
        moment = value.astimezone(UTC)
    except (OverflowError, ValueError):
        errors[name] = _("Give a date and time, such as 2026-12-01T14:00.")
        return None
    if not 2000 <= moment.year <= 2999:
        errors[name] = _("Give a date between the years 2000 and 2999.")
        return None
    return moment


def _online_url(data: dict, errors: dict) -> str:
    url = _text(data, "online_url", 500, errors)
    if url and "online_url" not in errors:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
            errors["online_url"] = _("Give a web address that starts with http:// or "
                                     "https://.")
    return url


def validate_event(data: dict, user=None) -> dict:
    """Clean values of an event, or Invalid naming each refused field: a title; an end after
    the start; a known time zone; a web address in http or https; known themes; a group
    (its slug) `user` may put it in (perm.can_use_group_for_item), which the visibility
    `group` needs."""
    errors: dict[str, str] = {}
    clean = {"title": _text(data, "title", lengths.TITLE, errors, required=True),
             "description": _text(data, "description", lengths.TEXT, errors),
             "location": _text(data, "location", lengths.TITLE, errors),
             "online_url": _online_url(data, errors),
             "timezone": _zone(data.get("timezone"), errors)}
    visibility = data.get("visibility") or "community"
    if visibility not in EVENT_VISIBILITIES:
        errors["visibility"] = _("Choose one of: %(choices)s.",
                                 choices=", ".join(EVENT_VISIBILITIES))
    clean["visibility"] = visibility
    clean["group"] = chosen_group(
        data.get("group"), errors, lambda g: perm.can_use_group_for_item(user, g),
        _("Only the members of a group (and facilitators) may put an event in it."))
    if visibility == "group" and clean["group"] is None and "group" not in errors:
        errors["group"] = _("Choose the group whose members may see the event.")
    clean["starts_at"] = _moment(data.get("starts_at"), clean["timezone"], "starts_at", errors)
    clean["ends_at"] = _moment(data.get("ends_at"), clean["timezone"], "ends_at", errors)
    if clean["starts_at"] and clean["ends_at"] and clean["ends_at"] <= clean["starts_at"]:
        errors["ends_at"] = _("The event must end after it starts.")
    elif clean["starts_at"] and clean["ends_at"] and \
            clean["ends_at"] - clean["starts_at"] > timedelta(days=366):
        errors["ends_at"] = _("An event lasts a year at most.")
    themes = data.get("themes")
    if themes is not None and not isinstance(themes, list | tuple | str):
        errors["themes"], themes = _("Unknown theme."), None
    clean["themes"] = themes_by_slug(as_list(themes), errors)
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return clean


def validate_notice(data: dict) -> dict:
    """Clean values of a notice, or Invalid: a known kind, a title, an expiry date from today
    on (a notice already expired would never be seen)."""
    errors: dict[str, str] = {}
    clean = {"title": _text(data, "title", lengths.TITLE, errors, required=True),
             "body": _text(data, "body", lengths.NOTE, errors)}
    kind = data.get("kind") or "announcement"
    if kind not in NOTICE_KINDS:
        errors["kind"] = _("Choose one of: %(choices)s.", choices=", ".join(NOTICE_KINDS))
    clean["kind"] = kind
    expires = data.get("expires_on")
    if isinstance(expires, datetime):
        expires = expires.date()
    if isinstance(expires, str):
        try:
            expires = date.fromisoformat(expires.strip())
        except ValueError:
            expires = None
    if not isinstance(expires, date):
        errors["expires_on"] = _("Use a date such as 2026-12-31.")
    elif expires < today():
        errors["expires_on"] = _("Choose today or a later date.")
    elif expires > today() + timedelta(days=366):
        errors["expires_on"] = _("A notice stays on the board a year at most.")
    clean["expires_on"] = expires
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return clean


# --- events ---------------------------------------------------------------------------------

def submit_event(user, data: dict) -> CommunityEvent:
    """A facilitator's event is published at once; a member's is a proposal, listed once a
    facilitator approves it."""
    perm.require(perm.can_propose_event(user), _("Sign in to propose an event."))
    clean = validate_event(data, user)
    themes = clean.pop("themes")
    event = CommunityEvent(**clean, organiser=user)
    event.themes = themes
    return _add(user, event, perm.can_publish_event(user))


def get_event(user, event_id) -> CommunityEvent:
    event = db.session.get(CommunityEvent, event_id) if isinstance(event_id, int) else None
    if not perm.can_see_event(user, event):
        raise NotFound(_("No such event."))
    return event


def approve_event(user, event: CommunityEvent) -> CommunityEvent:
    perm.require(perm.can_publish_event(user), _("Only facilitators approve events."))
    return _approve(user, event, _("This event is not waiting for approval."))


def _approve(user, item, not_waiting: str):
    """Publish a proposal (an event or a notice) as `user` approves it; Conflict for
    anything else."""
    if item.status != "proposed":
        raise Conflict(not_waiting)
    item.status, item.approved_by_id = "published", user.id
    db.session.flush()
    return item


def _add(user, item, publishes: bool):
    """Save a new event or notice: published by who may publish (approved by themselves),
    else a proposal."""
    item.status = "published" if publishes else "proposed"
    item.approved_by_id = user.id if publishes else None
    db.session.add(item)
    db.session.flush()
    return item


def cancel_event(user, event: CommunityEvent) -> CommunityEvent:
    """Cancel a published event (it stays listed, marked cancelled), or turn a proposal
    down (it is deleted)."""
    perm.require(perm.can_publish_event(user), _("Only facilitators cancel events."))
    if event.status == "cancelled":
        raise Conflict(_("This event is cancelled already."))
    if event.status == "proposed":
        db.session.delete(event)
    else:
        event.status = "cancelled"
    db.session.flush()
    return event


def _listed(user):
    return select(CommunityEvent).where(perm.visible_events(user)).options(
        selectinload(CommunityEvent.themes))


def upcoming_events(user, limit: int = UPCOMING_LIMIT) -> list[CommunityEvent]:
    """Events not yet over, soonest first (without their themes: the calendar's and the
    home pages' lines do not show them)."""
    return list(db.session.scalars(select(CommunityEvent).where(perm.visible_events(user))
                                   .where(CommunityEvent.ends_at > utcnow())
                                   .order_by(CommunityEvent.starts_at, CommunityEvent.id)
                                   .limit(limit)))


def past_events(user, page: int, per_page: int):
    """Events that are over, the latest first (a Pagination)."""
    ids = select(CommunityEvent.id).where(perm.visible_events(user),
                                          CommunityEvent.ends_at <= utcnow()) \
        .order_by(CommunityEvent.starts_at.desc(), CommunityEvent.id.desc())
    return paginate_ids(ids, lambda page_ids: select(CommunityEvent).where(
        CommunityEvent.id.in_(page_ids)), page, per_page)


def by_month(events) -> list[tuple[date, list[CommunityEvent]]]:
    """Events grouped by the month (in UTC) they start in, in their order."""
    months: dict[date, list] = {}
    for event in events:
        months.setdefault(event.starts_at.date().replace(day=1), []).append(event)
    return list(months.items())


def events_between(user, start: datetime | None, end: datetime | None,
                   limit: int = 500) -> list[CommunityEvent]:
    """Events that overlap [start, end) (either open), soonest first, with their groups
    (the API names them)."""
    stmt = _listed(user).options(selectinload(CommunityEvent.group))
    if start is not None:
        stmt = stmt.where(CommunityEvent.ends_at > start)
    if end is not None:
        stmt = stmt.where(CommunityEvent.starts_at < end)
    return list(db.session.scalars(stmt.order_by(CommunityEvent.starts_at, CommunityEvent.id)
                                   .limit(limit)))


def pending_count(user) -> int:
    """How many members' proposals wait for a facilitator (the calendar's link to them)."""
    perm.require(perm.can_publish_event(user), _("Only facilitators approve events."))
    return db.session.scalar(select(func.count(CommunityEvent.id))
                             .where(CommunityEvent.status == "proposed"))


def pending_events(user) -> list[CommunityEvent]:
    """Members' proposals waiting for a facilitator, oldest first."""
    perm.require(perm.can_publish_event(user), _("Only facilitators approve events."))
    return list(db.session.scalars(
        select(CommunityEvent).where(CommunityEvent.status == "proposed")
        .options(selectinload(CommunityEvent.organiser))
        .order_by(CommunityEvent.created_at, CommunityEvent.id)))


# --- iCalendar ----------------------------------------------------------------------------

def feed_token(user) -> str:
    """The secret of a member's personal feed: their id and feed generation, signed (it works
    while the account is active, until the member asks for a new address, and as long as
    the site's secret key is unchanged)."""
    return URLSafeSerializer(current_app.secret_key, salt=FEED_SALT).dumps(
        [user.id, user.feed_generation])


def feed_user(token: str) -> User:
    """The active member whose current feed `token` is; NotFound for any other text (an
    address the member replaced among them)."""
    try:
        signed = URLSafeSerializer(current_app.secret_key, salt=FEED_SALT).loads(token)
    except BadData:
        raise NotFound(_("No such calendar.")) from None
    user_id, generation = signed if isinstance(signed, list) and len(signed) == 2 \
        else (None, None)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or generation != user.feed_generation:
        raise NotFound(_("No such calendar."))
    return user


def new_feed_address(user) -> str:
    """Replace the member's personal feed address (the old one, perhaps shared by mistake,
    stops working at once); returns the new secret. Raises Forbidden."""
    perm.require(perm.can_subscribe_to_feed(user), _("Sign in to have a calendar address."))
    user.feed_generation += 1
    db.session.flush()
    audit("calendar_feed_replaced", user, subject=str(user.id))
    return feed_token(user)


def ical(events, name: str) -> bytes:
    """An iCalendar (RFC 5545) file of `events`, times in UTC (each event's zone named in
    X-REACHBACK-TZ for display only)."""
    import icalendar  # here: ~6 MB in every web worker, few serve calendar files

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Reachback//Community calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    host = urlsplit(absolute_url("/")).hostname or "reachback"
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"event-{event.id}@{host}")
        item.add("dtstamp", event.updated_at or utcnow())
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
        item.add("summary", event.title)
        page = absolute_url(f"/calendar/{event.id}")  # BASE_URL's: a feed is read elsewhere
        item.add("description", "\n\n".join(p for p in (event.description, page) if p))
        item.add("url", event.online_url or page)
        if event.location:
            item.add("location", event.location)
        item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        item.add("class", "PUBLIC" if event.visibility == "public" else "PRIVATE")
        cal.add_component(item)
    return cal.to_ical()


def feed_events(user) -> list[CommunityEvent]:
    """What a feed carries: the reader's events of the last 90 days and all coming ones."""
    return events_between(user, utcnow() - timedelta(days=90), None)


# --- the blackboard -------------------------------------------------------------------------

def submit_notice(user, data: dict) -> Notice:
    """A facilitator's notice is on the board at once; a member's waits for approval."""
    perm.require(perm.can_propose_notice(user), _("Sign in to propose a notice."))
    return _add(user, Notice(**validate_notice(data), author=user),
                perm.can_post_notice(user))


def get_notice(user, notice_id) -> Notice:
    notice = db.session.get(Notice, notice_id) if isinstance(notice_id, int) else None
    if not perm.can_see_notice(user, notice, today()):
        raise NotFound(_("No such notice."))
    return notice


def approve_notice(user, notice: Notice) -> Notice:
    perm.require(perm.can_post_notice(user), _("Only facilitators approve notices."))
    return _approve(user, notice, _("This notice is not waiting for approval."))


def remove_notice(user, notice: Notice) -> None:
    """Take a notice off the board, or turn a proposal down: facilitators."""
    perm.require(perm.can_post_notice(user), _("Only facilitators remove notices."))
    db.session.delete(notice)
    db.session.flush()


def board(user, limit: int | None = None) -> list[Notice]:
    """The notices on the board for `user`, the soonest to expire first; expired ones have
    left it (the clock's date)."""
    stmt = select(Notice).where(perm.visible_notices(user, today())) \
        .order_by(Notice.expires_on, Notice.id)
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def pending_notices(user) -> list[Notice]:
    perm.require(perm.can_post_notice(user), _("Only facilitators approve notices."))
    return list(db.session.scalars(
        select(Notice).where(Notice.status == "proposed", Notice.expires_on >= today())
        .options(selectinload(Notice.author)).order_by(Notice.created_at, Notice.id)))


def home_block(user, events: int = 3, notices: int = 5) -> dict:
    """What a home page shows of the community: the next events the reader may see, and the
    board (members only)."""
    return {"events": upcoming_events(user, events),
            "notices": board(user, notices) if perm.can_read_board(user) else []}
