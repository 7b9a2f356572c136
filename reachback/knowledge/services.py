"""The knowledge base: the list of published responses a user may read, and one of them."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import permissions as perm
from ..errors import Gone, NotFound
from ..extensions import db
from ..pagination import paginate_ids
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


def knowledge_base(user, *, theme=None, country=None, page=1, per_page=20):
    """Published responses the user may read, newest first, filterable by theme and country."""
    from ..accounts.models import Theme
    from ..queries.models import FieldQuery, query_themes

    # The count of every visible response reads only the index ix_responses_visible,
    # joining no query; the page shows each response's query with its themes, not its
    # people (with their roles and expertise: half the page's time).
    stmt = select(ConsolidatedResponse.id).where(perm.visible_responses(user))
    if country:
        stmt = stmt.where(ConsolidatedResponse.query_id.in_(
            select(FieldQuery.id).where(FieldQuery.country == country.upper())))
    if theme:
        stmt = stmt.where(ConsolidatedResponse.query_id.in_(
            select(query_themes.c.query_id).join(Theme)
            .where((Theme.slug == theme) | (Theme.parent.has(Theme.slug == theme)))))
    stmt = stmt.order_by(ConsolidatedResponse.published_at.desc(), ConsolidatedResponse.id.desc())
    return paginate_ids(stmt, lambda ids: select(ConsolidatedResponse).options(
        joinedload(ConsolidatedResponse.query).selectinload(FieldQuery.themes))
        .where(ConsolidatedResponse.id.in_(ids)), page, per_page)
