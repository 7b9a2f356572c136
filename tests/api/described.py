"""Every answer of the API, checked against the OpenAPI document generated from the models
(reachback/api/openapi.py): the operation for the path and method, the status among those it
describes, the JSON body against that status's schema, and the headers it requires. An answer
for no described operation (an unknown path or method) must be an error with the Error shape.

tests/api/conftest.py runs `check_answer` on every response a Flask test client returns in
tests/api; test_described_answers.py shows it refusing wrong bodies."""
import json
import re
from datetime import date, datetime
from functools import cache

from jsonschema import Draft202012Validator, FormatChecker

from reachback.api.openapi import SPEC

PREFIX = "/api/v1"
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """ISO 8601 with its offset, as api/schemas.py's iso() writes it."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _date(value) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@FORMATS.checks("email")
def _email(value) -> bool:
    return not isinstance(value, str) or "@" in value


def _operations() -> list[tuple[str, re.Pattern, dict]]:
    found = []
    for path, item in SPEC["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "$")
        found.extend((method.upper(), pattern, op) for method, op in item.items())
    return found


OPERATIONS = _operations()


def operation(method: str, path: str) -> dict | None:
    """The described operation answering `method` on `path` (with or without /api/v1)."""
    path = path.removeprefix(PREFIX)
    return next((op for m, pattern, op in OPERATIONS if m == method and pattern.match(path)),
                None)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        kind, name = node["$ref"].removeprefix("#/components/").split("/")
        node = SPEC["components"][kind][name]
    return node


@cache
def _validator(schema: str) -> Draft202012Validator:
    """A validator of `schema` (JSON text), its references resolved within the document."""
    return Draft202012Validator({**json.loads(schema), "components": SPEC["components"]},
                                format_checker=FORMATS)


def check_answer(method: str, path: str, status: int, body, headers=None) -> None:
    """Raise AssertionError unless the answer is one the description gives."""
    headers = headers or {}
    where = f"{method} {path} -> {status}"
    op = operation(method, path)
    if op is None:  # an unknown path or method: the API's JSON error, nothing else
        assert status >= 400, f"{where}: no described operation, yet no error"
        schema = {"$ref": "#/components/schemas/Error"}
    else:
        assert str(status) in op["responses"], (
            f"{where}: status not described (only {sorted(op['responses'])})")
        described = _resolve(op["responses"][str(status)])
        for name, header in described.get("headers", {}).items():
            assert not header.get("required") or name in headers, f"{where}: no {name} header"
        schema = described["content"]["application/json"]["schema"]
    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where}: the body is not as described ({schema}):\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors)


def check_response(response) -> None:
    """check_answer for a Flask test response to an API request; other requests pass."""
    request = response.request
    if not request.path.startswith(PREFIX + "/") or request.method in ("HEAD", "OPTIONS"):
        return
    if 300 <= response.status_code < 400:  # Werkzeug's way to the canonical URL: no body
        return
    where = f"{request.method} {request.path} -> {response.status_code}"
    assert response.mimetype == "application/json", f"{where}: {response.mimetype}"
    check_answer(request.method, request.path, response.status_code,
                 response.get_json(), response.headers)
