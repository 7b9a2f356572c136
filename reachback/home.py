"""What the start page `/` shows. Signed in: what needs the person (their open queries, their
open assignments, the drafts they are asked to review, for facilitators the new queries
waiting for triage), then the newest responses they may read, the next events, the blackboard
and the latest newsletter. Anyone else: the newest public responses and the public events.

Every list is one of the site's own lists (each filtered by reachback/permissions.py), cut to
HOME_ITEMS rows and loaded set-wise; the page links each to its full list."""
from dataclasses import dataclass, field

from . import permissions as perm

HOME_ITEMS = 5  # rows per list on the start page


@dataclass
class StartPage:
    responses: object  # a Pagination of the newest responses the reader may read
    community: dict  # {"events": [...], "notices": [...]}
    queries: object = None  # a Pagination of the requester's open queries
    assignments: object = None  # a Pagination of the expert's open assignments
    reviews: list = field(default_factory=list)
    triage: int | None = None  # new queries waiting (facilitators)
    newsletter: object = None  # (title, url) of the newest newsletter the reader may read


def start_page(user) -> StartPage:
    from .community.services import home_block
    from .knowledge.services import newest_responses

    page = StartPage(responses=newest_responses(user, HOME_ITEMS),
                     community=home_block(user, events=HOME_ITEMS, notices=HOME_ITEMS))
    if not perm.is_signed_in(user):
        return page
    from .queries import lists
    from .synthesis.reviews import pending_reviews

    page.queries = lists.my_queries(user, 1, HOME_ITEMS, open_only=True)
    if perm.is_expert(user):
        page.assignments = lists.expert_queue(user, 1, HOME_ITEMS)
    page.reviews = pending_reviews(user, limit=HOME_ITEMS)
    if perm.is_staff(user):
        page.triage = lists.triage_count(user)
    page.newsletter = latest_newsletter(user)
    return page


def latest_newsletter(user):
    """(title, address) of the newest newsletter the user may read, or None."""
    from flask import url_for

    from .newsletters.services import latest_for

    newsletter = latest_for(user)
    if newsletter is None:
        return None
    return newsletter.title or newsletter.month, url_for("newsletters.view",
                                                         newsletter_id=newsletter.id)
