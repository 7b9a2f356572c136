"""The monthly newsletter: a facilitator opens one for a month, Reachback drafts it from
what was published that month, the facilitator edits and previews it, then sends it.

Drafting (draft()): the month's newly published responses, discussion summaries and
library additions (community and public ones only: a restricted or a group's item is never
in a newsletter), next month's events (community and public) and the blackboard's current
notices (a notice is for members: it makes the newsletter a members' one). Each is an item
whose title and blurb are a snapshot the facilitator may edit, exclude or move.

Readers. A newsletter is public (its web version read by anyone, signed out too) when
every included item is public, else it is the community's (signed-in members); see
permissions.visible_newsletters. Sending checks each item again: one whose source is gone
or no longer community or public leaves the newsletter.

Sending (send()): one e-mail per active member who has not opted out (the notification
preference "newsletter" off; the one-click link of RFC 8058 in each e-mail sets it), queued
in the outbox with List-Unsubscribe and List-Unsubscribe-Post. The delivery job sends
them; they are spread over its runs, MAIL_BATCH_SIZE e-mails every SCHEDULER_OUTBOX_SECONDS,
so that the mail server's rate is respected whatever the number of members. The status
is `sending` once they are queued (the newsletter is then in the archive, the library and
search) and `sent` once the outbox holds none of them waiting (finish_sending(), run after
each delivery by the scheduler's mail job).

Services take the acting user, check permission through reachback.permissions, flush, and
leave the commit to the caller.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from babel.dates import format_date
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, insert, literal, select, update
from sqlalchemy.orm import load_only, selectinload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import User
from ..community.models import CommunityEvent, Notice
from ..config import setting
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..i18n import current_language, language_of, speaking
from ..knowledge import search
from ..knowledge.index_api import IndexDoc
from ..knowledge.models import Document
from ..markdown import plain_text
from ..models_base import utcnow
from ..notify.mailer import has_line_break
from ..notify.models import NotificationPreference, OutboundEmail
from ..notify.services import absolute_url, new_message_id, render_email
from ..notify.subscriptions import NEWSLETTER, bulk_headers, unsubscribe_url
from ..queries.models import FieldQuery
from ..synthesis.models import ConsolidatedResponse
from .models import ITEM_KINDS, PUBLISHED_STATUSES, Newsletter, NewsletterItem

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
READABLE = ("community", "public")  # the visibilities a newsletter may present
BLURB_CHARS = 400
ITEM_KIND_LABELS = {"response": _l("Newly published responses"),
                    "discussion": _l("Discussion summaries"),
                    "document": _l("New in the library"),
                    "event": _l("Coming events"), "notice": _l("On the blackboard")}


# --- reading ------------------------------------------------------------------------------

def parse_month(value) -> tuple[datetime, datetime]:
    """The month "YYYY-MM" as [its first moment, the next month's) in UTC; Invalid (422)
    for anything else."""
    found = MONTH.match(value) if isinstance(value, str) else None
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        raise Invalid(_("Give the month as YYYY-MM, for example 2026-11."),
                      {"month": _("Give the month as YYYY-MM, for example 2026-11.")})
    start = datetime(int(found.group(1)), int(found.group(2)), 1, tzinfo=UTC)
    return start, _next_month(start)


def _next_month(moment: datetime) -> datetime:
    return (moment.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_name(newsletter, language: str | None = None) -> str:
    """"November 2026", in the reader's language."""
    start, _end = parse_month(newsletter.month)
    return format_date(start.date(), "LLLL y", locale=language or current_language())


def _loaded():
    return select(Newsletter).options(selectinload(Newsletter.items))


def get_newsletter(user, newsletter_id) -> Newsletter:
    """The newsletter, or NotFound when missing or not readable by the user (a draft is
    its editors')."""
    newsletter = db.session.scalar(_loaded().where(Newsletter.id == newsletter_id)) \
        if isinstance(newsletter_id, int) else None
    if not perm.can_view_newsletter(user, newsletter):
        raise NotFound(_("No such newsletter."))
    return newsletter


# What the archive page shows of a newsletter (its title, month, date and readers): the
# page loads neither the items (~30 a newsletter) nor the editorial.
_LISTED = (Newsletter.id, Newsletter.month, Newsletter.title, Newsletter.status,
           Newsletter.visibility, Newsletter.sent_at)


def _listing(items: bool):
    return _loaded() if items else select(Newsletter).options(load_only(*_LISTED))


def archive(user, items: bool = True) -> list[Newsletter]:
    """The sent newsletters the user may read, the newest month first; `items=False` (a
    list of them) loads only the columns listed, not the items."""
    return list(db.session.scalars(
        _listing(items).where(perm.visible_newsletters(user))
        .order_by(Newsletter.month.desc(), Newsletter.id.desc())))


def drafts(user, items: bool = True) -> list[Newsletter]:
    """The drafts, for their editors (nobody else: an empty list)."""
    if not perm.can_manage_newsletters(user):
        return []
    return list(db.session.scalars(
        _listing(items).where(Newsletter.status == "draft").order_by(Newsletter.month.desc())))


def recent(user, limit: int = 3) -> list[Newsletter]:
    """The newest sent newsletters the user may read (the library lists them), without
    their items."""
    return list(db.session.scalars(
        select(Newsletter).where(perm.visible_newsletters(user))
        .order_by(Newsletter.month.desc(), Newsletter.id.desc()).limit(limit)))


def latest_for(user) -> Newsletter | None:
    """The newest sent newsletter the user may read (a home page shows its title, month and
    address: not its items, nor its editorial), or None."""
    return db.session.scalar(
        select(Newsletter).options(load_only(Newsletter.month, Newsletter.title))
        .where(perm.visible_newsletters(user))
        .order_by(Newsletter.month.desc(), Newsletter.id.desc()).limit(1))


def sections(newsletter) -> list[tuple[str, list[NewsletterItem]]]:
    """The included items by kind, in ITEM_KINDS' order, each kind's in their order:
    [(kind, items)] without the empty kinds."""
    return [(kind, items) for kind in ITEM_KINDS
            if (items := [i for i in newsletter.included if i.kind == kind])]


# --- drafting -----------------------------------------------------------------------------

def draft(user, month) -> Newsletter:
    """Open the newsletter of `month` ("YYYY-MM"), drafted from it (see the module); the
    editorial is empty. Raises Forbidden, Invalid (the month), Conflict (that month has a
    newsletter already)."""
    perm.require(perm.can_manage_newsletters(user), _("Only facilitators write the newsletter."))
    start, end = parse_month(month)
    if db.session.scalar(select(Newsletter.id).where(Newsletter.month == month)):
        raise Conflict(_("The newsletter of %(month)s exists already.", month=month))
    newsletter = Newsletter(month=month, editorial="", status="draft", created_by_id=user.id,
                            created_at=utcnow(), recipients=0)
    newsletter.title = _("Reachback newsletter: %(month)s", month=month_name(newsletter))
    newsletter.items = [NewsletterItem(position=n, **item)
                        for n, item in enumerate(gather(start, end))]
    newsletter.visibility = _visibility(newsletter)
    db.session.add(newsletter)
    db.session.flush()
    return newsletter


def gather(start: datetime, end: datetime) -> list[dict]:
    """What the month [start, end) brings, as items (dicts of NewsletterItem's columns)."""
    return [*_responses(start, end), *_documents(start, end),
            *_events(end, _next_month(end)), *_notices()]


def _blurb(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= BLURB_CHARS else text[:BLURB_CHARS - 1].rstrip() + "…"


def _title(text: str) -> str:
    return (text or "")[:lengths.TITLE]


def _responses(start, end) -> list[dict]:
    rows = db.session.execute(
        select(ConsolidatedResponse, FieldQuery.reference)
        .join(FieldQuery, FieldQuery.id == ConsolidatedResponse.query_id)
        .where(ConsolidatedResponse.status == "published",
               ConsolidatedResponse.visibility.in_(READABLE),
               ConsolidatedResponse.published_at >= start,
               ConsolidatedResponse.published_at < end)
        .order_by(ConsolidatedResponse.published_at, ConsolidatedResponse.id))
    return [{"kind": "response", "item_id": r.id, "title": _title(r.title),
             "blurb": _blurb(plain_text(r.summary)), "url": f"/kb/{reference}",
             "visibility": r.visibility} for r, reference in rows]


def _documents(start, end) -> list[dict]:
    docs = db.session.scalars(
        select(Document).where(Document.visibility.in_(READABLE),
                               Document.created_at >= start, Document.created_at < end)
        .order_by(Document.created_at, Document.id))
    return [{"kind": "discussion" if d.kind == "discussion" else "document", "item_id": d.id,
             "title": _title(d.title), "blurb": _blurb(d.summary),
             "url": f"/library/{d.id}", "visibility": d.visibility} for d in docs]


def _events(start, end) -> list[dict]:
    events = db.session.scalars(
        select(CommunityEvent).where(CommunityEvent.status == "published",
                                     CommunityEvent.visibility.in_(READABLE),
                                     CommunityEvent.starts_at >= start,
                                     CommunityEvent.starts_at < end)
        .order_by(CommunityEvent.starts_at, CommunityEvent.id))
    return [{"kind": "event", "item_id": e.id, "title": _title(e.title),
             "blurb": _blurb(" · ".join(p for p in (
                 e.starts_at.strftime("%Y-%m-%d %H:%M UTC"), e.location,
                 plain_text(e.description)) if p)),
             "url": f"/calendar/{e.id}", "visibility": e.visibility} for e in events]


def _notices() -> list[dict]:
    from ..community.services import today

    notices = db.session.scalars(
        select(Notice).where(Notice.status == "published", Notice.expires_on >= today())
        .order_by(Notice.expires_on, Notice.id))
    # The blackboard is the members' (permissions.can_read_board): a notice is never public.
    return [{"kind": "notice", "item_id": n.id, "title": _title(n.title),
             "blurb": _blurb(plain_text(n.body)), "url": "/notices",
             "visibility": "community"} for n in notices]


def _visibility(newsletter) -> str:
    """public when every included item is public (and there is one), else community."""
    included = newsletter.included
    return "public" if included and all(i.visibility == "public" for i in included) \
        else "community"


# --- editing ------------------------------------------------------------------------------

def edit(user, newsletter, data: dict) -> Newsletter:
    """Change a draft: `title`, `editorial` (Markdown) and `items`, {item id: {"title",
    "blurb", "included", "position"}} (each key optional; items not named keep theirs).
    Raises Forbidden, Conflict (sent already), Invalid naming each refused field (and then
    changes nothing)."""
    perm.require(perm.can_manage_newsletters(user), _("Only facilitators write the newsletter."))
    require_draft(newsletter)
    errors: dict[str, str] = {}
    title = _clean(data.get("title", newsletter.title), lengths.TITLE, "title", errors, True)
    editorial = _clean(data.get("editorial", newsletter.editorial), lengths.TEXT,
                       "editorial", errors, False)
    changes = {}
    by_id = {item.id: item for item in newsletter.items}
    for item_id, values in (data.get("items") or {}).items():
        item = by_id.get(item_id)
        if item is None or not isinstance(values, dict):
            errors[f"items.{item_id}"] = _("No such item in this newsletter.")
            continue
        name = f"items.{item_id}"
        change = {"title": _clean(values.get("title", item.title), lengths.TITLE,
                                  f"{name}.title", errors, True),
                  "blurb": _clean(values.get("blurb", item.blurb), lengths.NOTE,
                                  f"{name}.blurb", errors, False),
                  "included": bool(values.get("included", item.included))}
        position = values.get("position", item.position)
        if isinstance(position, str) and position.strip().lstrip("-").isdigit():
            position = int(position)
        if not isinstance(position, int) or isinstance(position, bool) \
                or not 0 <= position <= 1000:
            errors[f"{name}.position"] = _("Give a position from 0 to 1000.")
        change["position"] = position
        changes[item] = change
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    newsletter.title, newsletter.editorial = title, editorial
    for item, change in changes.items():
        for name, value in change.items():
            setattr(item, name, value)
    _renumber(newsletter)
    newsletter.visibility = _visibility(newsletter)
    db.session.flush()
    return newsletter


def _clean(value, cap: int, name: str, errors: dict, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[name] = _("Must be text.")
    elif required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > cap:
        errors[name] = _("At most %(num)d characters.", num=cap)
    elif required and has_line_break(text):
        errors[name] = _("One line only.")
    return text


def _renumber(newsletter) -> None:
    """Positions 0, 1, 2... in the order asked (ties keep their former order)."""
    ordered = sorted(newsletter.items, key=lambda i: (i.position, i.id or 0))
    for n, item in enumerate(ordered):
        item.position = n
    newsletter.items.sort(key=lambda i: i.position)


def require_draft(newsletter) -> None:
    if newsletter.status != "draft":
        raise Conflict(_("This newsletter was sent already: it is not changed or sent again."))


# --- the e-mail ---------------------------------------------------------------------------

def email_for(user, newsletter) -> tuple[str, str, str]:
    """(subject, text, html) of the newsletter as e-mailed to `user`, in their language,
    with their one-click unsubscribe link."""
    with speaking(user):
        return _email(user, newsletter)


def _email(user, newsletter) -> tuple[str, str, str]:
    text, html = render_email(
        "newsletter", user=user, newsletter=newsletter, sections=sections(newsletter),
        labels=ITEM_KIND_LABELS, link=absolute_url(f"/newsletters/{newsletter.id}"),
        links={i.id: absolute_url(i.url) for i in newsletter.included},
        unsubscribe_link=unsubscribe_url(user, NEWSLETTER),
        settings_link=absolute_url("/newsletters"))
    return f"[Reachback] {newsletter.title}", text, html


def _recipients():
    """Filter on User: active, not opted out, with an address that can be mailed (not
    empty, holding "@", on one line: notify.mailer.has_line_break's rule)."""
    opted_out = select(NotificationPreference.user_id).where(
        NotificationPreference.kind == NEWSLETTER, NotificationPreference.mode == "off")
    return and_(User.active.is_(True), User.id.not_in(opted_out), User.email != "",
                User.email.contains("@", autoescape=True),
                ~User.email.contains("\r", autoescape=True),
                ~User.email.contains("\n", autoescape=True))


def recipients_of() -> list[User]:
    """Every active member who has not opted out, with an address that can be mailed."""
    return list(db.session.scalars(select(User).where(_recipients()).order_by(User.id)))


def count_recipients() -> int:
    """How many recipients_of() has, counted by the database (the send page's figure:
    5 000 members are not loaded to be counted)."""
    return db.session.scalar(select(func.count(User.id)).where(_recipients()))


def send(user, newsletter, now=None) -> Newsletter:
    """Queue the newsletter for every recipient (see the module): status `sending`.
    Raises Forbidden, Conflict (sent already, or nothing left in it)."""
    perm.require(perm.can_manage_newsletters(user), _("Only facilitators send the newsletter."))
    require_draft(newsletter)
    now = now or utcnow()
    _check_items(newsletter)
    if not newsletter.included and not newsletter.editorial.strip():
        raise Conflict(_("This newsletter is empty: write an editorial or include an item."))
    # Claimed first (a conditional UPDATE): a second click or request finds it sending.
    claimed = db.session.execute(
        update(Newsletter).where(Newsletter.id == newsletter.id, Newsletter.status == "draft")
        .values(status="sending").execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict(_("This newsletter was sent already: it is not changed or sent again."))
    db.session.refresh(newsletter, ["status"])
    rows = []
    batch, every = max(setting("MAIL_BATCH_SIZE"), 1), setting("SCHEDULER_OUTBOX_SECONDS")
    for n, member in enumerate(recipients_of()):
        subject, text, html = email_for(member, newsletter)
        key = f"newsletter:{newsletter.id}:{member.id}"
        due = now + timedelta(seconds=(n // batch) * every)  # one batch per delivery run
        rows.append({"user_id": member.id, "recipient": member.email.strip(),
                     "subject": subject[:300], "text_body": text, "html_body": html,
                     "language": language_of(member), "status": "queued", "attempts": 0,
                     "next_attempt_at": due, "created_at": now, "dedupe_key": key,
                     "message_id": new_message_id(key),
                     "headers": bulk_headers(member, NEWSLETTER)})
    for start in range(0, len(rows), 500):
        db.session.execute(insert(OutboundEmail.__table__), rows[start:start + 500])
    newsletter.sent_at, newsletter.sent_by_id, newsletter.recipients = now, user.id, len(rows)
    if not rows:
        newsletter.status = "sent"
    search.enqueue(f"newsletter:{newsletter.id}")
    db.session.flush()
    return newsletter


def _check_items(newsletter) -> None:
    """Each included item as it is now: one whose source is gone, unpublished or no longer
    community or public leaves the newsletter; a public one turned community makes it the
    community's. Then the newsletter's readers again."""
    current = {}
    for kind, model, listed in (
            ("response", ConsolidatedResponse, ConsolidatedResponse.status == "published"),
            ("document", Document, True), ("discussion", Document, True),
            ("event", CommunityEvent, CommunityEvent.status == "published")):
        ids = [i.item_id for i in newsletter.included if i.kind == kind]
        if ids:
            current[kind] = dict(db.session.execute(
                select(model.id, model.visibility).where(model.id.in_(ids), listed)).all())
    notices = [i.item_id for i in newsletter.included if i.kind == "notice"]
    if notices:
        current["notice"] = {n: "community" for n in db.session.scalars(
            select(Notice.id).where(Notice.id.in_(notices), Notice.status == "published"))}
    for item in newsletter.included:
        visibility = current.get(item.kind, {}).get(item.item_id)
        if visibility not in READABLE:
            item.included = False
        else:
            item.visibility = visibility
    newsletter.visibility = _visibility(newsletter)


def finish_sending() -> int:
    """`sending` newsletters whose e-mails have all left the outbox (sent, or failed for
    good) become `sent`; returns how many."""
    waiting = select(OutboundEmail.id).where(
        OutboundEmail.status == "queued",
        OutboundEmail.dedupe_key.like(
            literal("newsletter:") + cast(Newsletter.id, String) + literal(":%")))
    done = db.session.execute(
        update(Newsletter).where(Newsletter.status == "sending", ~waiting.exists())
        .values(status="sent").execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done


# --- the member's choice ------------------------------------------------------------------

def receives(user) -> bool:
    from ..notify.subscriptions import receives_newsletter

    return receives_newsletter(user)


def choose(actor, receive: bool) -> bool:
    """The signed-in member receives the newsletter (True) or not."""
    from ..notify.subscriptions import set_newsletter

    perm.require(perm.can_choose_newsletter(actor), _("Sign in to choose."))
    return set_newsletter(actor, bool(receive))


# --- search -------------------------------------------------------------------------------

def to_indexdoc(newsletter) -> IndexDoc:
    """A sent newsletter as the search index sees it: its title, editorial and included
    items, read by its readers (permissions.can_view_newsletter's rule)."""
    moment = newsletter.sent_at or utcnow()
    return IndexDoc(
        key=f"newsletter:{newsletter.id}", kind="newsletter", ref=str(newsletter.id),
        title=newsletter.title, summary=plain_text(newsletter.editorial),
        body="\n".join(f"{i.title}\n{i.blurb}" for i in newsletter.included), extra="",
        themes=[], theme_names=[], countries=[], country_names=[], date=moment,
        principals=search.principals_of(newsletter.visibility))


def _ids(idents) -> list[int]:
    return [int(i) for i in idents if str(i).isdigit()]


def _published():
    return _loaded().where(Newsletter.status.in_(PUBLISHED_STATUSES))


def _load_indexdocs(idents) -> list[IndexDoc]:
    return [to_indexdoc(n) for n in db.session.scalars(
        _published().where(Newsletter.id.in_(_ids(idents))))]


def _iter_all():
    for newsletter in db.session.scalars(_published().order_by(Newsletter.id)):
        yield to_indexdoc(newsletter)


def _visible_rows(user, idents) -> dict:
    rows = db.session.scalars(select(Newsletter).where(
        Newsletter.id.in_(_ids(idents)), perm.visible_newsletters(user)))
    return {str(n.id): n for n in rows}


search.register_source(
    "newsletter", load=_load_indexdocs, iter_all=_iter_all, rows=_visible_rows,
    url=lambda n: url_for("newsletters.view", newsletter_id=n.id),
    labels={"newsletter": _l("Newsletter")},
    count=lambda: db.session.scalar(select(func.count()).select_from(Newsletter).where(
        Newsletter.status.in_(PUBLISHED_STATUSES))))
