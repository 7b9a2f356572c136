"""API v1 of the monthly newsletter: the archive and a newsletter (no token needed for
the public ones), drafting and sending (facilitators)."""
from flask import jsonify, url_for

from ..extensions import db
from ..newsletters import services as svc
from . import bp
from . import schemas as s
from .auth import PUBLIC_ENDPOINTS, current_api_user
from .schemas import request_body

# No token needed: who asks decides which newsletters are listed.
PUBLIC_ENDPOINTS.update({"api.newsletters", "api.newsletter"})


def _answer(newsletter, status: int = 200):
    """The newsletter as its caller sees it (its editors: every item, left out or not)."""
    response = jsonify(s.Newsletter.dump(newsletter, user=current_api_user()))
    if status == 201:
        response.headers["Location"] = url_for("api.newsletter", newsletter_id=newsletter.id)
    return response, status


@bp.get("/newsletters")
def newsletters():
    user = current_api_user()
    return jsonify(s.NewsletterList.dump(svc.archive(user), user=user))


@bp.post("/newsletters")
def draft_newsletter():
    month = s.NewsletterInput.parse(request_body()).month
    newsletter = svc.draft(current_api_user(), month)
    db.session.commit()
    return _answer(newsletter, 201)


@bp.get("/newsletters/<int:newsletter_id>")
def newsletter(newsletter_id):
    return _answer(svc.get_newsletter(current_api_user(), newsletter_id))


@bp.post("/newsletters/<int:newsletter_id>/send")
def send_newsletter(newsletter_id):
    """202: its e-mails are queued; the outbox job delivers them (status `sending`)."""
    sent = svc.send(current_api_user(), svc.get_newsletter(current_api_user(), newsletter_id))
    db.session.commit()
    return _answer(sent, 202)
