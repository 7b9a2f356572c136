"""Rate limits and the lockout (ASVS 2.4.1, 6.3.1; checklist items 6 and 33): per client
address and per account, 429 with Retry-After; failed attempts only, so legitimate use is
never slowed; the growing lockout in the database refuses even the right password."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from reachback.accounts.models import AuditEvent, User
from reachback.accounts.services import create_token
from reachback.extensions import db
from tests.conftest import another_app
from tests.helpers import PASSWORD, WebClient, totp_code

from .conftest import is_login_redirect

WRONG = "not the right password"
REFUSED = "The e-mail address or password is not right."


def attempt(web, email, password=WRONG, address="127.0.0.1"):
    web.get("/login")
    return web.post("/login", {"email": email, "password": password},
                    environ_base={"REMOTE_ADDR": address})


def assert_429(response):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    return response


@pytest.fixture
def low(app):
    """Low limits, as a test's own settings."""
    app.config.update(RATELIMIT_SIGN_IN="3 per minute", RATELIMIT_CODE="3 per minute",
                      RATELIMIT_LINK="3 per minute", RATELIMIT_API_TOKEN="3 per minute",
                      RATELIMIT_RESET_REQUEST="2 per hour", RATELIMIT_INVITE="2 per hour",
                      LOCKOUT_THRESHOLD=100)
    return app


# --- flask-limiter: per address, per account ----------------------------------------------

def test_sign_in_failures_from_one_address_get_429_with_retry_after(low, make_web, make_user):
    user = make_user()
    web = make_web()
    for n in range(3):
        assert attempt(web, f"nobody{n}@example.org").status_code == 200
    page = assert_429(attempt(web, user.email, PASSWORD))  # even the right password now
    assert "Too many attempts" in page.get_data(as_text=True)
    assert "text/html" in page.content_type
    # Another address is not slowed.
    assert attempt(make_web(), user.email, PASSWORD, "10.0.0.9").status_code == 302


def test_sign_in_failures_for_one_account_get_429_from_any_address(low, make_web, make_user):
    user = make_user()
    for n in range(3):
        attempt(make_web(), user.email, address=f"10.0.1.{n}")
    assert_429(attempt(make_web(), user.email, PASSWORD, "10.0.1.200"))
    other = make_user()
    assert attempt(make_web(), other.email, PASSWORD, "10.0.1.201").status_code == 302


def test_successful_sign_ins_are_not_counted(low, make_web, make_user):
    """The suite signs in many people from 127.0.0.1: only failures count."""
    for _ in range(8):
        make_web().login(make_user())
    make_web().login(make_user("facilitator"))


def test_wrong_codes_get_429(low, make_web, make_user):
    user = make_user("facilitator")
    web = make_web()
    attempt(web, user.email, PASSWORD)
    web.get("/login/code")
    for _ in range(3):
        assert web.post("/login/code", {"code": "000001"}).status_code == 200
    assert_429(web.post("/login/code", {"code": totp_code(user.totp_secret)}))


def test_reset_requests_are_limited_whatever_the_answer(low, make_web, make_user):
    user = make_user()
    web = make_web()
    web.get("/password/forgot")
    for email in (user.email, "nobody@example.org"):
        assert web.post("/password/forgot", {"email": email}).status_code == 302
    assert_429(web.post("/password/forgot", {"email": "third@example.org"}))


def test_invalid_links_get_429(low, make_web):
    web = make_web()
    for n in range(3):
        assert web.get(f"/password/reset/forged{n}").status_code == 404
        web.get("/login")
        assert web.post(f"/password/reset/forged{n}", {"new_password": "x",
                                                       "confirm": "x"}).status_code == 404
    assert_429(web.post("/invitation/forged9", {"new_password": "x", "confirm": "x"}))


def test_sending_invitations_is_limited(low, make_web, make_user):
    web = make_web()
    web.login(make_user("admin"))
    web.get("/invitations/new")
    for n in range(2):
        assert web.post("/invitations/new", {"name": f"P {n}", "email": f"p{n}@example.org",
                                             "roles": ["member"]}).status_code == 302
    assert_429(web.post("/invitations/new", {"name": "Q", "email": "q@example.org",
                                              "roles": ["member"]}))


def test_unknown_api_tokens_get_429_in_the_api_error_shape(low, client, make_user):
    _token, clear = create_token(make_user(), "script")
    db.session.commit()
    for _ in range(10):  # a valid token is never counted
        assert client.get("/api/v1/queries",
                          headers={"Authorization": f"Bearer {clear}"}).status_code == 200
    for _ in range(5):  # and neither is a missing one (nothing guessed)
        assert client.get("/api/v1/queries").status_code == 401
    for n in range(3):
        assert client.get("/api/v1/queries",
                          headers={"Authorization": f"Bearer rb_guess{n}"}).status_code == 401
    response = assert_429(client.get("/api/v1/queries",
                                     headers={"Authorization": f"Bearer {clear}"}))
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(app, make_user):
    """TRUSTED_PROXIES=0: X-Forwarded-For is ignored, every guess counts for 127.0.0.1.
    TRUSTED_PROXIES=1: each forwarded address has its own budget."""
    emails = [make_user().email for _ in range(5)]
    db.session.rollback()
    for proxies, last in ((0, 429), (1, 200)):
        with another_app(app, TRUSTED_PROXIES=proxies, RATELIMIT_SIGN_IN="3 per minute") as other:
            web = WebClient(other.test_client())
            statuses = []
            for n, email in enumerate(emails[:4]):
                web.get("/login")
                statuses.append(web.post("/login", {"email": email, "password": WRONG}, headers={
                    "X-Forwarded-For": f"203.0.113.{n}"}).status_code)
        assert statuses[-1] == last, (proxies, statuses)
        db.session.rollback()


# --- the lockout, in the database ----------------------------------------------------------

@pytest.fixture
def roomy(app):
    app.config.update(RATELIMIT_SIGN_IN="1000 per minute", RATELIMIT_CODE="1000 per minute")
    return app


def lock_state(user):
    db.session.expire_all()
    row = db.session.get(User, user.id)
    return row.failed_logins, row.locked_until


def test_the_lockout_grows_and_refuses_even_the_right_password(roomy, make_web, make_user,
                                                              clock):
    user = make_user()
    web = make_web()
    for _ in range(4):
        attempt(web, user.email)
    assert lock_state(user) == (4, None)
    attempt(web, user.email)  # the fifth: locked for a minute
    assert lock_state(user) == (5, clock.now + timedelta(minutes=1))
    clock.advance(timedelta(seconds=50))
    refused = attempt(web, user.email, PASSWORD)
    assert refused.status_code == 200 and REFUSED in refused.get_data(as_text=True)
    assert lock_state(user)[0] == 5  # attempts while locked are not counted
    clock.advance(timedelta(seconds=11))
    attempt(web, user.email)  # the sixth failure: two minutes
    assert lock_state(user) == (6, clock.now + timedelta(minutes=2))
    clock.advance(timedelta(minutes=2, seconds=1))
    attempt(web, user.email)  # the seventh: four minutes
    assert lock_state(user) == (7, clock.now + timedelta(minutes=4))
    clock.advance(timedelta(minutes=3))
    assert REFUSED in attempt(web, user.email, PASSWORD).get_data(as_text=True)
    clock.advance(timedelta(minutes=1, seconds=1))
    assert attempt(web, user.email, PASSWORD).status_code == 302
    assert lock_state(user) == (0, None)  # a success resets the count
    locked = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.kind == "account_locked")).all()
    assert locked == ["failures=5; seconds=60", "failures=6; seconds=120",
                      "failures=7; seconds=240"]
    reasons = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.kind == "sign_in_failed")).all()
    assert reasons.count("reason=locked") == 2


def test_the_lockout_is_capped(app):
    from reachback.accounts.lockout import lock_seconds

    assert [lock_seconds(n) for n in (4, 5, 6, 7, 11, 12, 500)] == [
        0, 60, 120, 240, 3600, 3600, 3600]


def test_a_locked_account_answers_like_an_unknown_address(roomy, make_web, make_user):
    user = make_user()
    for _ in range(5):
        attempt(make_web(), user.email)
    pages = [attempt(make_web(), email, PASSWORD) for email in (user.email, "ghost@example.org")]
    texts = [p.get_data(as_text=True) for p in pages]
    assert [p.status_code for p in pages] == [200, 200]
    assert all(REFUSED in t for t in texts)
    assert all(t.count('class="flash flash-') == 1 for t in texts)


def test_wrong_codes_count_towards_the_lockout(roomy, make_web, make_user):
    user = make_user("facilitator")
    web = make_web()
    attempt(web, user.email, PASSWORD)
    web.get("/login/code")
    for _ in range(5):
        response = web.post("/login/code", {"code": "000001"})
    assert is_login_redirect(response)  # locked: back to the start
    assert lock_state(user)[0] == 5 and lock_state(user)[1] is not None
    assert REFUSED in attempt(make_web(), user.email, PASSWORD).get_data(as_text=True)


def test_the_lockout_holds_across_workers(app, roomy, make_user):
    """Two application processes (here two apps) share the lock through the database."""
    email = make_user().email
    db.session.rollback()  # hold no lock: the second app writes to the same database
    first = WebClient(app.test_client())
    for _ in range(5):
        attempt(first, email)
    db.session.rollback()
    with another_app(app) as second:
        page = attempt(WebClient(second.test_client()), email, PASSWORD).get_data(as_text=True)
    assert REFUSED in page and re.search(r"<h1>Sign in</h1>", page)
