"""The library of documents, and the files (attachments) of queries, messages, contributions
and documents: checked uploads, storage by content hash, bounded text extraction, downloads.

Uploads are checked by their content, not only their name: a PDF starts with %PDF-, a Word
file is a zip holding word/document.xml (no other zip is accepted, and none is ever unpacked
here), text must be UTF-8 without NUL, images must carry the PNG or JPEG signature. The bytes
are stored under <instance>/uploads/ab/cd/<sha256>; the original name is kept in the database
only for the download's Content-Disposition. Text is extracted from PDF and Word files in a
separate process (knowledge/extract.py) with a timeout, a page cap, a text cap and a memory
cap, so a hostile file cannot hang or exhaust the server.

Services take the acting user, check permission through reachback.permissions, flush, and
leave the commit to the caller.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import subprocess  # noqa: S404 - runs our own extractor, with a fixed argument list
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from flask import current_app, url_for
from sqlalchemy import extract, false, func, select
from sqlalchemy.orm import selectinload, undefer

from .. import lengths, timebounds
from .. import permissions as perm
from ..accounts.models import Theme
from ..config import setting
from ..countries import country_name, is_country
from ..errors import Invalid, NotFound
from ..extensions import db
from ..queries.models import Contribution, FieldQuery, Message
from ..queries.states import record
from . import search
from .index import IndexDoc
from .models import (
    DOCUMENT_KIND_LABELS,
    DOCUMENT_KINDS,
    DOCUMENT_VISIBILITIES,
    Attachment,
    Document,
    DocumentCountry,
    document_themes,
)

log = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PNG = "image/png"
JPEG = "image/jpeg"

# Extension -> the content type the bytes must turn out to be (and are served as).
ATTACHMENT_TYPES = {
    ".pdf": PDF, ".docx": DOCX, ".txt": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN,
    ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG,
}
# Library documents need text for the index: no images.
DOCUMENT_TYPES = {ext: t for ext, t in ATTACHMENT_TYPES.items() if not t.startswith("image/")}
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (.docx)", TEXT: "plain text (.txt)",
              MARKDOWN: "Markdown (.md)", PNG: "PNG image", JPEG: "JPEG image"}
ACCEPT_ATTACHMENT = ",".join(ATTACHMENT_TYPES)
ACCEPT_DOCUMENT = ",".join(DOCUMENT_TYPES)

FILENAME_MAX = 150
# A real Word file inflates to tens of MB at most; anything claiming more is refused.
DOCX_MAX_INFLATED = 200 * 1024 * 1024
DOCX_MAX_MEMBERS = 2_000

EXTRACTOR = Path(__file__).with_name("extract.py")
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_THEMES = 5
MAX_COUNTRIES = 20


# --- uploads ------------------------------------------------------------------------

def clean_filename(name: str | None) -> str:
    """The name to show and to offer on download: no folders, no control or invisible
    formatting characters (CR, LF, NUL, right-to-left overrides), no leading dots, NFC, short."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > FILENAME_MAX:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: FILENAME_MAX - len(ext)].rstrip() + ext
    return name or "file"


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (of the types we accept), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(data) else None
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _is_docx(data: bytes) -> bool:
    """A Word document: a zip with word/document.xml, without macros, whose members do not
    claim to inflate beyond reason. Only the zip's directory is read; nothing is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    names = {i.filename for i in infos}
    return (
        "word/document.xml" in names
        and "[Content_Types].xml" in names
        and not any(n.lower().endswith("vbaproject.bin") for n in names)
        and len(infos) <= DOCX_MAX_MEMBERS
        and sum(i.file_size for i in infos) <= DOCX_MAX_INFLATED
    )


def _type_list(allowed: dict[str, str]) -> str:
    names = list(dict.fromkeys(TYPE_NAMES[t] for t in allowed.values()))
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_upload(filename: str | None, data: bytes, allowed: dict[str, str] = ATTACHMENT_TYPES,
                 field: str = "attachment") -> tuple[str, str]:
    """(clean name, content type) of an acceptable file; raises Invalid with a message for
    `field`. The extension must be allowed and the content must be what the extension says."""
    def refuse(message):
        raise Invalid(message, {field: message})

    name = clean_filename(filename)
    expected = allowed.get(os.path.splitext(name)[1].lower())
    if expected is None:
        refuse(f"Files of this type are not accepted. Choose a {_type_list(allowed)} file.")
    if not data:
        refuse("The file is empty.")
    found = sniff(data)
    if found == TEXT and expected in (TEXT, MARKDOWN):
        found = expected
    if found != expected:
        refuse(f"The file's content is not what its name says: it is not a real "
               f"{TYPE_NAMES[expected]} file.")
    return name, expected


def upload_limit_text() -> str:
    """The upload size limit in words, for hints ("10 MB")."""
    return _megabytes(setting("UPLOAD_MAX_BYTES"))


def read_upload(file_storage, field: str = "attachment") -> bytes:
    """The uploaded bytes, reading at most one byte past the limit."""
    limit = setting("UPLOAD_MAX_BYTES")
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        message = f"The file is larger than {_megabytes(limit)}."
        raise Invalid(message, {field: message})
    return data


def store_upload(user, file_storage, allowed: dict[str, str] = ATTACHMENT_TYPES,
                 field: str = "attachment") -> Attachment | None:
    """Check an uploaded file (werkzeug FileStorage) and store its bytes; returns an unsaved
    Attachment for attach_to(), or None when no file was chosen. Raises Invalid."""
    perm.require(user is not None and user.is_authenticated, "Sign in to upload files.")
    if file_storage is None or not getattr(file_storage, "filename", None):
        return None
    data = read_upload(file_storage, field)
    name, content_type = check_upload(file_storage.filename, data, allowed, field)
    attachment = Attachment(sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                            content_type=content_type, filename=name, uploaded_by_id=user.id)
    _write_blob(attachment.sha256, data)
    return attachment


def upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def blob_path(sha256: str) -> Path:
    """<instance>/uploads/ab/cd/<sha256>: the name is the hash, never anything a user typed."""
    if not SHA256.fullmatch(sha256 or ""):
        raise ValueError("not a sha256 hex digest")
    return upload_root() / sha256[:2] / sha256[2:4] / sha256


def _write_blob(sha256: str, data: bytes) -> Path:
    """Write once, atomically (a reader never sees half a file); identical content is
    stored once. A blob left by a rolled-back request is harmless and reused."""
    path = blob_path(sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- attaching and downloading -------------------------------------------------------------

def attach_to(user, upload, *, query: FieldQuery | None = None, message: Message | None = None,
              contribution: Contribution | None = None, document: Document | None = None,
              field: str = "attachment") -> Attachment | None:
    """Attach an upload (a FileStorage, or an Attachment from store_upload) to exactly one
    owner, in the caller's transaction. Who may: can_attach. Raises Forbidden, Invalid."""
    owners = {"query": query, "message": message, "contribution": contribution,
              "document": document}
    chosen = [(kind, owner) for kind, owner in owners.items() if owner is not None]
    if len(chosen) != 1:
        raise ValueError("attach_to needs exactly one owner")
    kind, owner = chosen[0]
    if upload is None or not (isinstance(upload, Attachment) or getattr(upload, "filename", "")):
        return None  # no file chosen: nothing to check
    perm.require(perm.can_attach(user, owner), "You may not attach files here.")
    if not isinstance(upload, Attachment):
        allowed = DOCUMENT_TYPES if kind == "document" else ATTACHMENT_TYPES
        upload = store_upload(user, upload, allowed, field)
    setattr(upload, kind, owner)
    db.session.add(upload)
    db.session.flush()
    _record_attachment(user, kind, owner, upload)
    return upload


def _record_attachment(user, kind: str, owner, attachment: Attachment) -> None:
    """The query's timeline says a file was added; internal when its owner is."""
    if kind == "query":
        record(owner, user, "attachment_added", filename=attachment.filename)
    elif kind == "message":
        record(db.session.get(FieldQuery, owner.query_id), user, "attachment_added",
               internal=owner.visibility != "public", filename=attachment.filename)
    elif kind == "contribution":
        record(owner.query, user, "attachment_added", internal=True,
               filename=attachment.filename)


def get_attachment(user, attachment_id: int) -> Attachment:
    """The attachment, or NotFound when missing or when the user may not see its owner."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not perm.can_view_attachment(user, attachment):
        raise NotFound("No such file.")
    return attachment


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name RFC 5987-encoded, so that
    no browser ever renders the file in the page."""
    name = clean_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'["\\;%*]', "_", ascii_name).strip() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_type(attachment: Attachment) -> str:
    """The type sent: what the content was checked to be; text always as UTF-8 plain text."""
    if attachment.content_type in (TEXT, MARKDOWN):
        return f"{attachment.content_type}; charset=utf-8"
    if attachment.content_type in (PDF, DOCX, PNG, JPEG):
        return attachment.content_type
    return "application/octet-stream"


# --- text extraction -----------------------------------------------------------------------

@dataclass
class Extraction:
    text: str
    problem: str | None = None  # why the text is missing or partial


def _extractor_command(kind: str) -> list[str]:
    """The extractor's command line (tests replace this to simulate a hanging file)."""
    return [sys.executable, "-I", "-B", str(EXTRACTOR), kind,
            str(setting("EXTRACT_MAX_PAGES")), str(setting("EXTRACT_MAX_CHARS")),
            str(setting("EXTRACT_MEMORY_MB"))]


def extract_text(data: bytes, content_type: str) -> Extraction:
    """The searchable text of a file, at most EXTRACT_MAX_CHARS characters. PDF and Word
    files are read by a separate process that is killed after EXTRACT_TIMEOUT seconds."""
    max_chars = setting("EXTRACT_MAX_CHARS")
    if content_type in (TEXT, MARKDOWN):
        return Extraction(data.decode("utf-8-sig", "replace").replace("\x00", "")[:max_chars])
    kind = {PDF: "pdf", DOCX: "docx"}.get(content_type)
    if kind is None:
        return Extraction("", "This kind of file has no text to extract.")
    timeout = setting("EXTRACT_TIMEOUT")
    try:
        done = subprocess.run(_extractor_command(kind), input=data, capture_output=True,  # noqa: S603
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        log.warning("text extraction of a %s file stopped after %s s", kind, timeout)
        return Extraction("", f"Reading the file's text took longer than {timeout:g} seconds.")
    except OSError as exc:
        log.error("text extractor could not start: %s", exc)
        return Extraction("", "The file's text could not be read.")
    if done.returncode != 0:
        log.info("text extraction of a %s file failed: %s", kind, done.stderr[-500:])
        return Extraction("", "The file's text could not be read.")
    text = done.stdout[: max_chars * 4].decode("utf-8", "replace").replace("\x00", "")
    return Extraction(text[:max_chars])


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
    errors["date"] = "Use a date such as 2026-12-31."
    return None


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


def validate_document_data(data: dict) -> dict:
    """Clean values of a document's metadata, or Invalid with a message per field."""
    errors: dict[str, str] = {}
    clean: dict = {}
    title = data.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = "This field is required."
    elif "\x00" in title:
        errors["title"] = "Contains a character that is not allowed."
    clean["title"] = title
    summary = data.get("summary") or ""
    if not isinstance(summary, str) or "\x00" in summary:
        errors["summary"] = "Give text without control characters."
        summary = ""
    lengths.check(errors, title=(title, lengths.TITLE), summary=(summary, lengths.SUMMARY))
    clean["summary"] = summary.strip()
    for name, choices in (("kind", DOCUMENT_KINDS), ("visibility", DOCUMENT_VISIBILITIES)):
        clean[name] = data.get(name)
        if clean[name] not in choices:
            errors[name] = "Choose one of: " + ", ".join(choices) + "."
    clean["date"] = _parse_date(data.get("date"), errors)
    clean["themes"] = _document_themes(_as_list(data.get("themes")), errors)
    countries = _as_list(data.get("countries"))
    if not all(isinstance(c, str) and is_country(c) for c in countries):
        errors["countries"] = "Unknown country."
        countries = []
    countries = {c.upper() for c in countries}
    if len(countries) > MAX_COUNTRIES:
        errors["countries"] = f"Choose at most {MAX_COUNTRIES} countries."
    clean["countries"] = sorted(set(countries))
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
    return clean


def _document_themes(slugs: list, errors: dict) -> list[Theme]:
    if not all(isinstance(s, str) for s in slugs):
        errors["themes"] = "Unknown theme."
        return []
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > MAX_THEMES:
        errors["themes"] = f"Choose at most {MAX_THEMES} themes."
        return []
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(themes) != len(slugs):
        errors["themes"] = "Unknown theme."
    return themes


def _apply(doc: Document, clean: dict) -> None:
    doc.title, doc.kind, doc.summary = clean["title"], clean["kind"], clean["summary"]
    doc.date, doc.visibility, doc.themes = clean["date"], clean["visibility"], clean["themes"]
    doc.country_rows = [DocumentCountry(country=c) for c in clean["countries"]]


def _validate_with_file(user, data: dict, upload, required: bool) -> tuple[dict, Attachment | None]:
    """Metadata and file checked together, so that every error shows at once."""
    errors: dict[str, str] = {}
    clean, attachment = None, None
    try:
        clean = validate_document_data(data)
    except Invalid as e:
        errors.update(e.fields)
    try:
        attachment = store_upload(user, upload, DOCUMENT_TYPES, "file")
    except Invalid as e:
        errors.update(e.fields)
    else:
        if attachment is None and required:
            errors["file"] = "Choose the file of the document."
    if errors:
        raise Invalid("Please correct the highlighted fields.", errors)
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
    perm.require(perm.can_manage_documents(user), "Only facilitators add library documents.")
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
    perm.require(perm.can_manage_documents(user), "Only facilitators edit library documents.")
    clean, attachment = _validate_with_file(user, data, upload, required=False)
    _apply(doc, clean)
    if attachment is not None:
        _set_file(user, doc, attachment)
    _index(doc)
    db.session.flush()
    return doc


def get_document(user, doc_id: int) -> Document:
    """The document, or NotFound when missing or not visible to the user."""
    doc = db.session.get(Document, doc_id)
    if doc is None or not perm.can_view_document(user, doc):
        raise NotFound("No such document.")
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
    in its sub-themes), country, year. A db.paginate object."""
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
        countries=doc.countries, country_names=[country_name(c) for c in doc.countries],
        date=datetime(doc.date.year, doc.date.month, doc.date.day, tzinfo=UTC),
        principals=search.principals_of(doc.visibility),
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
