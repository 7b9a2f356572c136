"""API test fixtures: bearer tokens per user, a JSON client that sends them, and every answer
checked against the OpenAPI description."""
import json as jsonlib

import pytest
from flask.testing import FlaskClient

from reachback.accounts.services import create_token
from reachback.extensions import db
from tests.api.described import check_response


@pytest.fixture(autouse=True)
def described_answers(monkeypatch):
    """Every answer a Flask test client gets from the API in these tests is one the OpenAPI
    description gives: described status, required headers, and the JSON body valid against
    the schema generated from the models (tests/api/described.py)."""
    opened = FlaskClient.open

    def open_and_check(self, *args, **kwargs):
        response = opened(self, *args, **kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(FlaskClient, "open", open_and_check)


@pytest.fixture
def token_for(app):
    """`token_for(user)` -> a clear API token for the user (one per user, created on demand)."""
    tokens = {}

    def make(user):
        if user.id not in tokens:
            _row, clear = create_token(user, "test")
            db.session.commit()
            tokens[user.id] = clear
        return tokens[user.id]

    return make


class ApiClient:
    """Flask's test client speaking JSON with `Authorization: Bearer`: `api.post(url, user,
    json={...})`. `user=None` sends no token; `token=` sends that exact token."""

    def __init__(self, client, token_for):
        self.client = client
        self.token_for = token_for

    def call(self, method, url, user=None, json=None, data=None, token=None, headers=None):
        headers = dict(headers or {})
        token = token if token is not None else (self.token_for(user) if user else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if json is not None:
            data, headers["Content-Type"] = jsonlib.dumps(json), "application/json"
        return self.client.open(url, method=method, data=data, headers=headers)

    def get(self, url, user=None, **kw):
        return self.call("GET", url, user, **kw)

    def post(self, url, user=None, json=None, **kw):
        return self.call("POST", url, user, json=json, **kw)

    def put(self, url, user=None, json=None, **kw):
        return self.call("PUT", url, user, json=json, **kw)

    def patch(self, url, user=None, json=None, **kw):
        return self.call("PATCH", url, user, json=json, **kw)


@pytest.fixture
def api(app, token_for):
    return ApiClient(app.test_client(), token_for)


def error_code(response) -> str:
    """The error body's code, after checking the error shape."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert set(body["error"]) <= {"code", "message", "fields"}
    return body["error"]["code"]
