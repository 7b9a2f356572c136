"""API v1 of the community calendar and the blackboard: GET /calendar is public (anonymous
callers get public events only); proposing needs a token (a member's proposal answers 202)."""
from flask import jsonify, request, url_for

from ..community import services as svc
from ..extensions import db
from ..models_base import utcnow
from . import bp
from . import schemas as s
from .auth import PUBLIC_ENDPOINTS, current_api_user
from .schemas import request_body

# No token needed: who asks decides which events are listed.
PUBLIC_ENDPOINTS.add("api.calendar")


def _submit(checked, submit, answer, location):
    """Check the body against `checked`, hand it to `submit(user, body)`, commit: 201 with a
    Location (`location(item)`) for what is published at once, 202 for a proposal."""
    user, body = current_api_user(), request_body()
    checked.parse(body)
    item = submit(user, body)
    db.session.commit()
    response = jsonify(answer.dump(item))
    response.headers["Location"] = location(item)
    return response, 202 if item.status == "proposed" else 201


@bp.get("/calendar")
def calendar():
    args = s.CalendarArgs.parse(request.args)
    start = args.from_ if args.from_ is not None else (None if args.to else utcnow())
    events = svc.events_between(current_api_user(), start, args.to)
    return jsonify(s.CalendarEventList.dump(events))


@bp.post("/calendar")
def propose_event():
    return _submit(s.EventInput, svc.submit_event, s.CalendarEvent,
                   lambda event: url_for("community.event", event_id=event.id))


@bp.get("/notices")
def notices():
    return jsonify(s.NoticeList.dump(svc.board(current_api_user())))


@bp.post("/notices")
def propose_notice():
    return _submit(s.NoticeInput, svc.submit_notice, s.Notice,
                   lambda _notice: url_for("community.notices"))
