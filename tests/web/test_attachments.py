"""Attachments on queries, clarification replies and contributions: the upload fields, the
checks on the content, the download headers, and that nobody reaches a file whose owner they
may not see (404, never the bytes)."""
import hashlib
import io
import re

import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.files import services as uploads
from reachback.files.models import Attachment
from reachback.knowledge import library
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from tests.service.test_library import EXE, THEME, doc_data, pdf_bytes, upload

QUERY = {"title": "Vetting police recruits", "question": "What worked?", "country": "SS",
         "themes": [THEME], "priority": "normal", "confidentiality": "restricted"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def ask(web, name: str, data: bytes, **changes):
    web.get("/queries/new")
    return web.post("/queries/new", {**QUERY, **changes, "attachment": (io.BytesIO(data), name)})


def login(make_web, user):
    web = make_web()
    web.sign_in(user)
    return web


# --- uploading ------------------------------------------------------------------------------

def test_a_file_attached_to_a_new_query_is_stored_listed_and_downloadable(app, web, make_user):
    requester = make_user("member")
    web.sign_in(requester)
    page = web.get("/queries/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'id="query-attachment"' in page
    data = pdf_bytes("Terms of reference")
    response = ask(web, "ToR Juba.pdf", data)
    assert response.status_code == 302
    q = db.session.scalar(select(FieldQuery))
    a = db.session.scalar(select(Attachment))
    assert (a.query_id, a.filename, a.content_type, a.uploaded_by_id) == (
        q.id, "ToR Juba.pdf", uploads.PDF, requester.id)
    assert uploads.blob_path(hashlib.sha256(data).hexdigest()).read_bytes() == data
    html = web.get(f"/queries/{q.reference}").get_data(as_text=True)
    assert f'href="/attachments/{a.id}"' in html and "ToR Juba.pdf" in html
    with web.client.get(f"/attachments/{a.id}") as download:  # bytes, not a page
        assert download.status_code == 200 and download.data == data


@pytest.mark.parametrize("name,data,message", [
    ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not accepted"),
    ("report.pdf", EXE, "not a real PDF file"),
])
def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_saved(
        app, web, make_user, name, data, message):
    web.sign_in(make_user("member"))
    response = ask(web, name, data, title="My typed title")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="query-attachment-error">.*' + message, html)
    assert 'value="My typed title"' in html
    assert count(FieldQuery) == 0 and count(Attachment) == 0


def test_an_oversized_file_is_refused_beside_the_field(app, web, make_user):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    web.sign_in(make_user("member"))
    response = ask(web, "notes.txt", b"x" * 2048)
    assert response.status_code == 422
    assert re.search(r'id="query-attachment-error">.*larger than 1 KB',
                     response.get_data(as_text=True))
    assert count(FieldQuery) == 0


def test_a_request_over_the_size_limit_is_refused_whole(app, web, make_user):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    web.sign_in(make_user("member"))
    assert ask(web, "notes.txt", b"x" * 8192).status_code == 413
    assert count(FieldQuery) == 0


def test_a_path_in_the_name_never_reaches_the_disk(app, web, make_user):
    web.sign_in(make_user("member"))
    assert ask(web, "../../../etc/cron.d/evil.txt", b"* * * * * root sh").status_code == 302
    a = db.session.scalar(select(Attachment))
    assert a.filename == "evil.txt"
    files = [p for p in uploads.upload_root().rglob("*") if p.is_file()]
    assert [p.name for p in files] == [a.sha256]
    assert files[0].relative_to(uploads.upload_root()).parts == (
        a.sha256[:2], a.sha256[2:4], a.sha256)


def raw_multipart(fields: dict, file_field: str, encoded_name: str, data: bytes):
    """A multipart body as a hostile client may send it: the file name in RFC 2231 form
    (filename*=), which carries raw CR and LF through werkzeug's parser."""
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(f'--XX\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         f"{value}\r\n".encode())
    parts.append(f"--XX\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
                 f"filename*=UTF-8''{encoded_name}\r\nContent-Type: text/html\r\n\r\n".encode()
                 + data + b"\r\n--XX--\r\n")
    return b"".join(parts), "multipart/form-data; boundary=XX"


def test_downloads_are_attachments_never_rendered_in_the_page(app, web, make_user):
    """Even HTML inside a .txt file is sent as plain text, as a download, with nosniff; a name
    with CR, LF and a right-to-left override is cleaned before it reaches the header."""
    web.sign_in(make_user("member"))
    web.get("/queries/new")
    body, content_type = raw_multipart(
        {**QUERY, "csrf_token": web.token}, "attachment",
        "r%C3%A9sum%C3%A9%0D%0ASet-Cookie%3A%20a%3Db%E2%80%AE.txt",
        b"<html><script>alert(1)</script></html>")
    assert web.client.post("/queries/new", data=body, content_type=content_type
                           ).status_code == 302
    a = db.session.scalar(select(Attachment))
    assert a.filename == "r\u00e9sum\u00e9Set-Cookie: a=b.txt"
    with web.client.get(f"/attachments/{a.id}") as response:
        assert response.status_code == 200 and response.data.startswith(b"<html>")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9Set-Cookie%3A%20a%3Db.txt" in disposition
    assert "\r" not in disposition and "\n" not in disposition
    assert not any(c.startswith("a=") for c in response.headers.getlist("Set-Cookie"))
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_the_requester_attaches_a_file_to_a_clarification_reply(app, make_user, make_web,
                                                                 make_query):
    requester = make_user("member")
    q = make_query(requester=requester, status="clarification")
    web = login(make_web, requester)
    page = web.get(f"/queries/{q.reference}").get_data(as_text=True)
    assert 'id="reply-attachment"' in page
    response = web.post(f"/queries/{q.reference}/reply", {
        "message": "Juba and Wau.", "attachment": (io.BytesIO(b"district list"), "d.txt")})
    assert response.status_code == 302
    a = db.session.scalar(select(Attachment))
    assert a.message_id is not None and a.message.body == "Juba and Wau."
    assert q.status == "submitted"
    html = web.get(f"/queries/{q.reference}").get_data(as_text=True)
    assert f'href="/attachments/{a.id}"' in html


def test_a_refused_reply_file_changes_nothing(app, make_user, make_web, make_query):
    requester = make_user("member")
    q = make_query(requester=requester, status="clarification")
    web = login(make_web, requester)
    web.get(f"/queries/{q.reference}")
    response = web.post(f"/queries/{q.reference}/reply", {
        "message": "Juba.", "attachment": (io.BytesIO(b"<svg/>"), "a.svg")}, follow_redirects=True)
    assert "File: Files of this type are not accepted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert q.status == "clarification" and count(Attachment) == 0


def test_an_expert_attaches_a_file_to_a_contribution(app, make_user, make_web, make_query):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    web = login(make_web, expert)
    assert 'id="contribution-attachment"' in web.get(f"/queries/{q.reference}").get_data(
        as_text=True)
    response = web.post(f"/queries/{q.reference}/contributions", {
        "body": "See the attached notes.", "action": "save",
        "attachment": (io.BytesIO(b"notes"), "notes.md")})
    assert response.status_code == 302
    a = db.session.scalar(select(Attachment))
    assert a.contribution.body == "See the attached notes." and a.content_type == "text/markdown"
    assert f'href="/attachments/{a.id}"' in web.get(f"/queries/{q.reference}").get_data(
        as_text=True)


def test_a_refused_contribution_file_keeps_the_text_and_saves_nothing(app, make_user, make_web,
                                                                      make_query):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    web = login(make_web, expert)
    web.get(f"/queries/{q.reference}")
    response = web.post(f"/queries/{q.reference}/contributions", {
        "body": "My long typed answer", "action": "save",
        "attachment": (io.BytesIO(EXE), "tool.pdf")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "My long typed answer" in html
    assert re.search(r'id="contribution-attachment-error">.*not a real PDF', html)
    assert count(Attachment) == 0 and not q.assignments[0].status == "answered"


# --- who may download --------------------------------------------------------------------------

@pytest.fixture
def people(make_user):
    return {"requester": make_user("member"), "member": make_user("member"),
            "assigned": make_user("expert"), "unassigned": make_user("expert"),
            "facilitator": make_user("facilitator"), "admin": make_user("admin")}


def assert_reach(make_web, people, attachment_id, allowed):
    """Each role gets the bytes if allowed, else 404; signed out too (the download route is
    open to visitors for public documents' files, so it answers per object)."""
    for role, user in people.items():
        with login(make_web, user).client.get(f"/attachments/{attachment_id}") as response:
            assert response.status_code == (200 if role in allowed else 404), role
    anonymous = make_web().get(f"/attachments/{attachment_id}")
    assert anonymous.status_code == 404 and b"%PDF" not in anonymous.data


def test_a_restricted_query_file_reaches_only_those_who_see_the_query(
        app, make_web, make_query, people):
    q = make_query(requester=people["requester"], status="routed", experts=[people["assigned"]],
                   facilitator=people["facilitator"])
    a = uploads.attach_to(people["requester"], upload(b"terms", "tor.txt"), query=q)
    db.session.commit()
    assert_reach(make_web, people, a.id, {"requester", "assigned", "facilitator", "admin"})


def test_an_internal_note_file_reaches_only_staff_and_assigned_experts(
        app, make_web, make_query, people):
    q = make_query(requester=people["requester"], status="routed", confidentiality="community",
                   experts=[people["assigned"]], facilitator=people["facilitator"])
    note = qs.add_internal_note(people["facilitator"], q, "Between us.")
    a = uploads.attach_to(people["facilitator"], upload(b"internal", "n.txt"), message=note)
    db.session.commit()
    assert_reach(make_web, people, a.id, {"assigned", "facilitator", "admin"})


def test_an_unpublished_contribution_file_reaches_only_staff_and_assigned_experts(
        app, make_web, make_query, people):
    q = make_query(requester=people["requester"], status="routed", confidentiality="community",
                   experts=[people["assigned"]], facilitator=people["facilitator"])
    c = qs.add_contribution(people["assigned"], q, "Advice")
    a = uploads.attach_to(people["assigned"], upload(b"advice", "a.txt"), contribution=c)
    db.session.commit()
    assert_reach(make_web, people, a.id, {"assigned", "facilitator", "admin"})


def test_a_restricted_document_file_reaches_only_staff(app, make_web, people):
    doc = library.add_document(people["facilitator"], doc_data(visibility="restricted"),
                               upload(b"plan", "plan.txt"))
    db.session.commit()
    assert_reach(make_web, people, doc.file.id, {"facilitator", "admin"})


def test_an_unknown_or_missing_file_is_not_found(app, web, make_user, make_query):
    requester = make_user("member")
    q = make_query(requester=requester)
    a = uploads.attach_to(requester, upload(b"gone", "gone.txt"), query=q)
    db.session.commit()
    web.sign_in(requester)
    assert web.get("/attachments/999999").status_code == 404
    uploads.blob_path(a.sha256).unlink()
    assert web.get(f"/attachments/{a.id}").status_code == 404


def test_only_the_owner_side_may_attach(app, make_user, make_query):
    """Services refuse attaching to someone else's query, message or contribution."""
    from reachback.errors import Forbidden

    q = make_query(status="routed")
    with pytest.raises(Forbidden):
        uploads.attach_to(make_user("member"), upload(b"x", "x.txt"), query=q)
    with pytest.raises(ValueError):
        uploads.attach_to(q.requester, upload(b"x", "x.txt"))
