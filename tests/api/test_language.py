"""GET /api/v1/me names the caller's language; PATCH sets it (422 for one not spoken)."""
from tests.api.conftest import error_code


def test_me_names_the_language_served_when_none_is_chosen(api, make_user):
    member = make_user()
    assert api.get("/api/v1/me", member).get_json()["language"] == "en"
    answer = api.get("/api/v1/me", member, headers={"Accept-Language": "es"})
    assert answer.get_json()["language"] == "es"


def test_patch_me_sets_the_language(api, make_user):
    member = make_user()
    answer = api.patch("/api/v1/me", member, json={"language": "fr"})
    assert answer.status_code == 200 and answer.get_json()["language"] == "fr"
    again = api.get("/api/v1/me", member, headers={"Accept-Language": "es"})
    assert again.get_json()["language"] == "fr"


def test_patch_me_refuses_a_language_not_spoken(api, make_user):
    member = make_user(language="es")
    for value in ("de", "xx", 5, ["fr"]):
        answer = api.patch("/api/v1/me", member, json={"language": value})
        assert answer.status_code == 422, value
        assert error_code(answer) == "invalid"
        assert "language" in answer.get_json()["error"]["fields"]
    assert api.get("/api/v1/me", member).get_json()["language"] == "es"


def test_patch_me_needs_a_token(api):
    assert api.patch("/api/v1/me", json={"language": "fr"}).status_code == 401
