"""Failed sign-ins slow the pair of account and client address that made them, with growing
delays, and never lock the account (issue 14, item 6): the owner signing in from their own
address gets in while an attack from elsewhere goes on; the owner and the admins are told
of repeated failures once an hour; the delays hold across workers."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import AuditEvent
from reachback.extensions import db
from reachback.notify.models import Notification, OutboundEmail
from tests.conftest import another_app
from tests.helpers import PASSWORD, WebClient, totp_code

WRONG = "not the right password"
REFUSED = "The e-mail address or password is not right."
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def roomy(app):
    """The per-address limit out of the way: these tests are about the delays."""
    app.config.update(RATELIMIT_SIGN_IN="1000 per minute", RATELIMIT_CODE="1000 per minute")
    return app


def attempt(web, email, password=WRONG, address=ATTACKER):
    web.get("/login")
    return web.post("/login", {"email": email, "password": password},
                    environ_base={"REMOTE_ADDR": address})


def waits_for(response) -> int:
    """The wait a refused attempt announces; it was refused unread, with the sign-in page."""
    assert response.status_code == 429
    assert "Please wait" in response.get_data(as_text=True)
    assert "<h1>Sign in</h1>" in response.get_data(as_text=True)
    return int(response.headers["Retry-After"])


def test_an_attack_from_one_address_never_keeps_the_owner_out(roomy, make_web, make_user,
                                                               clock):
    user = make_user()
    attacker = make_web()
    for _ in range(40):
        attempt(attacker, user.email)
        clock.advance(timedelta(seconds=30))
    assert waits_for(attempt(attacker, user.email, PASSWORD)) > 0  # this pair waits
    assert attempt(make_web(), user.email, PASSWORD, OWNER).status_code == 302


def test_the_same_pair_waits_longer_after_each_failure(roomy, make_web, make_user, clock):
    user = make_user()
    web = make_web()
    for _ in range(4):
        assert REFUSED in attempt(web, user.email).get_data(as_text=True)
    waits = []
    for _ in range(12):
        failed = attempt(web, user.email)  # read, and refused as usual
        assert failed.status_code == 200 and REFUSED in failed.get_data(as_text=True)
        waits.append(waits_for(attempt(web, user.email, PASSWORD)))  # during the wait: 429
        clock.advance(timedelta(seconds=waits[-1] - 1))
        assert waits_for(attempt(web, user.email, PASSWORD)) == 1  # not counted, not longer
        clock.advance(timedelta(seconds=1))
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]  # at most 15 minutes
    assert attempt(web, user.email, PASSWORD).status_code == 302  # the wait is over
    assert REFUSED in attempt(make_web(), user.email).get_data(as_text=True)  # a new run
    assert attempt(make_web(), user.email, PASSWORD).status_code == 302  # ... with no wait


def test_an_unknown_address_is_slowed_alike(roomy, make_web, make_user, clock):
    """The delays tell nothing of which accounts exist."""
    user = make_user()
    answers = []
    for email in (user.email, "ghost@example.org"):
        web = make_web()
        for _ in range(5):
            attempt(web, email)
        page = attempt(web, email, PASSWORD)
        answers.append((waits_for(page), page.get_data(as_text=True).count("flash-error")))
    assert answers[0] == answers[1] == (2, 1)


def test_wrong_codes_slow_the_pair_too(roomy, make_web, make_user, clock):
    user = make_user("facilitator")
    web = make_web()
    assert attempt(web, user.email, PASSWORD).headers["Location"] == "/login/code"
    web.get("/login/code")
    for _ in range(5):
        assert web.post("/login/code", {"code": "000001"},
                        environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 200
    refused = web.post("/login/code", {"code": totp_code(user.totp_secret)},
                       environ_base={"REMOTE_ADDR": ATTACKER})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "Please wait 2 seconds" in refused.get_data(as_text=True)
    # The owner, elsewhere, is not slowed.
    owner = make_web()
    assert attempt(owner, user.email, PASSWORD, OWNER).headers["Location"] == "/login/code"
    owner.get("/login/code")
    clock.advance(timedelta(seconds=31))  # a code not used before
    assert owner.post("/login/code", {"code": totp_code(user.totp_secret)},
                      environ_base={"REMOTE_ADDR": OWNER}).status_code == 302


def notices(user, kind):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.kind == kind))


def mails(user):
    return db.session.scalars(select(OutboundEmail.subject).where(
        OutboundEmail.recipient == user.email)).all()


def test_the_owner_and_the_admins_are_told_once_an_hour(roomy, make_web, make_user, clock):
    admin, user = make_user("admin"), make_user()
    for n in range(4):  # spread over addresses: no pair waits, yet the account is attacked
        attempt(make_web(), user.email, address=f"203.0.113.{n}")
    assert notices(user, "sign_in_failures") == 0
    attempt(make_web(), user.email, address="203.0.113.9")
    assert notices(user, "sign_in_failures") == 1
    assert notices(admin, "account_sign_in_failures") == 1
    assert len(mails(user)) == 1 and "failed attempts to sign in" in mails(user)[0]
    assert len(mails(admin)) == 1 and user.email in mails(admin)[0]
    for n in range(10):  # more within the hour: nobody is told again
        attempt(make_web(), user.email, address=f"203.0.113.{n}")
        clock.advance(timedelta(minutes=5))
    assert (notices(user, "sign_in_failures"), notices(admin, "account_sign_in_failures")) \
        == (1, 1)
    clock.advance(timedelta(minutes=11))
    attempt(make_web(), user.email, address="203.0.113.1")  # over an hour since the last word
    assert (notices(user, "sign_in_failures"), notices(admin, "account_sign_in_failures")) \
        == (2, 2)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.kind == "sign_in_failures_reported")) == 2


def test_the_delays_hold_across_workers(app, roomy, make_user, clock):
    """Two application processes (here two apps) share the delays through the database."""
    email = make_user().email
    db.session.rollback()  # hold no lock: the second app writes to the same database
    first = WebClient(app.test_client())
    for _ in range(5):
        attempt(first, email)
    db.session.rollback()
    with another_app(app) as second:
        assert waits_for(attempt(WebClient(second.test_client()), email, PASSWORD)) == 2
        db.session.rollback()
        assert attempt(WebClient(second.test_client()), email, PASSWORD, OWNER
                       ).status_code == 302
