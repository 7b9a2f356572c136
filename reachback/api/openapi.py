"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json (public)."""
from flask import jsonify

from .. import lengths
from ..queries.models import ASSIGNMENT_STATUSES, CLOSE_REASONS, PRIORITIES, STATUSES
from ..synthesis.models import VISIBILITIES
from . import bp

VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _text(cap: int, **more) -> dict:
    """A text of a request body: at most `cap` characters (reachback/lengths.py)."""
    return {"type": "string", "maxLength": cap, **more}


STR, INT = {"type": "string"}, {"type": "integer"}
TIME = {"type": "string", "format": "date-time",
        "description": "UTC, ISO 8601 with offset, e.g. 2026-11-27T14:03:00+00:00"}
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
REF = {"type": "string", "description": "Query reference, e.g. RB-2026-0042"}

SCHEMAS = {
    "Error": _object(["error"], error=_object(
        ["code", "message"], code=STR, message=STR,
        fields={"type": "object", "additionalProperties": STR,
                "description": "One message per invalid field (422 only)"})),
    "Person": _object(["email", "name"], email=STR, name=STR),
    "Me": _object(["email", "name", "roles"], email=STR, name=STR,
                  roles={"type": "array", "items": {"enum": ["admin", "expert", "facilitator",
                                                             "member"]}}),
    "Theme": _object(["slug", "name", "parent"], slug=STR, name=STR, parent=_nullable(STR)),
    "QueryAssignment": _object(
        ["id", "expert", "status", "due_at", "sla_state"], id=INT, expert=_ref("Person"),
        status={"enum": list(ASSIGNMENT_STATUSES)}, due_at=_nullable(TIME),
        sla_state=_nullable(STR)),
    "QueryContribution": _object(
        ["id", "author", "body", "body_html", "created_at"], id=INT, author=_ref("Person"),
        body=STR, body_html=STR, created_at=TIME),
    "Query": _object(
        ["ref", "title", "question", "question_html", "context", "purpose", "country", "themes",
         "priority", "needed_by", "confidentiality", "status", "requester", "created_at",
         "updated_at", "assignments", "contributions", "sla"],
        ref=REF, title=STR, question=STR, question_html=STR, context=STR, purpose=STR,
        country={"type": "string", "description": "ISO 3166-1 alpha-2"},
        themes={"type": "array", "items": STR}, priority={"enum": list(PRIORITIES)},
        needed_by=_nullable(DATE), confidentiality={"enum": ["restricted", "community"]},
        status={"enum": list(STATUSES)}, requester=_ref("Person"), created_at=TIME,
        updated_at=TIME,
        assignments={"type": "array", "items": _ref("QueryAssignment"),
                     "description": "Empty unless the caller is staff or an assigned expert"},
        contributions={"type": "array", "items": _ref("QueryContribution"),
                       "description": "Only the contributions the caller may read"},
        sla={"type": ["object", "null"]}),
    "QueryPage": _object(["items", "total", "page", "per_page"],
                         items={"type": "array", "items": _ref("Query")},
                         total=INT, page=INT, per_page=INT),
    "Assignment": _object(
        ["id", "query", "expert", "status", "due_at", "sla_state", "decline_reason"], id=INT,
        query=REF, expert=_ref("Person"), status={"enum": list(ASSIGNMENT_STATUSES)},
        due_at=_nullable(TIME), sla_state=_nullable(STR), decline_reason=_nullable(STR)),
    "Contribution": _object(
        ["id", "query", "author", "body", "body_html", "created_at", "updated_at"], id=INT,
        query=REF, author=_ref("Person"), body=STR, body_html=STR, created_at=TIME,
        updated_at=TIME),
    "Response": _object(
        ["ref", "title", "summary", "body", "body_html", "visibility", "status",
         "published_at", "revision", "contributors"],
        ref=REF, title=STR, summary=STR, body=STR, body_html=STR,
        visibility={"enum": list(VISIBILITIES)},
        status={"enum": ["draft", "published", "retracted"]}, published_at=_nullable(TIME),
        revision=INT, country=STR, themes={"type": "array", "items": STR},
        contributors={"type": "array", "items": _object(["name", "organisation"], name=STR,
                                                        organisation=STR)}),
    "Suggestion": _object(["email", "name", "score", "reasons"], email=STR, name=STR,
                          score=INT, reasons={"type": "array", "items": STR},
                          away={"type": "boolean"}),
    "SearchItem": _object(
        ["kind", "ref", "title", "summary", "url", "score", "highlights"],
        kind={"type": "string", "description": "response, or a library document's kind"},
        ref={"type": "string", "description": "The query reference of a response, the id of "
                                              "a document"},
        title=STR, summary=STR, url=_nullable(STR), score={"type": "number"},
        highlights={"type": "string", "description": "Escaped text; matched words in <mark>"}),
    "FacetValue": _object(["value", "label", "count"], value=STR, label=STR, count=INT),
    "SearchResults": _object(
        ["items", "total", "facets"],
        items={"type": "array", "items": _ref("SearchItem")}, total=INT, page=INT,
        per_page=INT,
        facets={"type": "object", "description": "theme, country, year and kind",
                "additionalProperties": {"type": "array", "items": _ref("FacetValue")}},
        suggestion=_nullable({**STR, "description": "The text with mistyped words corrected"}),
        message=_nullable(STR),
        rebuilding={"type": "boolean",
                    "description": "True while the index is rebuilt (then no items)"}),
    "Event": _object(["kind", "actor", "at", "data"], kind=STR, actor=_nullable(_ref("Person")),
                     at=TIME, data={
                         "type": "object",
                         "description": "What happened. `duplicate_of` (of `closed`) and "
                                        "`duplicate` (of `duplicate_linked`) name the other "
                                        "query, or are null when the caller may not see it"}),
    # Request bodies.
    "QueryInput": _object(
        ["title", "question", "country", "themes"],
        title=_text(lengths.TITLE), question=_text(lengths.TEXT), context=_text(lengths.TEXT),
        purpose=_text(lengths.TEXT),
        country={"type": "string", "description": "ISO 3166-1 alpha-2, e.g. SS"},
        themes={"type": "array", "items": STR, "minItems": 1, "maxItems": 3},
        priority={"enum": list(PRIORITIES), "default": "normal"},
        needed_by=DATE, confidentiality={"enum": ["restricted", "community"],
                                         "default": "restricted"}),
    "MessageInput": _object(["message"], message=_text(lengths.TEXT)),
    "AssignmentInput": _object(
        ["expert"], expert={"type": "string", "format": "email"},
        due_at={**TIME, "description": "In the future, ISO 8601 with its offset"}),
    "DeclineInput": _object(["reason"], reason=_text(lengths.NOTE)),
    "ContributionInput": _object(["body"], body=_text(lengths.BODY)),
    "ResponseInput": _object(["title", "body"], title=_text(lengths.TITLE),
                             summary=_text(lengths.SUMMARY), body=_text(lengths.BODY),
                             note=_text(lengths.TITLE)),
    "PublishInput": _object([], visibility={
        "enum": list(VISIBILITIES), "description": "Defaults to the draft's visibility"}),
    "CloseInput": _object(["reason"], reason={"enum": list(CLOSE_REASONS)},
                          duplicate_of={**REF, "maxLength": lengths.REFERENCE,
                                        "description": "Required for `duplicate`"},
                          note=_text(lengths.NOTE)),
}

# Text the services refuse empty or blank (422): at least one character that is not a space.
NOT_BLANK = {"QueryInput": ("title", "question", "country"), "MessageInput": ("message",),
             "AssignmentInput": ("expert",), "DeclineInput": ("reason",),
             "ContributionInput": ("body",), "ResponseInput": ("title", "body")}
for _name, _fields in NOT_BLANK.items():
    for _field in _fields:  # a new dict: STR and the like are shared
        _properties = SCHEMAS[_name]["properties"]
        _properties[_field] = {**_properties[_field], "minLength": 1, "pattern": r"\S"}

ERRORS = {
    "400": "The body is not a JSON object",
    "401": "Token missing, unknown or revoked",
    "403": "You may see the object but may not do this",
    "404": "No such object, or you may not see it",
    "409": "Not allowed in the object's current status",
    "413": "The request is too large",
    "422": "A field is invalid (see error.fields)",
    "429": "Too many requests (refused tokens, or searches): try again after Retry-After",
}
# Headers that always come with an error (api/auth.py, web.py's 429 handler).
ERROR_HEADERS = {
    "401": {"WWW-Authenticate": {"required": True, "schema": STR,
                                 "description": 'Bearer realm="reachback"'}},
    "429": {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1},
                            "description": "Seconds until the next attempt is let through"}},
}
REF_PARAM = {"name": "ref", "in": "path", "required": True, "schema": REF}
ID_PARAM = {"name": "assignment_id", "in": "path", "required": True, "schema": INT}
LIST_PARAMS = [
    {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}},
    {"name": "theme", "in": "query", "schema": STR, "description": "Theme slug"},
    {"name": "country", "in": "query", "schema": STR, "description": "ISO 3166-1 alpha-2"},
    {"name": "mine", "in": "query", "schema": {"enum": ["0", "1"]},
     "description": "1: only the caller's own queries"},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "default": 25},
     "description": "Larger values are clamped to 100"},
]

SEARCH_PARAMS = [
    {"name": "q", "in": "query", "schema": STR,
     "description": "Words; \"a phrase\", AND, OR, NOT and (grouping) are understood; "
                    f"longer than {lengths.SEARCH} characters, the text is shortened"},
    {"name": "theme", "in": "query", "schema": STR,
     "description": "Theme slug (a parent theme takes in its sub-themes)"},
    {"name": "country", "in": "query", "schema": STR, "description": "ISO 3166-1 alpha-2"},
    {"name": "year", "in": "query", "schema": STR},
    {"name": "kind", "in": "query", "schema": STR, "description": "response, or a document kind"},
    {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "date"],
                                                "default": "relevance"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "default": 10},
     "description": "Larger values are clamped to 100"},
]


def _op(summary, answer, status=200, body=None, params=(), errors=(), public=False,
        optional_body=False):
    """One operation: its answer schema, its request body and the errors it can give."""
    op = {
        "summary": summary,
        "parameters": list(params),
        "responses": {str(status): {"description": "Success",
                                    "content": {"application/json": {"schema": _ref(answer)}}}},
    }
    if body:
        op["requestBody"] = {"required": not optional_body,
                             "content": {"application/json": {"schema": _ref(body)}}}
    # Every operation but the open one checks a token sent, and refused tokens are limited.
    for code in sorted({*errors, *(() if public == "open" else ("401", "429"))}):
        op["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
    if public:
        op["security"] = [] if public == "open" else [{}, {"bearer": []}]
    return op


def _error_response(code: str, text: str) -> dict:
    response = {"description": text,
                "content": {"application/json": {"schema": _ref("Error")}}}
    if code in ERROR_HEADERS:
        response["headers"] = ERROR_HEADERS[code]
    return response


def _items(name: str) -> str:
    SCHEMAS.setdefault(f"{name}List", _object(["items"], items={"type": "array",
                                                                "items": _ref(name)}))
    return f"{name}List"


WRITE = ("400", "403", "404", "409", "413", "422")
PATHS = {
    "/me": {"get": _op("The caller", "Me")},
    "/themes": {"get": _op("The theme taxonomy", _items("Theme"))},
    "/queries": {
        "get": _op("Queries the caller may see, newest first", "QueryPage", params=LIST_PARAMS,
                   errors=("422",)),
        "post": _op("Submit a query", "Query", 201, body="QueryInput",
                    errors=("400", "413", "422")),
    },
    "/queries/{ref}": {"get": _op("A query", "Query", params=[REF_PARAM], errors=("404",))},
    "/queries/{ref}/clarification": {"post": _op(
        "Ask the requester for clarification (facilitators)", "Query", body="MessageInput",
        params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/replies": {"post": _op(
        "Reply to a clarification request (the requester)", "Query", body="MessageInput",
        params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/suggested-experts": {"get": _op(
        "Experts ranked for the query, best first (facilitators)", _items("Suggestion"),
        params=[REF_PARAM], errors=("403", "404"))},
    "/queries/{ref}/assignments": {"post": _op(
        "Assign an expert (facilitators)", "Assignment", 201, body="AssignmentInput",
        params=[REF_PARAM], errors=WRITE)},
    "/assignments/{assignment_id}/accept": {"post": _op(
        "Accept an invitation (the assigned expert); no body needed", "Assignment",
        params=[ID_PARAM], errors=WRITE)},
    "/assignments/{assignment_id}/decline": {"post": _op(
        "Decline an assignment (the assigned expert)", "Assignment", body="DeclineInput",
        params=[ID_PARAM], errors=WRITE)},
    "/queries/{ref}/contributions": {"post": _op(
        "Contribute an answer (an assigned expert)", "Contribution", 201,
        body="ContributionInput", params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/response": {"put": _op(
        "Save a new draft revision of the consolidated response (facilitators)", "Response",
        body="ResponseInput", params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/publish": {"post": _op(
        "Publish the response (facilitators)", "Response", body="PublishInput",
        optional_body=True, params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/close": {"post": _op(
        "Close a query (facilitators; the requester with reason `withdrawn`)", "Query",
        body="CloseInput", params=[REF_PARAM], errors=WRITE)},
    "/queries/{ref}/events": {"get": _op(
        "The query's timeline, oldest first", _items("Event"), params=[REF_PARAM],
        errors=("404",))},
    "/responses/{ref}": {"get": _op(
        "A published response (no token needed when it is public)", "Response",
        params=[REF_PARAM], errors=("404",), public=True)},
    "/search": {"get": _op(
        "Search published responses and library documents the caller may read (no token "
        "needed: anonymous callers find public items only)", "SearchResults",
        params=SEARCH_PARAMS, errors=("422",), public=True)},
    "/openapi.json": {"get": {
        "summary": "This description", "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Reachback API", "version": VERSION,
             "description": "Reach-back queries: submit, triage, route, answer, publish."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "A personal API token from the profile page or "
                           "`reachback users token EMAIL`"}},
        "schemas": SCHEMAS,
        "responses": {f"E{code}": _error_response(code, text) for code, text in ERRORS.items()},
    },
}


@bp.get("/openapi.json")
def openapi_spec():
    return jsonify(SPEC)
