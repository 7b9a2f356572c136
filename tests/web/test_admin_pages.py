"""Admin pages: creating and editing accounts, and that nobody but an admin gets in."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from reachback.accounts.models import User, find_user_by_email
from reachback.accounts.passwords import verify_password
from reachback.extensions import db


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Ada Admin")


def new_user_data(**over):
    data = {"email": "Nadia@Example.org", "name": "Nadia Expert", "roles": ["expert"],
            "organisation": "Peace Lab", "country": "KE",
            "themes": ["ceasefires", "security-sector-reform-and-governance"],
            "countries": ["SS", "SD"], "languages": "en, ar", "away_until": "2026-12-24",
            "password": ""}
    data.update(over)
    return data


def test_admin_creates_an_expert_with_expertise_and_sees_them_in_the_list(web, admin):
    web.sign_in(admin)
    form = web.get("/admin/users/new")
    assert form.status_code == 200
    assert 'type="checkbox"' in form.get_data(as_text=True)
    page = web.post("/admin/users/new", new_user_data())
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Account created for Nadia Expert" in html
    # The generated password is shown once on this page, and it works.
    shown = re.search(r"<code>([a-z0-9-]{23})</code>", html).group(1)
    user = find_user_by_email("nadia@example.org")
    assert user.roles == {"member", "expert"}
    assert user.organisation.name == "Peace Lab" and user.country == "KE"
    assert {t.slug for t in user.themes} == {"ceasefires", "security-sector-reform-and-governance"}
    assert user.expertise_countries == ["SD", "SS"]
    assert user.languages == ["ar", "en"] and user.away_until == date(2026, 12, 24)
    assert verify_password(user.password_hash, shown)[0]

    listing = web.get("/admin/users").get_data(as_text=True)
    assert "Nadia Expert" in listing and "nadia@example.org" in listing
    assert "24 Dec 2026" in listing
    assert shown not in listing and shown not in web.get(
        f"/admin/users/{user.id}").get_data(as_text=True)


def test_a_chosen_password_is_used_and_not_shown(web, admin):
    web.sign_in(admin)
    page = web.post("/admin/users/new", new_user_data(password="a long enough password"))
    assert "a long enough password" not in page.get_data(as_text=True)
    user = find_user_by_email("nadia@example.org")
    assert verify_password(user.password_hash, "a long enough password")[0]


def test_a_duplicate_email_is_shown_beside_the_field_and_what_was_typed_is_kept(
        web, admin, make_user):
    make_user("member", email="taken@example.org")
    web.sign_in(admin)
    page = web.post("/admin/users/new", new_user_data(email="TAKEN@example.org",
                                                      name="Second Person"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'id="email-error">.*An account with this e-mail address exists',
                     html)
    assert 'value="Second Person"' in html and 'value="Peace Lab"' in html
    assert re.search(r'<input type="checkbox" name="themes" value="ceasefires" checked>', html)
    assert db.session.scalar(select(User).where(User.name == "Second Person")) is None


def test_a_too_short_password_is_refused_beside_the_field(web, admin):
    web.sign_in(admin)
    page = web.post("/admin/users/new", new_user_data(password="short"))
    assert 'id="password-error"' in page.get_data(as_text=True)
    assert find_user_by_email("nadia@example.org") is None


def test_the_list_filters_by_role(web, admin, make_user):
    make_user("expert", name="Eve Expert")
    make_user("member", name="Max Member")
    web.sign_in(admin)
    html = web.get("/admin/users?role=expert").get_data(as_text=True)
    assert "Eve Expert" in html and "Max Member" not in html
    html = web.get("/admin/users").get_data(as_text=True)
    assert "Eve Expert" in html and "Max Member" in html and "Ada Admin" in html


def test_the_lists_first_view_shows_no_filter_error(web, admin):
    web.sign_in(admin)
    html = web.get("/admin/users").get_data(as_text=True)
    assert "Not a valid choice" not in html and 'class="field-error"' not in html
    assert '<option selected value="">Any role</option>' in html


def test_admin_edits_roles_expertise_and_availability(web, admin, make_user):
    user = make_user("member", name="Mo Member")
    web.sign_in(admin)
    form = web.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'value="Mo Member"' in form
    assert 'name="active"' in form and 'name="password"' not in form
    page = web.post(f"/admin/users/{user.id}", {
        "name": "Mo Expert", "roles": ["expert", "facilitator"], "organisation": "UNDP",
        "country": "", "themes": ["vetting"], "countries": ["CO"], "languages": "es",
        "away_until": "", "active": "y"})
    assert page.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.name == "Mo Expert" and user.roles == {"member", "expert", "facilitator"}
    assert [t.slug for t in user.themes] == ["vetting"] and user.expertise_countries == ["CO"]
    assert user.organisation.name == "UNDP" and user.active
    form = web.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="themes" value="vetting" checked>', form)
    assert 'value="UNDP"' in form


def test_deactivating_a_user_ends_their_session(web, make_web, admin, make_user):
    user = make_user("member")
    theirs = make_web()
    theirs.sign_in(user)
    assert theirs.get("/notifications").status_code == 200
    web.sign_in(admin)
    page = web.post(f"/admin/users/{user.id}", {
        "name": user.name, "roles": ["member"], "organisation": "", "country": "",
        "languages": "", "away_until": ""})  # the active box unchecked
    assert page.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    after = theirs.get("/notifications")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert "No (deactivated)" in web.get("/admin/users").get_data(as_text=True)


def _admin_requests(user_id):
    return [("get", "/admin/users", None), ("get", "/admin/users?role=admin", None),
            ("get", "/admin/users/new", None),
            ("post", "/admin/users/new", new_user_data()),
            ("get", f"/admin/users/{user_id}", None),
            ("post", f"/admin/users/{user_id}", {"name": "Hacked", "roles": ["admin"]}),
            ("get", "/admin/users/99999", None)]


@pytest.mark.parametrize("role", ["facilitator", "member", "expert"])
def test_every_admin_page_is_forbidden_to_non_admins(web, make_user, role):
    user = make_user(role)
    web.sign_in(user)
    for method, url, data in _admin_requests(user.id):
        response = web.get(url) if method == "get" else web.post(url, data)
        assert response.status_code == 403, (method, url)
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"member", role}
    assert find_user_by_email("nadia@example.org") is None


def test_admin_pages_send_anonymous_visitors_to_sign_in(client, admin):
    for method, url, _data in _admin_requests(admin.id):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_user_is_not_found(web, admin):
    web.sign_in(admin)
    assert web.get("/admin/users/99999").status_code == 404


def test_the_list_finds_users_by_part_of_their_name_or_e_mail(web, admin, make_user):
    make_user("expert", name="Eve Okonkwo", email="eve.o@peacelab.example.org")
    make_user("member", name="Max Member", email="max@field.example.org")
    web.sign_in(admin)

    def names(url):
        return set(re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', web.get(url).get_data(
            as_text=True)))

    assert names("/admin/users?q=okon") == {"Eve Okonkwo"}  # in the name, any case
    assert names("/admin/users?q=FIELD.example") == {"Max Member"}  # in the e-mail
    assert names("/admin/users?q=.example.org") == {"Eve Okonkwo", "Max Member"}
    assert names("/admin/users?q=.example.org&role=expert") == {"Eve Okonkwo"}
    assert names("/admin/users?q=%25") == set()  # a % is a character, not "anything"
    page = web.get("/admin/users?q=okon").get_data(as_text=True)
    assert 'value="okon"' in page and 'href="/admin/users"' in page  # kept, and Clear


def test_the_list_s_pages_keep_the_search(web, admin, make_user, monkeypatch):
    from reachback.admin import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    for n in range(2):
        make_user("member", name=f"Field Member {n}")
    web.sign_in(admin)
    html = web.get("/admin/users?q=field+member").get_data(as_text=True)
    assert "Field Member 0" in html and "Field Member 1" not in html
    assert re.search(r'href="/admin/users\?page=2&amp;q=field\+member"', html), html
    assert "Field Member 1" in web.get("/admin/users?page=2&q=field+member").get_data(
        as_text=True)


def test_an_unknown_language_code_is_refused_and_nothing_is_created(web, admin):
    web.sign_in(admin)
    web.get("/admin/users/new")
    page = web.post("/admin/users/new", new_user_data(languages="en, english"))
    assert page.status_code == 422
    assert "Unknown languages: english" in page.get_data(as_text=True)
    assert find_user_by_email("nadia@example.org") is None


def test_the_list_is_by_name_case_ignored_page_after_page(web, admin, make_user, monkeypatch):
    """Sorted by name without regard to case, the same name by its account's age; each
    user on exactly one page, with what the list shows of them (roles, organisation)."""
    from reachback.admin import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for name, role in (("zed Sorter", "member"), ("Ann Sorter", "expert"),
                       ("bob Sorter", "member"), ("Bob Sorter", "admin")):
        make_user(role, name=name, organisation="Peace Lab")
    web.sign_in(admin)
    seen = []
    for page in (1, 2, 3):
        html = web.get(f"/admin/users?q=sorter&page={page}").get_data(as_text=True)
        seen += re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html)
        if page == 1:
            assert "expert" in html and "Peace Lab" in html
    assert seen == ["Ann Sorter", "bob Sorter", "Bob Sorter", "zed Sorter"]
