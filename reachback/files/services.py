"""Uploaded files (attachments) of queries, messages, contributions and library documents:
checked uploads, storage by content hash, attaching, downloads, bounded text extraction.

Uploads are checked by their content, not only their name: a PDF starts with %PDF-, a Word
file is a zip holding word/document.xml (no other zip is accepted, and none is ever unpacked
here), text must be UTF-8 without NUL, images must carry the PNG or JPEG signature. The bytes
are stored under <instance>/uploads/ab/cd/<sha256>; the original name is kept in the database
only for the download's Content-Disposition. Text is extracted from PDF and Word files in a
separate process (files/extract.py) with a timeout, a page cap, a text cap and a memory
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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import permissions as perm
from ..config import setting
from ..errors import Invalid, NotFound
from ..extensions import db
from ..knowledge.models import Document
from ..queries.models import Contribution, FieldQuery, Message
from ..queries.states import record
from .models import Attachment

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
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (.docx)", TEXT: _l("plain text (.txt)"),
              MARKDOWN: "Markdown (.md)", PNG: _l("PNG image"), JPEG: _l("JPEG image")}
ACCEPT_ATTACHMENT = ",".join(ATTACHMENT_TYPES)
ACCEPT_DOCUMENT = ",".join(DOCUMENT_TYPES)

FILENAME_MAX = 150
# A real Word file inflates to tens of MB at most; anything claiming more is refused.
DOCX_MAX_INFLATED = 200 * 1024 * 1024
DOCX_MAX_MEMBERS = 2_000

EXTRACTOR = Path(__file__).with_name("extract.py")
SHA256 = re.compile(r"[0-9a-f]{64}")


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
    names = list(dict.fromkeys(str(TYPE_NAMES[t]) for t in allowed.values()))
    if len(names) == 1:
        return names[0]
    return _("%(types)s or %(last)s", types=", ".join(names[:-1]), last=names[-1])


def _megabytes(size: int) -> str:
    """"10 MB", in the reader's language ("10 Mo")."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_number(round(size / (1024 * 1024))))
    return _("%(size)s KB", size=format_number(size // 1024))


def check_upload(filename: str | None, data: bytes, allowed: dict[str, str] = ATTACHMENT_TYPES,
                 field: str = "attachment") -> tuple[str, str]:
    """(clean name, content type) of an acceptable file; raises Invalid with a message for
    `field`. The extension must be allowed and the content must be what the extension says."""
    def refuse(message):
        raise Invalid(message, {field: message})

    name = clean_filename(filename)
    expected = allowed.get(os.path.splitext(name)[1].lower())
    if expected is None:
        refuse(_("Files of this type are not accepted. Choose a %(types)s file.",
                 types=_type_list(allowed)))
    if not data:
        refuse(_("The file is empty."))
    found = sniff(data)
    if found == TEXT and expected in (TEXT, MARKDOWN):
        found = expected
    if found != expected:
        refuse(_("The file's content is not what its name says: it is not a real %(type)s "
                 "file.", type=TYPE_NAMES[expected]))
    return name, expected


def upload_limit_text() -> str:
    """The upload size limit in words, for hints ("10 MB")."""
    return _megabytes(setting("UPLOAD_MAX_BYTES"))


def read_upload(file_storage, field: str = "attachment") -> bytes:
    """The uploaded bytes, reading at most one byte past the limit."""
    limit = setting("UPLOAD_MAX_BYTES")
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        message = _("The file is larger than %(size)s.", size=_megabytes(limit))
        raise Invalid(message, {field: message})
    return data


def store_upload(user, file_storage, allowed: dict[str, str] = ATTACHMENT_TYPES,
                 field: str = "attachment") -> Attachment | None:
    """Check an uploaded file (werkzeug FileStorage) and store its bytes; returns an unsaved
    Attachment for attach_to(), or None when no file was chosen. Raises Invalid."""
    perm.require(user is not None and user.is_authenticated, _("Sign in to upload files."))
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
              response=None, field: str = "attachment") -> Attachment | None:
    """Attach an upload (a FileStorage, or an Attachment from store_upload) to exactly one
    owner, in the caller's transaction. Who may: can_attach. Raises Forbidden, Invalid."""
    owners = {"query": query, "message": message, "contribution": contribution,
              "document": document, "response": response}
    chosen = [(kind, owner) for kind, owner in owners.items() if owner is not None]
    if len(chosen) != 1:
        raise ValueError("attach_to needs exactly one owner")
    kind, owner = chosen[0]
    if upload is None or not (isinstance(upload, Attachment) or getattr(upload, "filename", "")):
        return None  # no file chosen: nothing to check
    perm.require(perm.can_attach(user, owner), _("You may not attach files here."))
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
    elif kind in ("contribution", "response"):  # a response's annex: like its drafts
        record(owner.query, user, "attachment_added", internal=True,
               filename=attachment.filename)


def get_attachment(user, attachment_id: int) -> Attachment:
    """The attachment, or NotFound when missing or when the user may not see its owner."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not perm.can_view_attachment(user, attachment):
        raise NotFound(_("No such file."))
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
