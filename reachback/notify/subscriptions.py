"""Subscriptions, the listserv: a member chooses themes and countries and how often, and
receives every newly published response they may read that matches, once.

A response matches a subscription when its query has one of the subscription's themes (or a
sub-theme of one) and is about one of its countries; an empty list of either stands for any.
Only responses published after the subscription was made are sent, never one to its own
requester or contributors (the publication notice told them), never one twice (a
SubscriptionDelivery row per recipient and response, written with the e-mail).
`immediately`: an e-mail per response when it is published; `daily`/`weekly`: one digest of
summaries, by the scheduled job send_subscription_digests.

Every e-mail of a subscription or a digest is bulk mail: List-Unsubscribe (a signed link,
RFC 8058 one click) and Auto-Submitted."""
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions as perm
from ..accounts import links
from ..accounts.models import Theme, User
from ..countries import codes
from ..errors import Invalid, NotFound
from ..extensions import db
from ..i18n import language_of, speaking, user_zone
from ..models_base import utcnow
from ..queries.models import Contribution, FieldQuery
from ..synthesis.models import ConsolidatedResponse
from .models import (
    SUBSCRIPTION_FREQUENCIES,
    NotificationPreference,
    Subscription,
    SubscriptionDelivery,
)
from .services import (
    absolute_url,
    new_message_id,
    query_subject,
    queue_email,
    render_email,
    response_content,
    thread_headers,
)

DEFAULT_FREQUENCY = "immediately"
# How far back a digest looks: a response older than this that was never sent stays unsent.
DIGEST_WINDOW = {"daily": timedelta(days=2), "weekly": timedelta(days=8)}
IMMEDIATE_WINDOW = timedelta(days=2)
UNSUBSCRIBE_DAYS = 400  # an unsubscribe link in an old e-mail still works
# What a link unsubscribes from (and "group-<slug>").
LISTS = ("subscriptions", "digest", "newsletter")
GROUP_LIST = "group-"  # a group's weekly digest (reachback.groups.digest)
# The monthly newsletter (reachback.newsletters): a member who opted out has this
# notification preference with the mode "off"; no row, or any other mode, receives it.
NEWSLETTER = "newsletter"


# --- the member's choice -----------------------------------------------------------------

def get_subscription(user) -> dict:
    """{"themes": [slug], "countries": [code], "frequency": ...}; empty lists when none."""
    sub = db.session.get(Subscription, user.id)
    if sub is None:
        return {"themes": [], "countries": [], "frequency": DEFAULT_FREQUENCY}
    return {"themes": list(sub.themes), "countries": list(sub.countries),
            "frequency": sub.frequency}


def _strings(value, name: str, errors: dict) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = _("Must be a list of codes.")
        return []
    return list(dict.fromkeys(v.strip() for v in value))


def set_subscription(actor, user, themes, countries, frequency) -> dict:
    """Replace the member's subscription (both lists empty: none). Only the user themself.
    Raises Forbidden; Invalid naming each unknown theme slug, country code or frequency,
    and then changes nothing."""
    perm.require(actor is not None and actor.id == user.id,
                 _("You may only change your own subscriptions."))
    errors: dict[str, str] = {}
    themes = _strings(themes, "themes", errors)
    countries = [c.upper() for c in _strings(countries, "countries", errors)]
    frequency = DEFAULT_FREQUENCY if frequency is None else frequency
    known = set(db.session.scalars(select(Theme.slug).where(Theme.slug.in_(themes)))) \
        if themes else set()
    if unknown := [t for t in themes if t not in known]:
        errors["themes"] = _("Unknown themes: %(themes)s", themes=", ".join(unknown))
    if unknown := [c for c in countries if c not in codes()]:
        errors["countries"] = _("Unknown countries: %(countries)s",
                                countries=", ".join(unknown))
    if frequency not in SUBSCRIPTION_FREQUENCIES:
        errors["frequency"] = _("Choose one of: %(choices)s",
                                choices=", ".join(SUBSCRIPTION_FREQUENCIES))
    if errors:
        raise Invalid(_("Some choices are not valid."), errors)
    sub = db.session.get(Subscription, user.id)
    if not themes and not countries:
        if sub is not None:
            db.session.delete(sub)
    elif sub is None:
        db.session.add(Subscription(user_id=user.id, themes=themes, countries=countries,
                                    frequency=frequency, created_at=utcnow()))
    else:
        sub.themes, sub.countries, sub.frequency = themes, countries, frequency
    db.session.flush()
    return {"themes": themes, "countries": countries, "frequency": frequency}


def matches(sub: Subscription, query: FieldQuery) -> bool:
    """Whether a response to `query` is on the subscription's lists (see the module)."""
    slugs = {t.slug for t in query.themes} | {t.parent.slug for t in query.themes if t.parent}
    return ((not sub.themes or bool(slugs & set(sub.themes)))
            and (not sub.countries or query.country in sub.countries))


# --- sending -------------------------------------------------------------------------------

def on_published(response, now=None) -> int:
    """A response is published: queue it at once for the `immediately` subscribers."""
    return _send(("immediately",), now or utcnow(), [response])


def send_subscriptions(now=None) -> int:
    """The scheduled job: the `immediately` subscribers' responses not sent yet (a catch-up;
    publishing sends them), and the daily digests once the UTC day reaches DIGEST_HOUR_UTC,
    the weekly ones from Monday at that hour. Returns how many e-mails were queued."""
    from ..config import setting

    now = now or utcnow()
    queued = _send(("immediately",), now)
    if now.hour >= setting("DIGEST_HOUR_UTC"):
        queued += _send(("daily",), now)
    if now.weekday() > 0 or now.hour >= setting("DIGEST_HOUR_UTC"):
        queued += _send(("weekly",), now)
    db.session.commit()
    return queued


def _send(frequencies, now, responses=None) -> int:
    """Queue what each subscriber of these frequencies is owed (one e-mail per response for
    `immediately`, one digest per period otherwise); set-wise, whatever their number."""
    subscribers = db.session.execute(
        select(Subscription, User).join(User, User.id == Subscription.user_id)
        .where(Subscription.frequency.in_(frequencies), User.active.is_(True))
        .order_by(Subscription.user_id)).all()
    if not subscribers:
        return 0
    if responses is None:
        window = IMMEDIATE_WINDOW if frequencies == ("immediately",) else \
            DIGEST_WINDOW[frequencies[0]]
        responses = list(db.session.scalars(
            select(ConsolidatedResponse)
            .where(ConsolidatedResponse.status == "published",
                   ConsolidatedResponse.published_at > now - window,
                   ConsolidatedResponse.published_at <= now)
            .options(joinedload(ConsolidatedResponse.query).options(
                selectinload(FieldQuery.themes).joinedload(Theme.parent),
                selectinload(FieldQuery.assignments)))
            .order_by(ConsolidatedResponse.published_at, ConsolidatedResponse.id)))
    if not responses:
        return 0
    ids = [r.id for r in responses]
    sent = set(db.session.execute(
        select(SubscriptionDelivery.user_id, SubscriptionDelivery.response_id)
        .where(SubscriptionDelivery.response_id.in_(ids))).all())
    told = {r.id: {r.query.requester_id} for r in responses}
    for response_id, author_id in db.session.execute(
            select(ConsolidatedResponse.id, Contribution.author_id)
            .join(Contribution, Contribution.query_id == ConsolidatedResponse.query_id)
            .where(ConsolidatedResponse.id.in_(ids))):
        told[response_id].add(author_id)
    queued, deliveries = 0, []
    for sub, user in subscribers:
        owed = [r for r in responses
                if (user.id, r.id) not in sent and user.id not in told[r.id]
                and r.published_at >= sub.created_at and matches(sub, r.query)
                and perm.can_view_response(user, r)]
        if not owed:
            continue
        if sub.frequency == "immediately":
            done = [r for r in owed if _queue_one(user, r, now)]
        else:  # this period's digest, unless it went out already (then the next one)
            done = owed if _queue_digest(user, sub.frequency, owed, now) else []
        queued += len(done) if sub.frequency == "immediately" else bool(done)
        deliveries += [{"user_id": user.id, "response_id": r.id, "sent_at": now}
                       for r in done]
    if deliveries:
        db.session.execute(insert(SubscriptionDelivery), deliveries)
    db.session.flush()
    return queued


def _queue_one(user, response, now) -> bool:
    reference = response.query.reference
    with speaking(user):
        text, html = render_email("subscription", user=user, **response_content(user, response),
                                  **_list_links(user, "subscriptions"))
        subject = query_subject(reference, _("Newly published: %(title)s",
                                             title=response.title))
    key = f"subscription:{user.id}:{response.id}"
    return queue_email(user.email, subject, text, html, user=user, dedupe_key=key, now=now,
                       language=language_of(user), message_id=new_message_id(key),
                       headers={**thread_headers(reference),
                                **bulk_headers(user, "subscriptions")}) is not None


def _queue_digest(user, frequency, responses, now) -> bool:
    period = now.date().isoformat() if frequency == "daily" else \
        "{}-W{:02d}".format(*now.isocalendar()[:2])
    key = f"subscription-digest:{user.id}:{period}"
    with speaking(user):
        items = [{"response": r, "link": absolute_url(f"/kb/{r.query.reference}")}
                 for r in responses]
        text, html = render_email("subscription_digest", user=user, items=items,
                                  frequency=frequency, zone=user_zone(user),
                                  **_list_links(user, "subscriptions"))
        subject = (ngettext("[Reachback] Today: %(num)d newly published response",
                            "[Reachback] Today: %(num)d newly published responses",
                            len(responses)) if frequency == "daily" else
                   ngettext("[Reachback] This week: %(num)d newly published response",
                            "[Reachback] This week: %(num)d newly published responses",
                            len(responses)))
    return queue_email(user.email, subject, text, html, user=user, dedupe_key=key, now=now,
                       language=language_of(user), message_id=new_message_id(key),
                       headers=bulk_headers(user, "subscriptions")) is not None


# --- unsubscribing -------------------------------------------------------------------------

def unsubscribe_token(user, list_name: str) -> str:
    return links.sign("unsubscribe", {"user": user.id, "list": list_name})


def unsubscribe_url(user, list_name: str) -> str:
    return absolute_url(f"/unsubscribe/{unsubscribe_token(user, list_name)}")


def bulk_headers(user, list_name: str) -> dict[str, str]:
    """The headers of bulk mail (RFC 2369, RFC 8058, RFC 3834): a POST to the link
    unsubscribes at once, without signing in."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(user, list_name)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated", "Precedence": "bulk"}


def _list_links(user, list_name: str) -> dict:
    return {"unsubscribe_link": unsubscribe_url(user, list_name),
            "subscriptions_link": absolute_url("/profile/subscriptions")}


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """(the user, the list) a signed unsubscribe link names. Raises NotFound for a forged,
    malformed or too old one, or a user no longer there."""
    payload = links.unsign("unsubscribe", token, UNSUBSCRIBE_DAYS * 86400) or {}
    user = db.session.get(User, payload["user"]) if isinstance(payload.get("user"), int) \
        else None
    name = payload.get("list")
    if user is None or not isinstance(name, str) or not (
            name in LISTS or name.startswith(GROUP_LIST)):
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, payload["list"]


def receives_newsletter(user) -> bool:
    return db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id,
        NotificationPreference.kind == NEWSLETTER)) != "off"


def set_newsletter(user, receive: bool) -> bool:
    """The member's own choice to receive the monthly newsletter (True) or not."""
    pref = db.session.get(NotificationPreference, (user.id, NEWSLETTER))
    if receive and pref is not None:
        db.session.delete(pref)
    elif not receive and pref is None:
        db.session.add(NotificationPreference(user_id=user.id, kind=NEWSLETTER, mode="off"))
    elif not receive:
        pref.mode = "off"
    db.session.flush()
    return receive


def unsubscribe(token: str) -> tuple[User, str]:
    """Follow a signed link: `subscriptions` ends the member's subscription, `digest` turns
    every kind they get in the daily digest to no e-mail, `group-<slug>` stops that group's
    digest for them, `newsletter` opts them out of the monthly newsletter. Doing it again
    changes nothing. Raises NotFound (read_unsubscribe_token)."""
    user, list_name = read_unsubscribe_token(token)
    if list_name.startswith(GROUP_LIST):
        from ..groups.digest import unsubscribe as stop_group_digest

        stop_group_digest(user, list_name)
    elif list_name == NEWSLETTER:
        set_newsletter(user, False)
    elif list_name == "subscriptions":
        db.session.execute(delete(Subscription).where(Subscription.user_id == user.id))
    else:
        db.session.execute(
            update(NotificationPreference)
            .where(NotificationPreference.user_id == user.id,
                   NotificationPreference.mode == "digest")
            .values(mode="off"))
    db.session.flush()
    return user, list_name

