"""Library documents (briefing papers, guidance notes, ...), and the search index's outbox (the
changes waiting to be applied to it)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import deferred, relationship

from ..accounts.models import Theme, User, theme_links
from ..extensions import db
from ..files.models import Attachment
from ..models_base import UTCDateTime, utcnow

DOCUMENT_KINDS = ("briefing", "guidance", "planning", "discussion", "other")
DOCUMENT_KIND_LABELS = {"briefing": _l("Briefing paper"), "guidance": _l("Guidance note"),
                        "planning": _l("Sample planning document"),
                        "discussion": _l("Discussion summary"), "other": _l("Other document")}
DOCUMENT_VISIBILITIES = ("restricted", "group", "community", "public")

document_themes = theme_links("document_themes", "document_id", "documents.id")


class DocumentCountry(db.Model):
    """A country a library document is about (ISO 3166-1 alpha-2)."""

    __tablename__ = "document_countries"
    document_id = Column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    country = Column(String(2), primary_key=True, index=True)


class Document(db.Model):
    """A library item that is not a consolidated response; its file is the attachment whose
    owner it is (`file`), and `text` is what was extracted from that file for the index."""

    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    kind = Column(String(12), nullable=False, default="other")
    summary = Column(Text, nullable=False, default="")
    date = Column(Date, nullable=False)
    visibility = Column(String(12), nullable=False, default="restricted")
    created_by_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    # The sub-group the document belongs to (its visibility `group` reads it): None for most.
    group_id = Column(ForeignKey("groups.id"), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Up to a few MB: never loaded by lists, only by the indexer.
    text = deferred(Column(Text, nullable=False, default=""))

    created_by = relationship(User)
    group = relationship("Group")
    themes = relationship(Theme, secondary=document_themes, order_by=Theme.code)
    country_rows = relationship(DocumentCountry, cascade="all, delete-orphan",
                                order_by=DocumentCountry.country)
    file = relationship(Attachment, uselist=False, viewonly=True)

    __table_args__ = (
        Index("ix_documents_visibility_date", "visibility", "date"),
        Index("ix_documents_kind", "kind"),
        # The library's list, its count and its years, newest first, read from this index
        # alone (with who may read each): not from the rows, which carry the documents' text.
        Index("ix_documents_listing", "date", "id", "visibility", "group_id"),
    )

    @property
    def countries(self) -> list[str]:
        return [r.country for r in self.country_rows]

    def __str__(self):
        return self.title


class SearchOutbox(db.Model):
    """An index change waiting to be applied: re-read `key` from the database, or delete it."""

    __tablename__ = "search_outbox"
    id = Column(Integer, primary_key=True)
    key = Column(String(200), nullable=False)
    action = Column(String(10), nullable=False, default="upsert")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class SearchThesaurus(db.Model):
    """The thesaurus as an admin last saved it (YAML, in the format of
    reachback/data/thesaurus.yaml), which then replaces the repository's; one row at most
    (id 1). No row: the repository's file is the thesaurus."""

    __tablename__ = "search_thesaurus"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by = relationship(User)



class QueryDuplicates(db.Model):
    """When the duplicate candidates of an open query were last computed (one row per query
    that has them): search.refresh_duplicates finds them through the index once per change
    of the query or of the knowledge base, so that the query's page reads them instead of
    searching. `stale`: the knowledge base or a similar query changed since; the outbox job
    computes them again (the page shows the old ones meanwhile)."""

    __tablename__ = "query_duplicates"
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), primary_key=True)
    computed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    stale = Column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_query_duplicates_stale", "stale"),)


class DuplicateCandidate(db.Model):
    """One candidate of an open query, best first (`position`): the index key of a published
    response or another open query ("response:RB-..", "query:RB-.."), found with a
    facilitator's principals; each reader sees only those they may read (filtered through
    the permission rules when the page reads them)."""

    __tablename__ = "duplicate_candidates"
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    key = Column(String(200), nullable=False, index=True)
    title = Column(String(300), nullable=False, default="")
    score = Column(Float, nullable=False, default=0.0)


class SimilarResponses(db.Model):
    """The published responses about the same thing as a response (its page's "See also",
    after the facilitators' links), as search found them with a facilitator's principals:
    their references, best first, space-separated. Found on the first view after the
    knowledge base changed and kept until it changes again (search.similar_response_refs:
    the outbox job deletes every row when it indexes a response), so that a view reads them
    instead of searching; each reader is shown those they may read."""

    __tablename__ = "similar_responses"
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    refs = Column(Text, nullable=False, default="")
    computed_at = Column(UTCDateTime, nullable=False, default=utcnow)
