"""The library pages: the list and its filters, a document, adding and editing one (staff),
and who may reach each of them."""
import io
import re
import time

import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.files import services as uploads
from reachback.files.models import Attachment
from reachback.knowledge import library
from reachback.knowledge.models import Document
from tests.service.test_library import (
    OTHER_THEME,
    THEME,
    doc_data,
    docx_bytes,
    pdf_bytes,
    slow_pdf_bytes,
    upload,
)


def form(**changes):
    data = {"title": "Ceasefire monitoring guidance", "kind": "guidance",
            "summary": "What monitors **look** for.", "date": "2025-06-01",
            "visibility": "community", "themes": [OTHER_THEME], "countries": ["SS", "ML"],
            "file": (io.BytesIO(pdf_bytes("Monitoring the ceasefire line")), "guidance.pdf")}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def add(staff, **changes):
    doc = library.add_document(staff, doc_data(**changes),
                               upload(changes.get("title", "x").encode(), "d.txt"))
    db.session.commit()
    return doc


@pytest.fixture
def staff_web(make_user, make_web):
    staff = make_user("facilitator")
    web = make_web()
    web.sign_in(staff)
    return staff, web


def test_staff_add_a_document_through_the_form_and_its_text_is_extracted(app, staff_web):
    staff, web = staff_web
    page = web.get("/library/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    response = web.post("/library/new", form())
    assert response.status_code == 302
    doc = db.session.scalar(select(Document))
    assert response.headers["Location"].endswith(f"/library/{doc.id}")
    assert (doc.title, doc.kind, doc.visibility, doc.countries) == (
        "Ceasefire monitoring guidance", "guidance", "community", ["ML", "SS"])
    assert "Monitoring the ceasefire line" in doc.text
    assert doc.file.filename == "guidance.pdf" and doc.file.content_type == uploads.PDF
    shown = web.get(f"/library/{doc.id}").get_data(as_text=True)
    assert "is added to the library" in shown
    assert "<strong>look</strong>" in shown
    assert f'href="/attachments/{doc.file.id}"' in shown
    assert "Edit<span" in shown


def test_a_word_document_is_accepted_and_read(app, staff_web):
    _, web = staff_web
    web.get("/library/new")
    response = web.post("/library/new", form(
        file=(io.BytesIO(docx_bytes("Lessons on vetting")), "lessons.docx")))
    assert response.status_code == 302
    assert "Lessons on vetting" in db.session.scalar(select(Document)).text


def test_a_refused_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(
        app, staff_web):
    _, web = staff_web
    web.get("/library/new")
    response = web.post("/library/new", form(
        title="My typed title", date="yesterday",
        file=(io.BytesIO(b"MZ\x90\x00 an exe"), "report.pdf")))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="My typed title"' in html
    assert re.search(r'id="date-error">.*Use a date such as', html)
    assert re.search(r'id="file-error">.*not a real PDF file', html)
    assert count(Document) == 0 and count(Attachment) == 0


def test_an_oversized_file_is_refused_beside_the_field(app, staff_web):
    app.config["UPLOAD_MAX_BYTES"] = 2048
    _, web = staff_web
    web.get("/library/new")
    response = web.post("/library/new", form(file=(io.BytesIO(b"a" * 4096), "notes.txt")))
    assert response.status_code == 422
    assert re.search(r'id="file-error">.*The file is larger than 2 KB',
                     response.get_data(as_text=True))
    assert count(Document) == 0


def test_a_hostile_pdf_does_not_hang_the_upload(app, staff_web):
    """The document is kept (its title and summary stay searchable), the page says why its
    text is missing, and the request ends within the extraction bound."""
    app.config["EXTRACT_TIMEOUT"] = 1
    _, web = staff_web
    web.get("/library/new")
    started = time.monotonic()
    response = web.post("/library/new", form(file=(io.BytesIO(slow_pdf_bytes()), "slow.pdf")))
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    doc = db.session.scalar(select(Document))
    assert doc.text == ""
    assert "could not be read" in web.get(f"/library/{doc.id}").get_data(as_text=True)


def test_staff_edit_a_document_and_replace_its_file(app, staff_web):
    staff, web = staff_web
    doc = add(staff, title="Old title")
    page = web.get(f"/library/{doc.id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in page and "Current file" in page
    response = web.post(f"/library/{doc.id}/edit", form(
        title="New title", visibility="restricted", themes=None, countries=None,
        file=(io.BytesIO(b"replacement words"), "new.txt")))
    assert response.status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert (doc.title, doc.visibility, doc.themes, doc.countries) == (
        "New title", "restricted", [], [])
    assert doc.file.filename == "new.txt" and doc.text == "replacement words"
    assert count(Attachment) == 1


def test_members_and_experts_cannot_add_or_edit_documents(app, make_user, make_web):
    staff = make_user("facilitator")
    doc = add(staff, title="Community guidance")
    for role in ("member", "expert"):
        web = make_web()
        web.sign_in(make_user(role))
        assert web.get("/library/new").status_code == 403
        assert web.post("/library/new", form()).status_code == 403
        assert web.get(f"/library/{doc.id}/edit").status_code == 403
        assert web.post(f"/library/{doc.id}/edit", form(title="Hacked")).status_code == 403
        page = web.get("/library").get_data(as_text=True)
        assert "Add a document" not in page and "Community guidance" in page
    assert count(Document) == 1 and db.session.get(Document, doc.id).title == \
        "Community guidance"


def test_a_form_without_the_csrf_token_is_refused(app, staff_web):
    _, web = staff_web
    assert web.post("/library/new", form(), csrf=False).status_code == 400
    assert count(Document) == 0


def test_the_library_lists_and_filters_documents(app, staff_web):
    staff, web = staff_web
    add(staff, title="Briefing on Mali", kind="briefing", date="2024-02-01",
        themes=[THEME], countries=["ML"])
    add(staff, title="Guidance for Juba", kind="guidance", date="2025-03-01",
        themes=[OTHER_THEME], countries=["SS"])
    add(staff, title="Staff-only planning", kind="planning", date="2025-04-01",
        visibility="restricted", themes=[THEME], countries=["SS"])

    def listed(query=""):
        html = web.get("/library" + query).get_data(as_text=True)
        return [t for t in ("Briefing on Mali", "Guidance for Juba", "Staff-only planning")
                if t in html]

    assert listed() == ["Briefing on Mali", "Guidance for Juba", "Staff-only planning"]
    assert listed("?kind=briefing") == ["Briefing on Mali"]
    assert listed(f"?theme={THEME}") == ["Briefing on Mali", "Staff-only planning"]
    assert listed("?country=SS&year=2025") == ["Guidance for Juba", "Staff-only planning"]
    assert listed("?year=2023") == []
    html = web.get("/library?year=2025").get_data(as_text=True)
    assert '<option selected value="2025">' in html or 'value="2025" selected' in html
    assert "Add a document" in html


def test_restricted_documents_are_invisible_to_members_and_experts(app, make_user, make_web):
    staff = make_user("facilitator")
    secret = add(staff, title="Staff-only planning", visibility="restricted")
    for role in ("member", "expert"):
        web = make_web()
        web.sign_in(make_user(role))
        assert "Staff-only planning" not in web.get("/library").get_data(as_text=True)
        assert web.get(f"/library/{secret.id}").status_code == 404
        assert web.client.get(f"/attachments/{secret.file.id}").status_code == 404
    assert make_web().get(f"/library/{secret.id}").status_code in (302, 404)


def test_signed_out_visitors_never_reach_a_community_document(app, make_user, make_web):
    doc = add(make_user("facilitator"), title="Community guidance")
    web = make_web()
    for url in ("/library", f"/library/{doc.id}", "/library/new", f"/attachments/{doc.file.id}"):
        response = web.get(url)
        # The library is open to visitors for public documents only.
        assert response.status_code in (200, 302, 404)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
        assert b"Community guidance" not in response.data
    assert web.get("/library/new").status_code == 302  # adding needs an account


def test_staff_put_a_document_in_a_group_read_by_its_group(app, staff_web, make_user, make_web):
    from reachback.groups import services as gs

    staff, web = staff_web
    admin, member, stranger = make_user("admin"), make_user("member"), make_user("member")
    wash = gs.create_group(admin, {"name": "WASH", "slug": "wash"})
    gs.join_group(member, wash)
    db.session.commit()
    page = web.get("/library/new").get_data(as_text=True)
    assert 'name="group"' in page and 'value="wash"' in page and 'value="group"' in page
    refused = web.post("/library/new", form(visibility="group"))
    assert refused.status_code == 422 and count(Document) == 0
    assert "Choose the group whose members may read the document." in refused.get_data(
        as_text=True)
    response = web.post("/library/new", form(visibility="group", group="wash"))
    assert response.status_code == 302
    doc = db.session.scalar(select(Document))
    assert (doc.visibility, doc.group_id) == ("group", wash.id)
    edit = web.get(f"/library/{doc.id}/edit").get_data(as_text=True)
    assert '<option selected value="wash">' in edit or 'value="wash" selected' in edit
    for user, status in ((member, 200), (stranger, 404)):
        reader = make_web()
        reader.sign_in(user)
        assert reader.get(f"/library/{doc.id}").status_code == status
    assert make_web().get(f"/library/{doc.id}").status_code in (302, 404)
