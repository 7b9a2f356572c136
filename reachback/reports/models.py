"""What the reports count that no other table records: searches of the knowledge base and
reads of published responses, per day. Neither stores who searched or who read."""
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Text

from ..extensions import db
from ..models_base import UTCDateTime

TERM_CHARS = 100  # a normalised search term is cut to this length


class SearchTerm(db.Model):
    """One normalised search text on one day: how often it was searched, how many of those
    searches found nothing, and the most results one of them found."""

    __tablename__ = "search_terms"
    day = Column(Date, primary_key=True)
    term = Column(String(TERM_CHARS), primary_key=True)
    searches = Column(Integer, nullable=False, default=0)
    empty = Column(Integer, nullable=False, default=0)
    results = Column(Integer, nullable=False, default=0)


class ResponseView(db.Model):
    """Reads of one published response's page on one day (a count, never the reader)."""

    __tablename__ = "response_views"
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    day = Column(Date, primary_key=True)
    views = Column(Integer, nullable=False, default=0)

    # A period's reads per response, from the index alone.
    __table_args__ = (Index("ix_response_views_day", "day", "response_id", "views"),)


class ReportMonth(db.Model):
    """One report's figures of one calendar month (UTC), as merged parts: the counts, and the
    sorted business-hour durations from which exact medians and percentiles are taken (see
    reports.months). Kept by the job refresh_reports, computed on demand when missing, and
    deleted by the session hook when a change touches the month."""

    __tablename__ = "report_months"
    report = Column(String(40), primary_key=True)  # a report, or report:grouping
    month = Column(String(16), primary_key=True)  # YYYY-MM, or a span YYYY-MM..YYYY-MM
    data = Column(Text, nullable=False)  # JSON
    computed_at = Column(UTCDateTime, nullable=False)
