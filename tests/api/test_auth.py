"""API authentication: bearer tokens only, never the session; token use is recorded."""
from datetime import UTC, datetime

from reachback.accounts.models import ApiToken
from reachback.accounts.services import create_token, revoke_token
from reachback.extensions import db
from tests.api.conftest import error_code


def test_a_valid_token_identifies_the_caller_with_sorted_roles(api, make_user):
    facilitator = make_user("facilitator", name="Fatou Facilitator")
    response = api.get("/api/v1/me", facilitator)
    assert response.status_code == 200
    me = response.get_json()  # the caller, then their member profile (tests/api/test_members_api)
    assert {key: me[key] for key in ("email", "name", "roles", "language")} == {
        "email": facilitator.email, "name": "Fatou Facilitator",
        "roles": ["facilitator", "member"], "language": "en"}


def test_a_missing_token_is_401_with_the_error_shape(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(api):
    response = api.get("/api/v1/me", token="rb_not-a-real-token")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_a_token_under_another_scheme_is_401(api, make_user, token_for):
    user = make_user()
    response = api.get("/api/v1/me", headers={"Authorization": f"Basic {token_for(user)}"})
    assert response.status_code == 401


def test_a_revoked_token_is_401(api, make_user):
    user = make_user()
    token, clear = create_token(user)
    db.session.commit()
    assert api.get("/api/v1/me", token=clear).status_code == 200
    revoke_token(user, token.id)
    db.session.commit()
    response = api.get("/api/v1/me", token=clear)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_the_token_of_a_deactivated_user_is_401(api, make_user, token_for):
    user = make_user()
    clear = token_for(user)
    user.active = False
    db.session.commit()
    assert api.get("/api/v1/me", token=clear).status_code == 401


def test_using_a_token_records_its_last_use_even_on_get(api, make_user, clock):
    user = make_user()
    token, clear = create_token(user)
    db.session.commit()
    assert token.last_used_at is None
    clock.set(datetime(2026, 11, 24, 10, 30, tzinfo=UTC))
    assert api.get("/api/v1/me", token=clear).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == clock.now


def test_token_use_is_recorded_even_when_the_action_then_fails(api, make_user, clock):
    user = make_user()
    token, clear = create_token(user)
    db.session.commit()
    assert api.get("/api/v1/queries/RB-2000-9999", token=clear).status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == clock.now


def test_a_session_cookie_alone_is_401(app, web, make_user):
    user = make_user()
    web.login(user)
    assert web.get("/profile").status_code == 200  # the browser session is valid
    response = web.client.get("/api/v1/me")
    assert response.status_code == 401
    response = web.client.post("/api/v1/queries", json={"title": "x"})
    assert response.status_code == 401


def test_api_writes_need_no_csrf_token(api, make_user, app):
    member = make_user()
    response = api.post("/api/v1/queries", member, json={
        "title": "Vetting", "question": "How?", "country": "SS", "themes": ["vetting"]})
    assert response.status_code == 201
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_the_openapi_description_needs_no_token(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def test_a_public_response_needs_no_token_but_a_bad_token_is_still_refused(api, make_query):
    query = make_query(status="published", visibility="public")
    assert api.get(f"/api/v1/responses/{query.reference}").status_code == 200
    response = api.get(f"/api/v1/responses/{query.reference}", token="rb_wrong")
    assert response.status_code == 401


def test_api_answers_are_never_cached(api, make_user):
    response = api.get("/api/v1/me", make_user())
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
