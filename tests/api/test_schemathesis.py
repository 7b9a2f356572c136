"""The API does what its OpenAPI description says: Schemathesis generates requests from
/api/v1/openapi.json (valid and invalid ones) for every operation and checks each answer,
sent as a member and as a facilitator, against the description."""
import json
import logging
import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reachback.accounts.services import create_token
from reachback.api.openapi import SPEC
from reachback.extensions import db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Bounded and derandomized: the same examples on every run, a few seconds an operation.
# API_SCHEMATHESIS_EXAMPLES=500 for a deeper run by hand.
EXAMPLES = settings(max_examples=int(os.environ.get("API_SCHEMATHESIS_EXAMPLES", "8")),
                    deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


# The description the API serves (checked below to be this very one), loaded when the
# tests are collected: each operation becomes a test of its own.
schema = schemathesis.openapi.from_dict(SPEC)


def test_the_checked_description_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == json.loads(json.dumps(SPEC))


@pytest.fixture
def callers(app, make_user, make_query):
    """A member's and a facilitator's token, and real query references for the paths."""
    # Limits that count every request (search) must not turn this run into 429s; the
    # limits themselves are tested in tests/security/test_rate_limits.py.
    app.config["RATELIMIT_SEARCH"] = "100000 per minute"
    member, facilitator = make_user("member"), make_user("facilitator")
    refs = [make_query(requester=member, facilitator=facilitator, status=status,
                       confidentiality="community").reference
            for status in ("submitted", "routed", "synthesis", "published")]
    tokens = [create_token(user, "schemathesis")[1] for user in (member, facilitator)]
    db.session.commit()
    return tokens, refs


@schema.parametrize()
@EXAMPLES
def test_the_api_answers_as_its_description_says(case, app, callers, caplog):
    tokens, refs = callers
    # Hypothesis seeds the global `random` alike for every example, and whoosh names each new
    # segment from it: the second writer would reuse the first one's file names and truncate
    # a committed segment. A deployed process draws fresh names (random reseeds at fork).
    random.seed()
    ref = (case.path_parameters or {}).get("ref")
    if isinstance(ref, str):  # reach the real objects too, not only 404s
        case.path_parameters["ref"] = (refs + [ref])[len(ref) % (len(refs) + 1)]
    for token in tokens:
        # identity: the WSGI transport does not decode Brotli or zstd (the API compresses).
        headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, checks=CHECKS, app=app)
    # An error the answer hides (work after the request) is a failure too.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()  # the records keep tracebacks, and with them whoosh's open files
    assert not errors, errors
