"""API v1 handlers: parse, call the same service the pages use, commit once, serialise (the
models of api/schemas.py do the parsing and the serialising)."""
from flask import jsonify, request, url_for
from sqlalchemy import select

from .. import permissions as perm
from ..accounts.models import Theme, find_user_by_email
from ..accounts.services import set_language
from ..discussions import services as discussions
from ..extensions import db
from ..groups import services as groups
from ..knowledge import services as kb
from ..members import services as members
from ..notify import subscriptions
from ..queries import lists
from ..queries import services as qs
from ..routing.services import suggest_experts
from ..synthesis import annexes, feedback, lifecycle, reviews, translations
from ..synthesis import services as ss
from . import bp
from . import schemas as s
from .auth import current_api_user
from .schemas import request_body


def _created(payload: dict, location: str):
    response = jsonify(payload)
    response.headers["Location"] = location
    return response, 201


def _given(payload: dict, created: bool, location: str):
    """201 with a Location for what the caller gave the first time, 200 when it replaced
    what they had given."""
    return _created(payload, location) if created else jsonify(payload)


def _query_out(query):
    return jsonify(s.Query.dump(query, user=current_api_user()))


def _query_request(ref, required=True):
    """The acting user, the query `ref` they may see (404 otherwise) and the request body."""
    user, body = current_api_user(), request_body(required=required)
    return user, qs.get_query(user, ref), body


def _message_action(ref, act):
    """Hand the body's message to `act(user, query, message)`, commit, return the query."""
    user, query, body = _query_request(ref)
    act(user, query, s.MessageInput.parse(body).message)
    db.session.commit()
    return _query_out(query)


# --- who and what -------------------------------------------------------------------

@bp.get("/me")
def me():
    return jsonify(s.Me.dump(current_api_user()))


@bp.patch("/me")
def update_me():
    user, data = current_api_user(), s.MeInput.parse(request_body())
    if data.language is not None:
        set_language(user, data.language)
    members.update_member_profile(user, user, **data.profile())
    db.session.commit()
    return jsonify(s.Me.dump(user))


@bp.get("/me/subscriptions")
def my_subscriptions():
    return jsonify(s.Subscriptions.dump(subscriptions.get_subscription(current_api_user())))


@bp.put("/me/subscriptions")
def set_my_subscriptions():
    user, data = current_api_user(), s.SubscriptionsInput.parse(request_body())
    saved = subscriptions.set_subscription(user, user, data.themes, data.countries,
                                           data.frequency)
    db.session.commit()
    return jsonify(s.Subscriptions.dump(saved))


@bp.get("/members")
def member_list():
    user, args = current_api_user(), s.MemberListArgs.parse(request.args)
    pager = members.list_members(user, q=args.q, theme=args.theme, country=args.country,
                                 language=args.language, organisation=args.organisation,
                                 status=args.status, page=args.page)
    return jsonify(s.MemberPage.dump(pager, user=user))


@bp.get("/members/<int:member_id>")
def member(member_id):
    user = current_api_user()
    return jsonify(s.Member.dump(members.get_member(user, member_id), user=user))


@bp.get("/themes")
def themes():
    rows = db.session.scalars(select(Theme).order_by(Theme.code))
    return jsonify(s.ThemeList.dump(rows))


# --- queries ----------------------------------------------------------------------

@bp.post("/queries")
def submit_query():
    user, data = current_api_user(), s.QueryInput.parse(request_body())
    query = qs.submit_query(user, data.model_dump(), channel="api")
    db.session.commit()
    return _created(s.Query.dump(query, user=user), url_for("api.query", ref=query.reference))


@bp.get("/queries")
def query_list():
    user, args = current_api_user(), s.QueryListArgs.parse(request.args)
    pager = lists.query_list(user, status=args.status, theme=args.theme, country=args.country,
                             mine=args.mine, page=args.page, per_page=args.per_page)
    return jsonify(s.QueryPage.dump(
        pager, user=user, contributions=lists.contributions_by_query(user, pager.items)))


@bp.get("/queries/<ref>")
def query(ref):
    return _query_out(qs.get_query(current_api_user(), ref))


@bp.patch("/queries/<ref>")
def edit_query(ref):
    user, query, body = _query_request(ref)
    data = s.QueryEdit.parse(body)
    qs.edit_query(user, query, data.changes(), reason=data.reason)
    db.session.commit()
    return _query_out(query)


@bp.post("/queries/<ref>/clarification")
def ask_clarification(ref):
    return _message_action(ref, qs.ask_clarification)


@bp.post("/queries/<ref>/replies")
def reply(ref):
    return _message_action(ref, qs.reply_to_clarification)


@bp.get("/queries/<ref>/suggested-experts")
def suggested_experts(ref):
    user = current_api_user()
    suggestions = suggest_experts(user, qs.get_query(user, ref))
    return jsonify(s.SuggestionList.dump(suggestions))


@bp.post("/queries/<ref>/assignments")
def assign_expert(ref):
    user, query, body = _query_request(ref)
    data = s.AssignmentInput.parse(body)
    expert = find_user_by_email(data.expert) if data.expert.strip() else None
    assignment = qs.assign_expert(user, query, expert, due_at=data.due_at, message=data.message)
    db.session.commit()
    return _created(s.Assignment.dump(assignment), url_for("api.query", ref=query.reference))


@bp.post("/assignments/<int:assignment_id>/accept")
def accept_assignment(assignment_id):
    user, _body = current_api_user(), request_body(required=False)
    assignment = qs.get_assignment(user, assignment_id)
    qs.accept_assignment(user, assignment)
    db.session.commit()
    return jsonify(s.Assignment.dump(assignment))


@bp.post("/assignments/<int:assignment_id>/decline")
def decline_assignment(assignment_id):
    user, body = current_api_user(), request_body()
    assignment = qs.get_assignment(user, assignment_id)
    qs.decline_assignment(user, assignment, s.DeclineInput.parse(body).reason)
    db.session.commit()
    return jsonify(s.Assignment.dump(assignment))


@bp.post("/queries/<ref>/contributions")
def add_contribution(ref):
    user, query, body = _query_request(ref)
    data = s.ContributionInput.parse(body)
    contribution = qs.add_contribution(user, query, data.body, data.language)
    db.session.commit()
    return _created(s.Contribution.dump(contribution),
                    url_for("api.query", ref=query.reference))


@bp.post("/queries/<ref>/close")
def close_query(ref):
    user, query, body = _query_request(ref)
    data = s.CloseInput.parse(body)
    qs.close_query(user, query, data.reason, duplicate_of=data.duplicate_of, note=data.note)
    db.session.commit()
    return _query_out(query)


@bp.get("/queries/<ref>/events")
def events(ref):
    user = current_api_user()
    timeline = lists.timeline(user, qs.get_query(user, ref))
    return jsonify(s.EventList.dump(timeline))


# --- the consolidated response -------------------------------------------------------------

@bp.put("/queries/<ref>/response")
def save_response(ref):
    user, query, body = _query_request(ref)
    data = s.ResponseInput.parse(body)
    response = ss.save_draft(user, query, data.title, data.summary, data.body, note=data.note,
                             language=data.language)
    db.session.commit()
    return jsonify(s.Response.dump(response, user=user))


@bp.post("/queries/<ref>/publish")
def publish(ref):
    user, query, body = _query_request(ref, required=False)
    # Without a choice, the page's default (the query's readers): one rule, in the service.
    data = s.PublishInput.parse(body)
    response = ss.publish_response(user, query, data.visibility, change_note=data.change_note)
    db.session.commit()
    return jsonify(s.Response.dump(response, user=user))


@bp.get("/responses/<ref>")
def response(ref):
    user = current_api_user()
    return jsonify(s.Response.dump(kb.get_published_response(user, ref), user=user))


@bp.post("/queries/<ref>/response/annexes")
def add_annex(ref):
    """multipart/form-data with the file in `file` (as the pages send uploads)."""
    user = current_api_user()
    query = qs.get_query(user, ref)
    annex = annexes.add_annex(user, query, request.files.get(annexes.FIELD))
    db.session.commit()
    return _created(s.Annex.dump(annex), url_for("api.response", ref=query.reference))


@bp.delete("/queries/<ref>/response/annexes/<int:annex_id>")
def remove_annex(ref, annex_id):
    user = current_api_user()
    query = qs.get_query(user, ref)
    annexes.remove_annex(user, query, annex_id)
    db.session.commit()
    return jsonify(s.Response.dump(query.response, user=user))


# --- the response's lifecycle ------------------------------------------------------------

@bp.post("/queries/<ref>/review-requests")
def request_review(ref):
    user, query, body = _query_request(ref)
    data = s.ReviewRequestInput.parse(body)
    review = reviews.request_review(user, query, data.reviewer, data.note)
    db.session.commit()
    return _created(s.ReviewRequest.dump(review), url_for("api.query", ref=query.reference))


def _answer_review(review_id, approve):
    user, body = current_api_user(), request_body(required=approve is False)
    review = reviews.get_review(user, review_id)
    note = (s.ReviewAnswerInput if approve else s.ChangesInput).parse(body).note
    reviews.answer_review(user, review, approve, note)
    db.session.commit()
    return jsonify(s.ReviewRequest.dump(review))


@bp.post("/review-requests/<int:review_id>/approve")
def approve_review(review_id):
    return _answer_review(review_id, True)


@bp.post("/review-requests/<int:review_id>/changes")
def request_changes(review_id):
    return _answer_review(review_id, False)


@bp.post("/responses/<ref>/supersede")
def supersede(ref):
    return _change_status(ref, lambda user, body: lifecycle.supersede(
        user, ref, s.SupersedeInput.parse(body).by))


@bp.post("/responses/<ref>/retract")
def retract(ref):
    return _change_status(ref, lambda user, body: lifecycle.retract(
        user, ref, s.RetractInput.parse(body).reason))


def _change_status(ref, act):
    """Supersede or retract: `act(user, body)` changes the response, which is answered."""
    user = current_api_user()
    response = act(user, request_body())
    db.session.commit()
    return jsonify(s.Response.dump(response, user=user))


@bp.post("/responses/<ref>/links")
def add_link(ref):
    user, body = current_api_user(), request_body()
    data = s.LinkInput.parse(body)
    link, created = lifecycle.link_response(user, ref, data.ref, field="ref")
    db.session.commit()
    return _given(s.Response.dump(link.response, user=user), created,
                  url_for("api.response", ref=link.response.query.reference))


@bp.delete("/responses/<ref>/links/<other>")
def remove_link(ref, other):
    user = current_api_user()
    response = lifecycle.unlink_response(user, ref, other)
    db.session.commit()
    return jsonify(s.Response.dump(response, user=user))


@bp.route("/queries/<ref>/watch", methods=["POST", "DELETE"])
def watch(ref):
    """POST: watch the query; DELETE: stop watching it."""
    return _watch(ref, request.method == "POST")


@bp.post("/queries/<ref>/rating")
def rate(ref):
    user, query, body = _query_request(ref)
    data = s.RatingInput.parse(body)
    rating, created = feedback.rate(user, query, data.score, data.used_for)
    db.session.commit()
    return _given(s.Rating.dump(rating), created, url_for("api.query", ref=query.reference))


@bp.post("/responses/<ref>/feedback")
def give_feedback(ref):
    user, body = current_api_user(), request_body()
    response = kb.get_published_response(user, ref)
    data = s.FeedbackInput.parse(body)
    item, created = feedback.give_feedback(user, response, data.useful, data.comment,
                                           data.outdated)
    db.session.commit()
    ref = response.query.reference
    return _given(s.Feedback.dump(item, ref=ref, counts=feedback.feedback_counts(response)),
                  created, url_for("api.response", ref=ref))


@bp.post("/queries/<ref>/follow-ups")
def ask_follow_up(ref):
    user, data = current_api_user(), s.QueryInput.parse(request_body())
    query = feedback.ask_follow_up(user, ref, data.model_dump())
    db.session.commit()
    return _created(s.Query.dump(query, user=user), url_for("api.query", ref=query.reference))


def _watch(ref, on):
    user = current_api_user()
    query = qs.get_query(user, ref)
    watching = lifecycle.watch(user, query, on)
    db.session.commit()
    return jsonify(s.Watching.dump({"query": query.reference, "watching": watching}))


@bp.put("/responses/<ref>/translations/<language>")
def save_translation(ref, language):
    user, body = current_api_user(), request_body()
    data = s.TranslationInput.parse(body)
    translation, created = translations.save_translation(user, ref, language, data.title,
                                                         data.summary, data.body)
    db.session.commit()
    answer = s.Response.dump(translation.response, user=user)
    if created:
        return _created(answer, s.translation_url(answer["ref"], language))
    return jsonify(answer)


@bp.get("/responses/<ref>/translations/<language>")
def response_translation(ref, language):
    return jsonify(s.Translation.dump(
        translations.get_translation(current_api_user(), ref, language)))


# --- sub-groups ----------------------------------------------------------------------------

@bp.get("/groups")
def group_list():
    user = current_api_user()
    return jsonify(s.GroupList.dump(groups.list_groups(user), user=user))


@bp.post("/groups")
def create_group():
    user, data = current_api_user(), s.GroupInput.parse(request_body())
    group = groups.create_group(user, {k: v for k, v in data.model_dump().items()
                                       if v is not None})
    db.session.commit()
    groups.with_member_figures(user, [group])
    return _created(s.Group.dump(group, user=user), url_for("api.group_list"))


@bp.post("/groups/<slug>/join")
def join_group(slug):
    user = current_api_user()  # no body: joining says everything
    membership = groups.join_group(user, groups.get_group(user, slug))
    db.session.commit()
    if membership.active:
        return _created(s.GroupMember.dump(membership), url_for("api.group_list"))
    return jsonify(s.GroupMember.dump(membership)), 202


@bp.post("/groups/<slug>/members/<int:user_id>/approve")
def approve_member(slug, user_id):
    user = current_api_user()
    membership = groups.approve_member(user, groups.get_group(user, slug), user_id)
    db.session.commit()
    return jsonify(s.GroupMember.dump(membership))


@bp.delete("/groups/<slug>/members/<int:user_id>")
def remove_member(slug, user_id):
    user = current_api_user()
    ended = s.GroupMember.dump(groups.remove_member(user, groups.get_group(user, slug),
                                                    user_id))
    db.session.commit()
    return jsonify(ended)


# --- e-discussions -------------------------------------------------------------------------

@bp.get("/discussions")
def discussion_list():
    user = current_api_user()
    return jsonify(s.DiscussionList.dump(discussions.list_discussions(user), user=user))


@bp.post("/discussions")
def create_discussion():
    user, data = current_api_user(), s.DiscussionInput.parse(request_body())
    discussion = discussions.create_discussion(user, data.model_dump())
    db.session.commit()
    return _created(s.Discussion.dump(discussion, user=user),
                    url_for("discussions.detail", discussion_id=discussion.id))


@bp.route("/discussions/<int:discussion_id>/posts", methods=["GET", "POST"])
def discussion_posts(discussion_id):
    """GET: the posts; POST: a new post. One rule for both methods: werkzeug answers 405,
    not 404, for an id out of range when two rules share a path with an int argument."""
    user = current_api_user()
    discussion = discussions.get_discussion(user, discussion_id)
    moderator = perm.can_moderate_discussion(user, discussion)
    if request.method == "GET":
        return jsonify(s.DiscussionPostList.dump(discussions.list_posts(user, discussion),
                                                 user=user, moderator=moderator))
    data = s.DiscussionPostInput.parse(request_body()).model_dump()
    post = discussions.add_post(user, discussion, data)
    db.session.commit()
    return _created(s.DiscussionPost.dump(post, user=user, moderator=moderator),
                    url_for("api.discussion_posts", discussion_id=discussion.id))


@bp.post("/discussions/<int:discussion_id>/summary")
def publish_discussion_summary(discussion_id):
    user, body = current_api_user(), request_body()
    discussion = discussions.get_discussion(user, discussion_id)
    doc = discussions.publish_summary(user, discussion,
                                      s.DiscussionSummaryInput.parse(body).model_dump())
    db.session.commit()
    return _created(s.DiscussionSummary.dump(doc), url_for("library.document", doc_id=doc.id))
