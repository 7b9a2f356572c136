"""Two-factor sign-in (ASVS 6.3.3, 6.5, 7.5.1; checklist items 8, 9, 10, 19): the code after
the password, enrolment, replay, recovery codes, the security page and the CLI. Each rule
is tried by what it must refuse."""
import logging
import re
from datetime import timedelta

import pyotp
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from reachback.accounts import twofactor
from reachback.accounts.models import AuditEvent, RecoveryCode, User
from reachback.accounts.services import create_user
from reachback.extensions import db
from tests.helpers import PASSWORD, allow_code_again, totp_code

from .conftest import is_login_redirect, session_cookie

PAGES = ("/queries/mine", "/triage", "/admin/users", "/profile", "/profile/security",
         "/notifications", "/invitations/new")


def kinds() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def password_step(web, user, password=PASSWORD):
    web.get("/login")
    return web.post("/login", {"email": user.email, "password": password})


def code_step(web, code):
    web.get("/login/code")
    return web.post("/login/code", {"code": code})


def signed_in(web) -> bool:
    return web.client.get("/notifications").status_code == 200


def recovery_codes(page: str) -> list[str]:
    return re.findall(r"<code>(\d{4}-\d{4}-\d{4})</code>", page)


# --- the code after the password ---------------------------------------------------

@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_staff_give_a_code_after_the_password(make_web, make_user, role):
    user = make_user(role)
    web = make_web()
    response = password_step(web, user)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    page = web.get("/login/code").get_data(as_text=True)
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert code_step(web, totp_code(user.totp_secret)).status_code == 302
    assert signed_in(web)
    assert kinds()[-1] == "signed_in"


def test_the_password_alone_reaches_no_page(make_web, make_user):
    """Half-way (right password, no code yet) the visitor is signed out everywhere: no page,
    no session token in the cookie."""
    user = make_user("admin")
    web = make_web()
    password_step(web, user)
    data = web.client.application.session_interface.get_signing_serializer(
        web.client.application).loads(session_cookie(web))
    assert "_user_id" not in data
    for page in PAGES:
        assert is_login_redirect(web.client.get(page)), page
    assert "signed_in" not in kinds()


def test_a_wrong_code_is_refused_and_audited(make_web, make_user):
    user = make_user("facilitator")
    web = make_web()
    password_step(web, user)
    good = totp_code(user.totp_secret)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for code in (wrong, "", "abcdef", "1" * 64, good + "0"):
        response = code_step(web, code)
        # A wrong code is the step asked again (200); text that is no code is refused input (422).
        assert response.status_code in (200, 422) and not signed_in(web)
    assert "not right" in response.get_data(as_text=True)
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "totp_failed")).all()
    assert failed and all(e.detail == "reason=wrong_code" for e in failed)
    assert code_step(web, good).status_code == 302  # the right code still works after


def test_a_code_works_once(make_web, make_user):
    """Replay: the code (time step) accepted once is refused afterwards, in another browser
    too, and so is an older step still inside the window."""
    user = make_user("facilitator")
    first, second = make_web(), make_web()
    code = totp_code(user.totp_secret)
    password_step(first, user)
    assert code_step(first, code).status_code == 302
    password_step(second, user)
    response = code_step(second, code)
    assert response.status_code == 200 and not signed_in(second)
    assert "used already" in response.get_data(as_text=True)
    replayed = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "totp_failed"))
    assert [e.detail for e in replayed] == ["reason=replayed"]


def test_an_older_code_is_refused_once_a_newer_one_was_used(make_web, make_user, clock):
    user = make_user("facilitator")
    earlier = totp_code(user.totp_secret)
    clock.advance(timedelta(seconds=30))
    web = make_web()
    password_step(web, user)
    assert code_step(web, totp_code(user.totp_secret)).status_code == 302
    other = make_web()
    password_step(other, user)
    assert code_step(other, earlier).status_code == 200 and not signed_in(other)


@pytest.mark.parametrize("steps, accepted", [(-2, False), (-1, True), (0, True), (1, True),
                                             (2, False)])
def test_one_step_of_drift_is_accepted_not_more(make_web, make_user, clock, steps, accepted):
    user = make_user("facilitator")
    clock.set(clock.now.replace(second=15))  # the middle of a 30 s step
    code = pyotp.TOTP(user.totp_secret).at(clock.now + timedelta(seconds=30 * steps))
    web = make_web()
    password_step(web, user)
    assert (code_step(web, code).status_code == 302) is accepted


def test_the_secret_is_160_random_bits_with_30_second_steps(app, make_user):
    user = make_user("facilitator")
    secrets = {twofactor.new_secret() for _ in range(50)} | {user.totp_secret}
    assert len(secrets) == 51
    for secret in secrets:
        assert len(secret) >= 32 and re.fullmatch(r"[A-Z2-7]+", secret)
    assert twofactor.STEP_SECONDS == 30
    uri = twofactor.provisioning_uri(user, user.totp_secret)
    assert "period" not in uri or "period=30" in uri  # pyotp omits the default 30 s


def test_the_half_finished_sign_in_expires(make_web, make_user, clock):
    user = make_user("facilitator")
    web = make_web()
    password_step(web, user)
    clock.advance(timedelta(minutes=11))
    assert is_login_redirect(web.get("/login/code"))
    web.get("/login")  # a valid CSRF token: the refusal below is the expiry's
    response = web.post("/login/code", {"code": totp_code(user.totp_secret)})
    assert is_login_redirect(response) and not signed_in(web)


def test_a_password_change_meanwhile_ends_the_half_finished_sign_in(app, make_web, make_user):
    from reachback.accounts.services import set_password

    user = make_user("facilitator")
    web = make_web()
    password_step(web, user)
    set_password(None, user, "an entirely new passphrase")
    db.session.commit()
    assert is_login_redirect(web.get("/login/code"))


# --- recovery codes ----------------------------------------------------------------------

def enrol_from_security_page(web, user):
    """A signed-in user sets up two-factor sign-in; returns (secret, recovery codes)."""
    web.post("/profile/security", {"action": "totp_setup", "current_password": PASSWORD})
    page = web.get("/profile/two-factor").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    done = web.post("/profile/two-factor", {"code": totp_code(secret)})
    assert done.status_code == 200
    return secret, recovery_codes(done.get_data(as_text=True))


def test_a_recovery_code_stands_in_for_a_code_once(make_web, make_user):
    user = make_user()
    web = make_web()
    web.login(user)
    _secret, codes = enrol_from_security_page(web, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    first, again = make_web(), make_web()
    password_step(first, user)
    assert code_step(first, codes[0]).status_code == 302 and signed_in(first)
    password_step(again, user)
    assert code_step(again, codes[0]).status_code == 200 and not signed_in(again)
    assert code_step(again, codes[1].replace("-", " ")).status_code == 302
    assert kinds().count("recovery_code_used") == 2


def test_new_recovery_codes_need_the_password_and_replace_the_old(make_web, make_user):
    user = make_user()
    web = make_web()
    web.login(user)
    _secret, old = enrol_from_security_page(web, user)
    refused = web.post("/profile/security", {"action": "recovery_codes",
                                             "current_password": "not my password"})
    assert refused.status_code == 422 and recovery_codes(refused.get_data(as_text=True)) == []
    page = web.post("/profile/security", {"action": "recovery_codes",
                                          "current_password": PASSWORD})
    new = recovery_codes(page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = make_web()
    password_step(other, user)
    assert code_step(other, old[0]).status_code == 200
    assert code_step(other, new[0]).status_code == 302


# --- enrolment --------------------------------------------------------------------------

def test_staff_without_a_second_factor_enrol_before_reaching_any_page(app, make_web):
    user = create_user(None, "new.admin@example.org", "New Admin", roles=["admin"],
                       password=PASSWORD)
    db.session.commit()
    web = make_web()
    response = password_step(web, user)
    assert response.headers["Location"] == "/login/enrol"
    for page in PAGES:
        assert is_login_redirect(web.client.get(page)), page
    page = web.get("/login/enrol").get_data(as_text=True)
    secret = fresh(user).totp_pending_secret
    assert f'<code id="totp-secret">{secret}</code>' in page
    assert re.search(r'<img src="data:image/svg\+xml[^"]*"', page)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    wrong = web.post("/login/enrol", {"code": "000000" if totp_code(secret) != "000000"
                                      else "111111"})
    assert wrong.status_code == 422 and not signed_in(web)
    assert fresh(user).totp_secret is None
    done = web.post("/login/enrol", {"code": totp_code(secret)})
    assert done.status_code == 200 and len(recovery_codes(done.get_data(as_text=True))) == 10
    assert signed_in(web) and fresh(user).totp_secret == secret
    assert "totp_enrolled" in kinds()
    # The next sign-in asks for a code, and the enrolment code itself cannot be replayed.
    again = make_web()
    assert password_step(again, user).headers["Location"] == "/login/code"
    assert code_step(again, totp_code(secret)).status_code == 200


def test_everyone_enrols_when_the_setting_requires_it(app, make_web, make_user):
    member = make_user()
    signed = make_web()
    signed.login(member)
    app.config["TOTP_REQUIRED_FOR_ALL"] = True
    # Signed in before the setting: sent to the security page until enrolled.
    response = signed.client.get("/queries/mine")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/security"
    assert signed.client.get("/profile/security").status_code == 200
    web = make_web()
    assert password_step(web, member).headers["Location"] == "/login/enrol"
    secret, _codes = enrol_from_security_page(signed, member)
    assert signed.client.get("/queries/mine").status_code == 200
    assert twofactor.is_enrolled(fresh(member)) and secret


def test_someone_made_staff_while_signed_in_must_enrol_first(make_web, make_user):
    admin, user = make_user("admin"), make_user()
    theirs = make_web()
    theirs.login(user)
    staff = make_web()
    staff.login(admin)
    staff.post(f"/admin/users/{user.id}", {"name": user.name, "roles": ["facilitator"],
                                           "active": "y"})
    response = theirs.client.get("/triage")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/security"


def test_members_may_enrol_and_turn_it_off_with_their_password(make_web, make_user):
    user = make_user()
    web = make_web()
    web.login(user)
    refused = web.post("/profile/security", {"action": "totp_setup",
                                             "current_password": "not my password"})
    assert refused.status_code == 422 and fresh(user).totp_pending_secret is None
    enrol_from_security_page(web, user)
    other = make_web()
    assert password_step(other, user).headers["Location"] == "/login/code"
    assert web.post("/profile/security", {"action": "totp_disable",
                                          "current_password": "wrong"}).status_code == 422
    assert twofactor.is_enrolled(fresh(user))
    assert web.post("/profile/security", {"action": "totp_disable",
                                          "current_password": PASSWORD}).status_code == 302
    assert not twofactor.is_enrolled(fresh(user))
    assert password_step(make_web(), user).headers["Location"] == "/"
    assert {"totp_enrolled", "totp_disabled"} <= set(kinds())


def test_staff_cannot_turn_it_off(make_web, make_user):
    user = make_user("facilitator")
    web = make_web()
    web.login(user)
    assert "Turn off" not in web.get("/profile/security").get_data(as_text=True)
    response = web.post("/profile/security", {"action": "totp_disable",
                                              "current_password": PASSWORD})
    assert response.status_code == 403 and twofactor.is_enrolled(fresh(user))


def test_a_new_key_ends_the_other_sessions(make_web, make_user):
    user = make_user()
    here, elsewhere = make_web(), make_web()
    here.login(user)
    elsewhere.login(user)
    enrol_from_security_page(here, user)
    assert signed_in(here) and not signed_in(elsewhere)


# --- the command line ---------------------------------------------------------------------

def run_cli(app, *args):
    from reachback.cli import users

    return CliRunner().invoke(users, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_the_cli_gives_a_new_key_printed_last_and_the_next_sign_in_asks_for_it(
        app, make_web, make_user):
    user = make_user("facilitator")
    old = user.totp_secret
    web = make_web()
    web.login(user)
    result = run_cli(app, "totp", user.email.upper())
    assert result.exit_code == 0, result.output
    secret = result.stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret) and result.stdout.endswith(secret + "\n")
    assert fresh(user).totp_secret == secret != old and fresh(user).totp_last_step is None
    assert not signed_in(web)  # every session ended
    other = make_web()
    assert password_step(other, user).headers["Location"] == "/login/code"
    assert code_step(other, totp_code(old)).status_code == 200
    assert code_step(other, totp_code(secret)).status_code == 302
    assert "totp_reset" in kinds()


def test_the_cli_refuses_an_unknown_address(app):
    result = run_cli(app, "totp", "nobody@example.org")
    assert result.exit_code != 0 and "No account for nobody@example.org" in result.output


# --- nothing secret in the log ------------------------------------------------------------

def test_no_key_code_or_recovery_code_reaches_the_audit_log_or_the_logs(
        make_web, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user()
    web = make_web()
    web.login(user)
    secret, codes = enrol_from_security_page(web, user)
    other = make_web()
    password_step(other, user)
    code_step(other, "123456")
    code_step(other, codes[0])
    allow_code_again(user)
    password_step(other, user)
    code = totp_code(secret)
    code_step(other, code)
    rows = " ".join(f"{e.subject} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    for value in (secret, code, "123456", *codes, *(c.replace("-", "") for c in codes)):
        assert value not in rows and value not in caplog.text, value
