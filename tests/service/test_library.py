"""The library services: upload checks by content, storage by hash, bounded text extraction,
documents (add, update, list, filters, visibility) and what the search index is given.

The PDF and Word builders here are shared with tests/web/test_library_pages.py and
tests/web/test_attachments.py.
"""
import hashlib
import io
import time
import zipfile
from datetime import date

import docx
import pytest
from flask_login import AnonymousUserMixin
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from reachback import permissions as perm
from reachback.errors import Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.files import services as uploads
from reachback.files.models import Attachment
from reachback.knowledge import library, search
from reachback.knowledge.models import Document

THEME = "police-reform-and-community-policing"
OTHER_THEME = "ceasefires"

# --- file builders ---------------------------------------------------------------------


def pdf_bytes(*pages: str) -> bytes:
    """A real PDF with one line of text (Helvetica) on each page."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for text in pages or ("Ceasefire monitoring guidance",):
        _page(writer, font, f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def slow_pdf_bytes(operations: int = 100_000) -> bytes:
    """A hostile PDF of a few KB: one compressed content stream of 100 000 text operations,
    which takes pypdf many seconds to read (about 9 s on our machines)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    _page(writer, font, b"BT /F1 12 Tf " + b"(a) Tj 1 0 Td " * operations + b"ET", True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page(writer, font, content: bytes, compress: bool = False):
    page = writer.add_blank_page(612, 792)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(
        stream.flate_encode() if compress else stream)


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document with these paragraphs and a small table."""
    document = docx.Document()
    for text in paragraphs or ("Vetting police recruits: lessons from three missions",):
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Mission", "Outcome"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def doc_data(**changes) -> dict:
    data = {"title": "Vetting guidance", "kind": "guidance", "summary": "Short.",
            "date": "2025-06-01", "visibility": "community", "themes": [THEME],
            "countries": ["SS"]}
    data.update(changes)
    return data


# --- checks on the content (pure: no application needed) ------------------------------------

@pytest.mark.parametrize("name,data,message", [
    ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "not accepted"),
    ("setup.exe", EXE, "not accepted"),
    ("report.pdf", EXE, "not a real PDF"),
    ("report.pdf", b"<html>not a pdf</html>", "not a real PDF"),
    ("notes.docx", zip_bytes({"evil.sh": b"rm -rf /"}), "not a real Word"),
    ("notes.docx", zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>",
                              "word/vbaProject.bin": b"macro"}), "not a real Word"),
    ("archive.zip", zip_bytes({"a.txt": b"a"}), "not accepted"),
    ("notes.txt", b"text with a \x00 NUL", "not a real plain text"),
    ("notes.txt", "caf\u00e9".encode("latin-1"), "not a real plain text"),
    ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "not a real PNG"),
    ("empty.pdf", b"", "empty"),
    ("no-extension", b"hello", "not accepted"),
])
def test_check_upload_refuses_types_outside_the_allowlist_or_disguised(name, data, message):
    with pytest.raises(Invalid) as e:
        uploads.check_upload(name, data)
    assert message in e.value.fields["attachment"]


@pytest.mark.parametrize("name,data,expected", [
    ("guidance.PDF", pdf_bytes(), uploads.PDF),
    ("lessons.docx", docx_bytes(), uploads.DOCX),
    ("notes.txt", "Notes from Juba \u2014 caf\u00e9".encode(), uploads.TEXT),
    ("readme.md", b"# Title\n\nText", uploads.MARKDOWN),
    ("map.png", PNG, uploads.PNG),
    ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", uploads.JPEG),
])
def test_check_upload_accepts_real_files_and_types_them_by_content(name, data, expected):
    assert uploads.check_upload(name, data) == (name, expected)


def test_library_documents_refuse_images():
    with pytest.raises(Invalid):
        uploads.check_upload("map.png", PNG, uploads.DOCUMENT_TYPES, "file")


@pytest.mark.parametrize("raw,clean", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    ("report\r\nSet-Cookie: a=b.pdf", "reportSet-Cookie: a=b.pdf"),
    ("\u202egnp.exe.pdf", "gnp.exe.pdf"),  # no right-to-left override tricks
    ("..", "file"),
    ("", "file"),
    (".hidden.txt", "hidden.txt"),
    ("Rapport d’évaluation – Mali.pdf", "Rapport d’évaluation – Mali.pdf"),
    ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
])
def test_clean_filename_strips_folders_control_characters_and_length(raw, clean):
    assert uploads.clean_filename(raw) == clean


def test_content_disposition_is_attachment_with_ascii_fallback_and_rfc5987_name():
    header = uploads.content_disposition("Évaluation \"finale\"; 2026.pdf")
    assert header.startswith("attachment; ")
    assert 'filename="Evaluation _finale__ 2026.pdf"' in header
    assert "filename*=UTF-8''%C3%89valuation%20%22finale%22%3B%202026.pdf" in header
    assert "\r" not in uploads.content_disposition("a\r\nb.pdf")


# --- storage ------------------------------------------------------------------------------

def test_store_upload_keeps_the_bytes_under_their_hash_in_the_instance_folder(app, make_user):
    user = make_user("member")
    data = pdf_bytes()
    a = uploads.store_upload(user, upload(data, "../../Guidance.pdf"))
    sha = hashlib.sha256(data).hexdigest()
    path = uploads.blob_path(sha)
    assert (a.sha256, a.size, a.filename, a.content_type) == (sha, len(data), "Guidance.pdf",
                                                              uploads.PDF)
    assert path == uploads.upload_root() / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == data
    assert str(path).startswith(app.instance_path) and "static" not in str(path)
    # Identical content is stored once; the name never reaches the disk.
    uploads.store_upload(user, upload(data, "copy.pdf"))
    assert [p.name for p in uploads.upload_root().rglob("*") if p.is_file()] == [sha]


def test_store_upload_refuses_a_file_over_the_limit_before_storing_it(app, make_user):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with pytest.raises(Invalid) as e:
        uploads.store_upload(make_user("member"), upload(b"a" * 1025, "big.txt"))
    assert e.value.fields == {"attachment": "The file is larger than 1 KB."}
    assert not uploads.upload_root().exists()
    assert uploads.store_upload(make_user("member"), upload(b"a" * 1024, "ok.txt")).size == 1024


def test_store_upload_without_a_file_is_nothing(app, make_user):
    assert uploads.store_upload(make_user("member"), None) is None
    assert uploads.store_upload(make_user("member"), FileStorage(io.BytesIO(b""), "")) is None


def test_blob_path_only_takes_a_hash(app):
    with pytest.raises(ValueError):
        uploads.blob_path("../../secret_key")


# --- extraction --------------------------------------------------------------------------

def test_text_is_extracted_from_real_pdf_word_and_text_files(app):
    pdf = uploads.extract_text(pdf_bytes("Ceasefire monitoring", "Second page"), uploads.PDF)
    assert "Ceasefire monitoring" in pdf.text and "Second page" in pdf.text
    assert pdf.problem is None
    word = uploads.extract_text(docx_bytes("Vetting of police recruits"), uploads.DOCX)
    assert "Vetting of police recruits" in word.text and "Mission | Outcome" in word.text
    assert uploads.extract_text("\ufeffcaf\u00e9".encode(), uploads.TEXT).text == "caf\u00e9"


def test_extraction_caps_pages_and_characters(app):
    app.config.update(EXTRACT_MAX_PAGES=2, EXTRACT_MAX_CHARS=1000)
    text = uploads.extract_text(pdf_bytes("first", "second", "third", "fourth"), uploads.PDF).text
    assert "second" in text and "third" not in text
    app.config["EXTRACT_MAX_CHARS"] = 5
    assert uploads.extract_text(docx_bytes("abcdefghij"), uploads.DOCX).text == "abcde"
    assert uploads.extract_text(b"x" * 50, uploads.TEXT).text == "xxxxx"


def test_a_hostile_pdf_cannot_hang_extraction(app):
    """A 4 KB PDF that takes pypdf about 9 s: the extractor is killed at the timeout."""
    app.config["EXTRACT_TIMEOUT"] = 1
    data = slow_pdf_bytes()
    assert len(data) < 10_000
    started = time.monotonic()
    result = uploads.extract_text(data, uploads.PDF)
    assert time.monotonic() - started < 4
    assert result.text == "" and "longer than 1 seconds" in result.problem


def test_an_extractor_that_never_ends_is_killed_at_the_timeout(app, monkeypatch):
    """Test hook: the extractor's command replaced by one that hangs."""
    app.config["EXTRACT_TIMEOUT"] = 0.5
    monkeypatch.setattr(uploads, "_extractor_command",
                        lambda kind: ["sleep", "30"])
    started = time.monotonic()
    result = uploads.extract_text(pdf_bytes(), uploads.PDF)
    assert time.monotonic() - started < 3
    assert result.text == "" and result.problem


def test_a_broken_pdf_gives_no_text_and_no_error(app):
    result = uploads.extract_text(b"%PDF-1.7\n garbage", uploads.PDF)
    assert result.text == "" and result.problem == "The file's text could not be read."


# --- documents -----------------------------------------------------------------------------

def test_staff_add_a_document_with_its_file_and_extracted_text(app, make_user):
    staff = make_user("facilitator")
    doc = library.add_document(staff, doc_data(themes=[THEME, OTHER_THEME],
                                               countries=["ss", "ML"]),
                               upload(pdf_bytes("Ceasefire monitoring guidance"), "g.pdf"))
    db.session.commit()
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert (doc.title, doc.kind, doc.date, doc.visibility) == (
        "Vetting guidance", "guidance", date(2025, 6, 1), "community")
    assert {t.slug for t in doc.themes} == {THEME, OTHER_THEME}
    assert doc.countries == ["ML", "SS"]
    assert "Ceasefire monitoring guidance" in doc.text
    assert doc.file.filename == "g.pdf" and doc.file.document_id == doc.id
    assert doc.file.query_id is None and doc.created_by_id == staff.id


def test_only_staff_add_or_edit_documents(app, make_user):
    for role in ("member", "expert"):
        with pytest.raises(Forbidden):
            library.add_document(make_user(role), doc_data(), upload(b"text", "a.txt"))
    staff = make_user("admin")
    doc = library.add_document(staff, doc_data(), upload(b"text", "a.txt"))
    with pytest.raises(Forbidden):
        library.update_document(make_user("expert"), doc, doc_data(title="Changed"))


def test_add_document_reports_every_field_error_at_once(app, make_user):
    with pytest.raises(Invalid) as e:
        library.add_document(make_user("facilitator"),
                             doc_data(title=" ", kind="novel", date="31/12/2025",
                                      visibility="secret", themes=["nope"], countries=["ZZ"]),
                             upload(b"<html></html>", "x.html"))
    assert set(e.value.fields) == {"title", "kind", "date", "visibility", "themes",
                                   "countries", "file"}
    with pytest.raises(Invalid) as e:
        library.add_document(make_user("facilitator"), doc_data(), None)
    assert e.value.fields == {"file": "Choose the file of the document."}
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_update_document_changes_metadata_and_replaces_the_file(app, make_user):
    staff = make_user("facilitator")
    doc = library.add_document(staff, doc_data(), upload(b"old words", "old.txt"))
    db.session.commit()
    library.update_document(staff, doc, doc_data(title="New title", visibility="restricted",
                                                 themes=[], countries=[]))
    db.session.commit()
    assert (doc.title, doc.visibility, doc.themes, doc.countries) == (
        "New title", "restricted", [], [])
    assert doc.file.filename == "old.txt" and doc.text == "old words"
    library.update_document(staff, doc, doc_data(), upload(docx_bytes("new words"), "new.docx"))
    db.session.commit()
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.file.filename == "new.docx" and "new words" in doc.text
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


def _library(make_user):
    staff = make_user("facilitator")
    docs = {}
    for title, kind, day, vis, themes, countries in (
        ("Public briefing", "briefing", "2024-03-01", "public", [THEME], ["SS"]),
        ("Community guidance", "guidance", "2025-05-01", "community", [OTHER_THEME], ["ML"]),
        ("Staff planning", "planning", "2025-07-01", "restricted", [THEME], ["SS"]),
    ):
        docs[title] = library.add_document(
            staff, doc_data(title=title, kind=kind, date=day, visibility=vis, themes=themes,
                            countries=countries), upload(title.encode(), "d.txt"))
    db.session.commit()
    return staff, docs


def _titles(pager):
    return [d.title for d in pager.items]


def test_list_documents_shows_each_user_only_what_they_may_read(app, make_user):
    staff, _ = _library(make_user)
    assert _titles(library.list_documents(staff)) == [
        "Staff planning", "Community guidance", "Public briefing"]
    for role in ("member", "expert"):
        assert _titles(library.list_documents(make_user(role))) == [
            "Community guidance", "Public briefing"]
    assert _titles(library.list_documents(AnonymousUserMixin())) == ["Public briefing"]
    assert library.document_years(make_user("member")) == [2025, 2024]


def test_list_documents_filters_by_kind_theme_country_and_year(app, make_user):
    staff, _ = _library(make_user)

    def titles(**filters):
        return _titles(library.list_documents(staff, filters))

    assert titles(kind="guidance") == ["Community guidance"]
    assert titles(theme=THEME) == ["Staff planning", "Public briefing"]
    parent = db.session.scalar(select(Document).where(Document.title == "Public briefing")
                               ).themes[0].parent
    assert titles(theme=parent.slug) == ["Staff planning", "Public briefing"]
    assert titles(country="ml") == ["Community guidance"]
    assert titles(year="2025") == ["Staff planning", "Community guidance"]
    assert titles(year="2025", country="SS") == ["Staff planning"]
    assert titles(year="not-a-year") == [] and titles(year="0") == []


def test_get_document_hides_what_the_user_may_not_read(app, make_user):
    _, docs = _library(make_user)
    member = make_user("member")
    with pytest.raises(NotFound):
        library.get_document(member, docs["Staff planning"].id)
    with pytest.raises(NotFound):
        library.get_document(AnonymousUserMixin(), docs["Community guidance"].id)
    with pytest.raises(NotFound):
        library.get_document(member, 999_999)
    assert library.get_document(member, docs["Community guidance"].id).title == \
        "Community guidance"


def test_document_list_filter_and_object_check_agree(app, make_user):
    """visible_documents (lists) and can_view_document (pages, downloads) are one rule."""
    _, docs = _library(make_user)
    users = [AnonymousUserMixin(), *(make_user(r) for r in ("member", "expert",
                                                            "facilitator", "admin"))]
    for user in users:
        listed = set(db.session.scalars(
            select(Document.id).where(perm.visible_documents(user))))
        checked = {d.id for d in docs.values() if perm.can_view_document(user, d)}
        assert listed == checked


def test_index_document_carries_text_facets_and_the_readers(app, make_user):
    _, docs = _library(make_user)
    doc = docs["Staff planning"]
    indexed = library.document_to_indexdoc(doc)
    assert indexed.key == f"document:{doc.id}" and indexed.kind == "planning"
    assert indexed.ref == str(doc.id)
    assert indexed.body == "Staff planning" and indexed.extra == "d.txt"
    parent = doc.themes[0].parent
    assert indexed.themes == [THEME, parent.slug]
    assert indexed.theme_names == [doc.themes[0].name, parent.name]
    # The names in every interface language: found by "Soudan du Sud" as by "South Sudan".
    assert indexed.countries == ["SS"]
    assert indexed.country_names == ["South Sudan", "Soudan du Sud", "Sudán del Sur"]
    assert indexed.date.year == 2025 and indexed.date.tzinfo is not None
    assert indexed.principals == ["role:staff"]
    assert library.document_to_indexdoc(docs["Public briefing"]).principals == ["public"]
    assert library.document_to_indexdoc(docs["Community guidance"]).principals == ["community"]
    assert sorted(d.title for d in library.iter_documents(batch=2)) == sorted(docs)


def test_documents_are_found_by_their_text_only_by_those_who_may_read_them(app, make_user):
    """Adding and editing queue the document in the search outbox (same transaction); once
    applied, a word only inside the PDF finds it, for readers only."""
    staff = make_user("facilitator")
    member = make_user("member")
    doc = library.add_document(staff, doc_data(title="Monitoring note"),
                               upload(pdf_bytes("Zanzibarite checkpoints"), "n.pdf"))
    db.session.commit()
    assert db.session.scalars(select(search.SearchOutbox.key)).all() == [f"document:{doc.id}"]
    try:
        search.apply_outbox()
        with app.test_request_context():  # result links are built for a page
            found = search.search(member, "zanzibarite")
        assert [(i.kind, i.ref, i.url) for i in found.items] == [
            ("guidance", str(doc.id), f"/library/{doc.id}")]
        assert search.search(member, "", {"kind": "guidance"}).total == 1
        library.update_document(staff, doc, doc_data(title="Monitoring note",
                                                     visibility="restricted"))
        db.session.commit()
        search.apply_outbox()
        assert search.search(member, "zanzibarite").total == 0
        assert search.search(AnonymousUserMixin(), "zanzibarite").total == 0
        assert [i.ref for i in search.search(staff, "zanzibarite").items] == [str(doc.id)]
        assert search.kind_label("planning") == "Sample planning document"
    finally:
        search.get_index().close()


def test_a_full_reindex_includes_the_documents(app, make_user):
    _, docs = _library(make_user)
    try:
        counts = search.rebuild()
        assert counts["document"] == len(docs)
        assert search.search(make_user("admin"), "planning").total >= 1
    finally:
        search.get_index().close()
