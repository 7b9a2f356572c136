"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json (public): the
components are generated from the models of api/schemas.py, the operations from the one
table below (tests/api/test_openapi.py holds it to the blueprint's routes)."""
from flask import jsonify
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from . import bp
from . import schemas as s

VERSION = "1.0.0"


class OpenApiSchema(GenerateJsonSchema):
    """JSON Schema as this description shows it: no titles made up from Python names, and
    no `default: null` for a field that is simply optional."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def model_schema(self, schema):
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        return json_schema

    def default_schema(self, schema):
        if self.get_default_value(schema) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


ERRORS = {
    "400": "The body is not a JSON object",
    "401": "Token missing, unknown or revoked",
    "403": "You may see the object but may not do this",
    "404": "No such object, or you may not see it",
    "410": "The response was retracted (code `retracted`; the message gives the reason): "
           "said to those who could read it",
    "409": "Not allowed in the object's current status",
    "413": "The request is too large",
    "422": "A field is invalid (see error.fields)",
    "429": "Too many requests (refused tokens, or searches): try again after Retry-After",
}
STRING = {"type": "string"}
# Headers that always come with an answer (api/auth.py, web.py's 429 handler, api/views.py).
HEADERS = {
    "201": {"Location": {"required": True, "schema": STRING,
                         "description": "The query's address in this API"}},
    "401": {"WWW-Authenticate": {"required": True, "schema": STRING,
                                 "description": 'Bearer realm="reachback"'}},
    "429": {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1},
                            "description": "Seconds until the next attempt is let through"}},
}
PATH_PARAMETERS = {
    "ref": {"name": "ref", "in": "path", "required": True, "schema": s.REF_SCHEMA},
    "assignment_id": {"name": "assignment_id", "in": "path", "required": True,
                      "schema": {"type": "integer"}},
    "name": {"name": "name", "in": "path", "required": True,
             "schema": {"enum": list(s.REPORT_NAMES), "description": "The report; 404 for "
                                                                     "another name"}},
    "review_id": {"name": "review_id", "in": "path", "required": True,
                  "schema": {"type": "integer"}},
    "member_id": {"name": "member_id", "in": "path", "required": True,
                  "schema": {"type": "integer"}},
    "slug": {"name": "slug", "in": "path", "required": True,
             "schema": {"type": "string", "description": "The group's slug"}},
    "user_id": {"name": "user_id", "in": "path", "required": True,
                "schema": {"type": "integer", "description": "The member's user id"}},
    "newsletter_id": {"name": "newsletter_id", "in": "path", "required": True,
                      "schema": {"type": "integer", "description": "The newsletter's id"}},
    "discussion_id": {"name": "discussion_id", "in": "path", "required": True,
                      "schema": {"type": "integer", "description": "The discussion's id"}},
    "annex_id": {"name": "annex_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "description": "The annex's id"}},
    "other": {"name": "other", "in": "path", "required": True,
              "schema": {**s.REF_SCHEMA, "description": "The linked response's reference"}},
    "language": {"name": "language", "in": "path", "required": True,
                 "schema": {**s.LANGUAGE_SCHEMA, "description": "ISO 639-1 code of the "
                                                                "translation's language"}},
}
WRITE = ("400", "403", "404", "409", "413", "422")


def _parameters(path: str, args: type[s.Args] | None) -> list[dict]:
    """The path's parameters, then one per field of the query-string model `args`."""
    found = [PATH_PARAMETERS[name] for name in PATH_PARAMETERS if f"{{{name}}}" in path]
    if args is not None:
        properties = args.model_json_schema(schema_generator=OpenApiSchema)["properties"]
        for name, schema in properties.items():
            parameter = {"name": name, "in": "query", "schema": schema}
            if "description" in schema:
                parameter["description"] = schema.pop("description")
            found.append(parameter)
    return found


def _op(path, summary, answer, status=200, body=None, args=None, errors=(), public=False,
        optional_body=False, created=None, accepted=None,
        multipart=False) -> dict:
    """One operation: its parameters, request body, answer and the errors it can give.
    public=True: a token is optional; "open": no token is looked at. `created`: the
    description of a 201 answer (the same object, and a Location) beside the 200 one;
    `accepted`: of a 202 answer (the same object: a proposal waiting for approval)."""
    def success(code):
        answer_of = {"description": "Success", "content": {"application/json": {
            "schema": _ref(answer)}}}
        if code in HEADERS:
            answer_of["headers"] = HEADERS[code]
        return answer_of

    op = {"summary": summary, "parameters": _parameters(path, args),
          "responses": {str(status): success(str(status))}}
    if created:
        op["responses"]["201"] = {**success("201"), "description": created, "headers": {
            "Location": {**HEADERS["201"]["Location"], "description": created}}}
    if accepted:
        op["responses"]["202"] = {**success("202"), "description": accepted}
    if body:
        kind = "multipart/form-data" if multipart else "application/json"
        op["requestBody"] = {"required": not optional_body,
                             "content": {kind: {"schema": _ref(body)}}}
    # Every operation but the open one checks a token sent, and refused tokens are limited.
    for code in sorted({*errors, *(() if public == "open" else ("401", "429"))}):
        op["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
    if public:
        op["security"] = [] if public == "open" else [{}, {"bearer": []}]
    return op


# (method, path, summary, answer, then _op's keywords): every route of the API, once.
OPERATIONS = [
    ("get", "/me", "The caller", s.Me),
    ("patch", "/me", "Change the caller's settings (the interface language) and member "
     "profile: only the fields sent change", s.Me,
     {"body": s.MeInput, "errors": ("400", "413", "422")}),
    ("get", "/members", "The member directory, by name (25 a page): active members, "
     "searched and filtered", s.MemberPage, {"args": s.MemberListArgs, "errors": ("422",)}),
    ("get", "/members/{member_id}", "A member's profile", s.Member, {"errors": ("404",)}),
    ("get", "/me/subscriptions", "The caller's subscriptions to themes and countries",
     s.Subscriptions),
    ("put", "/me/subscriptions",
     "Replace the caller's subscriptions: newly published responses they may read on these "
     "themes and countries, by e-mail immediately, daily or weekly", s.Subscriptions,
     {"body": s.SubscriptionsInput, "errors": ("400", "413", "422")}),
    ("get", "/themes", "The theme taxonomy", s.ThemeList),
    ("get", "/queries", "Queries the caller may see, newest first", s.QueryPage,
     {"args": s.QueryListArgs, "errors": ("422",)}),
    ("post", "/queries", "Submit a query", s.Query,
     {"status": 201, "body": s.QueryInput, "errors": ("400", "413", "422")}),
    ("get", "/queries/{ref}", "A query", s.Query, {"errors": ("404",)}),
    ("patch", "/queries/{ref}",
     "Correct a query during triage: its title, themes, country, priority or confidentiality "
     "(facilitators; 409 once closed or published)", s.Query,
     {"body": s.QueryEdit, "errors": WRITE}),
    ("post", "/queries/{ref}/clarification",
     "Ask the requester for clarification (facilitators)", s.Query,
     {"body": s.MessageInput, "errors": WRITE}),
    ("post", "/queries/{ref}/replies", "Reply to a clarification request (the requester)",
     s.Query, {"body": s.MessageInput, "errors": WRITE}),
    ("get", "/queries/{ref}/suggested-experts",
     "Experts ranked for the query, best first (facilitators)", s.SuggestionList,
     {"errors": ("403", "404")}),
    ("post", "/queries/{ref}/assignments", "Assign an expert (facilitators)", s.Assignment,
     {"status": 201, "body": s.AssignmentInput, "errors": WRITE}),
    ("post", "/assignments/{assignment_id}/accept",
     "Accept an invitation (the assigned expert); no body needed", s.Assignment,
     {"errors": WRITE}),
    ("post", "/assignments/{assignment_id}/decline",
     "Decline an assignment (the assigned expert)", s.Assignment,
     {"body": s.DeclineInput, "errors": WRITE}),
    ("post", "/queries/{ref}/contributions", "Contribute an answer (an assigned expert)",
     s.Contribution, {"status": 201, "body": s.ContributionInput, "errors": WRITE}),
    ("put", "/queries/{ref}/response",
     "Save a new draft revision of the consolidated response (facilitators)", s.Response,
     {"body": s.ResponseInput, "errors": WRITE}),
    ("post", "/queries/{ref}/publish",
     "Publish the response, or the correction drafted since its publication (facilitators; "
     "a correction needs `change_note`; with review required, 409 until the latest revision "
     "is approved)", s.Response,
     {"body": s.PublishInput, "optional_body": True, "errors": WRITE}),
    ("post", "/queries/{ref}/response/annexes",
     "Attach a file (multipart/form-data, field `file`) to the response as an annex "
     "(facilitators; 409 before a draft exists); its readers download it", s.Annex,
     {"status": 201, "body": s.AnnexInput, "multipart": True, "errors": WRITE}),
    ("delete", "/queries/{ref}/response/annexes/{annex_id}",
     "Remove an annex from the response (facilitators); answers the response", s.Response,
     {"errors": ("403", "404", "409")}),
    ("post", "/queries/{ref}/review-requests",
     "Ask a facilitator or an expert to review the current revision (facilitators)",
     s.ReviewRequest, {"status": 201, "body": s.ReviewRequestInput, "errors": WRITE}),
    ("post", "/review-requests/{review_id}/approve",
     "Approve the revision under review (the reviewer asked; not its author)",
     s.ReviewRequest, {"body": s.ReviewAnswerInput, "optional_body": True, "errors": WRITE}),
    ("post", "/review-requests/{review_id}/changes",
     "Ask for changes to the revision under review (the reviewer asked)", s.ReviewRequest,
     {"body": s.ChangesInput, "errors": WRITE}),
    ("post", "/queries/{ref}/watch",
     "Watch a query: be told of its response's publication and corrections", s.Watching,
     {"errors": ("404",)}),
    ("delete", "/queries/{ref}/watch", "Stop watching a query", s.Watching,
     {"errors": ("404",)}),
    ("post", "/queries/{ref}/rating",
     "Rate the published response (the requester): 201 the first time, 200 replacing it",
     s.Rating, {"body": s.RatingInput, "errors": WRITE,
                "created": "Rated: the Location is the query's address in this API"}),
    ("post", "/queries/{ref}/follow-ups",
     "Ask a follow-up question (readers of the published response, or the requester of "
     "the closed query): a new query that `follows` this one", s.Query,
     {"status": 201, "body": s.QueryInput, "errors": WRITE}),
    ("post", "/queries/{ref}/close",
     "Close a query (facilitators; the requester with reason `withdrawn`)", s.Query,
     {"body": s.CloseInput, "errors": WRITE}),
    ("get", "/queries/{ref}/events", "The query's timeline, oldest first", s.EventList,
     {"errors": ("404",)}),
    ("get", "/responses/{ref}", "A published response (no token needed when it is public); "
     "410 `retracted`, with the reason, to those who could read a retracted one",
     s.Response, {"errors": ("404", "410"), "public": True}),
    ("post", "/responses/{ref}/supersede",
     "Mark a published response superseded by another published one (facilitators)",
     s.Response, {"body": s.SupersedeInput, "errors": WRITE}),
    ("post", "/responses/{ref}/feedback",
     "Say whether the response was useful, with a comment to the facilitators, or flag it "
     "outdated (its signed-in readers): 201 the first time, 200 replacing it", s.Feedback,
     {"body": s.FeedbackInput, "errors": WRITE,
      "created": "Given: the Location is the response's address in this API"}),
    ("post", "/responses/{ref}/links",
     "Link a published response under \"See also\" (facilitators): 201 the first time, 200 "
     "when already linked; answers the response", s.Response,
     {"body": s.LinkInput, "errors": WRITE,
      "created": "Linked: the Location is the response's address in this API"}),
    ("delete", "/responses/{ref}/links/{other}",
     "Remove a \"See also\" link (facilitators); answers the response", s.Response,
     {"errors": ("403", "404")}),
    ("post", "/responses/{ref}/retract",
     "Retract a published response: it leaves the knowledge base and search (facilitators)",
     s.Response, {"body": s.RetractInput, "errors": WRITE}),
    ("put", "/responses/{ref}/translations/{language}",
     "Add (201) or replace (200) the response's translation into a language (facilitators); "
     "answers the response, its translations listed", s.Response,
     {"body": s.TranslationInput, "errors": WRITE,
      "created": "Added: the Location is the translation's address in this API"}),
    ("get", "/responses/{ref}/translations/{language}",
     "A published response's translation, read by the response's readers (no token needed "
     "when it is public)", s.Translation, {"errors": ("404", "410"), "public": True}),
    ("get", "/groups", "Every sub-group, with the caller's own membership", s.GroupList),
    ("post", "/groups", "Create a sub-group (admins; 409 when the slug is taken)", s.Group,
     {"status": 201, "body": s.GroupInput, "errors": ("400", "403", "409", "413", "422")}),
    ("post", "/groups/{slug}/join",
     "Join a group: 201 a member at once (open group), 202 pending until a group facilitator "
     "approves (closed group); 422 when the caller's organisation has the group's maximum",
     s.GroupMember, {"status": 201, "accepted": "Pending: a group facilitator approves",
                     "errors": ("404", "422"), "body": None}),
    ("post", "/groups/{slug}/members/{user_id}/approve",
     "Approve a pending member (the group's facilitators, staff); 422 over the "
     "organisation's maximum", s.GroupMember, {"errors": ("403", "404", "422")}),
    ("delete", "/groups/{slug}/members/{user_id}",
     "End a membership: the member leaves, or a group facilitator or staff removes them; "
     "access ends at once; answers the membership ended", s.GroupMember,
     {"errors": ("403", "404")}),
    ("get", "/discussions", "The e-discussions the caller may see: open ones first, then "
     "scheduled, then closed", s.DiscussionList),
    ("post", "/discussions", "Open an e-discussion (facilitators; a group's facilitators for "
     "their group); one starting today is open", s.Discussion,
     {"status": 201, "body": s.DiscussionInput, "errors": ("400", "403", "413", "422")}),
    ("get", "/discussions/{discussion_id}/posts", "A discussion's posts, oldest first (its "
     "audience; hidden ones without their body, but to its facilitators)",
     s.DiscussionPostList, {"errors": ("404",)}),
    ("post", "/discussions/{discussion_id}/posts", "Post, or reply (`reply_to`), in an open "
     "discussion (its audience; 409 when not open)", s.DiscussionPost,
     {"status": 201, "body": s.DiscussionPostInput, "errors": WRITE}),
    ("post", "/discussions/{discussion_id}/summary", "Publish the summary product to the "
     "library (kind `discussion`, contributors acknowledged) and close the discussion (its "
     "facilitators; 409 once published)", s.DiscussionSummary,
     {"status": 201, "body": s.DiscussionSummaryInput, "errors": WRITE}),
    ("get", "/search", "Search published responses and library documents the caller may "
     "read (no token needed: anonymous callers find public items only)", s.SearchResults,
     {"args": s.SearchArgs, "errors": ("422",), "public": True}),
    ("get", "/calendar", "Events of the community calendar that overlap the period, soonest "
     "first (no token needed: anonymous callers get public events only)", s.CalendarEventList,
     {"args": s.CalendarArgs, "errors": ("422",), "public": True}),
    ("post", "/calendar", "Add an event: a facilitator's is published (201); a member's is a "
     "proposal (202, status proposed), listed once a facilitator approves it",
     s.CalendarEvent, {"status": 201, "body": s.EventInput, "errors": ("400", "413", "422"),
                       "accepted": "Proposed: listed once a facilitator approves it"}),
    ("get", "/notices", "The blackboard: notices on the board, the soonest to expire first "
     "(expired ones have left it)", s.NoticeList),
    ("post", "/notices", "Post a notice: a facilitator's is on the board (201); a member's "
     "waits for approval (202, status proposed)", s.Notice,
     {"status": 201, "body": s.NoticeInput, "errors": ("400", "413", "422"),
      "accepted": "Proposed: shown once a facilitator approves it"}),
    ("get", "/newsletters", "The sent newsletters the caller may read, the newest month first "
     "(no token needed: anonymous callers get the fully public ones)", s.NewsletterList,
     {"public": True}),
    ("post", "/newsletters", "Draft the newsletter of a month from what was published in it "
     "(facilitators; 409 when that month has one)", s.Newsletter,
     {"status": 201, "body": s.NewsletterInput, "errors": ("400", "403", "409", "413", "422")}),
    ("get", "/newsletters/{newsletter_id}", "A newsletter: a sent one by its readers, a "
     "draft by the facilitators", s.Newsletter, {"errors": ("404",), "public": True}),
    ("post", "/newsletters/{newsletter_id}/send", "Send a draft to every member who has not "
     "opted out, through the outbox (facilitators): 202, status sending; 409 when sent "
     "already", s.Newsletter, {"status": 202, "errors": ("403", "404", "409")}),
    ("get", "/reports/{name}", "A report's rows for a period (facilitators and admins): "
     "demand, response-times, experts, use (satisfaction and use) or search-gaps",
     s.ReportPage,
     {"args": s.ReportArgs, "errors": ("403", "404", "422")}),
]


def _spec() -> dict:
    paths: dict[str, dict] = {}
    answers, bodies = {s.Error}, set()
    for method, path, summary, answer, *more in OPERATIONS:
        options = more[0] if more else {}
        paths.setdefault(path, {})[method] = _op(path, summary, answer, **options)
        answers.add(answer)
        if options.get("body"):
            bodies.add(options["body"])
    paths["/openapi.json"] = {"get": {
        "summary": "This description", "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}
    models = sorted([(m, "serialization") for m in answers]
                    + [(m, "validation") for m in bodies], key=lambda pair: pair[0].__name__)
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}",
                                schema_generator=OpenApiSchema)
    responses = {}
    for code, text in ERRORS.items():
        responses[f"E{code}"] = {"description": text,
                                 "content": {"application/json": {"schema": _ref(s.Error)}}}
        if code in HEADERS:
            responses[f"E{code}"]["headers"] = HEADERS[code]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Reachback API", "version": VERSION,
                 "description": "Reach-back queries: submit, triage, route, answer, publish."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token from the profile page or "
                               "`reachback users token EMAIL`"}},
            "schemas": dict(sorted(top["$defs"].items())),
            "responses": responses,
        },
    }


SPEC = _spec()
SCHEMAS = SPEC["components"]["schemas"]


@bp.get("/openapi.json")
def openapi_spec():
    return jsonify(SPEC)
