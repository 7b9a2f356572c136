"""The library of documents (briefing papers, guidance notes, ...): adding and editing one
with its file, the list and its filters, and what the search index is given. The files
themselves (checks, storage, text extraction) are reachback.files's.

Services take the acting user, check permission through reachback.permissions, flush, and
leave the commit to the caller.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import extract, false, func, select
from sqlalchemy.orm import selectinload, undefer

from .. import lengths, timebounds
from .. import permissions as perm
from ..accounts.models import Theme
from ..countries import is_country, names_everywhere
from ..errors import Invalid, NotFound
from ..extensions import db
from ..files.models import Attachment
from ..files.services import DOCUMENT_TYPES, attach_to, blob_path, extract_text, store_upload
from ..groups.models import Group
from ..groups.services import chosen_group, my_groups
from . import search
from .index import IndexDoc
from .models import (
    DOCUMENT_KIND_LABELS,
    DOCUMENT_KINDS,
    DOCUMENT_VISIBILITIES,
    Document,
    DocumentCountry,
    document_themes,
)

MAX_THEMES = 5
MAX_COUNTRIES = 20


# --- documents ------------------------------------------------------------------------------

def _parse_date(value, errors) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:  # a document may be old, but not older than the organisations that write them
            if message := timebounds.date_error(day, first=date(1900, 1, 1)):
                errors["date"] = message
            return day
    errors["date"] = _("Use a date such as 2026-12-31.")
    return None


def as_list(value) -> list:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


def validate_document_data(data: dict, user=None) -> dict:
    """Clean values of a document's metadata, or Invalid with a message per field. `group`:
    the slug of a group `user` may put it in (perm.can_use_group_for_item), or none; the
    visibility `group` needs one."""
    errors: dict[str, str] = {}
    clean: dict = {}
    title = data.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = _("This field is required.")
    elif "\x00" in title:
        errors["title"] = _("Contains a character that is not allowed.")
    clean["title"] = title
    summary = data.get("summary") or ""
    if not isinstance(summary, str) or "\x00" in summary:
        errors["summary"] = _("Give text without control characters.")
        summary = ""
    lengths.check(errors, title=(title, lengths.TITLE), summary=(summary, lengths.SUMMARY))
    clean["summary"] = summary.strip()
    for name, choices in (("kind", DOCUMENT_KINDS), ("visibility", DOCUMENT_VISIBILITIES)):
        clean[name] = data.get(name)
        if clean[name] not in choices:
            errors[name] = _("Choose one of: %(choices)s.", choices=", ".join(choices))
    clean["date"] = _parse_date(data.get("date"), errors)
    clean["group"] = chosen_group(
        data.get("group"), errors, lambda g: perm.can_use_group_for_item(user, g),
        _("Only the members of a group (and facilitators) may put a document in it."))
    if clean["visibility"] == "group" and clean["group"] is None and "group" not in errors:
        errors["group"] = _("Choose the group whose members may read the document.")
    clean["themes"] = themes_by_slug(as_list(data.get("themes")), errors)
    countries = as_list(data.get("countries"))
    if not all(isinstance(c, str) and is_country(c) for c in countries):
        errors["countries"] = _("Unknown country.")
        countries = []
    countries = {c.upper() for c in countries}
    if len(countries) > MAX_COUNTRIES:
        errors["countries"] = _("Choose at most %(count)s countries.", count=MAX_COUNTRIES)
    clean["countries"] = sorted(set(countries))
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return clean


def themes_by_slug(slugs: list, errors: dict) -> list[Theme]:
    """The themes named by these slugs (at most MAX_THEMES), else errors["themes"] says
    what is wrong (the library's documents and the calendar's events)."""
    if not all(isinstance(s, str) for s in slugs):
        errors["themes"] = _("Unknown theme.")
        return []
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > MAX_THEMES:
        errors["themes"] = _("Choose at most %(count)s themes.", count=MAX_THEMES)
        return []
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(themes) != len(slugs):
        errors["themes"] = _("Unknown theme.")
    return themes


def _apply(doc: Document, clean: dict) -> None:
    doc.title, doc.kind, doc.summary = clean["title"], clean["kind"], clean["summary"]
    doc.date, doc.visibility, doc.themes = clean["date"], clean["visibility"], clean["themes"]
    doc.country_rows = [DocumentCountry(country=c) for c in clean["countries"]]
    doc.group = clean["group"]


def _validate_with_file(user, data: dict, upload, required: bool) -> tuple[dict, Attachment | None]:
    """Metadata and file checked together, so that every error shows at once."""
    errors: dict[str, str] = {}
    clean, attachment = None, None
    try:
        clean = validate_document_data(data, user)
    except Invalid as e:
        errors.update(e.fields)
    try:
        attachment = store_upload(user, upload, DOCUMENT_TYPES, "file")
    except Invalid as e:
        errors.update(e.fields)
    else:
        if attachment is None and required:
            errors["file"] = _("Choose the file of the document.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return clean, attachment


def _set_file(user, doc: Document, attachment: Attachment) -> None:
    if doc.file is not None:
        db.session.delete(doc.file)  # the blob stays: other attachments may share its hash
        db.session.flush()
        db.session.expire(doc, ["file"])
    data = blob_path(attachment.sha256).read_bytes()
    doc.text = extract_text(data, attachment.content_type).text
    attach_to(user, attachment, document=doc)
    db.session.expire(doc, ["file"])


def add_document(user, data: dict, upload) -> Document:
    """Staff add a library document with its file; its text is extracted for the index.
    Raises Forbidden, Invalid (per field, the file's errors under "file")."""
    perm.require(perm.can_manage_documents(user), _("Only facilitators add library documents."))
    clean, attachment = _validate_with_file(user, data, upload, required=True)
    doc = Document(created_by_id=user.id, text="")
    _apply(doc, clean)
    db.session.add(doc)
    db.session.flush()
    _set_file(user, doc, attachment)
    _index(doc)
    db.session.flush()
    return doc


def update_document(user, doc: Document, data: dict, upload=None) -> Document:
    """Staff change a document's metadata and, optionally, replace its file. Raises
    Forbidden, Invalid."""
    perm.require(perm.can_manage_documents(user), _("Only facilitators edit library documents."))
    clean, attachment = _validate_with_file(user, data, upload, required=False)
    _apply(doc, clean)
    if attachment is not None:
        _set_file(user, doc, attachment)
    _index(doc)
    db.session.flush()
    return doc


def usable_groups(user) -> list[Group]:
    """The groups the user may put a document in (the form's choices): every group for
    staff, else those they are an active member of."""
    if perm.is_staff(user):
        return list(db.session.scalars(select(Group).order_by(Group.name)))
    return my_groups(user)


def get_document(user, doc_id: int) -> Document:
    """The document, or NotFound when missing or not visible to the user."""
    doc = db.session.get(Document, doc_id)
    if doc is None or not perm.can_view_document(user, doc):
        raise NotFound(_("No such document."))
    return doc


def _filtered(user, filters: dict):
    stmt = select(Document).where(perm.visible_documents(user))
    if filters.get("kind") in DOCUMENT_KINDS:
        stmt = stmt.where(Document.kind == filters["kind"])
    if filters.get("country"):
        stmt = stmt.where(Document.id.in_(
            select(DocumentCountry.document_id)
            .where(DocumentCountry.country == str(filters["country"]).upper())))
    if filters.get("theme"):
        stmt = stmt.where(Document.id.in_(
            select(document_themes.c.document_id).join(Theme).where(
                (Theme.slug == filters["theme"])
                | (Theme.parent.has(Theme.slug == filters["theme"])))))
    if filters.get("group"):
        stmt = stmt.where(Document.group_id.in_(
            select(Group.id).where(Group.slug == str(filters["group"]))))
    year = filters.get("year")
    if year:
        try:
            year = int(year)
            stmt = stmt.where(Document.date >= date(year, 1, 1), Document.date < date(year + 1, 1, 1))
        except (TypeError, ValueError, OverflowError):
            stmt = stmt.where(false())
    return stmt


def list_documents(user, filters: dict | None = None, page: int = 1, per_page: int = 20):
    """Documents the user may see, newest first; filters: kind, theme (a parent theme takes
    in its sub-themes), country, year, group (a slug). A db.paginate object."""
    stmt = _filtered(user, filters or {}).order_by(Document.date.desc(), Document.id.desc()) \
        .options(selectinload(Document.themes), selectinload(Document.country_rows))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def document_years(user) -> list[int]:
    """The years of the documents the user may see, newest first (the year filter)."""
    year = extract("year", Document.date)
    stmt = select(year).where(perm.visible_documents(user)).distinct().order_by(year.desc())
    return [int(y) for y in db.session.scalars(stmt) if y is not None]


# --- the search index ----------------------------------------------------------------------

def document_to_indexdoc(doc: Document) -> IndexDoc:
    """The document as the search index sees it: title, summary, extracted text, the facets
    (themes with their parents, countries, year, kind) and who may read it (the same rule as
    can_view_document)."""
    slugs, names = [], []
    for theme in doc.themes:
        while theme is not None:
            if theme.slug not in slugs:
                slugs.append(theme.slug)
                names.append(theme.name)
            theme = theme.parent
    return IndexDoc(
        key=f"document:{doc.id}", kind=doc.kind, ref=str(doc.id), title=doc.title,
        summary=doc.summary or "", body=doc.text or "",
        extra=doc.file.filename if doc.file is not None else "",
        themes=slugs, theme_names=names,
        countries=doc.countries, country_names=names_everywhere(doc.countries),
        date=datetime(doc.date.year, doc.date.month, doc.date.day, tzinfo=UTC),
        principals=search.principals_of(doc.visibility, group_id=doc.group_id),
    )


def _ids(idents) -> list[int]:
    return [int(i) for i in idents if str(i).isdigit()]


# What an index document is made of (document_to_indexdoc), loaded with the documents.
_INDEXED = (undefer(Document.text), selectinload(Document.themes).joinedload(Theme.parent),
            selectinload(Document.country_rows), selectinload(Document.file))


def _load_indexdocs(idents: list[str]) -> list[IndexDoc]:
    """Index documents of these ids (a missing one is left out, so the index drops it)."""
    docs = db.session.scalars(select(Document).options(*_INDEXED)
                              .where(Document.id.in_(_ids(idents))))
    return [document_to_indexdoc(doc) for doc in docs]


def iter_documents(batch: int = 20) -> Iterator[IndexDoc]:
    """Every document as an IndexDoc, in small batches: each may carry megabytes of text,
    so a full reindex never holds more than `batch` of them."""
    last = 0
    while True:
        rows = list(db.session.scalars(
            select(Document).options(*_INDEXED)
            .where(Document.id > last).order_by(Document.id).limit(batch)))
        if not rows:
            return
        last = rows[-1].id
        for doc in rows:
            yield document_to_indexdoc(doc)
        del rows


def _visible_rows(user, idents: list[str]) -> dict[str, Document]:
    """The documents of these ids the user may read, in one query (search results)."""
    docs = db.session.scalars(select(Document).where(
        Document.id.in_(_ids(idents)), perm.visible_documents(user)))
    return {str(doc.id): doc for doc in docs}


def _index(doc: Document) -> None:
    """Queue the document for the search index, in the caller's transaction."""
    search.enqueue(f"document:{doc.id}")


search.register_source(
    "document", load=_load_indexdocs, iter_all=iter_documents, rows=_visible_rows,
    url=lambda doc: url_for("library.document", doc_id=doc.id), labels=DOCUMENT_KIND_LABELS,
    count=lambda: db.session.scalar(select(func.count()).select_from(Document)))
