"""The check every API test's answers go through (tests/api/described.py) refuses an answer
the description does not give: a missing field, a field of the wrong type, a time not in ISO
8601 with its offset, an undescribed status, a required header left out, a success for an
unknown route."""
import pytest

from tests.api.described import check_answer, operation

ME = {"email": "amina@example.org", "name": "Amina", "roles": ["expert", "member"],
      "language": "fr", "id": 7, "bio": "", "organisation": None, "expertise": ["vetting"],
      "countries": ["SS"], "languages": ["en", "fr"], "away_until": None, "away_note": "",
      "deployment_status": "deployed", "deployment_country": "SS", "show_email": False}
EVENT = {"kind": "submitted", "actor": None, "at": "2026-11-27T14:03:00+00:00",
         "data": {"title": "Vetting"}}


def test_a_body_as_described_passes():
    check_answer("GET", "/api/v1/me", 200, ME)
    check_answer("GET", "/api/v1/queries/RB-2026-0001/events", 200, {"items": [EVENT]})
    check_answer("GET", "/api/v1/nowhere", 404,
                 {"error": {"code": "not_found", "message": "Nothing here."}})


@pytest.mark.parametrize("body, says", [
    ({"email": ME["email"], "name": ME["name"]}, "'roles' is a required property"),
    ({**ME, "name": 42}, "42 is not of type 'string'"),
    ({**ME, "roles": ["superuser"]}, "'superuser' is not one of"),
])
def test_a_missing_or_wrong_field_fails(body, says):
    with pytest.raises(AssertionError, match=says):
        check_answer("GET", "/api/v1/me", 200, body)


@pytest.mark.parametrize("change, says", [
    ({"at": "27/11/2026"}, "is not a 'date-time'"),
    ({"at": "2026-11-27T14:03:00"}, "is not a 'date-time'"),  # no offset
    ({"actor": {"email": "x@example.org"}}, "not valid under any of the given schemas"),
    ({"data": []}, "is not of type 'object'"),
])
def test_a_nested_field_is_checked_too(change, says):
    with pytest.raises(AssertionError, match=says):
        check_answer("GET", "/api/v1/queries/RB-2026-0001/events", 200,
                     {"items": [{**EVENT, **change}]})


def test_an_error_body_is_checked_against_the_error_shape():
    with pytest.raises(AssertionError, match="'message' is a required property"):
        check_answer("GET", "/api/v1/queries/RB-2026-0001", 404,
                     {"error": {"code": "not_found"}})
    with pytest.raises(AssertionError, match="is not of type 'string'"):
        check_answer("POST", "/api/v1/queries", 422, {"error": {
            "code": "invalid", "message": "Please correct.", "fields": {"title": 3}}})


def test_an_undescribed_status_fails():
    assert "409" not in operation("GET", "/api/v1/me")["responses"]
    with pytest.raises(AssertionError, match="status not described"):
        check_answer("GET", "/api/v1/me", 409, {"error": {"code": "conflict", "message": "x"}})


def test_a_required_header_left_out_fails():
    error = {"error": {"code": "too_many_requests", "message": "Wait."}}
    with pytest.raises(AssertionError, match="no Retry-After header"):
        check_answer("GET", "/api/v1/search", 429, error, {})
    check_answer("GET", "/api/v1/search", 429, error, {"Retry-After": "30"})
    with pytest.raises(AssertionError, match="no Location header"):
        check_answer("POST", "/api/v1/queries/RB-2026-0001/contributions", 201, {}, {})


def test_a_success_for_an_undescribed_route_fails():
    with pytest.raises(AssertionError, match="no described operation"):
        check_answer("DELETE", "/api/v1/queries", 200, {})
