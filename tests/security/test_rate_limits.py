"""Rate limits (ASVS 2.4.1, 6.3.1; checklist items 6 and 33; issue 14, items 6 and 11): per
client address and per account, 429 with Retry-After; failed attempts only, so legitimate
use is never slowed, and a valid API token is never refused; search has a generous limit
per person; the counters live in the database, shared by every worker. The delays per
account and address after failed sign-ins are in test_sign_in_throttle.py."""
from datetime import timedelta

import pytest

from reachback.accounts.services import create_token
from reachback.extensions import db
from tests.conftest import another_app
from tests.helpers import PASSWORD, WebClient, totp_code

WRONG = "not the right password"


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
                      RATELIMIT_SEARCH="3 per minute", SIGN_IN_THROTTLE_AFTER=100)
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


def test_failures_for_one_account_from_many_addresses_never_keep_the_owner_out(
        low, make_web, make_user):
    """No limit per account alone: that would let anyone lock a real user out."""
    user = make_user()
    for n in range(12):
        attempt(make_web(), user.email, address=f"10.0.1.{n}")
    assert attempt(make_web(), user.email, PASSWORD, "10.0.1.200").status_code == 302


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
    web.sign_in(make_user("admin"))
    web.get("/invitations/new")
    for n in range(2):
        assert web.post("/invitations/new", {"name": f"P {n}", "email": f"p{n}@example.org",
                                             "roles": ["member"]}).status_code == 302
    assert_429(web.post("/invitations/new", {"name": "Q", "email": "q@example.org",
                                              "roles": ["member"]}))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_unknown_api_tokens_get_429_in_the_api_error_shape(low, client, make_user):
    _token, clear = create_token(make_user(), "script")
    db.session.commit()
    for _ in range(10):  # a valid token is never counted
        assert client.get("/api/v1/queries", headers=bearer(clear)).status_code == 200
    for _ in range(5):  # and neither is a missing one (nothing guessed)
        assert client.get("/api/v1/queries").status_code == 401
    for n in range(3):
        assert client.get("/api/v1/queries", headers=bearer(f"rb_guess{n}")).status_code == 401
    response = assert_429(client.get("/api/v1/queries", headers=bearer("rb_guess9")))
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_a_valid_token_passes_after_many_bad_tokens_from_its_address(low, client, make_user):
    """A field office shares one satellite address: someone's bad tokens from it never
    lock out the valid tokens of the others."""
    _token, clear = create_token(make_user(), "script")
    db.session.commit()
    statuses = [client.get("/api/v1/queries", headers=bearer(f"rb_bad{n}")).status_code
                for n in range(20)]
    assert statuses[:3] == [401] * 3 and set(statuses[3:]) == {429}
    for _ in range(3):
        assert client.get("/api/v1/queries", headers=bearer(clear)).status_code == 200
    assert client.get("/api/v1/search?q=water", headers=bearer(clear)).status_code == 200


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


# --- the counters, in the database ------------------------------------------------------------

def test_two_app_instances_share_the_rate_limit_counts(app):
    """Two gunicorn workers (here two apps on one database) count together: a worker's
    memory would give each its own budget."""
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    db.session.rollback()  # hold no lock: the second app writes to the same database
    first = WebClient(app.test_client())
    assert [attempt(first, f"nobody{n}@example.org").status_code for n in range(2)] == [200] * 2
    db.session.rollback()
    with another_app(app, RATELIMIT_SIGN_IN="3 per minute") as other:
        second = WebClient(other.test_client())
        assert attempt(second, "nobody2@example.org").status_code == 200
        assert_429(attempt(second, "nobody3@example.org"))
    db.session.rollback()
    assert_429(attempt(first, "nobody4@example.org"))


def test_the_database_is_the_default_store_and_its_windows_end(app, clock):
    from limits.storage import MemoryStorage

    from reachback.accounts.limit_store import DatabaseStorage, purge_expired_counters
    from reachback.config import Defaults
    from reachback.extensions import limiter

    assert Defaults.RATELIMIT_STORAGE_URI == "database://"
    store = limiter.storage
    assert isinstance(store, DatabaseStorage)
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3 and store.get("other") == 0
    assert store.get_expiry("k") == clock.now.timestamp() + 60
    clock.advance(timedelta(seconds=61))
    assert store.get("k") == 0
    assert store.incr("k", 60, amount=2) == 2  # a new window
    store.clear("k")
    assert store.get("k") == 0 and store.check()
    store.incr("old", 10)
    clock.advance(timedelta(seconds=11))
    assert purge_expired_counters() == 1
    # A store named by RATELIMIT_STORAGE_URI (redis in production) is used instead.
    with another_app(app, RATELIMIT_STORAGE_URI="memory://"):
        assert isinstance(limiter.storage, MemoryStorage)


# --- search: a generous limit per person ------------------------------------------------------

@pytest.mark.parametrize("url", ["/search?q=water", "/search/similar?title=water+supply"])
def test_search_pages_over_the_limit_get_429(low, make_web, make_user, url):
    web = make_web()
    web.sign_in(make_user())
    for _ in range(3):
        assert web.get(url).status_code == 200
    response = assert_429(web.get(url))
    assert "Too many" in response.get_data(as_text=True)
    other = make_web()
    other.sign_in(make_user())  # the same address, another person: a budget of their own
    assert other.get(url).status_code == 200


def test_the_api_search_over_the_limit_gets_429_in_its_error_shape(low, client, make_user):
    for _ in range(3):
        assert client.get("/api/v1/search?q=water").status_code == 200
    response = assert_429(client.get("/api/v1/search?q=water"))
    assert response.get_json()["error"]["code"] == "too_many_requests"
    _token, clear = create_token(make_user(), "script")
    db.session.commit()
    assert client.get("/api/v1/search?q=water", headers=bearer(clear)).status_code == 200


def test_search_shares_one_budget_across_its_endpoints(low, make_web, make_user):
    web = make_web()
    web.sign_in(make_user())
    for url in ("/search?q=water", "/search/similar?title=water", "/search?q=roads"):
        assert web.get(url).status_code == 200
    assert_429(web.get("/search/similar?title=roads"))
