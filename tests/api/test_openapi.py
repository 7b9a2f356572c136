"""The OpenAPI description covers exactly the routes of the API blueprint."""
import re

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
            if method in ("post", "put") and path not in ("/assignments/{assignment_id}/accept",):
                assert "requestBody" in op, (path, method)
