"""Caps on what the pages take: the length of every text a form stores (the form again with
the error beside the field and what was typed), maxlength for the browser, and the size of a
request without a file (413)."""
import io
import itertools

from reachback import lengths
from reachback.extensions import db
from reachback.knowledge import library
from tests.api.test_input_limits import NEW_QUERY, TEN_MB, THEME, at, over
from tests.security.conftest import snapshot
from tests.service.test_library import doc_data, upload
from tests.web.test_attachments import login


def test_a_ten_megabyte_draft_is_refused_by_the_page_while_a_file_may_be_larger(
        app, make_user, make_query, make_web, clock):
    """A form without a file is held to the text cap (413, a page that says so); a form with
    a file keeps the upload's larger limit."""
    fac = make_user("facilitator")
    q = make_query(status="routed", facilitator=fac)
    web = login(make_web, fac)
    before = snapshot()
    response = web.post(f"/queries/{q.reference}/synthesis",
                        {"title": "Vetting", "body": "x" * TEN_MB, "action": "save"})
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)
    assert snapshot() == before
    member = make_user("member")
    asker = login(make_web, member)
    asker.get("/queries/new")
    # Under the test client's 500 kB spooling threshold (above it, its temporary file stays
    # open), but over a text cap lowered for the test.
    app.config["MAX_TEXT_CONTENT_LENGTH"] = 100_000
    big_file = (io.BytesIO(b"district list\n" * 30_000), "districts.txt")  # 420 kB
    response = asker.post("/queries/new", {**NEW_QUERY, "attachment": big_file})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


# --- every text, through the pages ---------------------------------------------------------

def _form_writes(make_user, make_query, make_web):
    """(name, field, cap, make) for each text a form stores; make() returns (web client,
    url, valid form data without the field)."""
    fac, expert, member = make_user("facilitator"), make_user("expert"), make_user("member")
    admin, serial = make_user("admin"), itertools.count()
    webs = {u.id: login(make_web, u) for u in (fac, expert, member, admin)}

    def ask():
        return webs[member.id], "/queries/new", dict(NEW_QUERY)

    def routed():
        return make_query(status="routed", facilitator=fac, experts=[expert], contribute=False)

    def draft():
        q = routed()
        return webs[fac.id], f"/queries/{q.reference}/synthesis", {
            "title": "Vetting", "body": "Vet first.", "action": "save"}

    def contribute():
        return webs[expert.id], f"/queries/{routed().reference}/contributions", {}

    def decline():
        a = routed().assignments[0]
        return webs[expert.id], f"/assignments/{a.id}/decline", {}

    def document():
        doc = library.add_document(fac, doc_data(), upload(b"Guidance", "d.txt"))
        db.session.commit()
        return webs[fac.id], f"/library/{doc.id}/edit", {
            "title": "Guidance", "kind": "guidance", "date": "2025-06-01",
            "visibility": "community", "themes": [THEME]}

    def profile():
        return webs[member.id], "/profile", {"name": "Member", "timezone": "UTC"}

    def new_user():
        n = next(serial)
        return webs[admin.id], "/admin/users/new", {
            "name": "New person", "email": f"new{n}@example.org", "roles": ["member"],
            "country": ""}

    def calendar():
        n = next(serial)
        return webs[admin.id], "/admin/calendars", {
            "name": f"Calendar {n}", "timezone": "Africa/Juba", "working_days": ["0", "1"],
            "intervals": "09:00-17:00"}

    return [
        ("query", "title", lengths.TITLE, ask),
        ("query", "question", lengths.TEXT, ask),
        ("query", "context", lengths.TEXT, ask),
        ("query", "purpose", lengths.TEXT, ask),
        ("draft", "title", lengths.TITLE, draft),
        ("draft", "summary", lengths.SUMMARY, draft),
        ("draft", "body", lengths.BODY, draft),
        ("draft", "note", lengths.TITLE, draft),
        ("contribution", "body", lengths.BODY, contribute),
        ("decline", "reason", lengths.NOTE, decline),
        ("document", "title", lengths.TITLE, document),
        ("document", "summary", lengths.SUMMARY, document),
        ("profile", "name", lengths.NAME, profile),
        ("user", "name", lengths.NAME, new_user),
        ("user", "organisation", lengths.NAME, new_user),
        # ("user", "languages") is a list of ISO 639-1 codes, not free text: a string at
        # its cap is refused as unknown codes (tests/web/test_admin_pages.py).
        ("calendar", "name", lengths.LABEL, calendar),
    ]


def test_every_text_a_form_stores_gets_a_field_error_over_its_cap_and_is_kept(
        make_user, make_query, make_web, clock):
    """Over the cap: the form again, the error beside the field, what was typed still in it,
    nothing stored. At the cap: saved (a redirect)."""
    got, expected = {}, {}
    for name, field, cap, make in _form_writes(make_user, make_query, make_web):
        web, url, data = make()
        web.get(url)
        before = snapshot()
        refused = web.post(url, {**data, field: over(cap)})
        html = refused.get_data(as_text=True)
        unchanged = snapshot() == before
        web, url, data = make()
        web.get(url)
        accepted = web.post(url, {**data, field: at(cap)})
        got[f"{name}.{field}"] = (refused.status_code in (200, 422),
                                  f"At most {cap:,} characters" in html, over(cap) in html,
                                  unchanged, accepted.status_code)
        # A new account's page shows its (generated) password once: no redirect.
        expected[f"{name}.{field}"] = (True, True, True, True, 200 if name == "user" else 302)
    assert got == expected


def test_forms_tell_the_browser_each_cap(make_user, make_query, make_web, clock):
    """maxlength on every capped field, so that a browser stops the typing at the cap."""
    fac = make_user("facilitator")
    q = make_query(status="routed", facilitator=fac)
    staff = login(make_web, fac)
    pages = {
        "/queries/new": {"title": lengths.TITLE, "question": lengths.TEXT,
                         "context": lengths.TEXT, "purpose": lengths.TEXT},
        f"/queries/{q.reference}/synthesis": {"title": lengths.TITLE,
                                              "summary": lengths.SUMMARY,
                                              "body": lengths.BODY, "note": lengths.TITLE},
        f"/queries/{make_query(facilitator=fac).reference}": {
            "message": lengths.TEXT, "body": lengths.TEXT, "note": lengths.NOTE,
            "duplicate_of": lengths.REFERENCE},
    }
    missing = []
    for url, caps in pages.items():
        html = staff.get(url).get_data(as_text=True)
        for field, cap in caps.items():
            if not any(f'maxlength="{cap}"' in tag and f'name="{field}"' in tag
                       for tag in html.split("<")):
                missing.append(f"{url} {field}")
    assert missing == []


