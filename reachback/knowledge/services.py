"""The knowledge base: the list of published responses a user may read, and one of them."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from .. import permissions as perm
from ..accounts.models import Theme
from ..errors import Gone, NotFound
from ..extensions import db
from ..pagination import paginate_ids
from ..queries.models import FieldQuery, query_themes
from ..synthesis.models import ConsolidatedResponse


def get_published_response(user, reference: str) -> ConsolidatedResponse:
    """A response the user may read (published or superseded), by its query reference.
    Retracted: Gone (410) with the reason to those who could read it; NotFound to others and
    for anything else."""
    from ..queries.models import FieldQuery

    response = db.session.scalar(
        select(ConsolidatedResponse).join(FieldQuery)
        .where(FieldQuery.reference == (reference or "").upper())
    )
    if response is not None and response.status == "retracted" \
            and perm.could_read_response(user, response):
        raise Gone(_("This response was retracted: %(reason)s",
                     reason=response.retracted_reason))
    if response is None or not perm.can_view_response(user, response):
        raise NotFound(_("No such response."))
    return response


# What the lists of responses show of each (knowledge/index.html, the start page, the Atom
# feed): not the bodies, their rendered HTML nor the lifecycle's columns.
LISTED = (ConsolidatedResponse.title, ConsolidatedResponse.summary,
          ConsolidatedResponse.summary_html, ConsolidatedResponse.language,
          ConsolidatedResponse.visibility, ConsolidatedResponse.status,
          ConsolidatedResponse.published_at, ConsolidatedResponse.updated_at)


def knowledge_base(user, *, theme=None, country=None, page=1, per_page=20):
    """Published responses the user may read, newest first, filterable by theme and country,
    with their count. Each loaded with what the list shows (LISTED; its query's reference,
    country and themes)."""
    count = select(func.count()).select_from(_listed_ids(user, theme, country).subquery())
    return paginate_ids(
        _listed_ids(user, theme, country, newest_first=True),
        lambda ids: _listed_rows(ids, themes=True), page, per_page, count_stmt=count)


def newest_responses(user, limit: int):
    """The start page's newest responses the user may read (a Pagination without a total):
    as knowledge_base's first page, without the count and the themes it does not show."""
    return paginate_ids(_listed_ids(user, newest_first=True), _listed_rows, 1, limit,
                        counted=False)


def _listed_rows(ids, themes=False):
    query = joinedload(ConsolidatedResponse.query).load_only(FieldQuery.reference,
                                                             FieldQuery.country)
    if themes:
        query = query.selectinload(FieldQuery.themes)
    return select(ConsolidatedResponse).options(load_only(*LISTED), query) \
        .where(ConsolidatedResponse.id.in_(ids))


def _listed_ids(user, theme=None, country=None, newest_first=False):
    """The ids of the responses the user may read, of the theme and the country.

    Counted, they read only the index ix_responses_visible, joining no query. `newest_first`
    (the page): in publication order, the status read through an expression, so that the
    planner walks ix_responses_listing from the newest and stops at the page, rather than
    reading every visible response and sorting them all (the country's and the theme's
    query ids too: else SQLite reads the response of each of the country's 4 000 queries,
    then sorts them; 10 ms, not 2)."""
    stmt = select(ConsolidatedResponse.id).where(
        perm.visible_responses(user, newest_first=newest_first))
    query_id = func.coalesce(ConsolidatedResponse.query_id, 0) if newest_first \
        else ConsolidatedResponse.query_id
    if country:
        stmt = stmt.where(query_id.in_(
            select(FieldQuery.id).where(FieldQuery.country == country.upper())))
    if theme:
        stmt = stmt.where(query_id.in_(
            select(query_themes.c.query_id).join(Theme)
            .where((Theme.slug == theme) | (Theme.parent.has(Theme.slug == theme)))))
    if newest_first:
        stmt = stmt.order_by(ConsolidatedResponse.published_at.desc(),
                             ConsolidatedResponse.id.desc())
    return stmt
