"""The query pages through the browser's eyes: asking, triage, routing, answering, closing."""
import re

from sqlalchemy import func, select

from reachback.extensions import db
from reachback.queries.models import Assignment, Contribution, Event, FieldQuery, Message

POLICE = "police-reform-and-community-policing"
SSR = "security-sector-reform-and-governance"
PAYLOAD = "<script>alert(1)</script>[x](javascript:alert(1))<img src=x onerror=alert(1)>"


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(obj):
    db.session.refresh(obj)
    return obj


def query_form(**overrides) -> dict:
    data = {"title": "Vetting police recruits", "question": "How did others vet recruits?",
            "context": "We tried a questionnaire.", "purpose": "A vetting plan for the ministry.",
            "country": "SS", "themes": [POLICE], "priority": "high", "needed_by": "",
            "confidentiality": "restricted"}
    data.update(overrides)
    return data


def assignment_of(query, expert) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.query_id == query.id, Assignment.expert_id == expert.id))


# --- who sees what ---------------------------------------------------------------

def test_every_role_lands_on_the_start_page_that_links_its_own_lists(make_user, signed_in):
    for role, target in (("member", "/queries/mine"), ("expert", "/assignments"),
                         ("facilitator", "/triage")):
        response = signed_in(make_user(role)).get("/")
        assert response.status_code == 200
        assert f'href="{target}"' in text(response)


def test_each_list_page_renders_for_its_role(make_user, make_query, signed_in):
    member, expert, staff = make_user("member"), make_user("expert"), make_user("facilitator")
    q = make_query(requester=member, status="routed", experts=[expert], facilitator=staff)
    mine = signed_in(member).get("/queries/mine")
    assert mine.status_code == 200 and q.reference in text(mine)
    assert "Experts are preparing answers." in text(mine)
    assert signed_in(member).get("/queries/new").status_code == 200
    queue = signed_in(expert).get("/assignments")
    assert queue.status_code == 200 and q.reference in text(queue) and "Decline" in text(queue)
    facilitator = signed_in(staff)
    for tab in ("new", "clarification", "routed", "synthesis", "open"):
        page = facilitator.get(f"/triage?tab={tab}")
        assert page.status_code == 200
        assert (q.reference in text(page)) == (tab in ("routed", "open"))
    assert facilitator.get(f"/queries/{q.reference}").status_code == 200


def test_triage_inbox_lists_the_oldest_first_with_age_and_requester(
        make_user, make_query, signed_in, clock):
    staff = make_user("facilitator")
    old = make_query(title="The older question")
    clock.advance(__import__("datetime").timedelta(days=2))
    new = make_query(title="The newer question")
    clock.advance(__import__("datetime").timedelta(days=1))
    page = text(signed_in(staff).get("/triage"))
    assert page.index(old.reference) < page.index(new.reference)
    assert "3 days" in page and "1 day" in page
    assert old.requester.name in page and "South Sudan" in page


def test_triage_and_routing_are_refused_to_members_and_experts(
        make_user, make_query, signed_in):
    expert = make_user("expert")
    q = make_query(confidentiality="community")
    for user in (make_user("member"), expert):
        client = signed_in(user)
        assert client.get("/triage").status_code == 403
        assert client.get(f"/queries/{q.reference}/route").status_code == 403
        response = client.post(f"/queries/{q.reference}/route", {"experts": [expert.id]})
        assert response.status_code == 403
    assert count(Assignment) == 0


def test_restricted_query_is_not_found_for_another_member_but_community_one_is_shown(
        make_user, make_query, signed_in):
    restricted = make_query(confidentiality="restricted")
    community = make_query(confidentiality="community")
    other = signed_in(make_user("member"))
    assert other.get(f"/queries/{restricted.reference}").status_code == 404
    assert other.post(f"/queries/{restricted.reference}/reply",
                      {"message": "hi"}).status_code == 404
    shown = other.get(f"/queries/{community.reference}")
    assert shown.status_code == 200 and community.title in text(shown)
    assert "Withdraw my query" not in text(shown)
    assert signed_in(make_user("expert")).get(f"/queries/{restricted.reference}").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(make_query, client):
    q = make_query()
    for url in ("/queries/mine", "/queries/new", "/triage", "/assignments",
                f"/queries/{q.reference}", f"/queries/{q.reference}/route"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login?next=" in response.headers["Location"], url


# --- asking ------------------------------------------------------------------------

def test_submitting_the_form_creates_a_query_shown_in_my_queries(make_user, signed_in, clock):
    member = make_user("member")
    web = signed_in(member)
    form = web.get("/queries/new")
    assert 'name="themes"' in text(form) and "<legend>" in text(form)
    assert "Choose a country" in text(form)
    response = web.post("/queries/new", query_form(themes=[POLICE, SSR],
                                                   needed_by="2027-01-31"))
    assert response.status_code == 302
    q = db.session.scalar(select(FieldQuery))
    assert re.fullmatch(r"RB-\d{4}-\d{4,}", q.reference)
    assert response.headers["Location"].endswith(f"/queries/{q.reference}")
    assert (q.requester_id, q.country, q.priority, q.status) == (member.id, "SS", "high",
                                                                "submitted")
    assert {t.slug for t in q.themes} == {POLICE, SSR}
    assert q.needed_by.isoformat() == "2027-01-31" and q.purpose.startswith("A vetting plan")
    detail = text(web.get(response.headers["Location"]))
    assert f"Your query {q.reference} is submitted." in detail
    assert "How did others vet recruits?" in detail and "We tried a questionnaire." in detail
    mine = text(web.get("/queries/mine"))
    assert q.reference in mine and "Vetting police recruits" in mine


def test_an_invalid_submission_keeps_the_text_and_shows_each_error_beside_its_field(
        make_user, signed_in):
    web = signed_in(make_user("member"))
    four = [POLICE, SSR, "ceasefires", "vetting"]
    response = web.post("/queries/new", query_form(
        title="", question="My carefully typed question", themes=four, needed_by="2020-01-01"))
    page = text(response)
    assert response.status_code == 422
    assert count(FieldQuery) == 0
    assert re.search(r'id="title-error">.*This field is required', page)
    assert re.search(r'id="themes-error">.*between one and three themes', page)
    assert re.search(r'id="needed_by-error">.*in the past', page)
    assert "My carefully typed question</textarea>" in page
    assert 'value="2020-01-01"' in page
    assert len(re.findall(r'<input type="checkbox" name="themes" value="[^"]+" checked', page)) == 4
    assert len(re.findall(r'<option selected value="[^"]+"', page)) >= 1  # the country


# --- clarification, routing, answering ---------------------------------------------

def test_clarification_round_trip_through_the_pages(make_user, make_query, signed_in):
    member, staff = make_user("member"), make_user("facilitator")
    q = make_query(requester=member, facilitator=staff)
    facilitator, requester = signed_in(staff), signed_in(member)
    response = facilitator.post(f"/queries/{q.reference}/clarify",
                                {"message": "Which districts exactly?"})
    assert response.status_code == 302
    assert fresh(q).status == "clarification"
    page = text(requester.get(f"/queries/{q.reference}"))
    assert "Which districts exactly?" in page and "Send reply" in page
    assert "asked the requester for clarification" in page
    response = requester.post(f"/queries/{q.reference}/reply", {"message": "Juba and Wau."})
    assert response.status_code == 302
    assert fresh(q).status == "submitted"
    page = text(facilitator.get(f"/queries/{q.reference}"))
    assert "Juba and Wau." in page and "replied to the request for clarification" in page
    assert [m.purpose for m in db.session.scalars(select(Message))] == ["clarification", "reply"]


def test_an_empty_clarification_is_refused_with_a_message_and_changes_nothing(
        make_user, make_query, signed_in):
    staff = make_user("facilitator")
    q = make_query(facilitator=staff)
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/clarify", {"message": "  "})
    assert response.headers["Location"].endswith(f"/queries/{q.reference}")
    assert "Message: This field is required." in text(web.get(response.headers["Location"]))
    assert fresh(q).status == "submitted" and count(Message) == 0


def test_the_route_page_explains_suggestions_and_routes_to_two_experts(
        make_user, make_query, signed_in, clock):
    staff = make_user("facilitator")
    ana = make_user("expert", name="Ana Expert", themes=[POLICE], countries=["SS"],
                    organisation="Police Academy")
    ben = make_user("expert", name="Ben Expert", themes=[SSR])
    q = make_query(facilitator=staff)
    web = signed_in(staff)
    page = text(web.get(f"/queries/{q.reference}/route"))
    assert "Expertise: Police reform and community policing" in page
    assert "Knows South Sudan" in page and "Police Academy" in page
    assert page.index("Ana Expert") < page.index("Ben Expert")
    response = web.post(f"/queries/{q.reference}/route",
                        {"experts": [ana.id, ben.id], "due_at": "2027-03-01"})
    assert response.status_code == 302
    assert fresh(q).status == "routed"
    assert {a.expert_id: a.status for a in q.assignments} == {ana.id: "invited",
                                                             ben.id: "invited"}
    assert all(a.due_at is not None for a in q.assignments)
    detail = text(web.get(response.headers["Location"]))
    assert "Routed to 2 experts." in detail and "asked Ana Expert to answer" in detail
    # Already assigned experts are listed with a Withdraw button, no longer suggested.
    route_page = text(web.get(f"/queries/{q.reference}/route"))
    assert "Already assigned" in route_page
    assert f'name="experts" value="{ana.id}"' not in route_page


def test_routing_with_no_expert_chosen_or_a_bad_date_assigns_nobody(
        make_user, make_query, signed_in):
    staff, expert = make_user("facilitator"), make_user("expert")
    q = make_query(facilitator=staff)
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/route", {})
    assert response.status_code == 302
    assert "Choose at least one expert." in text(web.get(response.headers["Location"]))
    response = web.post(f"/queries/{q.reference}/route",
                        {"experts": [expert.id], "due_at": "next week"})
    assert response.status_code == 422 and "Use a date such as" in text(response)
    response = web.post(f"/queries/{q.reference}/route",
                        {"experts": [expert.id], "due_at": "2020-01-01"})
    assert response.status_code == 422 and "Must be in the future." in text(response)
    assert count(Assignment) == 0 and fresh(q).status == "submitted"


def test_the_facilitator_withdraws_an_assigned_expert(make_user, make_query, signed_in):
    staff, expert = make_user("facilitator"), make_user("expert")
    q = make_query(status="routed", experts=[expert], facilitator=staff)
    a = assignment_of(q, expert)
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/assignments/{a.id}/withdraw")
    assert response.headers["Location"].endswith(f"/queries/{q.reference}/route")
    assert fresh(a).status == "withdrawn"
    assert signed_in(expert).get(f"/queries/{q.reference}").status_code == 404


def test_an_expert_accepts_and_another_declines_with_a_reason_the_facilitator_sees(
        make_user, make_query, signed_in):
    staff = make_user("facilitator")
    ana, ben = make_user("expert"), make_user("expert")
    q = make_query(status="routed", experts=[ana, ben], facilitator=staff)
    a_ana, a_ben = assignment_of(q, ana), assignment_of(q, ben)
    ana_web, ben_web = signed_in(ana), signed_in(ben)
    assert "You are asked to answer this query" in text(ana_web.get(f"/queries/{q.reference}"))
    response = ana_web.post(f"/assignments/{a_ana.id}/accept")
    assert response.status_code == 302 and fresh(a_ana).status == "accepted"
    # Nobody declines for another expert.
    assert ana_web.post(f"/assignments/{a_ben.id}/decline",
                        {"reason": "Not me"}).status_code == 403
    assert ana_web.post(f"/assignments/{a_ben.id}/accept").status_code == 403
    # A reason is required; what was typed elsewhere is kept.
    response = ben_web.post(f"/assignments/{a_ben.id}/decline", {"reason": ""})
    assert response.status_code == 422 and 'id="reason-error"' in text(response)
    assert fresh(a_ben).status == "invited"
    assert ben_web.get(f"/assignments/{a_ben.id}/decline").status_code == 200
    response = ben_web.post(f"/assignments/{a_ben.id}/decline",
                            {"reason": "Away on mission until March."})
    assert response.headers["Location"].endswith("/assignments")
    assert fresh(a_ben).status == "declined"
    page = text(signed_in(staff).get(f"/queries/{q.reference}"))
    assert "Away on mission until March." in page and "Declined" in page and "Accepted" in page


def test_contribution_preview_saves_nothing_and_send_stores_it(
        make_user, make_query, signed_in):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    web = signed_in(expert)
    assert "Send contribution" in text(web.get(f"/queries/{q.reference}"))
    response = web.post(f"/queries/{q.reference}/contributions",
                        {"body": "Use **two-stage** vetting.", "action": "preview"})
    page = text(response)
    assert response.status_code == 200
    assert "<strong>two-stage</strong>" in page and "Use **two-stage** vetting.</textarea>" in page
    assert count(Contribution) == 0
    response = web.post(f"/queries/{q.reference}/contributions",
                        {"body": "", "action": "save"})
    assert response.status_code == 422 and 'id="contribution-body-error"' in text(response)
    response = web.post(f"/queries/{q.reference}/contributions",
                        {"body": "Use **two-stage** vetting.", "action": "save"})
    assert response.status_code == 302
    c = db.session.scalar(select(Contribution))
    assert c.body == "Use **two-stage** vetting." and c.author_id == expert.id
    assert assignment_of(q, expert).status == "answered"
    page = text(web.get(f"/queries/{q.reference}"))
    assert "<strong>two-stage</strong>" in page and "sent a contribution" in page


def test_a_contribution_is_edited_by_its_author_and_refused_to_another_expert(
        make_user, make_query, signed_in):
    ana, ben = make_user("expert"), make_user("expert")
    make_query(status="synthesis", experts=[ana, ben])
    c = db.session.scalar(select(Contribution).where(Contribution.author_id == ana.id))
    ana_web = signed_in(ana)
    page = text(ana_web.get(f"/contributions/{c.id}/edit"))
    assert f"Advice from {ana.name}." in page
    response = ana_web.post(f"/contributions/{c.id}/edit",
                            {"body": "Revised *advice*.", "action": "preview"})
    assert "<em>advice</em>" in text(response) and fresh(c).body == f"Advice from {ana.name}."
    response = ana_web.post(f"/contributions/{c.id}/edit",
                            {"body": "Revised *advice*.", "action": "save"})
    assert response.status_code == 302 and fresh(c).body == "Revised *advice*."
    ben_web = signed_in(ben)
    assert ben_web.get(f"/contributions/{c.id}/edit").status_code == 403
    assert ben_web.post(f"/contributions/{c.id}/edit",
                        {"body": "Hijacked", "action": "save"}).status_code == 403
    assert fresh(c).body == "Revised *advice*."
    # Invisible to a member who is not the requester: 404, not 403.
    assert signed_in(make_user("member")).get(f"/contributions/{c.id}/edit").status_code == 404


def test_an_internal_note_is_hidden_from_the_requester_and_shown_to_the_assigned_expert(
        make_user, make_query, signed_in):
    member, staff, expert = make_user("member"), make_user("facilitator"), make_user("expert")
    q = make_query(requester=member, status="routed", experts=[expert], facilitator=staff)
    response = signed_in(staff).post(f"/queries/{q.reference}/notes",
                                     {"body": "Requester is new in post: keep it short."})
    assert response.status_code == 302
    assert db.session.scalar(select(Message)).visibility == "internal"
    requester_page = text(signed_in(member).get(f"/queries/{q.reference}"))
    assert "keep it short" not in requester_page and "added an internal note" not in requester_page
    assert 'name="body"' not in requester_page
    expert_page = text(signed_in(expert).get(f"/queries/{q.reference}"))
    assert "keep it short" in expert_page and "Internal note" in expert_page
    # The requester may not add one either.
    assert signed_in(member).post(f"/queries/{q.reference}/notes",
                                  {"body": "sneaky"}).status_code == 403


def test_the_expert_queue_shows_finished_assignments_only_when_asked(
        make_user, make_query, signed_in):
    expert = make_user("expert")
    open_q = make_query(status="routed", experts=[expert], title="Still open for me")
    done_q = make_query(status="synthesis", experts=[expert], title="Already answered")
    web = signed_in(expert)
    page = text(web.get("/assignments"))
    assert open_q.reference in page and done_q.reference not in page
    page = text(web.get("/assignments?all=1"))
    assert open_q.reference in page and done_q.reference in page and "Answered" in page


def test_a_published_query_shows_the_response_and_contributions_to_its_requester(
        make_user, make_query, signed_in):
    member, expert = make_user("member"), make_user("expert", name="Ana Expert")
    q = make_query(requester=member, status="published", experts=[expert],
                   visibility="restricted")
    page = text(signed_in(member).get(f"/queries/{q.reference}"))
    assert "In short: vet carefully." in page and f'href="/kb/{q.reference}"' in page
    assert "Advice from Ana Expert." in page and "published the response" in page
    assert "Withdraw my query" not in page and "Send contribution" not in page
    # A member who may read the query (community) but not the restricted response.
    other = make_query(status="published", confidentiality="community",
                       visibility="restricted")
    page = text(signed_in(make_user("member")).get(f"/queries/{other.reference}"))
    assert "In short: vet carefully." not in page and "Advice from" not in page


# --- closing --------------------------------------------------------------------------

def test_closing_as_duplicate_links_both_queries(make_user, make_query, signed_in):
    staff = make_user("facilitator")
    original = make_query(title="The original question")
    dup = make_query(title="The same question again")
    web = signed_in(staff)
    response = web.post(f"/queries/{dup.reference}/close",
                        {"reason": "duplicate", "duplicate_of": original.reference.lower(),
                         "note": "Answered under the original."})
    assert response.status_code == 302
    assert fresh(dup).status == "closed" and dup.duplicate_of_id == original.id
    page = text(web.get(f"/queries/{dup.reference}"))
    assert f"closed the query as a duplicate of {original.reference}" in page
    assert f'href="/queries/{original.reference}"' in page
    page = text(web.get(f"/queries/{original.reference}"))
    assert f"closed {dup.reference} as a duplicate of this query" in page


def test_closing_as_duplicate_without_an_original_is_refused(make_user, make_query, signed_in):
    staff = make_user("facilitator")
    q = make_query(facilitator=staff)
    web = signed_in(staff)
    response = web.post(f"/queries/{q.reference}/close", {"reason": "duplicate"})
    assert "Duplicate of: Required for a duplicate." in text(
        web.get(response.headers["Location"]))
    assert fresh(q).status == "submitted"


def test_the_requester_withdraws_their_query(make_user, make_query, signed_in):
    member = make_user("member")
    q = make_query(requester=member)
    web = signed_in(member)
    page = text(web.get(f"/queries/{q.reference}"))
    assert "Withdraw my query" in page and f'href="/queries/{q.reference}/withdraw"' in page
    response = web.post(f"/queries/{q.reference}/withdraw")
    assert response.status_code == 302
    assert (fresh(q).status, q.close_reason) == ("closed", "withdrawn")
    page = text(web.get(f"/queries/{q.reference}"))
    assert "Withdraw my query" not in page and "closed the query as withdrawn" in page
    # Another member cannot withdraw a community query they only read.
    other = make_query(confidentiality="community")
    assert signed_in(make_user("member")).post(
        f"/queries/{other.reference}/withdraw").status_code == 403
    assert fresh(other).status == "submitted"


def test_a_transition_not_allowed_changes_nothing_and_says_why(
        make_user, make_query, signed_in):
    staff = make_user("facilitator")
    q = make_query(status="closed", facilitator=staff)
    web = signed_in(staff)
    events = count(Event)
    response = web.post(f"/queries/{q.reference}/clarify", {"message": "Still there?"},
                        headers={"Referer": f"http://localhost/queries/{q.reference}"})
    assert response.status_code == 302
    page = text(web.get(response.headers["Location"]))
    assert "This query is closed; it cannot move to" in page
    assert fresh(q).status == "closed" and count(Message) == 0 and count(Event) == events
    assert "Ask for clarification" not in page and "Close the query" not in page


# --- safety ---------------------------------------------------------------------------

def test_a_markdown_payload_in_question_and_contribution_renders_inert(
        make_user, signed_in):
    member, staff, expert = make_user("member"), make_user("facilitator"), make_user("expert")
    web = signed_in(member)
    web.post("/queries/new", query_form(question=PAYLOAD, context=PAYLOAD, purpose=PAYLOAD))
    q = db.session.scalar(select(FieldQuery))
    signed_in(staff).post(f"/queries/{q.reference}/route", {"experts": [expert.id]})
    expert_web = signed_in(expert)
    preview = text(expert_web.post(f"/queries/{q.reference}/contributions",
                                   {"body": PAYLOAD, "action": "preview"}))
    expert_web.post(f"/queries/{q.reference}/contributions", {"body": PAYLOAD, "action": "save"})
    # The preview's textarea keeps the typed text, escaped; the rest must be inert.
    preview = re.sub(r"<textarea[^>]*>.*?</textarea>", "", preview, flags=re.S)
    assert "&lt;script&gt;" not in preview  # rendered, not merely escaped
    for page in (preview, text(expert_web.get(f"/queries/{q.reference}")),
                 text(signed_in(staff).get(f"/queries/{q.reference}")),
                 text(web.get(f"/queries/{q.reference}"))):
        html = page.split('<main id="main"', 1)[1].lower()
        assert "<script" not in html and "onerror" not in html and "javascript:" not in html
        assert "<img" not in html


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(
        make_user, make_query, signed_in):
    member, staff = make_user("member"), make_user("facilitator")
    q = make_query(requester=member, facilitator=staff)
    response = signed_in(member).post("/queries/new", query_form(), csrf=False)
    assert response.status_code == 400
    response = signed_in(staff).post(f"/queries/{q.reference}/clarify",
                                     {"message": "Which?"}, csrf=False)
    assert response.status_code == 400
    assert count(FieldQuery) == 1 and fresh(q).status == "submitted" and count(Message) == 0
