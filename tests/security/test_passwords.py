"""Passwords (ASVS V6.2, V11.4): length not composition, common ones refused, argon2id at
current parameters, older hashes upgraded at sign-in; sign-in answers and redirects."""
import re

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from reachback.accounts import passwords
from reachback.accounts.models import AuditEvent, User, find_user_by_email
from reachback.accounts.services import create_user, set_password
from reachback.errors import Invalid
from reachback.extensions import db
from tests.helpers import PASSWORD

from .conftest import is_login_redirect

NEW = "four quiet lanterns drifting"


def change(web, new, current=PASSWORD):
    return web.post("/profile/security", {"action": "password", "current_password": current,
                                          "new_password": new, "confirm": new})


def stored_hash(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


@pytest.mark.parametrize("length,ok", [(11, False), (12, True), (15, True), (64, True),
                                       (128, True), (1024, True), (1025, False)])
def test_passwords_need_12_characters_and_long_ones_are_accepted(app, length, ok):
    password = ("unicorn meadow " * 100)[:length]
    assert (passwords.password_problem(password) is None) is ok


@pytest.mark.parametrize("common", ["qwerty123456", "1qaz2wsx3edc", "Password1234",
                                    "iloveyou2024!!", "aaaaaaaaaaaa", "abcabcabcabc",
                                    "123456789012"])
def test_common_passwords_and_simple_variations_are_refused(app, common):
    assert "too common" in passwords.password_problem(common)


def test_the_common_list_is_bundled_offline_with_ten_thousand_entries():
    common = passwords.common_passwords()
    assert 9000 <= len(common) <= 10000 and "password" in common and "123456" in common


def test_no_composition_rules_a_lowercase_passphrase_is_fine(app):
    assert passwords.password_problem("lowercase four word passphrase") is None
    assert passwords.password_problem(NEW) is None


def test_a_common_password_is_refused_when_an_admin_creates_an_account(app, make_user):
    with pytest.raises(Invalid) as error:
        create_user(make_user("admin"), "new@example.org", "New", password="qwerty123456")
    assert "too common" in error.value.fields["password"]
    db.session.rollback()
    assert find_user_by_email("new@example.org") is None


def test_a_common_or_short_new_password_is_refused_beside_the_field(web, make_user):
    user = make_user()
    web.login(user)
    before = stored_hash(user)
    for bad, message in (("qwerty123456", "too common"), ("short one", "at least 12")):
        page = change(web, bad)
        assert page.status_code == 422 and message in page.get_data(as_text=True)
        assert 'aria-invalid="true"' in page.get_data(as_text=True)
    assert stored_hash(user) == before


def test_the_confirmation_must_match(web, make_user):
    user = make_user()
    web.login(user)
    page = web.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                          "new_password": NEW, "confirm": NEW + "x"})
    assert page.status_code == 422 and "The two passwords differ." in page.get_data(
        as_text=True)


def test_a_changed_password_works_and_the_old_one_no_longer_does(web, make_web, make_user):
    user = make_user()
    web.login(user)
    assert change(web, NEW).status_code == 302
    assert stored_hash(user).startswith("$argon2id$")
    make_web().login(user, NEW)
    other = make_web()
    other.get("/login")
    assert other.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 200


def test_a_password_is_checked_whole_never_truncated(make_web, make_user, app):
    user = make_user()
    long = "seventy two bytes is where bcrypt stops reading but argon2 reads on " + "tail12"
    assert len(long.encode()) > 72
    set_password(None, user, long)
    db.session.commit()
    web = make_web()
    web.get("/login")
    assert web.post("/login", {"email": user.email, "password": long[:72]}).status_code == 200
    web.login(user, long)


def test_production_hashes_are_argon2id_above_the_asvs_floor():
    stored = passwords.hash_password("a production password")  # no app: the defaults
    match = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    memory, time_cost, _parallelism = map(int, match.groups())
    assert memory >= 46 * 1024 and time_cost >= 1
    assert passwords.verify_password(stored, "a production password") == (True, None)


@pytest.mark.parametrize("old", ["pbkdf2", "scrypt", "argon2-weaker", "argon2i"])
def test_an_older_hash_is_upgraded_at_sign_in(app, web, make_user, old):
    user = make_user()
    app.config["ARGON2_MEMORY_KIB"] = 16
    user.password_hash = {
        "pbkdf2": lambda: generate_password_hash(PASSWORD, "pbkdf2:sha256:600000"),
        "scrypt": lambda: generate_password_hash(PASSWORD, "scrypt"),
        "argon2-weaker": lambda: PasswordHasher(1, 8, 1, type=Type.ID).hash(PASSWORD),
        "argon2i": lambda: PasswordHasher(1, 16, 1, type=Type.I).hash(PASSWORD),
    }[old]()
    db.session.commit()
    web.login(user)
    upgraded = stored_hash(user)
    assert upgraded.startswith("$argon2id$v=19$m=16,t=1,p=1$")
    assert passwords.verify_password(upgraded, PASSWORD) == (True, None)
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert "password_rehashed" in kinds


def test_a_werkzeug_hash_with_the_wrong_password_is_refused_and_kept(app, make_web, make_user):
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:600000")
    db.session.commit()
    web = make_web()
    web.get("/login")
    assert web.post("/login", {"email": user.email, "password": "not the password"}
                    ).status_code == 200
    assert stored_hash(user).startswith("pbkdf2:")


def test_failed_sign_ins_answer_alike_for_unknown_and_known_addresses(make_web, make_user):
    user = make_user()
    pages = []
    for email in (user.email, "nobody@example.org"):
        web = make_web()
        web.get("/login")
        response = web.post("/login", {"email": email, "password": "wrong password here"})
        text = response.get_data(as_text=True)
        pages.append((response.status_code, "The e-mail address or password is not right." in text,
                      email in text))
    assert pages[0][:2] == pages[1][:2] == (200, True)


def test_no_default_accounts_in_a_fresh_database(app):
    assert db.session.scalars(select(User)).all() == []


@pytest.mark.parametrize("target", ["//evil.example", "\\\\evil.example", "https://evil.example",
                                    "/\\evil.example", "javascript:alert(1)", "http:evil.example",
                                    "///evil.example", " //evil.example", "https:/evil.example"])
def test_sign_in_never_redirects_off_site(make_web, make_user, target):
    user = make_user()
    web = make_web()
    web.get("/login")
    response = web.post("/login", {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for_on_this_site(make_web, make_user):
    user = make_user()
    web = make_web()
    first = web.get("/notifications")
    assert is_login_redirect(first) and "next=" in first.headers["Location"]
    web.get("/login")
    response = web.post("/login", {"email": user.email, "password": PASSWORD,
                                   "next": "/notifications"})
    assert response.headers["Location"] == "/notifications"
