"""The Atom feed of published responses (/kb/feed.atom), written by feedgen: what the
caller may read (anonymous callers: public responses only), newest first, filtered like the
knowledge base by `theme` (sub-themes included) and `country`."""
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Theme
from ..countries import codes, country_name
from ..errors import Invalid
from ..extensions import db
from ..i18n import current_language, theme_name
from ..markdown import plain_title
from ..models_base import utcnow
from ..notify.services import absolute_url
from .services import knowledge_base

FEED_SIZE = 50


def atom_feed(user, theme: str | None = None, country: str | None = None) -> bytes:
    """The feed's XML. Raises Invalid for an unknown theme slug or country code."""
    errors = {}
    chosen = db.session.scalar(select(Theme).where(Theme.slug == theme)) if theme else None
    if theme and chosen is None:
        errors["theme"] = _("Unknown theme: %(theme)s", theme=theme)
    if country and country.upper() not in codes():
        errors["country"] = _("Unknown country: %(country)s", country=country)
    if errors:
        raise Invalid(_("Some choices are not valid."), errors)
    responses = knowledge_base(user, theme=theme or None, country=country or None, page=1,
                               per_page=FEED_SIZE).items
    title = _("Reachback: published responses")
    if chosen is not None:
        title += " · " + theme_name(chosen)
    if country:
        title += " · " + country_name(country.upper())
    args = urlencode([(k, v) for k, v in (("theme", theme), ("country", country)) if v])
    # Imported here: feedgen (and lxml) take ~4 MB in every web worker, few serve feeds.
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(absolute_url("/kb/feed.atom" + (f"?{args}" if args else "")))
    feed.title(title)
    feed.language(current_language())
    feed.link(href=absolute_url("/kb" + (f"?{args}" if args else "")), rel="alternate")
    feed.link(href=absolute_url("/kb/feed.atom" + (f"?{args}" if args else "")), rel="self")
    feed.author({"name": "Reachback"})
    feed.updated(max((r.published_at for r in responses), default=utcnow()))
    for r in reversed(responses):  # feedgen puts the last added first: newest first
        link = absolute_url(f"/kb/{r.query.reference}")
        entry = feed.add_entry()
        entry.id(link)
        entry.title(plain_title(r.title))
        entry.link(href=link, rel="alternate")
        entry.published(r.published_at)
        entry.updated(r.updated_at if r.updated_at and r.updated_at > r.published_at
                      else r.published_at)
        entry.summary(str(r.html("summary")), type="html")
        for t in r.query.themes:
            entry.category(term=t.slug, label=theme_name(t))
    return feed.atom_str(pretty=False)

