"""Pages of long lists, sorted without carrying whole rows."""
from .extensions import db


def page_of_ids(ids_stmt, page: int, per_page: int, count_stmt=None, counted=True):
    """A Flask-SQLAlchemy Pagination of a select of ids (its items the page's ids, in
    order). `count_stmt`, when given, counts instead of the ids' statement; `counted=False`:
    no count (total None)."""
    pager = db.paginate(ids_stmt, page=page, per_page=per_page, error_out=False,
                        count=counted and count_stmt is None)
    if count_stmt is not None:
        pager.total = db.session.scalar(count_stmt)
    pager.items = list(pager.items)
    return pager


def paginate_ids(ids_stmt, load, page: int, per_page: int, count_stmt=None, counted=True):
    """Paginate a select of ids, then load that page's rows with the statement `load(ids)`:
    the sort carries only the columns it orders by, not whole rows with their long texts
    (the open-queries inbox sorts 6 000 queries, a busy expert's history 4 000
    assignments, a country's responses 600 with their bodies). `count_stmt`, when given,
    counts instead of the ids' statement; `counted=False`: none. A Flask-SQLAlchemy
    Pagination."""
    pager = page_of_ids(ids_stmt, page, per_page, count_stmt, counted)
    ids = pager.items
    rows = {row.id: row for row in db.session.scalars(load(ids))}
    pager.items = [rows[i] for i in ids if i in rows]
    return pager
