"""The permission matrix through the pages: every role × confidentiality × action.

Expectations are written out here, independently of reachback/permissions.py, so that
removing any single check makes a cell fail: a refused action must answer 403 (visible
object) or 404 (invisible one) and change nothing; an allowed one must take effect.
"""
import io

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import User
from reachback.extensions import db
from reachback.files.models import Attachment
from reachback.queries import services as qs
from reachback.queries.models import Assignment, Contribution, FieldQuery, Message, Watcher
from reachback.synthesis import services as ss
from reachback.synthesis.models import ResponseRating, ResponseTranslation
from tests.helpers import matrix_groups


def count_watchers(q) -> int:
    return db.session.scalar(select(func.count()).select_from(Watcher)
                             .where(Watcher.query_id == q.id))

ROLES = ["requester", "member", "assigned", "unassigned", "facilitator", "admin", "anonymous",
         "group_member", "other_group", "group_facilitator"]
STAFF = {"facilitator", "admin"}
# The group roles: the requester, "group_member" and "group_facilitator" belong to the
# group "wash" (the last as its facilitator), "other_group" to another group. A `group`
# query is the requester's, in "wash": its members read it, and its facilitator is staff
# for it (and for no other query).
GROUP_ROLES = {"group_member", "other_group", "group_facilitator"}
CONFIDENTIALITIES = ("restricted", "community", "group")

# action -> (status the query is put in, roles allowed to do it)
ACTIONS = {
    "view": ("routed", {"requester", "member", "assigned", "unassigned", *STAFF, *GROUP_ROLES}),
    "clarify": ("submitted", STAFF),
    "reply": ("clarification", {"requester"}),
    "route_page": ("submitted", STAFF),
    "assign": ("submitted", STAFF),
    "note": ("routed", {"assigned", *STAFF}),
    "contribute": ("routed", {"assigned"}),
    "accept": ("routed", {"assigned"}),
    "decline": ("routed", {"assigned"}),
    "synthesis_page": ("routed", STAFF),
    "draft": ("routed", STAFF),
    "publish": ("synthesis", STAFF),
    "close": ("submitted", STAFF),
    "edit": ("submitted", STAFF),
    "withdraw": ("submitted", {"requester", *STAFF}),
    "edit_contribution": ("routed", {"assigned"}),
    "revisions": ("synthesis", STAFF),
    # The response is published for the query's readers (ss.default_visibility).
    "translate": ("published", STAFF),
    # The response's lifecycle (issue 18).
    "watch": ("routed", {"requester", "member", "assigned", "unassigned", *STAFF,
                         *GROUP_ROLES}),
    "correct": ("published", STAFF),
    "retract": ("published", STAFF),
    "rate": ("published", {"requester"}),
    # Annexes and "See also" (issue 18): facilitators.
    "annex": ("synthesis", STAFF),
}


def sees_query(role, confidentiality):
    return role in {"requester", "assigned", *STAFF} or (
        confidentiality == "community" and role in {"member", "unassigned", *GROUP_ROLES}
    ) or (confidentiality == "group" and role in {"group_member", "group_facilitator"})


def acts_as(role, confidentiality):
    """A group's facilitator is staff for the group's query, a member anywhere else."""
    if role == "group_facilitator" and confidentiality == "group":
        return "facilitator"
    return role


def sees_object(action, role, confidentiality):
    if action == "edit_contribution":  # contributions are hidden until publication
        return acts_as(role, confidentiality) in {"assigned", *STAFF}
    if role == "assigned" and ACTIONS[action][0] not in ("routed", "synthesis", "published"):
        role = "unassigned"  # nobody is assigned before the query is routed
    return sees_query(role, confidentiality)


def expected(action, role, confidentiality):
    if role == "anonymous":
        return "login"
    if not sees_object(action, role, confidentiality):
        return 404
    return "ok" if acts_as(role, confidentiality) in ACTIONS[action][1] else 403


def build_scene(status, confidentiality):
    """build(make_user, make_query) -> the ids of the people and objects of a cell's scene:
    a query in `status` with one person of each role around it."""

    def build(make_user, make_query):
        people = {r: make_user("expert" if r in ("assigned", "unassigned", "target") else
                               ("member" if r in ("requester", "member", *GROUP_ROLES)
                                else r))
                  for r in ("requester", "member", "assigned", "unassigned", "facilitator",
                            "admin", "target", *GROUP_ROLES)}
        matrix_groups(people)
        q = make_query(requester=people["requester"], confidentiality=confidentiality,
                       facilitator=people["facilitator"],
                       group="wash" if confidentiality == "group" else None)
        assignment = contribution = None
        if status in ("routed", "synthesis", "published"):
            assignment = qs.assign_expert(people["facilitator"], q, people["assigned"])
            contribution = qs.add_contribution(people["assigned"], q, "Original advice")
        if status in ("routed", "synthesis"):
            assignment.status = "invited"  # keep the invitation open for accept/decline
        if status in ("synthesis", "published"):
            ss.save_draft(people["facilitator"], q, "Draft", "Sum", "Body")
            ss.save_draft(people["facilitator"], q, "Draft", "Sum", "Body 2")
        if status == "published":
            ss.publish_response(people["facilitator"], q, ss.default_visibility(q))
        if status == "clarification":
            qs.ask_clarification(people["facilitator"], q, "Which district?")
        db.session.commit()
        return ({r: u.id for r, u in people.items()}, q.id,
                assignment and assignment.id, contribution and contribution.id)

    return build


@pytest.fixture
def database_template(scenes, action, confidentiality):
    """Each cell's scene is built once per test worker and copied for each cell (all seven
    roles, and every action on a query in the same status, start from the same scene)."""
    status = ACTIONS[action][0]
    return scenes(("permission matrix", status, confidentiality),
                  build_scene(status, confidentiality))


@pytest.fixture
def scene(app, make_user, make_query, database_template):
    def load(status, confidentiality):
        ids = database_template.ids or build_scene(status, confidentiality)(make_user,
                                                                            make_query)
        people, query, assignment, contribution = ids
        return ({r: db.session.get(User, i) for r, i in people.items()},
                db.session.get(FieldQuery, query),
                assignment and db.session.get(Assignment, assignment),
                contribution and db.session.get(Contribution, contribution))

    return load


def attempt(action, web, people, q, assignment, contribution):
    """Do the action as the signed-in client; returns (response, did_it_take_effect)."""
    ref = q.reference
    count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
    if action == "view":
        r = web.get(f"/queries/{ref}")
        return r, r.status_code == 200
    if action == "route_page":
        r = web.get(f"/queries/{ref}/route")
        return r, r.status_code == 200
    if action == "synthesis_page":
        r = web.get(f"/queries/{ref}/synthesis")
        return r, r.status_code == 200
    if action == "revisions":
        r = web.get(f"/queries/{ref}/revisions/compare?a=1&b=2")
        return r, r.status_code == 200
    if action == "translate":
        r = web.post(f"/queries/{ref}/translation",
                     {"language": "fr", "title": "Réponse", "summary": "", "body": "Corps"})
        return r, count(ResponseTranslation) == 1
    if action == "watch":
        r = web.post(f"/queries/{ref}/watch", {"action": "watch"})
        return r, count_watchers(q) == 1
    if action == "correct":
        r = web.post(f"/queries/{ref}/synthesis",
                     {"title": "T", "summary": "S", "body": "Fixed", "action": "save"})
        db.session.refresh(q.response)
        return r, q.response.revision == 3
    if action == "retract":
        r = web.post(f"/kb/{ref}/retract", {"reason": "Wrong"})
        db.session.refresh(q.response)
        return r, q.response.status == "retracted"
    if action == "annex":
        r = web.post(f"/queries/{ref}/annexes", {"file": (io.BytesIO(b"Annex"), "annex.txt")})
        return r, count(Attachment) == 1
    if action == "rate":
        r = web.post(f"/queries/{ref}/rating", {"score": "4"})
        return r, count(ResponseRating) == 1
    if action == "edit":
        r = web.post(f"/queries/{ref}/edit", {
            "title": "Edited", "country": q.country, "themes": [t.slug for t in q.themes],
            "priority": q.priority, "confidentiality": q.confidentiality})
        db.session.refresh(q)
        return r, q.title == "Edited"
    if action == "edit_contribution":
        r = web.post(f"/contributions/{contribution.id}/edit", {"body": "Changed"})
        db.session.refresh(contribution)
        return r, contribution.body == "Changed"
    if action in ("note", "contribute"):
        model = Message if action == "note" else Contribution
        before = count(model)
        url = f"/queries/{ref}/{'notes' if action == 'note' else 'contributions'}"
        r = web.post(url, {"body": "Some words", "action": "save"})
        return r, count(model) == before + 1
    if action in ("accept", "decline"):
        r = web.post(f"/assignments/{assignment.id}/{action}", {"reason": "Busy"})
        db.session.refresh(assignment)
        return r, assignment.status == {"accept": "accepted", "decline": "declined"}[action]
    posts = {
        "clarify": (f"/queries/{ref}/clarify", {"message": "Which district?"}, "clarification"),
        "reply": (f"/queries/{ref}/reply", {"message": "Juba"}, "submitted"),
        "assign": (f"/queries/{ref}/route", {"experts": str(people["target"].id)}, "routed"),
        "draft": (f"/queries/{ref}/synthesis",
                  {"title": "T", "summary": "S", "body": "B", "action": "save"}, "synthesis"),
        "publish": (f"/queries/{ref}/publish", {"visibility": "community"}, "published"),
        "close": (f"/queries/{ref}/close", {"reason": "declined"}, "closed"),
        "withdraw": (f"/queries/{ref}/withdraw", {}, "closed"),
    }
    url, data, status = posts[action]
    r = web.post(url, data)
    db.session.refresh(q)
    return r, q.status == status


CELLS = [(a, r, c) for a in ACTIONS for r in ROLES for c in CONFIDENTIALITIES]


@pytest.mark.parametrize("action,role,confidentiality", CELLS)
def test_matrix(scene, make_web, action, role, confidentiality):
    people, q, assignment, contribution = scene(ACTIONS[action][0], confidentiality)
    web = make_web()
    if role != "anonymous":
        web.sign_in(people[role])
    else:
        web.get("/login")  # a CSRF token, as an anonymous browser would have
    response, effect = attempt(action, web, people, q, assignment, contribution)
    want = expected(action, role, confidentiality)
    if want == "ok":
        assert response.status_code in (200, 302), response.status_code
        assert effect, f"{role} should be able to {action}"
    elif want == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert not effect
    else:
        assert response.status_code == want, (response.status_code, want)
        assert not effect, f"{role} must not be able to {action}"
