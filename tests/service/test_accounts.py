"""Accounts: creation, roles, sign-in with argon2id, API tokens, the audit log."""
import pytest
from sqlalchemy import select

from reachback.accounts import services as acc
from reachback.accounts.models import AuditEvent
from reachback.accounts.passwords import hash_password, verify_password
from reachback.errors import Forbidden, Invalid
from reachback.extensions import db
from tests.helpers import PASSWORD


def audit_kinds():
    return [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_emails_are_unique_case_insensitively(app, make_user):
    make_user(email="Ana@Example.org")
    with pytest.raises(Invalid) as error:
        acc.create_user(None, "ana@example.ORG", "Ana again")
    assert "email" in error.value.fields


def test_only_admins_list_and_search_accounts(app, make_user):
    make_user(name="Sam Searched")
    for role in ("member", "expert", "facilitator"):
        with pytest.raises(Forbidden):
            acc.list_users(make_user(role), q="sam")
    assert [u.name for u in acc.list_users(make_user("admin"), q="SAM S").items] == \
        ["Sam Searched"]


def test_only_admins_create_and_edit_accounts(app, make_user):
    with pytest.raises(Forbidden):
        acc.create_user(make_user("facilitator"), "x@example.org", "X")
    admin = make_user("admin")
    user = acc.create_user(admin, "x@example.org", "X", roles=["expert"],
                           themes=["vetting"], countries=["SS", "sd"], languages="en, ar")
    assert user.roles == {"member", "expert"}
    assert [t.slug for t in user.themes] == ["vetting"]
    assert user.expertise_countries == ["SD", "SS"] and user.languages == ["ar", "en"]
    with pytest.raises(Invalid):
        acc.update_profile(admin, user, roles=["king"])


def test_passwords_are_argon2id_and_short_ones_refused(app, make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    with pytest.raises(Invalid):
        acc.set_password(user, user, "short")


def test_authenticate_audits_success_and_failure(app, make_user):
    user = make_user(email="m@example.org")
    assert acc.authenticate("M@example.org", "wrong password!") is None
    assert acc.authenticate("nobody@example.org", PASSWORD) is None
    assert acc.authenticate("m@example.org", PASSWORD) is user
    assert audit_kinds()[-3:] == ["sign_in_failed", "sign_in_failed", "signed_in"]


def test_inactive_users_cannot_sign_in(app, make_user):
    admin, user = make_user("admin"), make_user()
    acc.update_profile(admin, user, active=False)
    assert acc.authenticate(user.email, PASSWORD) is None


def test_outdated_hash_is_upgraded_at_sign_in(app, make_user):
    user = make_user()
    app.config["ARGON2_TIME_COST"] = 1
    app.config["ARGON2_MEMORY_KIB"] = 8
    weak = hash_password(PASSWORD)
    app.config["ARGON2_MEMORY_KIB"] = 16
    user.password_hash = weak
    assert acc.authenticate(user.email, PASSWORD) is user
    assert user.password_hash != weak and "m=16" in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)[0]


def test_tokens_are_stored_hashed_revocable_and_record_use(app, make_user):
    user = make_user()
    token, clear = acc.create_token(user, "script")
    assert clear not in token.token_hash and clear.startswith("rb_")
    assert acc.user_for_token(clear) is user and token.last_used_at is not None
    assert acc.user_for_token("rb_nope") is None
    acc.revoke_token(user, token.id)
    assert acc.user_for_token(clear) is None
    assert "token_created" in audit_kinds() and "token_revoked" in audit_kinds()
    assert all(clear not in (e.detail or "") for e in db.session.scalars(select(AuditEvent)))


def test_a_session_brings_its_user_with_every_role(app, make_user):
    """The roles come in the session's own statement (one row per role): every one of them,
    not the first row's."""
    user = make_user(roles=["facilitator", "expert", "admin"])
    token = acc.start_session(user, "127.0.0.1", "x")
    db.session.commit()
    db.session.expunge_all()
    assert acc.find_session(token).user.roles == {"facilitator", "expert", "admin", "member"}
