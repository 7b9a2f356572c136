"""The whole journey through the pages, as four people would walk it (CSRF on)."""
import re

from sqlalchemy import select

from reachback.extensions import db
from reachback.queries.models import FieldQuery


def test_a_query_travels_from_submission_to_the_knowledge_base(app, make_user, make_web):
    member, reader = make_user("member"), make_user("member")
    facilitator = make_user("facilitator")
    e1 = make_user("expert", themes=["vetting"], countries=["SS"])
    e2 = make_user("expert", themes=["police-reform-and-community-policing"])
    asker, staff, one, two, other = (make_web() for _ in range(5))
    for web, user in ((asker, member), (staff, facilitator), (one, e1), (two, e2),
                      (other, reader)):
        web.login(user)

    # Submit a community query, and a restricted one that must never reach another member.
    def ask(title, confidentiality):
        r = asker.post("/queries/new", {
            "title": title, "question": "How did other missions vet police recruits?",
            "context": "Ceasefire signed last month.", "purpose": "Vetting plan",
            "country": "SS", "themes": ["vetting"], "priority": "high",
            "confidentiality": confidentiality})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        return db.session.scalar(select(FieldQuery).where(FieldQuery.title == title))

    q = ask("Vetting police recruits after a ceasefire", "community")
    secret = ask("Vetting in a sensitive district", "restricted")
    ref = q.reference
    assert re.fullmatch(r"RB-\d{4}-\d{4,}", ref)

    # Clarification and reply.
    assert staff.post(f"/queries/{ref}/clarify", {"message": "Which districts?"}).status_code == 302
    assert "Which districts?" in asker.get(f"/queries/{ref}").get_data(as_text=True)
    asker.post(f"/queries/{ref}/reply", {"message": "Juba and Wau."})
    db.session.refresh(q)
    assert q.status == "submitted"

    # Route to two experts; both contribute.
    route_page = staff.get(f"/queries/{ref}/route").get_data(as_text=True)
    assert "Expertise: Vetting" in route_page
    staff.post(f"/queries/{ref}/route", {"experts": [str(e1.id), str(e2.id)]})
    db.session.refresh(q)
    assert q.status == "routed" and len(q.assignments) == 2
    for web, text in ((one, "Bosnia vetted 24 000 police."), (two, "Start with the commanders.")):
        a = next(a for a in q.assignments if a.expert_id == (e1 if web is one else e2).id)
        assert web.post(f"/assignments/{a.id}/accept").status_code == 302
        assert web.post(f"/queries/{ref}/contributions",
                        {"body": text, "action": "save"}).status_code == 302
    assert "Bosnia vetted" not in asker.get(f"/queries/{ref}").get_data(as_text=True)

    # Synthesise, revise, compare, publish.
    draft = staff.get(f"/queries/{ref}/synthesis").get_data(as_text=True)
    assert "## Synthesis of responses" in draft and e1.name in draft
    for body in ("First draft.", "Second draft, with Bosnia."):
        assert staff.post(f"/queries/{ref}/synthesis", {
            "title": "Vetting police after a ceasefire", "summary": "Vet in phases.",
            "body": body, "action": "save"}).status_code == 302
    diff = staff.get(f"/queries/{ref}/revisions/compare?a=1&b=2").get_data(as_text=True)
    assert "<ins>" in diff and "<del>" in diff
    assert staff.post(f"/queries/{ref}/publish", {"visibility": "community"}).status_code == 302
    db.session.refresh(q)
    assert q.status == "published"

    # The requester is notified and now sees the contributions.
    home = asker.get("/notifications").get_data(as_text=True)
    assert f"The response to {ref} is published" in home
    assert "Bosnia vetted" in asker.get(f"/queries/{ref}").get_data(as_text=True)

    # The restricted query gets a restricted response by desk research.
    sref = secret.reference
    staff.post(f"/queries/{sref}/synthesis", {"title": "Sensitive district vetting",
               "summary": "Confidential.", "body": "Details.", "action": "save"})
    staff.post(f"/queries/{sref}/publish", {"visibility": "restricted"})
    db.session.refresh(secret)
    assert secret.status == "published"
    assert f"/kb/{sref}" in asker.get("/kb").get_data(as_text=True)  # the requester reads it

    # Another member finds the community response, never the restricted one.
    assert other.get(f"/kb/{sref}").status_code == 404
    kb = other.get("/kb").get_data(as_text=True)
    assert f"/kb/{ref}" in kb and secret.reference not in kb
    assert "Vet in phases." in other.get(f"/kb/{ref}").get_data(as_text=True)
    assert other.get(f"/queries/{secret.reference}").status_code == 404
