"""Who may do what through the API: every actor x query confidentiality x action, one cell each.

Each cell acts on a query built (through the services) in the state where the action is
allowed, so that only the permission decides the answer: 401 without a token, 404 when the
caller may not see the query, 403 when they may see it but not act, 2xx when they may. A cell
whose action succeeds builds its own; the refusals and reads of one action share one.
"""
import io
from dataclasses import dataclass, field

import pytest

from reachback import create_app
from reachback.accounts.services import create_token, create_user
from reachback.accounts.taxonomy import seed_taxonomy
from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from reachback.synthesis import lifecycle, reviews
from reachback.synthesis import services as ss
from reachback.synthesis.translations import save_translation
from tests.conftest import TEST_CONFIG, close_app
from tests.helpers import matrix_groups

ACTORS = ("requester", "member", "expert", "other_expert", "facilitator", "admin", "anonymous",
          "group_member", "other_group", "group_facilitator")

# action: (state the query is built in, restricted row, community row, group row); columns
# as ACTORS. "expert" is assigned to the query whenever the state has assignments (routed
# and later). The requester, "group_member" and "group_facilitator" (a group facilitator,
# not staff) belong to the group "wash"; "other_group" to another group. A group query is
# the requester's, in "wash", with the confidentiality (and the response the visibility)
# `group`: outside the group, its facilitator is no one special.
MATRIX = {
    "view": ("routed",
        "200 404 200 404 200 200 401 404 404 404",
        "200 200 200 200 200 200 401 200 200 200",
        "200 404 200 404 200 200 401 200 404 200"),
    "events": ("routed",
        "200 404 200 404 200 200 401 404 404 404",
        "200 200 200 200 200 200 401 200 200 200",
        "200 404 200 404 200 200 401 200 404 200"),
    "clarify": ("submitted",
        "403 404 404 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 404 404 200 200 401 403 404 200"),
    "reply": ("clarification",
        "200 404 404 404 403 403 401 404 404 404",
        "200 403 403 403 403 403 401 403 403 403",
        "200 404 404 404 403 403 401 403 404 403"),
    "suggest": ("routed",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "assign": ("routed",
        "403 404 403 404 201 201 401 404 404 404",
        "403 403 403 403 201 201 401 403 403 403",
        "403 404 403 404 201 201 401 403 404 201"),
    "accept": ("routed",
        "403 404 200 404 403 403 401 404 404 404",
        "403 403 200 403 403 403 401 403 403 403",
        "403 404 200 404 403 403 401 403 404 403"),
    "decline": ("routed",
        "403 404 200 404 403 403 401 404 404 404",
        "403 403 200 403 403 403 401 403 403 403",
        "403 404 200 404 403 403 401 403 404 403"),
    "contribute": ("routed",
        "403 404 201 404 403 403 401 404 404 404",
        "403 403 201 403 403 403 401 403 403 403",
        "403 404 201 404 403 403 401 403 404 403"),
    "draft": ("routed",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "publish": ("synthesis",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "close": ("routed",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "edit": ("routed",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "withdraw": ("routed",
        "200 404 403 404 200 200 401 404 404 404",
        "200 403 403 403 200 200 401 403 403 403",
        "200 404 403 404 200 200 401 403 404 200"),
    # The response is published with the query's confidentiality as its visibility.
    "read_response": ("published",
        "200 404 200 404 200 200 404 404 404 404",
        "200 200 200 200 200 200 404 200 200 200",
        "200 404 200 404 200 200 404 200 404 200"),
    "read_public": ("published",
        "200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200"),
    # A translation: added by facilitators, read by exactly the response's readers.
    "translate": ("published",
        "403 404 403 404 201 201 401 404 404 404",
        "403 403 403 403 201 201 401 403 403 403",
        "403 404 403 404 201 201 401 403 404 201"),
    "read_translation": ("translated",
        "200 404 200 404 200 200 404 404 404 404",
        "200 200 200 200 200 200 404 200 200 200",
        "200 404 200 404 200 200 404 200 404 200"),
    # The response's lifecycle (issue 18). A review is asked of "other_expert", who may then
    # see the query and alone answers it.
    "request_review": ("synthesis",
        "403 404 403 404 201 201 401 404 404 404",
        "403 403 403 403 201 201 401 403 403 403",
        "403 404 403 404 201 201 401 403 404 201"),
    "approve_review": ("in_review",
        "403 404 403 200 403 403 401 404 404 404",
        "403 403 403 200 403 403 401 403 403 403",
        "403 404 403 200 403 403 401 403 404 403"),
    "request_changes": ("in_review",
        "403 404 403 200 403 403 401 404 404 404",
        "403 403 403 200 403 403 401 403 403 403",
        "403 404 403 200 403 403 401 403 404 403"),
    "supersede": ("published",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    "retract": ("published",
        "403 404 403 404 200 200 401 404 404 404",
        "403 403 403 403 200 200 401 403 403 403",
        "403 404 403 404 200 200 401 403 404 200"),
    # Those who could read a retracted response learn why (410); others learn nothing.
    "read_retracted": ("retracted",
        "410 404 410 404 410 410 404 404 404 404",
        "410 410 410 410 410 410 404 410 410 410",
        "410 404 410 404 410 410 404 410 404 410"),
    "watch": ("routed",
        "200 404 200 404 200 200 401 404 404 404",
        "200 200 200 200 200 200 401 200 200 200",
        "200 404 200 404 200 200 401 200 404 200"),
    "rate": ("published",
        "201 404 403 404 403 403 401 404 404 404",
        "201 403 403 403 403 403 401 403 403 403",
        "201 404 403 404 403 403 401 403 404 403"),
    "feedback": ("published",
        "201 404 201 404 201 201 401 404 404 404",
        "201 201 201 201 201 201 401 201 201 201",
        "201 404 201 404 201 201 401 201 404 201"),
    "follow_up": ("published",
        "201 404 201 404 201 201 401 404 404 404",
        "201 201 201 201 201 201 401 201 201 201",
        "201 404 201 404 201 201 401 201 404 201"),
    # Annexes and "See also" links: facilitators (an annex is a file, sent as a form).
    "annex": ("synthesis",
        "403 404 403 404 201 201 401 404 404 404",
        "403 403 403 403 201 201 401 403 403 403",
        "403 404 403 404 201 201 401 403 404 201"),
    "link": ("published",
        "403 404 403 404 201 201 401 404 404 404",
        "403 403 403 403 201 201 401 403 403 403",
        "403 404 403 404 201 201 401 403 404 201"),
}


def _request(action: str, q, world) -> tuple[str, str, dict | None]:
    ref = q.reference
    invitation = next((a.id for a in q.assignments if a.expert_id == world.users["expert"].id),
                      0)
    return {
        "view": ("GET", f"/api/v1/queries/{ref}", None),
        "events": ("GET", f"/api/v1/queries/{ref}/events", None),
        "clarify": ("POST", f"/api/v1/queries/{ref}/clarification", {"message": "Where?"}),
        "reply": ("POST", f"/api/v1/queries/{ref}/replies", {"message": "In Wau."}),
        "suggest": ("GET", f"/api/v1/queries/{ref}/suggested-experts", None),
        "assign": ("POST", f"/api/v1/queries/{ref}/assignments",
                   {"expert": world.users["candidate"].email}),
        "accept": ("POST", f"/api/v1/assignments/{invitation}/accept", {}),
        "decline": ("POST", f"/api/v1/assignments/{invitation}/decline", {"reason": "Busy"}),
        "contribute": ("POST", f"/api/v1/queries/{ref}/contributions", {"body": "Advice."}),
        "draft": ("PUT", f"/api/v1/queries/{ref}/response",
                  {"title": "Answer", "summary": "Short", "body": "Long"}),
        "publish": ("POST", f"/api/v1/queries/{ref}/publish", {"visibility": "community"}),
        "close": ("POST", f"/api/v1/queries/{ref}/close", {"reason": "declined"}),
        "edit": ("PATCH", f"/api/v1/queries/{ref}", {"priority": "urgent"}),
        "withdraw": ("POST", f"/api/v1/queries/{ref}/close", {"reason": "withdrawn"}),
        "read_response": ("GET", f"/api/v1/responses/{ref}", None),
        "read_public": ("GET", f"/api/v1/responses/{ref}", None),
        "translate": ("PUT", f"/api/v1/responses/{ref}/translations/fr",
                      {"title": "Réponse", "body": "Long"}),
        "read_translation": ("GET", f"/api/v1/responses/{ref}/translations/fr", None),
        "request_review": ("POST", f"/api/v1/queries/{ref}/review-requests",
                           {"reviewer": world.users["candidate"].email}),
        "approve_review": ("POST", f"/api/v1/review-requests/{world.review_id}/approve", {}),
        "request_changes": ("POST", f"/api/v1/review-requests/{world.review_id}/changes",
                            {"note": "Add Liberia"}),
        "supersede": ("POST", f"/api/v1/responses/{ref}/supersede", {"by": world.newer}),
        "retract": ("POST", f"/api/v1/responses/{ref}/retract", {"reason": "Outdated"}),
        "read_retracted": ("GET", f"/api/v1/responses/{ref}", None),
        "watch": ("POST", f"/api/v1/queries/{ref}/watch", None),
        "rate": ("POST", f"/api/v1/queries/{ref}/rating", {"score": 5}),
        "feedback": ("POST", f"/api/v1/responses/{ref}/feedback", {"useful": True}),
        "annex": ("POST", f"/api/v1/queries/{ref}/response/annexes", None),
        "link": ("POST", f"/api/v1/responses/{ref}/links", {"ref": world.newer}),
        "follow_up": ("POST", f"/api/v1/queries/{ref}/follow-ups", {
            "title": "And now?", "question": "What next?", "country": "SS",
            "themes": ["police-reform-and-community-policing"]}),
    }[action]


@dataclass
class World:
    app: object
    users: dict
    tokens: dict
    review_id: int = 0
    newer: str = ""
    # (action, confidentiality) -> the query built for the cells that leave it as it was
    # (a refusal, or a read), with the review and newer response built beside it.
    shared: dict = field(default_factory=dict)

    def query_for(self, action: str, confidentiality: str, shared: bool):
        """The query a cell acts on. Refusals and reads change nothing (tests/security's
        access tests check that against a snapshot), so their cells share one query per
        action and confidentiality; a cell whose action succeeds builds its own."""
        key = (action, confidentiality)
        if not shared or key not in self.shared:
            state = MATRIX[action][0]
            visibility = "public" if action == "read_public" else confidentiality
            query = self.build(state, confidentiality, visibility)
            if not shared:
                return query
            self.shared[key] = (query.id, self.review_id, self.newer)
        query_id, self.review_id, self.newer = self.shared[key]
        return db.session.get(FieldQuery, query_id)

    def build(self, state: str, confidentiality: str, visibility: str):
        """A query of the requester in `state`; the expert is assigned from `routed` on."""
        u = self.users
        q = qs.submit_query(u["requester"], {
            "title": "Community policing in Wau", "question": "What worked?", "country": "SS",
            "themes": ["police-reform-and-community-policing"],
            "confidentiality": confidentiality,
            **({"group": "wash"} if confidentiality == "group" else {})})
        if state == "clarification":
            qs.ask_clarification(u["facilitator"], q, "Which districts?")
        if state in ("routed", "synthesis", "published", "translated", "in_review", "retracted"):
            qs.assign_expert(u["facilitator"], q, u["expert"])
        if state in ("synthesis", "published", "translated", "in_review", "retracted"):
            qs.add_contribution(u["expert"], q, "My advice.")
            ss.save_draft(u["facilitator"], q, "Answer", "Short", "Long")
        if state == "in_review":
            self.review_id = reviews.request_review(u["facilitator"], q,
                                                    u["other_expert"].email).id
        if state in ("published", "translated", "retracted"):
            ss.publish_response(u["facilitator"], q, visibility)
        if state == "published":  # a newer response to supersede it with
            # In a group, the newer one is the group's too (its facilitator runs both).
            in_group = {"group": "wash", "confidentiality": "group"} \
                if confidentiality == "group" else {}
            newer = qs.submit_query(u["requester"] if in_group else u["member"], {
                "title": "Community policing in Wau, again", "question": "And now?",
                "country": "SS", "themes": ["police-reform-and-community-policing"],
                **in_group})
            ss.save_draft(u["facilitator"], newer, "Newer", "Short", "Long")
            ss.publish_response(u["facilitator"], newer, "community")
            self.newer = newer.reference
        if state == "retracted":
            lifecycle.retract(u["facilitator"], q.reference, "Outdated")
        if state == "translated":
            save_translation(u["facilitator"], q.reference, "fr", "Réponse", "", "Long")
        db.session.commit()
        return q


class _Probe:
    """Stands for a query when only the action's method is wanted."""
    reference, assignments = "", ()


@pytest.fixture(scope="module")
def world(tmp_path_factory, make_database):
    """One app and one set of people for the whole table (each cell builds its own query),
    in a database of its own (other tests empty the worker's database meanwhile)."""
    folder = tmp_path_factory.mktemp("matrix")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REACHBACK_INSTANCE_PATH", str(folder / "instance"))
        app = create_app({**TEST_CONFIG, "DATABASE_URL": make_database("api_matrix")
                          or f"sqlite:///{folder / 'matrix.db'}"})
        with app.app_context():
            db.create_all()
            seed_taxonomy()
            roles = {"requester": ["member"], "member": ["member"], "expert": ["expert"],
                     "other_expert": ["expert"], "candidate": ["expert"],
                     "facilitator": ["facilitator"], "admin": ["admin"],
                     "group_member": ["member"], "other_group": ["member"],
                     "group_facilitator": ["member"]}
            users = {name: create_user(None, f"{name}@example.org", name.title(), roles=r)
                     for name, r in roles.items()}
            db.session.flush()
            matrix_groups(users)
            tokens = {name: create_token(user)[1] for name, user in users.items()}
            db.session.commit()
            yield World(app, users, tokens)
            db.session.remove()
            close_app(app)


CELLS = [
    pytest.param(action, confidentiality, actor, int(row.split()[i]),
                 id=f"{action}-{confidentiality}-{actor}")
    for action, (_state, restricted, community, group) in MATRIX.items()
    for confidentiality, row in (("restricted", restricted), ("community", community),
                                 ("group", group))
    for i, actor in enumerate(ACTORS)
]


@pytest.mark.parametrize("action, confidentiality, actor, expected", CELLS)
def test_permission_matrix(world, action, confidentiality, actor, expected):
    method = _request(action, _Probe(), world)[0]
    query = world.query_for(action, confidentiality, shared=method == "GET" or expected >= 400)
    method, url, body = _request(action, query, world)
    headers = {"Authorization": f"Bearer {world.tokens[actor]}"} if actor != "anonymous" else {}
    sent = ({"data": {"file": (io.BytesIO(b"Annex"), "annex.txt")}} if action == "annex"
            else {"json": body})
    response = world.app.test_client().open(url, method=method, headers=headers, **sent)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert set(response.get_json()) == {"error"}
    db.session.rollback()
