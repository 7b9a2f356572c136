"""Every page of the site rendered as each role that sees it, for the markup checks: the
pages the browser journey visits (tests/browser/journey.py) and the rest of the site."""
import re

from sqlalchemy import select

from reachback.accounts.invitations import invite
from reachback.accounts.resets import request_reset
from reachback.accounts.services import create_user
from reachback.extensions import db
from reachback.notify.models import OutboundEmail
from reachback.queries import services as qs
from reachback.queries.models import Contribution
from reachback.sla.models import Calendar
from reachback.synthesis import feedback, lifecycle, reviews
from reachback.synthesis import services as ss
from reachback.synthesis.translations import save_translation
from tests.helpers import PASSWORD, totp_code

ANONYMOUS = ["/", "/login", "/password/forgot", "/kb", "/search?q=vetting", "/library"]
COMMUNITY = ["/members", "/profile/member", "/calendar", "/notices", "/groups"]
MEMBER = ["/", *COMMUNITY, "/queries/mine", "/queries/new", "/notifications", "/kb", "/search?q=vetting",
          "/library", "/profile", "/profile/security",
          "/profile/notifications", "/discussions", "/newsletters"]
STAFF = ["/", *COMMUNITY, "/triage", *(f"/triage?tab={tab}" for tab in ("clarification", "routed",
                                                       "synthesis", "open")),
         "/sla", "/library/new", "/invitations/new", "/discussions/new", "/newsletters/new", "/profile", "/profile/security",
         "/reports", *(f"/reports/{name}" for name in ("response-times", "experts", "use",
                                                      "search-gaps"))]
ADMIN = ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/sla", "/admin/outbox"]


def _link(kind: str) -> str:
    """The site path of the newest e-mail's link of this kind (an invitation, a reset)."""
    email = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id.desc())).first()
    return re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_.\-]+)", email.text_body).group(1)


def _queries(people, make_query):
    """One query in each status the pages show differently, and their objects' addresses."""
    member, expert, staff = people["member"], people["expert"], people["facilitator"]
    common = {"requester": member, "facilitator": staff, "experts": [expert],
              "confidentiality": "community"}
    asked = {s: make_query(status=s, **common) for s in ("submitted", "clarification",
                                                         "routed")}
    asked["published"] = make_query(status="published", visibility="public", **common)
    save_translation(staff, asked["published"].reference, "fr", "Titre", "En bref.", "Corps.")
    asked["routed"].language = "fr"  # pages mark its text with lang="fr"
    # A triage edit in the history (its sentence, and its reason for staff).
    qs.edit_query(staff, asked["submitted"], {"priority": "urgent", "country": "UG"},
                  reason="Asked for by the mission")
    drafted = make_query(status="synthesis", **common)
    ss.save_draft(staff, drafted, drafted.title, "A clearer summary.", "Body, revised.",
                  note="Second revision")
    qs.reply_to_clarification(member, make_query(status="clarification", **common), "Juba.")
    invited = make_query(status="routed", contribute=False, **common)
    # The lifecycle: a correction, a superseded response, a review, feedback and a rating.
    published = asked["published"]
    ss.save_draft(staff, published, published.title, "In short.", "Corrected body.")
    ss.publish_response(staff, published, change_note="A figure corrected")
    asked["superseded"] = make_query(status="published", **common)
    lifecycle.supersede(staff, asked["superseded"].reference, published.reference)
    reviews.request_review(staff, drafted, expert.email, note="Check the figures")
    feedback.give_feedback(member, published.response, False, "Old figures", True)
    feedback.rate(member, published, 4, "A briefing")
    db.session.commit()
    return asked, drafted, invited


def _contribution_of(query) -> int:
    return db.session.scalars(select(Contribution.id).filter_by(query_id=query.id)).first()


def _object_pages(people, make_query):
    asked, drafted, invited = _queries(people, make_query)
    queries = [*asked.values(), drafted, invited]
    member = [f"/queries/{q.reference}" for q in queries]
    published = asked["published"].reference
    member += [f"/kb/{published}/fr", f"/kb/{published}", f"/kb/{published}/corrections/2"]
    review = reviews.pending_reviews(people["expert"])[0]
    expert = [*member, "/assignments", f"/assignments/{invited.assignments[0].id}/decline",
              f"/contributions/{_contribution_of(drafted)}/edit",
              f"/review-requests/{review.id}", f"/queries/{published}/follow-up"]
    ref = drafted.reference
    staff = [*member, f"/queries/{asked['submitted'].reference}/route",
             f"/queries/{asked['submitted'].reference}/edit",
             f"/queries/{ref}/synthesis", f"/queries/{ref}/revisions",
             f"/queries/{ref}/revisions/compare?a=1&b=2",
             f"/queries/{asked['routed'].reference}/synthesis",
             f"/queries/{asked['published'].reference}/translation",
             f"/queries/{published}/synthesis", f"/review-requests/{review.id}", "/kb/flagged"]
    discussion, group = _discussion(people), _group(people)
    member[:0] = [discussion, group]
    staff += [discussion, group]
    calendar = db.session.scalars(select(Calendar)).first()
    admin = [f"/admin/users/{people['member'].id}", f"/admin/calendars/{calendar.id}"]
    # The requester's alone; first, as the last member page is rendered signed out too.
    withdraw = [f"/queries/{asked['routed'].reference}/withdraw"]
    return {"member": [*withdraw, *member], "expert": expert, "facilitator": staff,
            "admin": admin}


def _discussion(people) -> str:
    """An open discussion with a released question, a thread with a reply and a hidden
    post: its page."""
    from reachback.discussions import services as discussions
    from reachback.timebounds import today

    staff, member = people["facilitator"], people["member"]
    d = discussions.create_discussion(staff, {"title": "Policing", "starts_on": today(),
                                              "questions": ["What worked?"]})
    d.questions[0].released_at = d.created_at
    first = discussions.add_post(member, d, {"body": "Patrols"})
    discussions.add_post(staff, d, {"body": "Where?", "reply_to": first.id})
    discussions.hide_post(staff, discussions.add_post(member, d, {"body": "Spam"}), "Spam")
    db.session.commit()
    return f"/discussions/{d.id}"


def _group(people) -> str:
    """A closed group the member belongs to, with a discussion of its own: its page."""
    from reachback.discussions import services as discussions
    from reachback.groups import services as groups
    from reachback.timebounds import today

    group = groups.create_group(people["admin"], {"name": "WASH", "slug": "wash",
                                                  "open": False})
    groups.join_group(people["member"], group)
    groups.approve_member(people["admin"], group, people["member"].id)
    discussions.create_discussion(people["facilitator"], {"title": "Pumps", "group": "wash",
                                                          "starts_on": today()})
    db.session.commit()
    return "/groups/wash"


def _sign_in_pages(make_web, people) -> dict[str, str]:
    """The pages of signing in: the code step, the enrolment, an invitation and a reset."""
    pages = {}
    web = make_web()
    web.get("/login")
    web.post("/login", {"email": people["facilitator"].email, "password": PASSWORD})
    pages["/login/code"] = web.get("/login/code").get_data(as_text=True)
    web.post("/login/code", {"code": totp_code(people["facilitator"].totp_secret)})
    new = create_user(None, "enrol@example.org", "New Staff", roles=["facilitator"],
                      password=PASSWORD)
    db.session.commit()
    web = make_web()
    web.get("/login")
    web.post("/login", {"email": new.email, "password": PASSWORD})
    pages["/login/enrol"] = web.get("/login/enrol").get_data(as_text=True)
    invite(people["admin"], "invited@example.org", "Invited Person")
    db.session.commit()
    pages["invitation"] = make_web().get(_link("invitation")).get_data(as_text=True)
    request_reset(people["member"].email)
    db.session.commit()
    pages["reset"] = make_web().get(_link("password/reset")).get_data(as_text=True)
    return pages


def render_every_page(make_web, make_user, make_query) -> dict[str, str]:
    """{"role path": html} for every page, each as a role that may see it (200 only)."""
    people = {role: make_user(role) for role in ("member", "expert", "facilitator", "admin")}
    objects = _object_pages(people, make_query)
    lists = {"member": MEMBER + objects["member"], "expert": MEMBER + objects["expert"],
             "facilitator": STAFF + objects["facilitator"],
             "admin": STAFF + ADMIN + objects["admin"]}
    pages = {f"sign-in {path}": html for path, html in _sign_in_pages(make_web, people).items()}
    pages.update(_render(make_web(), "anonymous", ANONYMOUS + objects["member"][-1:]))
    for role, paths in lists.items():
        web = make_web()
        web.sign_in(people[role])
        pages.update(_render(web, role, paths))
    return pages


def _render(web, role: str, paths) -> dict[str, str]:
    pages = {}
    for path in paths:
        response = web.get(path)
        assert response.status_code == 200 and response.mimetype == "text/html", (
            role, path, response.status_code)
        pages[f"{role} {path}"] = response.get_data(as_text=True)
    return pages
