"""API tokens follow the password (issue 14, item 5): a password change or reset, "sign out
everywhere", deactivation and turning two-factor off revoke every token of the account, and
creating a token asks for the password again (and the code, where the account has one)."""
import re

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import ApiToken, AuditEvent, SignInThrottle
from reachback.accounts.services import create_token, set_password
from reachback.extensions import db
from tests.helpers import PASSWORD, allow_code_again, totp_code

from .test_invitations_and_reset import ask_reset, choose, link_in, outbox
from .test_totp import enrol_from_security_page

NEW = "four quiet lanterns drifting"
CLEAR = re.compile(r"<code>(rb_[^<]+)</code>")


@pytest.fixture
def signed_in(signed_in_by_pages):
    """Through the pages, not the suite's shortcut: a staff member's sign-in spends the
    frozen clock's code, which creating a token must then refuse."""
    return signed_in_by_pages


def api_status(client, clear: str) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code


def token_count(user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))


def revocations(user) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.kind == "tokens_revoked", AuditEvent.subject == user.email)))


# --- the five events, each tried with two live tokens ------------------------------------

def change_password(user, web, _admin):
    refused = web.post("/profile/security", {"action": "password", "current_password": "no",
                                             "new_password": NEW, "confirm": NEW})
    assert refused.status_code == 422 and revocations(user) == []  # a refusal revokes nothing
    web.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                   "new_password": NEW, "confirm": NEW})


def reset_password(user, web, _admin):
    ask_reset(web, user.email)
    choose(web, link_in(outbox()[-1], "password/reset"), NEW)


def sign_out_everywhere(user, web, _admin):
    web.post("/profile/sign-out-everywhere")


def deactivate(user, _web, admin):
    admin.post(f"/admin/users/{user.id}", {"name": user.name, "roles": ["member"]})
    # An inactive owner's tokens are refused anyway: they must stay dead once it is back.
    admin.post(f"/admin/users/{user.id}", {"name": user.name, "roles": ["member"],
                                           "active": "y"})


def turn_two_factor_off(user, web, _admin):
    enrol_from_security_page(web, user)
    web.post("/profile/security", {"action": "totp_disable", "current_password": PASSWORD})


def cli_sets_password(user, _web, _admin):
    set_password(None, user, NEW)  # an operator, or an admin, sets it for the person
    db.session.commit()


EVENTS = [(change_password, "password_changed"), (reset_password, "password_reset"),
          (sign_out_everywhere, "sign_out_everywhere"), (deactivate, "deactivated"),
          (turn_two_factor_off, "totp_disabled"), (cli_sets_password, "password_changed")]


@pytest.mark.parametrize("event, reason", EVENTS, ids=[e.__name__ for e, _r in EVENTS])
def test_the_event_revokes_every_api_token_of_the_account(
        client, signed_in, make_user, make_web, clock, event, reason):
    user, other = make_user(), make_user()
    clears = [create_token(user, name)[1] for name in ("script", "report")]
    bystander = create_token(other, "theirs")[1]
    db.session.commit()
    assert [api_status(client, c) for c in clears] == [200, 200]
    web = make_web() if event is reset_password else signed_in(user)
    event(user, web, signed_in(make_user("admin")))
    assert [api_status(client, c) for c in clears] == [401, 401]
    assert api_status(client, bystander) == 200  # only that account's tokens
    assert revocations(user) == [f"reason={reason}; tokens=2"]


# --- creating a token asks who you are again ----------------------------------------------

def create(web, **fields):
    web.get("/profile")
    return web.post("/profile/tokens", {"token_name": "script", **fields})


def created(client, page) -> bool:
    """The page shows a new token, once, and the API takes it."""
    found = CLEAR.search(page.get_data(as_text=True))
    return page.status_code == 200 and found is not None and api_status(
        client, found.group(1)) == 200


def test_a_token_needs_the_current_password(client, signed_in, make_user, clock):
    user = make_user()
    web = signed_in(user)
    for fields in ({}, {"current_password": ""},
                   {"current_password": "not my password at all"}):
        page = create(web, **fields)
        assert page.status_code == 422 and not CLEAR.search(page.get_data(as_text=True))
        assert token_count(user) == 0, fields
    assert created(client, create(web, current_password=PASSWORD))
    assert token_count(user) == 1


def test_staff_with_two_factor_also_give_a_fresh_code(client, signed_in, make_user, clock):
    user = make_user("facilitator")
    web = signed_in(user)  # the frozen clock's code signed them in: it is used
    code = totp_code(user.totp_secret)
    # Four wrong codes: each counts for this account and address (the fifth makes it wait).
    for fields in ({}, {"code": ""}, {"code": "000000"}, {"code": code}):
        page = create(web, current_password=PASSWORD, **fields)
        assert page.status_code == 422 and token_count(user) == 0, fields
        assert "This code is not right" in page.get_data(as_text=True)
    allow_code_again(user)
    # The right code does not stand in for a wrong password, and is not spent by it.
    assert create(web, current_password="not my password", code=code).status_code == 422
    assert token_count(user) == 0
    assert created(client, create(web, current_password=PASSWORD, code=code))
    assert token_count(user) == 1


def test_wrong_codes_slow_this_account_and_address_like_at_sign_in(
        client, signed_in, make_user, clock):
    """The wait after repeated wrong codes (accounts/lockout.py) counts the client's address,
    and a refused attempt is the profile page again with 429 and Retry-After."""
    user = make_user("facilitator")
    web = signed_in(user)
    for _n in range(5):
        assert create(web, current_password=PASSWORD, code="000000").status_code == 422
    allow_code_again(user)
    page = create(web, current_password=PASSWORD, code=totp_code(user.totp_secret))
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Create a token" in page.get_data(as_text=True) and token_count(user) == 0
    db.session.expire_all()
    assert db.session.scalars(select(SignInThrottle.address)).all() == ["127.0.0.1"]
