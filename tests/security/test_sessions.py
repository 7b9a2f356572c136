"""Sessions (ASVS V7, V3.3): server-side, revocable, with idle and absolute timeouts, and a
cookie that is HttpOnly, SameSite=Lax and Secure behind HTTPS."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import User, UserSession
from reachback.extensions import db
from tests.conftest import another_app
from tests.helpers import PASSWORD, WebClient

from .conftest import is_login_redirect, session_cookie

PAGE = "/notifications"  # any page that needs sign-in


@pytest.fixture
def signed_in(signed_in_by_pages):
    """Through the pages, not the suite's shortcut: these tests are about the sessions a
    sign-in opens."""
    return signed_in_by_pages


def live_sessions(user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(UserSession.id)).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))


def test_the_cookie_carries_only_a_random_token_whose_hash_is_stored(app, web, make_user):
    user = make_user()
    web.login(user)
    data = app.session_interface.get_signing_serializer(app).loads(session_cookie(web))
    token = data["_user_id"]
    assert len(token) >= 43 and str(user.id) != token and user.email not in str(data)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


def test_signing_in_starts_a_fresh_session(web, make_user):
    user = make_user()
    web.get("/login")
    before = session_cookie(web)
    web.login(user)
    assert session_cookie(web) != before
    first = session_cookie(web)
    web.logout()
    web.login(user)
    assert session_cookie(web) not in (before, first)


def test_session_cookie_is_httponly_and_lax_and_no_remember_me_cookie(web, make_user):
    response = web.login(make_user())
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert not any(c.startswith("remember_token") for c in cookies)
    assert 'name="remember' not in web.get("/login").get_data(as_text=True)


def test_behind_https_the_cookie_is_secure_with_the_host_prefix(app, make_user):
    email = make_user().email
    db.session.rollback()  # hold no lock: the second app below writes to the same database
    with another_app(app, SESSION_COOKIE_SECURE=True) as secure:
        web = WebClient(secure.test_client())
        web.get("/login", base_url="https://localhost")
        response = web.client.post("/login", base_url="https://localhost", data={
            "email": email, "password": PASSWORD, "csrf_token": web.token},
            headers={"Referer": "https://localhost/login"})  # Flask-WTF checks it over HTTPS
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c)
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


def test_sign_out_ends_the_session_on_the_server_so_a_copied_cookie_fails(
        app, web, make_web, make_user):
    user = make_user()
    web.login(user)
    stolen = session_cookie(web)
    assert web.logout().status_code == 302
    thief = make_web()
    thief.client.set_cookie("session", stolen)
    assert is_login_redirect(thief.get(PAGE))
    assert live_sessions(user) == 0


def test_sign_out_is_a_post_with_a_csrf_token(web, make_user):
    user = make_user()
    web.login(user)
    assert web.client.get("/logout").status_code == 405
    assert web.post("/logout", csrf=False).status_code == 400
    assert web.get(PAGE).status_code == 200 and live_sessions(user) == 1


def test_an_idle_session_ends_after_the_idle_timeout(web, make_user, clock):
    web.login(make_user())
    clock.advance(timedelta(minutes=59))
    assert web.get(PAGE).status_code == 200  # activity resets the idle clock
    clock.advance(timedelta(minutes=59))
    assert web.get(PAGE).status_code == 200
    clock.advance(timedelta(minutes=61))
    assert is_login_redirect(web.get(PAGE))


def test_an_active_session_ends_at_the_absolute_lifetime(web, make_user, clock):
    web.login(make_user())
    for _ in range(14):  # 14 × 50 min = 11 h 40 min, active all along
        clock.advance(timedelta(minutes=50))
        assert web.get(PAGE).status_code == 200
    clock.advance(timedelta(minutes=25))
    assert is_login_redirect(web.get(PAGE))


def test_the_timeouts_are_settings(app, web, make_user, clock):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_ABSOLUTE_HOURS=1)
    web.login(make_user())
    clock.advance(timedelta(minutes=4))
    assert web.get(PAGE).status_code == 200
    clock.advance(timedelta(minutes=6))
    assert is_login_redirect(web.get(PAGE))


def test_last_use_is_recorded_at_most_once_a_minute_even_on_read_only_pages(
        web, make_user, clock):
    user = make_user()
    web.login(user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    start = row.last_seen_at
    clock.advance(timedelta(seconds=30))
    web.get(PAGE)
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == start
    clock.advance(timedelta(seconds=45))
    assert web.get(PAGE).status_code == 200  # a GET: written in its own short transaction
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == start + timedelta(seconds=75)


def test_deactivating_a_user_ends_every_session_of_theirs(signed_in, make_user):
    admin, user = make_user("admin"), make_user()
    laptop, phone = signed_in(user), signed_in(user)
    staff = signed_in(admin)
    assert staff.post(f"/admin/users/{user.id}", {
        "name": user.name, "roles": ["member"], "organisation": "", "country": "",
        "languages": "", "away_until": ""}).status_code == 302
    assert is_login_redirect(laptop.get(PAGE)) and is_login_redirect(phone.get(PAGE))
    assert live_sessions(user) == 0


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(
        signed_in, make_user):
    user = make_user()
    here, elsewhere = signed_in(user), signed_in(user)
    stolen = session_cookie(elsewhere)
    page = here.post("/profile/security", {
        "action": "password", "current_password": PASSWORD,
        "new_password": "four quiet lanterns drifting", "confirm": "four quiet lanterns drifting"})
    assert page.status_code == 302
    assert here.get(PAGE).status_code == 200
    assert is_login_redirect(elsewhere.get(PAGE))
    elsewhere.client.set_cookie("session", stolen)
    assert is_login_redirect(elsewhere.get(PAGE))
    assert live_sessions(user) == 1
    elsewhere.login(user, "four quiet lanterns drifting")


def test_a_wrong_current_password_changes_nothing(signed_in, make_user):
    user = make_user()
    here, elsewhere = signed_in(user), signed_in(user)
    before = user.password_hash
    page = here.post("/profile/security", {
        "action": "password", "current_password": "not my password at all",
        "new_password": "four quiet lanterns drifting", "confirm": "four quiet lanterns drifting"})
    assert page.status_code == 422
    assert "This is not your current password." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert elsewhere.get(PAGE).status_code == 200


def test_changing_the_email_asks_the_password_and_ends_the_other_sessions(
        signed_in, make_user):
    user = make_user(email="old@example.org")
    here, elsewhere = signed_in(user), signed_in(user)
    refused = here.post("/profile/security", {
        "action": "email", "email": "new@example.org", "current_password": "wrong one here"})
    assert refused.status_code == 422 and "not your current password" in refused.get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@example.org"
    assert elsewhere.get(PAGE).status_code == 200
    done = here.post("/profile/security", {
        "action": "email", "email": "New@Example.org", "current_password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@example.org"
    assert is_login_redirect(elsewhere.get(PAGE)) and here.get(PAGE).status_code == 200


def test_an_email_of_another_account_is_refused_beside_the_field(signed_in, make_user):
    other = make_user(email="taken@example.org")
    user = make_user()
    page = signed_in(user).post("/profile/security", {
        "action": "email", "email": other.email, "current_password": PASSWORD})
    assert page.status_code == 422
    assert "An account with this e-mail address exists." in page.get_data(as_text=True)


def test_sign_out_everywhere_ends_every_session_including_this_one(signed_in, make_user):
    user = make_user()
    here, elsewhere = signed_in(user), signed_in(user)
    page = here.get("/profile/security").get_data(as_text=True)
    assert page.count("<tr>") == 3  # header + two sessions
    response = here.post("/profile/sign-out-everywhere")
    assert is_login_redirect(response)
    assert is_login_redirect(here.get(PAGE)) and is_login_redirect(elsewhere.get(PAGE))
    assert live_sessions(user) == 0


def test_an_admin_setting_a_password_ends_the_users_sessions(app, signed_in, make_user):
    from reachback.accounts.services import set_password

    admin, user = make_user("admin"), make_user()
    theirs = signed_in(user)
    set_password(admin, user, "a brand new long passphrase")
    db.session.commit()
    assert is_login_redirect(theirs.get(PAGE))


def test_a_forged_or_unknown_session_token_is_not_a_sign_in(app, make_web, make_user):
    make_user()
    web = make_web()
    serializer = app.session_interface.get_signing_serializer(app)
    for token in ("1", "1:1", "x" * 43, "", "\x00" * 300):
        web.client.set_cookie("session", serializer.dumps({"_user_id": token}))
        assert is_login_redirect(web.get(PAGE))
