"""Property-based fuzz: whatever JSON, path or query string arrives, the API never answers 500,
and every refusal carries the JSON error shape.

Every route of the API blueprint is fuzzed (taken from app.url_map, so a new route is covered
the day it is added), with the body fields its OpenAPI description names.
"""
import json
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reachback.accounts.services import create_token
from reachback.api.openapi import SPEC
from reachback.extensions import db

THEME = "police-reform-and-community-policing"
# API_FUZZ_EXAMPLES=1000 for a deeper run by hand; the suite keeps it short.
FUZZ = settings(max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=30)
           | st.floats(allow_nan=False, allow_infinity=False))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=8,
)
# Values that get past the first checks, so the fuzz also reaches the services' rules.
PLAUSIBLE = ["community", "restricted", "public", "withdrawn", "duplicate", "declined",
             "out_of_scope", "SS", "ss", "urgent", "2099-01-01", "2001-01-01",
             "2099-01-01T00:00:00+00:00", "2099-01-01T00:00:00", "x" * 30_000, [THEME],
             [THEME, "vetting", "ceasefires", "elections"], "  ", "\x00", "RB-2026-0001"]


def _routes(app):
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("api."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule.rule))
    return routes


def _body_fields(method: str, rule: str) -> list[str]:
    path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))
    body = SPEC["paths"][path][method.lower()].get("requestBody")
    if not body:
        return []
    # JSON, or multipart/form-data (an annex's upload): the fields are the schema's either way.
    content = next(iter(body["content"].values()))
    name = content["schema"]["$ref"].rsplit("/", 1)[1]
    return list(SPEC["components"]["schemas"][name]["properties"])


def _all_routes():
    from reachback import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    return _routes(app)


@pytest.fixture
def fuzz_world(app, make_user, make_query):
    """People with tokens and queries in every state, with experts and emails to aim at."""
    facilitator, member = make_user("facilitator"), make_user("member")
    expert = make_user("expert")
    queries = [make_query(requester=member, status=s, experts=[expert], facilitator=facilitator,
                          confidentiality=c)
               for s, c in (("submitted", "restricted"), ("clarification", "community"),
                            ("routed", "community"), ("synthesis", "restricted"),
                            ("published", "community"))]
    tokens = {name: create_token(user)[1]
              for name, user in (("facilitator", facilitator), ("member", member),
                                 ("expert", expert))}
    db.session.commit()
    refs = [q.reference for q in queries]
    ids = [a.id for q in queries for a in q.assignments]
    return {"tokens": tokens, "refs": refs, "ids": ids, "emails": [expert.email]}


def _check(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if 300 <= response.status_code < 400:  # a non-canonical path (`//`): sent to the right one
        assert response.headers["Location"].startswith("http://localhost/api/v1/")
        return
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.get_data(as_text=True)[:200]
    if response.status_code >= 400:
        assert set(body) == {"error"}, body
        error = body["error"]
        assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
        assert set(error) <= {"code", "message", "fields"}
        fields = error.get("fields", {})
        assert isinstance(fields, dict)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())


@pytest.mark.parametrize("method, rule", _all_routes(), ids=lambda v: str(v))
def test_no_input_makes_the_api_fail(app, fuzz_world, method, rule):
    client = app.test_client()
    fields = _body_fields(method, rule)
    w = fuzz_world
    field_values = json_values | st.sampled_from(PLAUSIBLE + w["refs"] + w["emails"])
    bodies = st.one_of(
        st.fixed_dictionaries({}, optional={f: field_values for f in fields}),
        json_values,
        st.binary(max_size=40).map(lambda b: ("raw", b)),
        st.none(),
    )
    refs = st.sampled_from(w["refs"]) | st.sampled_from(w["refs"]).map(str.lower) | st.text()
    ids = st.sampled_from(w["ids"]).map(str) | st.integers(0, 2**70).map(str) | st.text()
    args = st.dictionaries(
        st.sampled_from(["status", "theme", "country", "mine", "page", "per_page", "q"]),
        st.text(max_size=12) | st.integers(-5, 10**20).map(str)
        | st.sampled_from(["routed", THEME, "SS", "1", "100", "101"]),
        max_size=4)

    @FUZZ
    @given(actor=st.sampled_from(["facilitator", "member", "expert", "anonymous"]),
           ref=refs, assignment_id=ids, query=args, body=bodies)
    def run(actor, ref, assignment_id, query, body):
        url = re.sub(r"<ref>", quote(ref, safe="") or "x", rule)
        url = re.sub(r"<[^>]*assignment_id>", quote(assignment_id, safe="") or "0", url)
        if query:
            url += "?" + urlencode(query)
        headers = {"Authorization": f"Bearer {w['tokens'][actor]}"} if actor != "anonymous" \
            else {}
        if isinstance(body, tuple):
            data = body[1]
        elif body is None:
            data = None
        else:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        _check(client.open(url, method=method, data=data, headers=headers))
        db.session.rollback()

    run()
