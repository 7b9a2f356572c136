"""API v1 handlers: parse, call the same service the pages use, commit once, serialise."""
from flask import jsonify, url_for
from sqlalchemy import select

from ..accounts.models import Theme, find_user_by_email
from ..countries import is_country
from ..errors import Invalid
from ..extensions import db
from ..knowledge import services as kb
from ..queries import lists
from ..queries import services as qs
from ..queries.models import STATUSES
from ..routing.services import suggest_experts
from ..synthesis import services as ss
from . import bp
from . import serializers as out
from .auth import (
    MAX_PER_PAGE,
    choice_arg,
    current_api_user,
    flag_arg,
    int_arg,
    json_body,
    str_arg,
    string_list,
    text,
    timestamp,
)


def _created(payload: dict, location: str):
    response = jsonify(payload)
    response.headers["Location"] = location
    return response, 201


def _query_out(query):
    return jsonify(out.query(current_api_user(), query))


# --- who and what -------------------------------------------------------------------

@bp.get("/me")
def me():
    return jsonify(out.me(current_api_user()))


@bp.get("/themes")
def themes():
    rows = db.session.scalars(select(Theme).order_by(Theme.code))
    return jsonify({"items": [out.theme(t) for t in rows]})


# --- queries ----------------------------------------------------------------------

@bp.post("/queries")
def submit_query():
    user, body = current_api_user(), json_body()
    string_list(body, "themes")
    query = qs.submit_query(user, body)
    db.session.commit()
    return _created(out.query(user, query), url_for("api.query", ref=query.reference))


@bp.get("/queries")
def query_list():
    user = current_api_user()
    country = str_arg("country")
    if country and not is_country(country):
        raise Invalid("Invalid filter.", {"country": "Unknown country code."})
    pager = lists.query_list(
        user, status=choice_arg("status", STATUSES), theme=str_arg("theme"), country=country,
        mine=flag_arg("mine"), page=int_arg("page", 1),
        per_page=int_arg("per_page", 25, high=MAX_PER_PAGE))
    seen = lists.contributions_by_query(user, pager.items)
    return jsonify(out.page([out.query(user, q, seen[q.id]) for q in pager.items], pager))


@bp.get("/queries/<ref>")
def query(ref):
    return _query_out(qs.get_query(current_api_user(), ref))


@bp.post("/queries/<ref>/clarification")
def ask_clarification(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    qs.ask_clarification(user, query, text(body, "message"))
    db.session.commit()
    return _query_out(query)


@bp.post("/queries/<ref>/replies")
def reply(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    qs.reply_to_clarification(user, query, text(body, "message"))
    db.session.commit()
    return _query_out(query)


@bp.get("/queries/<ref>/suggested-experts")
def suggested_experts(ref):
    user = current_api_user()
    suggestions = suggest_experts(user, qs.get_query(user, ref))
    return jsonify({"items": [out.suggestion(s) for s in suggestions]})


@bp.post("/queries/<ref>/assignments")
def assign_expert(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    email, due_at = text(body, "expert", ""), timestamp(body, "due_at")
    expert = find_user_by_email(email) if email.strip() else None
    assignment = qs.assign_expert(user, query, expert, due_at=due_at)
    db.session.commit()
    return _created(out.assignment(assignment), url_for("api.query", ref=query.reference))


@bp.post("/assignments/<int:assignment_id>/accept")
def accept_assignment(assignment_id):
    user, _body = current_api_user(), json_body(required=False)
    assignment = qs.get_assignment(user, assignment_id)
    qs.accept_assignment(user, assignment)
    db.session.commit()
    return jsonify(out.assignment(assignment))


@bp.post("/assignments/<int:assignment_id>/decline")
def decline_assignment(assignment_id):
    user, body = current_api_user(), json_body()
    assignment = qs.get_assignment(user, assignment_id)
    qs.decline_assignment(user, assignment, text(body, "reason"))
    db.session.commit()
    return jsonify(out.assignment(assignment))


@bp.post("/queries/<ref>/contributions")
def add_contribution(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    contribution = qs.add_contribution(user, query, text(body, "body"))
    db.session.commit()
    return _created(out.contribution(contribution), url_for("api.query", ref=query.reference))


@bp.post("/queries/<ref>/close")
def close_query(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    qs.close_query(user, query, text(body, "reason"), duplicate_of=text(body, "duplicate_of"),
                   note=text(body, "note"))
    db.session.commit()
    return _query_out(query)


@bp.get("/queries/<ref>/events")
def events(ref):
    user = current_api_user()
    timeline = lists.timeline(user, qs.get_query(user, ref))
    return jsonify({"items": [out.event(e) for e in timeline]})


# --- the consolidated response -------------------------------------------------------------

@bp.put("/queries/<ref>/response")
def save_response(ref):
    user, body = current_api_user(), json_body()
    query = qs.get_query(user, ref)
    response = ss.save_draft(user, query, text(body, "title", ""), text(body, "summary", ""),
                             text(body, "body", ""), note=text(body, "note", ""))
    db.session.commit()
    return jsonify(out.response(response))


@bp.post("/queries/<ref>/publish")
def publish(ref):
    user, body = current_api_user(), json_body(required=False)
    query = qs.get_query(user, ref)
    # Without a choice the draft's own visibility applies (restricted unless changed).
    draft = query.response
    visibility = text(body, "visibility", draft.visibility if draft else "restricted")
    response = ss.publish_response(user, query, visibility)
    db.session.commit()
    return jsonify(out.response(response))


@bp.get("/responses/<ref>")
def response(ref):
    return jsonify(out.response(kb.get_published_response(current_api_user(), ref)))
