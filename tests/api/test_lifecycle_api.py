"""The response lifecycle through the API: reviews, corrections, supersede and retract,
watching (issue 18)."""
from sqlalchemy import select

from reachback.extensions import db
from reachback.knowledge import search
from reachback.notify.models import Notification
from reachback.queries.models import Event, FieldQuery
from tests.api.conftest import error_code


def kinds_of(query) -> list[str]:
    return list(db.session.scalars(select(Event.kind).where(Event.query_id == query.id)
                                   .order_by(Event.id)))


def notices(user, kind) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def review(api, user, query, reviewer, note=None):
    body = {"reviewer": reviewer.email, **({"note": note} if note else {})}
    return api.post(f"/api/v1/queries/{query.reference}/review-requests", user, json=body)


# --- review before publishing -------------------------------------------------------------

def test_a_review_is_requested_and_approved(api, make_user, make_query):
    fac, reviewer = make_user("facilitator"), make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    asked = review(api, fac, query, reviewer, note="Check the figures")
    assert asked.status_code == 201
    body = asked.get_json()
    assert body["reviewer"] == {"email": reviewer.email, "name": reviewer.name}
    assert (body["revision"], body["status"]) == (1, "pending")
    assert notices(reviewer, "review_requested")
    answered = api.post(f"/api/v1/review-requests/{body['id']}/approve", reviewer,
                        json={"note": "Fine"})
    assert answered.status_code == 200 and answered.get_json()["status"] == "approved"
    again = api.post(f"/api/v1/review-requests/{body['id']}/changes", reviewer,
                     json={"note": "No"})
    assert again.status_code == 409
    assert {"review_requested", "review_approved"} <= set(kinds_of(query))


def test_an_expert_reviewer_may_read_the_draft_and_ask_for_changes(api, make_user, make_query):
    fac, expert, other = make_user("facilitator"), make_user("expert"), make_user("expert")
    query = make_query(status="synthesis", facilitator=fac)
    assert api.get(f"/api/v1/queries/{query.reference}", expert).status_code == 404
    body = review(api, fac, query, expert).get_json()
    assert api.get(f"/api/v1/queries/{query.reference}", expert).status_code == 200
    url = f"/api/v1/review-requests/{body['id']}/changes"
    assert api.post(url, other, json={"note": "x"}).status_code == 404
    assert api.post(url, fac, json={"note": "x"}).status_code == 403
    assert error_code(api.post(url, expert, json={})) == "invalid"
    changed = api.post(url, expert, json={"note": "Add Liberia"})
    assert changed.status_code == 200
    assert (changed.get_json()["status"], changed.get_json()["answer_note"]) == (
        "changes_requested", "Add Liberia")
    assert notices(fac, "review_answered")


def test_review_request_refusals(api, make_user, make_query):
    fac, member = make_user("facilitator"), make_user()
    query = make_query(status="synthesis", facilitator=fac, requester=member)
    assert review(api, member, query, fac).status_code == 403
    assert "reviewer" in review(api, fac, query, member).get_json()["error"]["fields"]
    assert "reviewer" in review(api, fac, query, fac).get_json()["error"]["fields"]
    routed = make_query(status="routed", facilitator=fac)
    assert review(api, fac, routed, make_user("facilitator")).status_code == 409
    stranger = make_user()
    assert review(api, stranger, query, fac).status_code == 404


def test_the_author_of_the_latest_revision_cannot_approve_it(api, make_user, make_query):
    fac, other = make_user("facilitator"), make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    api.put(f"/api/v1/queries/{query.reference}/response", other,
            json={"title": "T", "summary": "S", "body": "By the other."})
    body = review(api, fac, query, other).get_json()
    assert body["revision"] == 2
    refused = api.post(f"/api/v1/review-requests/{body['id']}/approve", other)
    assert refused.status_code == 403
    assert api.post(f"/api/v1/review-requests/{body['id']}/approve", fac).status_code == 403


def test_with_review_required_only_an_approval_of_the_latest_revision_publishes(
        app, api, make_user, make_query):
    app.config["REVIEW_REQUIRED"] = True
    fac, reviewer = make_user("facilitator"), make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    publish = f"/api/v1/queries/{query.reference}/publish"
    assert error_code(api.post(publish, fac)) == "conflict"
    first = review(api, fac, query, reviewer).get_json()
    api.post(f"/api/v1/review-requests/{first['id']}/approve", reviewer)
    api.put(f"/api/v1/queries/{query.reference}/response", fac,
            json={"title": "T", "summary": "S", "body": "Changed after the approval."})
    assert api.post(publish, fac).status_code == 409  # the approval was of revision 1
    second = review(api, fac, query, reviewer).get_json()
    assert api.post(f"/api/v1/review-requests/{second['id']}/approve", reviewer
                    ).status_code == 200
    assert api.post(publish, fac).status_code == 200


def test_without_review_required_a_draft_publishes_unreviewed(api, make_user, make_query):
    fac = make_user("facilitator")
    query = make_query(status="synthesis", facilitator=fac)
    assert api.post(f"/api/v1/queries/{query.reference}/publish", fac).status_code == 200


# --- corrections ---------------------------------------------------------------------------

def test_a_correction_is_drafted_then_published_with_its_note(api, make_user, make_query):
    fac, expert, watcher = make_user("facilitator"), make_user("expert"), make_user()
    query = make_query(status="published", facilitator=fac, experts=[expert],
                       confidentiality="community")
    ref = query.reference
    assert api.post(f"/api/v1/queries/{ref}/watch", watcher).status_code == 200
    draft = api.put(f"/api/v1/queries/{ref}/response", fac,
                    json={"title": "Vetting", "summary": "S", "body": "Corrected: 24 000."})
    assert draft.status_code == 200
    assert (draft.get_json()["status"], draft.get_json()["revision"]) == ("published", 2)
    # Readers still see the published text, and its revision.
    shown = api.get(f"/api/v1/responses/{ref}", watcher).get_json()
    assert (shown["body"], shown["revision"]) == ("Body text.", 1)
    assert db.session.get(FieldQuery, query.id).status == "published"

    missing = api.post(f"/api/v1/queries/{ref}/publish", fac)
    assert missing.status_code == 422 and "change_note" in missing.get_json()["error"]["fields"]
    published = api.post(f"/api/v1/queries/{ref}/publish", fac,
                         json={"change_note": "The figure was 24 000, not 2 400."})
    assert published.status_code == 200
    body = published.get_json()
    assert (body["status"], body["revision"], body["body"]) == ("published", 2,
                                                              "Corrected: 24 000.")
    assert [(c["revision"], c["note"]) for c in body["corrections"]] == [
        (2, "The figure was 24 000, not 2 400.")]
    assert body["corrections"][0]["at"]
    assert api.get(f"/api/v1/responses/{ref}", watcher).get_json()["revision"] == 2
    for user in (query.requester, expert, watcher):
        assert notices(user, "response_corrected"), user
    assert "response_corrected" in kinds_of(query)
    # Nothing new to publish.
    assert api.post(f"/api/v1/queries/{ref}/publish", fac,
                    json={"change_note": "again"}).status_code == 409


def test_a_correction_needs_an_approval_when_reviews_are_required(
        app, api, make_user, make_query):
    fac, reviewer = make_user("facilitator"), make_user("expert")
    query = make_query(status="published", facilitator=fac)
    app.config["REVIEW_REQUIRED"] = True
    api.put(f"/api/v1/queries/{query.reference}/response", fac,
            json={"title": "T", "summary": "S", "body": "Fixed."})
    url = f"/api/v1/queries/{query.reference}/publish"
    assert api.post(url, fac, json={"change_note": "Fixed"}).status_code == 409
    asked = review(api, fac, query, reviewer).get_json()
    api.post(f"/api/v1/review-requests/{asked['id']}/approve", reviewer)
    assert api.post(url, fac, json={"change_note": "Fixed"}).status_code == 200


# --- supersede and retract -----------------------------------------------------------------

def test_supersede_keeps_the_old_response_readable_and_names_the_newer(
        api, make_user, make_query):
    fac, member = make_user("facilitator"), make_user()
    old, new = make_query(status="published"), make_query(status="published")
    draft = make_query(status="synthesis")
    url = f"/api/v1/responses/{old.reference}/supersede"
    assert api.post(url, member, json={"by": new.reference}).status_code == 403
    assert api.post(url, fac, json={"by": draft.reference}).status_code == 409
    assert "by" in api.post(url, fac, json={"by": old.reference}).get_json()["error"]["fields"]
    assert "by" in api.post(url, fac, json={"by": "RB-1999-0001"}).get_json()["error"]["fields"]
    done = api.post(url, fac, json={"by": new.reference})
    assert done.status_code == 200
    assert (done.get_json()["status"], done.get_json()["superseded_by"]) == (
        "superseded", new.reference)
    assert api.get(f"/api/v1/responses/{old.reference}", member).status_code == 200
    assert "superseded" in kinds_of(old) and "supersedes" in kinds_of(new)
    assert api.post(url, fac, json={"by": new.reference}).status_code == 409


def test_retract_answers_410_to_its_readers_and_404_to_others(api, make_user, make_query):
    fac, requester, stranger = make_user("facilitator"), make_user(), make_user()
    query = make_query(status="published", requester=requester, visibility="restricted")
    url = f"/api/v1/responses/{query.reference}/retract"
    assert api.post(url, requester, json={"reason": "Wrong"}).status_code == 403
    assert api.post(url, stranger, json={"reason": "Wrong"}).status_code == 404
    assert "reason" in api.post(url, fac, json={"reason": " "}).get_json()["error"]["fields"]
    done = api.post(url, fac, json={"reason": "The law changed in 2026."})
    assert done.status_code == 200 and done.get_json()["status"] == "retracted"
    gone = api.get(f"/api/v1/responses/{query.reference}", requester)
    assert gone.status_code == 410 and error_code(gone) == "retracted"
    assert "The law changed in 2026." in gone.get_json()["error"]["message"]
    assert api.get(f"/api/v1/responses/{query.reference}", stranger).status_code == 404
    assert api.get(f"/api/v1/responses/{query.reference}").status_code == 404
    assert api.post(url, fac, json={"reason": "again"}).status_code == 409
    assert "retracted" in kinds_of(query)


def test_a_retracted_response_leaves_search_at_once(api, make_user, make_query):
    member = make_user()
    query = make_query(status="published", title="Demobilising militias in the north")
    search.apply_outbox()
    assert [i.ref for i in search.search(member, "militias").items] == [query.reference]
    api.post(f"/api/v1/responses/{query.reference}/retract", make_user("facilitator"),
             json={"reason": "Outdated"})
    assert search.search(member, "militias").items == []  # before the outbox runs
    search.apply_outbox()
    assert search.search(member, "militias").items == []


def test_search_marks_a_superseded_response_and_shows_the_newer_first(
        api, make_web, make_user, make_query):
    member = make_user()
    old = make_query(status="published", title="Vetting police recruits in Liberia")
    new = make_query(status="published", title="Vetting police recruits: Liberia in 2026")
    api.post(f"/api/v1/responses/{old.reference}/supersede", make_user("facilitator"),
             json={"by": new.reference})
    search.apply_outbox()
    items = search.search(member, "vetting police recruits Liberia").items
    assert [i.ref for i in items] == [new.reference, old.reference]
    assert [i.superseded_by for i in items] == [None, new.reference]
    found = api.get("/api/v1/search?q=vetting+police+recruits+Liberia", member).get_json()
    assert [i["ref"] for i in found["items"]] == [new.reference, old.reference]
    page = make_web()
    page.sign_in(member)
    html = page.get("/search?q=vetting+police+recruits+Liberia").get_data(as_text=True)
    assert f"Superseded by {new.reference}" in html


# --- watching ------------------------------------------------------------------------------

def test_watch_and_unwatch(api, make_user, make_query):
    member, stranger = make_user(), make_user()
    query = make_query(status="synthesis", confidentiality="community")
    hidden = make_query(status="synthesis")
    url = f"/api/v1/queries/{query.reference}/watch"
    assert api.post(url, member).get_json() == {"query": query.reference, "watching": True}
    assert api.call("DELETE", url, member).get_json()["watching"] is False
    api.post(url, member)
    assert api.post(f"/api/v1/queries/{hidden.reference}/watch", stranger).status_code == 404
    api.post(f"/api/v1/queries/{query.reference}/publish", make_user("facilitator"))
    assert notices(member, "response_published")


# --- ratings, feedback, follow-ups -----------------------------------------------------------

def test_the_requester_rates_once_published_and_again_replaces(api, make_user, make_query):
    requester, member = make_user(), make_user()
    query = make_query(status="synthesis", requester=requester, confidentiality="community")
    url = f"/api/v1/queries/{query.reference}/rating"
    assert api.post(url, requester, json={"score": 4}).status_code == 409
    api.post(f"/api/v1/queries/{query.reference}/publish", make_user("facilitator"))
    assert api.post(url, member, json={"score": 4}).status_code == 403
    assert "score" in api.post(url, requester, json={"score": 6}).get_json()["error"]["fields"]
    assert "score" in api.post(url, requester, json={"score": True}).get_json()["error"][
        "fields"]
    first = api.post(url, requester, json={"score": 4, "used_for": "A briefing"})
    assert first.status_code == 201
    assert (first.get_json()["score"], first.get_json()["used_for"]) == (4, "A briefing")
    again = api.post(url, requester, json={"score": 2})
    assert again.status_code == 200 and again.get_json()["score"] == 2
    assert kinds_of(query).count("rated") == 2
    hidden = make_query(status="published")
    assert api.post(f"/api/v1/queries/{hidden.reference}/rating", member,
                    json={"score": 3}).status_code == 404


def test_requesters_who_have_not_rated_are_reminded_once_after_14_days(
        app, clock, make_user, make_query):
    from datetime import timedelta

    from reachback.synthesis import feedback

    rated_by, silent = make_user(), make_user()
    rated = make_query(status="published", requester=rated_by)
    quiet = make_query(status="published", requester=silent)
    feedback.rate(rated_by, rated, 5)
    db.session.commit()
    clock.advance(timedelta(days=13))
    assert feedback.remind_to_rate() == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert feedback.remind_to_rate() == 1
    assert notices(silent, "rating_reminder") and not notices(rated_by, "rating_reminder")
    assert feedback.remind_to_rate() == 0  # once
    assert "rating_reminder_sent" in kinds_of(quiet)


def test_readers_give_feedback_and_flag_outdated(api, make_user, make_query):
    fac, reader, stranger = make_user("facilitator"), make_user(), make_user()
    query = make_query(status="published", visibility="community")
    hidden = make_query(status="published", visibility="restricted")
    url = f"/api/v1/responses/{query.reference}/feedback"
    assert api.post(url, json={"useful": True}).status_code == 401
    assert "useful" in api.post(url, reader, json={"useful": "yes"}).get_json()["error"][
        "fields"]
    first = api.post(url, reader, json={"useful": False, "comment": "Old law",
                                        "outdated": True})
    assert first.status_code == 201
    assert (first.get_json()["useful_count"], first.get_json()["feedback_count"]) == (0, 1)
    again = api.post(url, reader, json={"useful": True})
    assert again.status_code == 200 and again.get_json()["useful_count"] == 1
    api.post(url, stranger, json={"useful": True, "outdated": True})
    assert api.post(f"/api/v1/responses/{hidden.reference}/feedback", stranger,
                    json={"useful": True}).status_code == 404
    from reachback.synthesis import feedback

    assert [(r.query.reference, n) for r, n in feedback.flagged_responses(fac)] == [
        (query.reference, 1)]


def test_a_follow_up_names_its_original(api, make_user, make_query):
    requester, reader, stranger = make_user(), make_user(), make_user()
    published = make_query(status="published", requester=requester, visibility="community")
    restricted = make_query(status="published", visibility="restricted")
    closed = make_query(status="closed", requester=requester)
    routed = make_query(status="routed", requester=requester)
    body = {"title": "And in the south?", "question": "Did it work there too?",
            "country": "SS", "themes": ["police-reform-and-community-policing"]}
    asked = api.post(f"/api/v1/queries/{published.reference}/follow-ups", reader, json=body)
    assert asked.status_code == 201
    assert asked.get_json()["follows"] == published.reference
    new_ref = asked.get_json()["ref"]
    assert api.get(f"/api/v1/queries/{new_ref}", reader).get_json()["follows"] == \
        published.reference
    assert "follow_up_asked" in kinds_of(published)
    assert api.post(f"/api/v1/queries/{closed.reference}/follow-ups", requester,
                    json=body).status_code == 201
    assert api.post(f"/api/v1/queries/{routed.reference}/follow-ups", requester,
                    json=body).status_code == 409
    assert api.post(f"/api/v1/queries/{restricted.reference}/follow-ups", stranger,
                    json=body).status_code == 404
    assert api.post(f"/api/v1/queries/{closed.reference}/follow-ups", make_user("expert"),
                    json=body).status_code == 404
    assert "title" in api.post(f"/api/v1/queries/{published.reference}/follow-ups", reader,
                               json={**body, "title": ""}).get_json()["error"]["fields"]


def test_the_whole_lifecycle_end_to_end(app, api, make_user, make_query):
    """Publish with review required and approved, correct with a change note, a reader
    flags it outdated, a newer response supersedes it, the requester rated it and asked a
    follow-up."""
    fac, reviewer = make_user("facilitator"), make_user("facilitator")
    newer = make_query(status="published", facilitator=fac)
    app.config["REVIEW_REQUIRED"] = True
    requester, reader = make_user(), make_user()
    query = make_query(status="synthesis", requester=requester, facilitator=fac)
    ref = query.reference
    publish = f"/api/v1/queries/{ref}/publish"

    assert api.post(publish, fac, json={"visibility": "community"}).status_code == 409
    asked = review(api, fac, query, reviewer).get_json()
    assert api.post(f"/api/v1/review-requests/{asked['id']}/approve", reviewer
                    ).status_code == 200
    assert api.post(publish, fac, json={"visibility": "community"}).status_code == 200

    api.put(f"/api/v1/queries/{ref}/response", fac,
            json={"title": "Vetting", "summary": "S", "body": "Corrected figures."})
    again = review(api, fac, query, reviewer).get_json()
    api.post(f"/api/v1/review-requests/{again['id']}/approve", reviewer)
    assert api.post(publish, fac).status_code == 422
    corrected = api.post(publish, fac, json={"change_note": "Figures corrected"})
    assert corrected.status_code == 200
    assert [c["note"] for c in corrected.get_json()["corrections"]] == ["Figures corrected"]

    flagged = api.post(f"/api/v1/responses/{ref}/feedback", reader,
                       json={"useful": False, "outdated": True, "comment": "2024 law"})
    assert flagged.status_code == 201

    assert api.post(f"/api/v1/queries/{ref}/rating", requester,
                    json={"score": 4, "used_for": "A briefing"}).status_code == 201
    follow = api.post(f"/api/v1/queries/{ref}/follow-ups", requester, json={
        "title": "And after the 2024 law?", "question": "What changed?", "country": "SS",
        "themes": ["police-reform-and-community-policing"]})
    assert follow.status_code == 201 and follow.get_json()["follows"] == ref

    superseded = api.post(f"/api/v1/responses/{ref}/supersede", fac,
                          json={"by": newer.reference})
    assert superseded.status_code == 200
    body = superseded.get_json()
    assert (body["status"], body["superseded_by"], body["revision"]) == (
        "superseded", newer.reference, 2)
    assert api.get(f"/api/v1/responses/{ref}", reader).status_code == 200

    kinds = kinds_of(query)
    for kind in ("review_requested", "review_approved", "published", "correction_drafted",
                 "response_corrected", "feedback_given", "rated", "follow_up_asked",
                 "superseded"):
        assert kind in kinds, kind
