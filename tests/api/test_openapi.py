"""The OpenAPI description covers exactly the routes of the API blueprint."""
import re

import pytest

from reachback.api.openapi import SPEC

IGNORED = {"HEAD", "OPTIONS"}


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routes |= {(path, method.lower()) for method in rule.methods - IGNORED}
    return routes


def _spec_routes(spec) -> set[tuple[str, str]]:
    return {(path, method) for path, item in spec["paths"].items() for method in item}


def test_every_api_route_is_described_and_every_description_is_a_route(app):
    assert _api_routes(app) == _spec_routes(SPEC)


def test_the_description_is_served_as_openapi_3_1_with_a_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"] == {
        **spec["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearer": []}]
    assert spec["paths"]["/openapi.json"]["get"]["security"] == []


def test_every_operation_has_its_parameters_answers_and_resolvable_references(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(spec).replace("'", '"')))
    for kind, name in refs:
        assert name in spec["components"][kind], name
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["summary"] and op["responses"], (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)
            if method in ("post", "put") and path not in (
                    "/assignments/{assignment_id}/accept", "/queries/{ref}/watch",
                    "/groups/{slug}/join", "/groups/{slug}/members/{user_id}/approve",
                    "/newsletters/{newsletter_id}/send"):
                assert "requestBody" in op, (path, method)


# --- what the server does, the description says ------------------------------------------

def _op(path, method="get"):
    return SPEC["paths"][path][method]


def test_every_operation_that_can_be_rate_limited_describes_429_and_its_retry_after(
        app, api, make_user):
    """A refused token counts on every operation that takes one, and search counts every
    request: both answer 429 with Retry-After, as described."""
    app.config.update(RATELIMIT_API_TOKEN="1 per minute", RATELIMIT_SEARCH="1 per minute")
    refused = [api.get("/api/v1/me", token="not-a-token") for _ in range(3)]
    member = make_user()
    searched = [api.get("/api/v1/search?q=x", member) for _ in range(3)]
    for path, response in (("/me", refused[-1]), ("/search", searched[-1])):
        assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
        assert "429" in _op(path)["responses"], path
    described = SPEC["components"]["responses"]["E429"]["headers"]["Retry-After"]
    assert described["required"] and described["schema"]["type"] == "integer"
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if path != "/openapi.json":
                assert "429" in op["responses"], (path, method)


def test_per_page_above_100_is_clamped_and_described_so(api, make_user):
    member = make_user()
    for path in ("/queries", "/search"):
        response = api.get(f"/api/v1{path}?per_page=500", member)
        assert response.status_code == 200 and response.get_json()["per_page"] == 100
        (param,) = [p for p in _op(path)["parameters"] if p["name"] == "per_page"]
        assert "maximum" not in param["schema"] and "clamped to 100" in param["description"]


def _schema(name):
    return SPEC["components"]["schemas"][name]["properties"]


@pytest.fixture
def blank_field_calls(make_user, make_query):
    """(body schema, field, method, path, caller, body) for every text field the services
    refuse when empty: each call sends it empty in an otherwise valid body."""
    member, staff, expert = make_user("member"), make_user("facilitator"), make_user("expert")
    submitted = make_query(requester=member, facilitator=staff).reference
    asked = make_query(requester=member, facilitator=staff, status="clarification").reference
    routed = make_query(requester=member, facilitator=staff, status="routed", experts=[expert])
    query = {"title": "T", "question": "Q", "country": "SS",
             "themes": ["police-reform-and-community-policing"]}
    return [
        *(("QueryInput", field, "post", "/queries", member, {**query, field: ""})
          for field in ("title", "question", "country")),
        ("MessageInput", "message", "post", f"/queries/{submitted}/clarification", staff,
         {"message": ""}),
        ("MessageInput", "message", "post", f"/queries/{asked}/replies", member,
         {"message": ""}),
        ("AssignmentInput", "expert", "post", f"/queries/{submitted}/assignments", staff,
         {"expert": ""}),
        ("DeclineInput", "reason", "post", f"/assignments/{routed.assignments[0].id}/decline",
         expert, {"reason": ""}),
        ("ContributionInput", "body", "post", f"/queries/{routed.reference}/contributions",
         expert, {"body": ""}),
        *(("ResponseInput", field, "put", f"/queries/{routed.reference}/response", staff,
           {"title": "T", "body": "B", field: ""}) for field in ("title", "body")),
    ]


def test_text_fields_refused_empty_are_described_with_min_length(api, blank_field_calls):
    for schema, field, method, path, caller, body in blank_field_calls:
        response = api.call(method.upper(), f"/api/v1{path}", caller, json=body)
        assert response.status_code == 422, (path, field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (path, field)
        assert _schema(schema)[field].get("minLength") == 1, (schema, field)
