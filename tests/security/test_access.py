"""Access control on every route (ASVS V8, V3.5): sign-in required by default; every route
that takes an id refuses each role that must not reach the object (404 when the object is
invisible to them, 403 when visible but the action is not theirs) and changes nothing; every
state-changing form refuses a missing or wrong CSRF token.

The route lists come from app.url_map: a new route fails these tests until it is placed in
PUBLIC or in REFUSALS below, with the refusals it must give."""
import io
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage

from reachback.accounts.models import User
from reachback.accounts.services import create_token
from reachback.extensions import db
from reachback.models_base import utcnow
from reachback.notify.models import Notification, OutboundEmail
from reachback.queries import services as qs
from reachback.sla.models import Calendar
from reachback.synthesis import reviews
from reachback.synthesis import services as ss
from reachback.synthesis.translations import save_translation

from .conftest import is_login_redirect, snapshot
from .routes import rules, takes_an_id, url

# Reachable signed out (SecureDrop's _insecure_views): the welcome page (signed in, it
# sends each person to their own start page), the sign-in page, the public part of
# the knowledge base, its search and the document library (each item, hit and file checks
# its own visibility: a restricted one answers 404), the API description, and public
# responses and search through the API. Everything else sends anonymous visitors to sign in.
# The steps of signing in (the code, the enrolment: each checks the half-finished sign-in
# and sends anyone else back to the sign-in page), asking for a password reset, and the
# pages of e-mailed links (each checks its signed link) are public too.
PUBLIC = {"queries.home", "auth.login", "knowledge.index", "knowledge.response",
          "knowledge.search", "knowledge.translation", "knowledge.correction",
          "library.index", "library.document",
          "library.download",
          "api.openapi_spec", "api.response", "api.response_translation", "api.search",
          "healthz",
          "twofactor.code", "twofactor.enrol", "auth.forgot_password", "auth.reset_password",
          "invitations.accept", "knowledge.feed", "email.unsubscribe",
          # The calendar: public events for anyone (each event checks its visibility), and
          # a member's secret feed, whose signed token is its credential.
          "community.index", "community.event", "community.event_ics", "community.feed",
          "community.personal_feed", "api.calendar",
          # The newsletters' archive and web versions: fully public ones for anyone.
          "newsletters.index", "newsletters.view", "api.newsletters", "api.newsletter"}
# The one form without a CSRF token: RFC 8058 one-click unsubscribe, POSTed by the mail
# client with no session; its signed link is the check (tests/service/test_subscriptions.py
# tries forged ones).
CSRF_EXEMPT = {"email.unsubscribe"}

# The group roles: a member and a facilitator of the group "wash" (closed, where the
# requester waits for approval), a member of another group. None of them is anyone special
# for the scene's queries, which belong to no group: a group facilitator is staff in their
# group only.
GROUP_ROLES = ("group_member", "other_group", "group_facilitator")
HIDDEN = {"outsider": 404, "unassigned": 404,  # a restricted query is invisible to them
          **{role: 404 for role in GROUP_ROLES}}
STAFF_ACTION = {**HIDDEN, "requester": 403, "assigned": 403}
EXPERT_ACTION = {**HIDDEN, "requester": 403, "facilitator": 403}
REQUESTER_ACTION = {**HIDDEN, "assigned": 403, "facilitator": 403}
STAFF_ONLY = {"requester": 403, "outsider": 403, "assigned": 403, "unassigned": 403,
              **{role: 403 for role in GROUP_ROLES}}
# Approving or removing the requester's pending membership of "wash": its facilitators
# and staff; anyone else may see the group but not do this.
GROUP_MANAGER = {"outsider": 403, "group_member": 403, "other_group": 403, "assigned": 403}
# A discussion of "wash": hidden from all but its group (the requester's membership still
# waits) and staff; moderated by its facilitators and staff.
GROUP_HIDDEN = {role: 404 for role in ("outsider", "assigned", "unassigned", "requester",
                                       "other_group")}
GROUP_MODERATOR = {**GROUP_HIDDEN, "group_member": 403}

NOT_EDITORS = {**HIDDEN, "requester": 404, "assigned": 404}

# endpoint -> (the object its id names, {role: the status that role must get})
REFUSALS = {
    "queries.detail": ("query", HIDDEN),
    "queries.clarify": ("query", STAFF_ACTION),
    "queries.route": ("query", STAFF_ACTION),
    "queries.close": ("query", STAFF_ACTION),
    "queries.edit": ("query", STAFF_ACTION),
    "queries.withdraw_assignment": ("query", STAFF_ACTION),
    "queries.add_note": ("query", {**HIDDEN, "requester": 403}),
    "queries.contribute": ("query", EXPERT_ACTION),
    "queries.reply": ("query", REQUESTER_ACTION),
    "queries.withdraw": ("query", {**HIDDEN, "assigned": 403}),
    "queries.accept": ("query", EXPERT_ACTION),
    "queries.decline": ("query", EXPERT_ACTION),
    # Contributions stay hidden from the requester until the response is published.
    "queries.edit_contribution": ("query", {**HIDDEN, "requester": 404, "facilitator": 403}),
    "synthesis.edit": ("query", STAFF_ACTION),
    "synthesis.publish": ("draft", STAFF_ACTION),
    "synthesis.revisions": ("draft", STAFF_ACTION),
    "synthesis.compare": ("draft", STAFF_ACTION),
    "knowledge.response": ("published", {**HIDDEN, "anonymous": 404}),
    # A translation is read by the response's readers (its language: the scene's "fr").
    "knowledge.translation": ("published", {**HIDDEN, "anonymous": 404}),
    "synthesis.translate": ("published", STAFF_ACTION),
    "synthesis.request_review": ("draft", STAFF_ACTION),
    # The draft under review: facilitators and the reviewer asked (the scene's "target").
    "synthesis.review": ("review", {**HIDDEN, "requester": 403, "assigned": 403}),
    "synthesis.approve_review": ("review", {**HIDDEN, "requester": 403, "assigned": 403,
                                            "facilitator": 403}),
    "synthesis.request_changes": ("review", {**HIDDEN, "requester": 403, "assigned": 403,
                                             "facilitator": 403}),
    "synthesis.watch": ("query", HIDDEN),
    "knowledge.supersede": ("published", STAFF_ACTION),
    "knowledge.give_feedback": ("published", HIDDEN),
    "knowledge.link": ("published", STAFF_ACTION),
    "knowledge.unlink": ("published", STAFF_ACTION),
    # A response's annexes: attached and removed by facilitators (the draft's).
    "synthesis.add_annex": ("draft", STAFF_ACTION),
    "synthesis.remove_annex": ("draft", STAFF_ACTION),
    "synthesis.rate": ("published", {**HIDDEN, "assigned": 403, "facilitator": 403}),
    "synthesis.follow_up": ("published", HIDDEN),
    "knowledge.retract": ("published", STAFF_ACTION),
    # What a correction changed: the response's readers (the scene's has none: 404).
    "knowledge.correction": ("published", {**HIDDEN, "anonymous": 404}),
    "auth.revoke_token": ("token", {"outsider": 404, "admin": 404}),
    "admin.edit_user": ("user", {"requester": 403, "facilitator": 403}),
    "sla.calendar": ("calendar", {"requester": 403, "facilitator": 403}),
    "email.retry": ("email", {"requester": 403, "facilitator": 403}),
    # A notification is its owner's (the requester's) alone.
    "notify.open_one": ("notification", {"outsider": 404, "assigned": 404,
                                         "facilitator": 404, "admin": 404}),
    "library.document": ("document", {"requester": 404, "assigned": 404, "anonymous": 404}),
    "library.edit_document": ("document", {"requester": 404, "assigned": 404}),
    "library.download": ("attachment", {**HIDDEN, "anonymous": 404}),
    "api.query": ("query", HIDDEN),
    "api.events": ("query", HIDDEN),
    "api.suggested_experts": ("query", STAFF_ACTION),
    "api.assign_expert": ("query", STAFF_ACTION),
    "api.ask_clarification": ("query", STAFF_ACTION),
    "api.close_query": ("query", STAFF_ACTION),
    "api.edit_query": ("query", STAFF_ACTION),
    "api.save_response": ("query", STAFF_ACTION),
    "api.publish": ("draft", STAFF_ACTION),
    "api.add_contribution": ("query", EXPERT_ACTION),
    "api.reply": ("query", REQUESTER_ACTION),
    "api.accept_assignment": ("query", EXPERT_ACTION),
    "api.decline_assignment": ("query", EXPERT_ACTION),
    "api.response": ("published", {**HIDDEN, "anonymous": 404}),
    "api.response_translation": ("published", {**HIDDEN, "anonymous": 404}),
    "api.save_translation": ("published", STAFF_ACTION),
    # Reports (the name of one: "demand") are for staff: refused, not hidden, to the others.
    "reports.page": ("query", STAFF_ONLY),
    "reports.csv": ("query", STAFF_ONLY),
    "reports.xlsx": ("query", STAFF_ONLY),
    "api.report": ("query", STAFF_ONLY),
    "api.request_review": ("draft", STAFF_ACTION),
    # Only the reviewer asked (the scene's "target") answers a review.
    "api.approve_review": ("review", {**HIDDEN, "requester": 403, "assigned": 403,
                                      "facilitator": 403}),
    "api.request_changes": ("review", {**HIDDEN, "requester": 403, "assigned": 403,
                                       "facilitator": 403}),
    "api.supersede": ("published", STAFF_ACTION),
    "api.retract": ("published", STAFF_ACTION),
    "api.add_annex": ("draft", STAFF_ACTION),
    "api.remove_annex": ("draft", STAFF_ACTION),
    "api.add_link": ("published", STAFF_ACTION),
    "api.remove_link": ("published", STAFF_ACTION),
    "api.watch": ("query", HIDDEN),
    "api.rate": ("published", {**HIDDEN, "assigned": 403, "facilitator": 403}),
    "api.give_feedback": ("published", HIDDEN),
    "api.ask_follow_up": ("published", HIDDEN),
    # The calendar: a community event is hidden from anonymous visitors; a member's
    # proposal (the requester's) is seen by them and facilitators, approved by facilitators.
    "community.event": ("community_event", {"anonymous": 404}),
    "community.event_ics": ("community_event", {"anonymous": 404}),
    "community.approve_event": ("proposal", {"requester": 403, "outsider": 404,
                                             "assigned": 404, "unassigned": 404}),
    "community.cancel_event": ("proposal", {"requester": 403, "outsider": 404,
                                            "assigned": 404, "unassigned": 404}),
    "community.approve_notice": ("proposed_notice", {"requester": 403, "outsider": 404,
                                                     "assigned": 404, "unassigned": 404}),
    "community.remove_notice": ("proposed_notice", {"requester": 403, "outsider": 404,
                                                    "assigned": 404, "unassigned": 404}),
    # A feed's token that is not valid answers 404 to everyone (test_calendar_pages.py tries
    # a real one).
    "community.personal_feed": ("query", {"outsider": 404, "admin": 404, "anonymous": 404}),
    # The argument is a signed link, not an id: a link that is not valid answers 404 to
    # everyone (tests/security/test_invitations_and_reset.py tries real ones).
    "auth.reset_password": ("query", {"outsider": 404, "admin": 404, "anonymous": 404}),
    "invitations.accept": ("query", {"outsider": 404, "admin": 404, "anonymous": 404}),
    "email.unsubscribe": ("query", {"outsider": 404, "admin": 404, "anonymous": 404}),
    # A deactivated member's profile: hidden from members, open to staff.
    "members.profile": ("inactive", {"requester": 404, "outsider": 404, "assigned": 404}),
    "api.member": ("inactive", {"requester": 404, "outsider": 404, "assigned": 404}),
    # Sub-groups: every signed-in user sees a group and may join it.
    "groups.detail": ("group", {}),
    "groups.join": ("group", {}),
    "api.join_group": ("group", {}),
    "groups.leave": ("group", {"outsider": 404, "other_group": 404}),
    "groups.approve": ("group", {**GROUP_MANAGER, "requester": 403}),
    "api.approve_member": ("group", {**GROUP_MANAGER, "requester": 403}),
    "groups.remove": ("group", GROUP_MANAGER),
    "api.remove_member": ("group", GROUP_MANAGER),
    # A newsletter's draft: its editors (facilitators) only; nobody else knows it exists.
    "newsletters.view": ("newsletter", {**NOT_EDITORS, "anonymous": 404}),
    "newsletters.edit": ("newsletter", NOT_EDITORS),
    "newsletters.preview_email": ("newsletter", NOT_EDITORS),
    "newsletters.preview_email_html": ("newsletter", NOT_EDITORS),
    "newsletters.send": ("newsletter", NOT_EDITORS),
    "api.newsletter": ("newsletter", {**NOT_EDITORS, "anonymous": 404}),
    "api.send_newsletter": ("newsletter", NOT_EDITORS),
    # E-discussions: the open discussion of "wash" is its group's (and staff's); others do
    # not know it exists; its facilitators moderate, its members post.
    "discussions.detail": ("discussion", GROUP_HIDDEN),
    "discussions.post": ("discussion", GROUP_HIDDEN),
    "discussions.follow": ("discussion", GROUP_HIDDEN),
    "discussions.weekly": ("discussion", GROUP_MODERATOR),
    "discussions.hide": ("discussion", GROUP_MODERATOR),
    "discussions.summary": ("discussion", GROUP_MODERATOR),
    "api.discussion_posts": ("discussion", GROUP_HIDDEN),
    "api.publish_discussion_summary": ("discussion", GROUP_MODERATOR),
    # Naming a group's facilitators: staff only, not the group's own facilitators.
    "groups.role": ("group", {"requester": 403, "outsider": 403, "group_member": 403,
                              "group_facilitator": 403}),
}
ROLES = ("requester", "outsider", "assigned", "unassigned", "facilitator", "admin",
         *GROUP_ROLES)


@pytest.fixture
def database_template(scenes):
    """The scene is built once per test worker and copied for each test (its refusals change
    nothing, and the tests that act check that with a snapshot)."""
    return scenes("access", build_scene)


@pytest.fixture
def scene(app, make_user, make_query, database_template):
    """(people, objects, tokens): the scene's people by role, its objects by name, each
    role's API token (loaded in this test's session)."""
    people, objects, tokens = database_template.ids or build_scene(make_user, make_query)
    return ({role: db.session.get(User, i) for role, i in people.items()},
            {name: db.session.get(model, i) for name, (model, i) in objects.items()}, tokens)


def build_scene(make_user, make_query):
    """A restricted query with an invited expert and a contribution, a restricted query in
    synthesis with two revisions, a restricted published response, the requester's API
    token, a failed e-mail, a restricted library document and a file on the query; returns
    their ids."""
    people = {r: make_user("expert" if r in ("assigned", "unassigned", "target") else
                           ("member" if r in ("requester", "outsider", *GROUP_ROLES) else r))
              for r in (*ROLES, "target")}
    fac, expert, requester = people["facilitator"], people["assigned"], people["requester"]
    q = make_query(requester=requester, facilitator=fac)
    assignment = qs.assign_expert(fac, q, expert)
    contribution = qs.add_contribution(expert, q, "Original advice")
    assignment.status = "invited"  # keep the invitation open for accept and decline
    draft = make_query(requester=requester, facilitator=fac, status="synthesis",
                       experts=[expert])
    ss.save_draft(fac, draft, "Draft", "Sum", "Body 2")
    published = make_query(requester=requester, facilitator=fac, status="published",
                           visibility="restricted", experts=[expert])
    save_translation(fac, published.reference, "fr", "Titre", "", "Corps")
    review = reviews.request_review(fac, draft, people["target"].email)
    token, _clear = create_token(requester, "script")
    email = OutboundEmail(recipient="x@example.org", subject="S", text_body="T",
                          status="failed", attempts=5, user_id=requester.id)
    db.session.add(email)
    # Read already: its owner opening it (a GET) changes nothing.
    notification = Notification(user_id=requester.id, kind="closed", text="N",
                                query_id=q.id, url=f"/queries/{q.reference}", read_at=utcnow())
    db.session.add(notification)
    inactive = make_user("member")
    inactive.active = False
    db.session.flush()
    objects = {"notification": notification, "query": q, "draft": draft, "published": published, "token": token,
               "email": email, "assignment": assignment, "contribution": contribution,
               "user": requester, "calendar": db.session.scalar(db.select(Calendar)),
               "review": review, "inactive": inactive}
    _library(people, q, objects)
    _community(people, objects)
    _groups(people, objects, make_user)
    db.session.commit()
    tokens = {role: create_token(user, "t")[1] for role, user in people.items()}
    db.session.commit()
    return ({role: user.id for role, user in people.items()},
            {name: (type(obj), obj.id) for name, obj in objects.items()}, tokens)


def _library(people, q, objects) -> None:
    """The library's document and a file on the query, while those features exist."""
    try:
        from reachback.files import services as uploads
        from reachback.knowledge import library
    except ImportError:
        return
    objects["attachment"] = uploads.attach_to(
        people["requester"], FileStorage(io.BytesIO(b"terms of reference"), "tor.txt"), query=q)
    objects["document"] = library.add_document(
        people["facilitator"],
        {"title": "Vetting guidance", "kind": "guidance", "summary": "Short.",
         "date": "2025-06-01", "visibility": "restricted",
         "themes": ["vetting"], "countries": ["SS"]},
        FileStorage(io.BytesIO(b"plan text"), "plan.txt"))


def _community(people, objects) -> None:
    """A community event, the requester's proposed event and their proposed notice."""
    from reachback.community import services as community

    event = {"title": "Exchange", "starts_at": "2026-12-03T14:00:00+00:00",
             "ends_at": "2026-12-03T15:00:00+00:00", "visibility": "public"}
    objects["community_event"] = community.submit_event(
        people["facilitator"], {**event, "visibility": "community"})
    objects["proposal"] = community.submit_event(people["requester"], event)
    objects["proposed_notice"] = community.submit_notice(
        people["requester"], {"title": "Vacancy", "expires_on": community.today() + timedelta(days=30)})
    from reachback.newsletters import services as newsletters

    objects["newsletter"] = newsletters.draft(people["facilitator"], "2026-11")


def _groups(people, objects, make_user) -> None:
    """The closed group "wash" (a member, a facilitator, the requester waiting for
    approval), another group with its member, and a query of "wash" read by its group."""
    from reachback.groups import services as groups

    admin = people["admin"]
    wash = groups.create_group(admin, {"name": "WASH", "slug": "wash", "open": False})
    other = groups.create_group(admin, {"name": "Other", "slug": "other"})
    for role in ("group_member", "group_facilitator"):
        groups.join_group(people[role], wash)
        groups.approve_member(admin, wash, people[role].id)
    groups.set_role(admin, wash, people["group_facilitator"].id, "facilitator")
    groups.join_group(people["requester"], wash)  # pending
    groups.join_group(people["other_group"], other)
    asker = make_user("member")
    groups.join_group(asker, wash)
    groups.approve_member(admin, wash, asker.id)
    objects["group"] = wash
    if "document" in objects:  # a library document of "wash" read by its group
        from reachback.knowledge import library

        objects["group_document"] = library.add_document(
            people["facilitator"],
            {"title": "Borehole siting", "kind": "guidance", "date": "2025-06-01",
             "visibility": "group", "group": "wash"},
            FileStorage(io.BytesIO(b"siting text"), "siting.txt"))
    from reachback.community import services as community

    objects["group_event"] = community.submit_event(people["facilitator"], {
        "title": "WASH exchange", "starts_at": "2026-12-03T14:00:00+00:00",
        "ends_at": "2026-12-03T15:00:00+00:00", "visibility": "group", "group": "wash"})
    from reachback.discussions import services as discussions
    from reachback.timebounds import today

    objects["discussion"] = discussions.create_discussion(admin, {
        "title": "Pumps", "starts_on": today(), "group": "wash"})
    objects["discussion_post"] = discussions.add_post(asker, objects["discussion"],
                                                      {"body": "Which pumps?"})
    objects["group_query"] = qs.submit_query(asker, {
        "title": "Boreholes", "question": "Which pumps last?", "country": "SS",
        "themes": ["vetting"], "confidentiality": "group", "group": "wash"})


def values_for(rule, objects: dict, which: str | None = None) -> dict:
    """Real ids for every argument of the rule; `which` names the query (ref) to use."""
    q = objects[which] if which in ("query", "draft", "published", "group_query") \
        else objects["query"]
    known = {"ref": q.reference, "assignment_id": objects["assignment"].id,
             "contribution_id": objects["contribution"].id, "token_id": objects["token"].id,
             "user_id": objects["user"].id, "calendar_id": objects["calendar"].id,
             "email_id": objects["email"].id, "language": "fr",
             "notification_id": objects["notification"].id, "name": "demand",
             "review_id": objects["review"].id,
             "event_id": objects[which if which in ("proposal", "group_event")
                                 else "community_event"].id,
             "notice_id": objects["proposed_notice"].id,
             "member_id": objects["inactive"].id, "slug": objects["group"].slug,
             "newsletter_id": objects["newsletter"].id,
             "discussion_id": objects["discussion"].id,
             "post_id": objects["discussion_post"].id}
    if which == "group_document":
        doc = objects["group_document"]
        known.update(doc_id=doc.id, attachment_id=doc.file.id)
    elif "document" in objects:
        known.update(doc_id=objects["document"].id, attachment_id=objects["attachment"].id)
    return {name: known[name] for name in rule.arguments if name in known}


FORM = {"body": "Changed", "message": "Changed", "reason": "declined", "title": "T",
        "summary": "S", "visibility": "public", "confirm": "y", "note": "N", "action": "save",
        "name": "Hacked", "roles": ["admin"], "active": "y", "token_name": "x",
        "due_at": "", "duplicate_of": "", "kind": "guidance", "date": "2025-06-01"}


def clients(app, people, tokens) -> dict:
    """A signed-in browser per role (signed in once: a sign-in writes last_login_at)."""
    from tests.helpers import WebClient

    browsers = {}
    for role, user in people.items():
        browsers[role] = WebClient(app.test_client())
        browsers[role].sign_in(user)
    browsers["anonymous"] = WebClient(app.test_client())
    browsers["anonymous"].get("/login")  # a CSRF token, as a browser signed out has
    return browsers


def attempt(app, rule, method, path, web, token, people):
    """One request: as a signed-in browser for pages, with a bearer token for the API."""
    if rule.rule.startswith("/api/"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {**FORM, "expert": people["target"].email}
        body.pop("due_at")
        return app.test_client().open(path, method=method, headers=headers,
                                      json=None if method == "GET" else body)
    if method == "GET":
        return web.get(path)
    return web.post(path, {**FORM, "experts": str(people["target"].id)})


# A query of the group "wash", read by its group: the routes of a query, for the group roles
# (and the requester, whose membership still waits for approval). Its facilitator runs it;
# a member of the group reads it; the member of another group does not know it exists.
GROUP_RUN = {"group_member": 403, "other_group": 404, "requester": 404, "outsider": 404}
GROUP_QUERY = {
    "queries.detail": ({"other_group": 404, "requester": 404, "outsider": 404},
                       ("group_member", "group_facilitator", "facilitator")),
    "api.query": ({"other_group": 404, "requester": 404, "outsider": 404},
                  ("group_member", "group_facilitator", "facilitator")),
    "queries.route": (GROUP_RUN, ("group_facilitator", "facilitator")),
    "queries.edit": (GROUP_RUN, ("group_facilitator", "facilitator")),
    "queries.clarify": (GROUP_RUN, ()),
    "queries.close": (GROUP_RUN, ()),
    "synthesis.edit": (GROUP_RUN, ()),
    "api.suggested_experts": (GROUP_RUN, ("group_facilitator", "facilitator")),
    "api.assign_expert": (GROUP_RUN, ()),
    "api.edit_query": (GROUP_RUN, ()),
}


# A library document of "wash" read by its group: its members and facilitators read it (and
# its file); staff alone edit it; the member of another group, the requester (whose
# membership waits) and anyone else do not know it exists.
NOT_IN_GROUP = {"other_group": 404, "requester": 404, "outsider": 404, "assigned": 404}
GROUP_DOCUMENT = {
    "library.document": ({**NOT_IN_GROUP, "anonymous": 404},
                         ("group_member", "group_facilitator", "facilitator")),
    "library.download": ({**NOT_IN_GROUP, "anonymous": 404},
                         ("group_member", "group_facilitator", "facilitator")),
    "library.edit_document": ({**NOT_IN_GROUP, "group_member": 403, "group_facilitator": 403},
                              ("facilitator",)),
}


# An event of "wash" seen by its group: the same readers as its document.
GROUP_EVENT = {
    "community.event": ({**NOT_IN_GROUP, "anonymous": 404},
                        ("group_member", "group_facilitator", "facilitator")),
    "community.event_ics": ({**NOT_IN_GROUP, "anonymous": 404},
                            ("group_member", "group_facilitator", "facilitator")),
    "community.cancel_event": ({**NOT_IN_GROUP, "group_member": 403,
                                "group_facilitator": 403}, ()),
}


def test_a_group_event_is_seen_by_its_group_only(app, scene):
    assert not group_table_errors(app, scene, GROUP_EVENT, "group_event")


def test_a_group_query_is_run_by_its_group_facilitators_and_read_by_its_group(app, scene):
    assert not group_table_errors(app, scene, GROUP_QUERY, "group_query")


def test_a_group_document_is_read_by_its_group_only(app, scene):
    assert "group_document" in scene[1]
    assert not group_table_errors(app, scene, GROUP_DOCUMENT, "group_document")


def group_table_errors(app, scene, table, which) -> str:
    """Each route of `table` on the scene's object `which`: the refusals it must give (and
    nothing changed), then each reader's 200 on its GET. Returns what went wrong."""
    people, objects, tokens = scene
    browsers = clients(app, people, tokens)
    wrong = []
    rules_by = {r.endpoint: r for r in app.url_map.iter_rules() if r.endpoint in table}
    assert set(rules_by) == set(table)
    before = snapshot()
    for endpoint, (refusals, readers) in table.items():
        rule = rules_by[endpoint]
        path = url(rule, values_for(rule, objects, which))
        for method in sorted(rule.methods & {"GET", "POST", "PATCH"}):
            wrong += refused(app, rule, method, path, refusals, browsers, tokens, people)
        assert snapshot() == before, endpoint
        if "GET" in rule.methods:
            for role in readers:
                response = attempt(app, rule, "GET", path, browsers[role], tokens.get(role),
                                   people)
                response.close()  # a download holds its file open
                if response.status_code != 200:
                    wrong.append(f"GET {path} as {role}: {response.status_code}")
    return "\n".join(wrong)


def refused(app, rule, method, path, refusals, browsers, tokens, people) -> list[str]:
    """Each role of `refusals` tries `method` on `path`: what did not get its status."""
    wrong = []
    for role, status in refusals.items():
        response = attempt(app, rule, method, path, browsers[role], tokens.get(role), people)
        if response.status_code != status:
            wrong.append(f"{method} {path} as {role}: {response.status_code}, "
                         f"expected {status}")
    return wrong


def test_every_route_that_takes_an_id_is_in_the_refusal_table(app):
    missing = [f"{r.endpoint} {r.rule}" for r in app.url_map.iter_rules()
               if takes_an_id(r) and r.endpoint not in REFUSALS]
    assert not missing, "Add these routes to REFUSALS with the refusals they must give: " \
        + ", ".join(missing)


def test_every_object_route_refuses_whoever_must_not_reach_it(app, scene):
    people, objects, tokens = scene
    browsers = clients(app, people, tokens)
    wrong = []
    for rule in sorted((r for r in app.url_map.iter_rules() if takes_an_id(r)),
                       key=lambda r: r.rule):
        which, refusals = REFUSALS[rule.endpoint]
        if which in ("document", "attachment") and which not in objects:
            continue
        path = url(rule, values_for(rule, objects, which))
        if rule.endpoint in ("synthesis.compare",):
            path += "?a=1&b=2"
        before = snapshot()
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH"}):
            wrong += refused(app, rule, method, path, refusals, browsers, tokens, people)
        if snapshot() != before:
            wrong.append(f"{rule.rule}: a refused request changed data")
    assert not wrong, "\n".join(wrong)


# Routes without an id that only some roles reach: endpoint -> {role: the status it gets}.
NOT_ADMIN = {role: 403 for role in ROLES if role != "admin"}
NOT_STAFF = {role: 403 for role in ROLES if role not in ("facilitator", "admin")}
ROLE_ONLY = {"admin.edit_thesaurus": NOT_ADMIN, "admin.reset_thesaurus": NOT_ADMIN,
             "community.proposals": NOT_STAFF,
             "groups.new": NOT_ADMIN, "api.create_group": NOT_ADMIN,
             "newsletters.new": NOT_STAFF, "api.draft_newsletter": NOT_STAFF,
             # A group's facilitator opens one for their group (the form offers it); the
             # API's body names no group: the community's, staff only.
             "discussions.new": {role: 403 for role in ROLES
                                 if role not in ("facilitator", "admin", "group_facilitator")},
             "api.create_discussion": NOT_STAFF}


def test_role_only_routes_refuse_the_other_roles_and_change_nothing(app, scene):
    people, objects, tokens = scene
    browsers = clients(app, people, tokens)
    wrong = []
    before = snapshot()
    for rule in (r for r in app.url_map.iter_rules() if r.endpoint in ROLE_ONLY):
        for method in sorted(rule.methods & {"GET", "POST"}):
            for role, status in ROLE_ONLY[rule.endpoint].items():
                response = attempt(app, rule, method, url(rule), browsers[role],
                                   tokens.get(role), people)
                if response.status_code != status:
                    wrong.append(f"{method} {rule.rule} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before
    assert browsers["admin"].get("/admin/thesaurus").status_code == 200


def test_every_non_public_route_sends_anonymous_visitors_to_sign_in(app, client, scene):
    _people, objects, _tokens = scene
    wrong = []
    before = snapshot()
    for method in ("GET", "POST", "PUT", "PATCH"):
        for rule in rules(app, method):
            if rule.endpoint in PUBLIC:
                continue
            path = url(rule, values_for(rule, objects))
            response = client.open(path, method=method)
            if rule.rule.startswith("/api/"):
                ok = response.status_code == 401
            else:
                # A POST without a session has no CSRF token either: 400 is a refusal too.
                ok = is_login_redirect(response) or (method != "GET" and
                                                     response.status_code == 400)
            if not ok:
                wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def test_the_public_routes_are_exactly_the_listed_ones(app, client):
    """Signed out, only PUBLIC answer without a redirect (a new public route is a choice)."""
    answered = set()
    for rule in rules(app, "GET"):
        response = client.get(url(rule))
        if not is_login_redirect(response) and response.status_code != 401:
            answered.add(rule.endpoint)
    assert answered <= PUBLIC, answered - PUBLIC


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_every_form_post_refuses_a_missing_or_wrong_csrf_token(app, scene, token):
    people, objects, _tokens = scene
    from tests.helpers import WebClient

    web = WebClient(app.test_client())
    web.sign_in(people["admin"])
    wrong = []
    before = snapshot()
    for rule in rules(app, "POST"):
        if rule.rule.startswith("/api/") or rule.endpoint in CSRF_EXEMPT:
            continue  # the API takes bearer tokens, never cookies: no CSRF to forge
        path = url(rule, values_for(rule, objects))
        data = {**FORM, "experts": str(people["target"].id)}
        if token is not None:
            data["csrf_token"] = token
        response = web.post(path, data, csrf=False)
        if response.status_code != 400:
            wrong.append(f"POST {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def test_a_token_of_another_session_is_refused(app, scene):
    """A valid CSRF token taken from another user's page does not work for mine."""
    people, objects, _tokens = scene
    from tests.helpers import WebClient

    theirs, mine = WebClient(app.test_client()), WebClient(app.test_client())
    theirs.sign_in(people["outsider"])
    mine.sign_in(people["requester"])
    before = snapshot()
    response = mine.post(f"/queries/{objects['query'].reference}/withdraw",
                         {"csrf_token": theirs.token}, csrf=False)
    assert response.status_code == 400 and snapshot() == before


def test_the_api_ignores_session_cookies(app, scene):
    """A browser's cookie is no credential for the API (so CSRF cannot ride on it)."""
    people, objects, _tokens = scene
    from tests.helpers import WebClient

    web = WebClient(app.test_client())
    web.sign_in(people["requester"])
    assert web.client.get(f"/api/v1/queries/{objects['query'].reference}").status_code == 401
    before = snapshot()
    assert web.client.post(f"/api/v1/queries/{objects['query'].reference}/close",
                           json={"reason": "withdrawn"}).status_code == 401
    assert snapshot() == before


def test_reading_pages_never_changes_data(app, scene):
    """GET never mutates: every page and API read, as every role, leaves the data as it was
    (but for the audit log and the sessions' last use)."""
    people, objects, tokens = scene
    from tests.helpers import WebClient

    before = snapshot()
    for role in ("requester", "admin"):
        web = WebClient(app.test_client())
        web.sign_in(people[role])
        for rule in rules(app, "GET"):
            path = url(rule, values_for(rule, objects))
            if rule.rule.startswith("/api/"):
                app.test_client().get(path, headers={"Authorization": f"Bearer {tokens[role]}"})
            else:
                response = web.client.get(path)
                response.close()
    assert snapshot() == before


def test_extra_fields_are_ignored_no_mass_assignment(app, scene):
    """Fields a form does not declare never reach the model: a member cannot make themselves
    admin, change their address, or file a query as someone else or already published."""
    people, _objects, _tokens = scene
    from tests.helpers import WebClient

    member = people["outsider"]
    web = WebClient(app.test_client())
    web.sign_in(member)
    web.post("/profile", {"name": "Still me", "timezone": "UTC", "roles": "admin",
                          "is_admin": "1", "email": "boss@example.org", "active": "y",
                          "password_hash": "x", "id": "1"})
    web.get("/queries/new")
    web.post("/queries/new", {"title": "Mine", "question": "Q", "country": "SS",
                              "themes": ["vetting"], "priority": "normal",
                              "confidentiality": "restricted", "requester_id": "1",
                              "status": "published", "reference": "RB-2000-0001"})
    db.session.expire_all()
    from reachback.accounts.models import User
    from reachback.queries.models import FieldQuery

    user = db.session.get(User, member.id)
    assert user.name == "Still me" and user.roles == {"member"}
    assert user.email != "boss@example.org"
    mine = db.session.scalar(db.select(FieldQuery).where(FieldQuery.title == "Mine"))
    assert mine.requester_id == member.id and mine.status == "submitted"
    assert mine.reference != "RB-2000-0001"
