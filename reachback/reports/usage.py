"""Counting what the reports need and no other table records: knowledge base searches (the
normalised text, how often, how many found nothing, the most results found) and reads of
published responses, per day. Neither records who searched or read.

Each count is one INSERT ... ON CONFLICT DO UPDATE in a short transaction of its own (as the
rate-limit counters: accounts.limit_store), so a page that only reads stays a read for
everything else.
"""
import logging

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from ..accounts.limit_store import own_transaction, upsert
from ..extensions import db
from ..models_base import utcnow
from .models import TERM_CHARS, ReportMonth, ResponseView, SearchTerm

log = logging.getLogger(__name__)


def normalise(text: str | None) -> str:
    """A search text as it is counted: case folded, spaces collapsed, cut to TERM_CHARS."""
    return " ".join((text or "").casefold().split())[:TERM_CHARS].strip()


def record_search(text: str | None, results: int) -> None:
    """Count one search of `text` that found `results` items (nothing for an empty text)."""
    term = normalise(text)
    if not term:
        return
    row = SearchTerm.__table__.c
    empty = 1 if results == 0 else 0
    day = utcnow().date()
    kept = ReportMonth.__table__.c
    # The month's knowledge-gaps figures, if kept, no longer hold: forgotten in the same
    # transaction (reports.months computes the month again when next asked).
    forget = delete(ReportMonth).where(kept.report == "search-gaps",
                                       kept.month == f"{day.year:04d}-{day.month:02d}")
    _count(upsert(SearchTerm, {"day": day, "term": term, "searches": 1,
                               "empty": empty, "results": results},
                  {"searches": row.searches + 1, "empty": row.empty + empty,
                   "results": db.func.max(row.results, results)
                   if db.session.get_bind().dialect.name == "sqlite"
                   else db.func.greatest(row.results, results)}), forget)


def record_view(response) -> None:
    """Count one read of a published response's page."""
    row = ResponseView.__table__.c
    _count(upsert(ResponseView, {"response_id": response.id, "day": utcnow().date(),
                                 "views": 1}, {"views": row.views + 1}))


def _count(*statements) -> None:
    """Run the counting statements in a transaction of their own; a count that fails (a
    busy database) is lost and logged, never the page."""
    try:
        with own_transaction():
            for statement in statements:
                db.session.execute(statement)
    except SQLAlchemyError:
        log.warning("A report count was not recorded", exc_info=True)
