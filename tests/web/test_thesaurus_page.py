"""The admins' page of the search thesaurus (/admin/thesaurus): it shows the thesaurus in
use, saves a valid one (searches use it at once), refuses what is not one with a message and
nothing written, and goes back to the repository's on request."""
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.knowledge import thesaurus
from reachback.knowledge.models import SearchThesaurus


def saved_rows():
    return db.session.scalar(select(func.count()).select_from(SearchThesaurus))


def test_the_page_shows_the_repositorys_thesaurus_until_an_admin_saves_one(web, make_user):
    web.sign_in(make_user("admin"))
    page = web.get("/admin/thesaurus")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "CAAFAG" in html and "repository" in html
    assert "/admin/thesaurus/reset" not in html  # nothing to go back from


def test_an_admin_saves_a_thesaurus_that_searches_use_at_once(web, make_user):
    admin = make_user("admin")
    web.sign_in(admin)
    web.get("/admin/thesaurus")
    saved = web.post("/admin/thesaurus", {"text": "- en: [QIP, quick impact projects]\n"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/admin/thesaurus")
    assert thesaurus.current().expand("QIP") == ["quick impact projects"]
    page = web.get("/admin/thesaurus").get_data(as_text=True)
    assert "Thesaurus saved: 1 entry. Searches use it now." in page
    assert f"Saved by {admin.name}" in page and "/admin/thesaurus/reset" in page
    back = web.post("/admin/thesaurus/reset")
    assert back.status_code == 302 and saved_rows() == 0
    assert "CAAFAG" in thesaurus.current().expand("child soldiers")


def test_what_is_not_a_thesaurus_is_refused_with_a_message_and_nothing_saved(web, make_user):
    web.sign_in(make_user("admin"))
    web.get("/admin/thesaurus")
    for text, message in (("- en: [a, b\n", "not valid YAML (line"),
                          ("- en: [alone]\n", "at least two terms"),
                          ("- de: [a, b]\n", "under en, fr and es only")):
        refused = web.post("/admin/thesaurus", {"text": text})
        assert refused.status_code == 422, text
        html = refused.get_data(as_text=True)
        assert message in html and "Traceback" not in html
        assert saved_rows() == 0


def test_only_admins_reach_the_page(web, make_user):
    for role in ("member", "expert", "facilitator"):
        web.sign_in(make_user(role))
        assert web.get("/admin/thesaurus").status_code == 403, role
        assert web.post("/admin/thesaurus", {"text": "- en: [a, b]\n"}).status_code == 403
        assert web.post("/admin/thesaurus/reset").status_code == 403
    assert saved_rows() == 0
