"""Caps on what the API takes: the length of every text it stores (422 naming the field),
the size of a body (413), and NUL characters in JSON bodies (stripped, as from forms)."""
import json

from flask import request
from sqlalchemy import select

from reachback import lengths
from reachback.api.openapi import SCHEMAS
from reachback.extensions import db
from reachback.queries.models import FieldQuery
from tests.api.conftest import error_code
from tests.security.conftest import snapshot

THEME = "police-reform-and-community-policing"
NEW_QUERY = {"title": "Vetting police recruits", "question": "What worked elsewhere?",
             "country": "SS", "themes": [THEME]}
TEN_MB = 10 * 1024 * 1024


def over(limit: int) -> str:
    return "x" * (limit + 1)


def at(limit: int) -> str:
    return "y" * limit


# --- the size of a request ----------------------------------------------------------

def test_a_ten_megabyte_draft_is_refused_by_the_api_and_nothing_is_stored(
        api, token_for, make_user, make_query, clock):
    fac = make_user("facilitator")
    q = make_query(status="routed", facilitator=fac)
    token_for(fac)
    before = snapshot()
    response = api.put(f"/api/v1/queries/{q.reference}/response", fac,
                       json={"title": "Vetting", "body": "x" * TEN_MB})
    assert response.status_code == 413
    assert error_code(response) == "request_entity_too_large"
    assert snapshot() == before


# --- every text, through the API ---------------------------------------------------------

def _api_writes(make_user, make_query):
    """(name, field, cap, make) for each text the API stores; make() builds a fresh scene
    and returns (method, url, user, valid body without the field)."""
    fac, expert = make_user("facilitator"), make_user("expert")

    def submit():
        return "POST", "/api/v1/queries", make_user("member"), dict(NEW_QUERY)

    def clarify():
        q = make_query(facilitator=fac)
        return "POST", f"/api/v1/queries/{q.reference}/clarification", fac, {}

    def reply():
        q = make_query(status="clarification", facilitator=fac)
        return "POST", f"/api/v1/queries/{q.reference}/replies", q.requester, {}

    def routed():
        return make_query(status="routed", facilitator=fac, experts=[expert], contribute=False)

    def decline():
        a = routed().assignments[0]
        return "POST", f"/api/v1/assignments/{a.id}/decline", expert, {}

    def contribute():
        return "POST", f"/api/v1/queries/{routed().reference}/contributions", expert, {}

    def close():
        q = make_query(facilitator=fac)
        return "POST", f"/api/v1/queries/{q.reference}/close", fac, {"reason": "out_of_scope"}

    def draft():
        q = routed()
        return "PUT", f"/api/v1/queries/{q.reference}/response", fac, {
            "title": "Vetting", "body": "Vet first."}

    return [
        ("query", "title", lengths.TITLE, submit),
        ("query", "question", lengths.TEXT, submit),
        ("query", "context", lengths.TEXT, submit),
        ("query", "purpose", lengths.TEXT, submit),
        ("clarification", "message", lengths.TEXT, clarify),
        ("reply", "message", lengths.TEXT, reply),
        ("decline", "reason", lengths.NOTE, decline),
        ("contribution", "body", lengths.BODY, contribute),
        ("close", "note", lengths.NOTE, close),
        ("draft", "title", lengths.TITLE, draft),
        ("draft", "summary", lengths.SUMMARY, draft),
        ("draft", "body", lengths.BODY, draft),
        ("draft", "note", lengths.TITLE, draft),
    ]


def test_every_text_the_api_stores_is_refused_over_its_cap_and_accepted_at_it(
        api, token_for, make_user, make_query, clock):
    """Over the cap: 422 naming the field, nothing stored. At the cap: accepted."""
    got, expected = {}, {}
    for name, field, cap, make in _api_writes(make_user, make_query):
        method, url, user, body = make()
        token_for(user)
        before = snapshot()
        refused = api.call(method, url, user, json={**body, field: over(cap)})
        fields = refused.get_json()["error"].get("fields", {}) if refused.status_code >= 400 \
            else {}
        unchanged = snapshot() == before
        method, url, user, body = make()
        accepted = api.call(method, url, user, json={**body, field: at(cap)})
        got[f"{name}.{field}"] = (refused.status_code, field in fields, unchanged,
                                  accepted.status_code)
        expected[f"{name}.{field}"] = (422, True, True, 201 if method == "POST" and name in (
            "query", "contribution") else 200)
    assert got == expected


def test_the_api_description_gives_each_text_its_cap():
    got = {(schema, field): SCHEMAS[schema]["properties"][field].get("maxLength")
           for schema, field in [("QueryInput", "title"), ("QueryInput", "question"),
                                 ("QueryInput", "context"), ("QueryInput", "purpose"),
                                 ("MessageInput", "message"), ("DeclineInput", "reason"),
                                 ("ContributionInput", "body"), ("ResponseInput", "title"),
                                 ("ResponseInput", "summary"), ("ResponseInput", "body"),
                                 ("ResponseInput", "note"), ("CloseInput", "note")]}
    assert got == {
        ("QueryInput", "title"): lengths.TITLE, ("QueryInput", "question"): lengths.TEXT,
        ("QueryInput", "context"): lengths.TEXT, ("QueryInput", "purpose"): lengths.TEXT,
        ("MessageInput", "message"): lengths.TEXT, ("DeclineInput", "reason"): lengths.NOTE,
        ("ContributionInput", "body"): lengths.BODY, ("ResponseInput", "title"): lengths.TITLE,
        ("ResponseInput", "summary"): lengths.SUMMARY, ("ResponseInput", "body"): lengths.BODY,
        ("ResponseInput", "note"): lengths.TITLE, ("CloseInput", "note"): lengths.NOTE,
    }



# --- NUL characters ---------------------------------------------------------------------------

def test_nul_characters_are_stripped_from_a_json_body(api, make_user, clock):
    """As from forms: PostgreSQL refuses NUL in text, and it is never meant."""
    member = make_user("member")
    response = api.post("/api/v1/queries", member, json={
        **NEW_QUERY, "title": "Vetting\u0000 police recruits", "question": "What\u0000 worked?"})
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = db.session.scalar(select(FieldQuery).where(
        FieldQuery.reference == response.get_json()["ref"]))
    assert (stored.title, stored.question) == ("Vetting police recruits", "What worked?")


def test_get_json_strips_nul_from_every_key_and_string(app):
    raw = json.dumps({"a\u0000b": ["x\u0000", {"k\u0000": "v\u0000", "n": 1}], "c": None})
    with app.test_request_context("/", method="POST", data=raw,
                                  content_type="application/json"):
        assert request.get_json() == {"ab": ["x", {"k": "v", "n": 1}], "c": None}
