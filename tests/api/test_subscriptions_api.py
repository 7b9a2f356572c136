"""GET/PUT /api/v1/me/subscriptions: the caller's themes, countries and frequency (422 for
an unknown slug, code or frequency, and nothing changes)."""
import pytest

from tests.api.conftest import error_code

URL = "/api/v1/me/subscriptions"


def test_get_gives_an_empty_subscription_then_what_put_saved(api, make_user):
    member = make_user()
    answer = api.get(URL, member)
    assert answer.status_code == 200
    assert answer.get_json() == {"themes": [], "countries": [], "frequency": "immediately"}
    chosen = {"themes": ["vetting", "courts"], "countries": ["SS"], "frequency": "daily"}
    answer = api.put(URL, member, json=chosen)
    assert answer.status_code == 200 and answer.get_json() == chosen
    assert api.get(URL, member).get_json() == chosen
    # Another member's subscription is their own.
    assert api.get(URL, make_user()).get_json()["themes"] == []


@pytest.mark.parametrize("body, field", [
    ({"themes": ["no-such-theme"], "countries": [], "frequency": "daily"}, "themes"),
    ({"themes": [], "countries": ["XX1"], "frequency": "daily"}, "countries"),
    ({"themes": ["vetting"], "countries": [], "frequency": "monthly"}, "frequency"),
    ({"themes": "vetting", "countries": [], "frequency": "daily"}, "themes"),
    ({"themes": ["vetting"], "countries": "SS", "frequency": "daily"}, "countries"),
    ({"themes": ["vetting"], "countries": [], "frequency": 1}, "frequency"),
])
def test_put_refuses_unknown_values_and_changes_nothing(api, make_user, body, field):
    member = make_user()
    saved = {"themes": ["courts"], "countries": ["ML"], "frequency": "weekly"}
    api.put(URL, member, json=saved)
    answer = api.put(URL, member, json=body)
    assert answer.status_code == 422, body
    assert error_code(answer) == "invalid"
    assert field in answer.get_json()["error"]["fields"]
    assert api.get(URL, member).get_json() == saved


def test_subscriptions_need_a_token(api):
    assert api.get(URL).status_code == 401
    assert api.put(URL, json={"themes": ["vetting"]}).status_code == 401
