"""Synthesis pages: drafting the consolidated response, its revisions, publishing it."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..bounded import bounded_int
from ..errors import NotFound
from ..queries import lists
from ..queries.services import get_query
from ..queries.states import can_transition
from ..web import submitted
from . import services
from .forms import DraftForm, PublishForm

bp = Blueprint("synthesis", __name__)


@bp.route("/queries/<ref>/synthesis", methods=["GET", "POST"])
def edit(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators write responses."))
    form = DraftForm(data=_draft_data(q))
    previewing = request.form.get("action") == "preview"
    # A preview is shown below the form; nothing is saved.
    preview = form if previewing and form.validate_on_submit() else None
    return ((not previewing and submitted(form, lambda: services.save_draft(
                current_user, q, form.title.data, form.summary.data, form.body.data,
                form.note.data), lambda response: _("Draft saved (revision %(number)s).",
                                                     number=response.revision),
                url_for("synthesis.edit", ref=q.reference)))
            or _edit_page(q, form, PublishForm(formdata=None,
                                               visibility=services.default_visibility(q)),
                          preview))


@bp.route("/queries/<ref>/publish", methods=["POST"])
def publish(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators publish responses."))
    form = PublishForm()
    return (submitted(form, lambda: services.publish_response(current_user, q,
                                                              form.visibility.data),
                      _("The response to %(ref)s is published.", ref=q.reference),
                      url_for("queries.detail", ref=q.reference))
            or _edit_page(q, DraftForm(formdata=None, data=_draft_data(q)), form))


@bp.route("/queries/<ref>/revisions")
def revisions(ref):
    q = get_query(current_user, ref)
    revs = services.revisions(current_user, q)
    return render_template("synthesis/revisions.html", q=q, revisions=revs)


@bp.route("/queries/<ref>/revisions/compare")
def compare(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators see revisions."))
    old = services.get_revision(current_user, q, _revision_number("a"))
    new = services.get_revision(current_user, q, _revision_number("b"))
    return render_template("synthesis/compare.html", q=q, old=old, new=new,
                           diff=services.diff_revisions(old, new))


def _edit_page(q, form, publish_form, preview=None):
    return render_template(
        "synthesis/edit.html", q=q, form=form, publish_form=publish_form, preview=preview,
        contributions=lists.contributions(current_user, q),
        can_draft=q.status == "synthesis" or can_transition(q.status, "synthesis"),
    )


def _draft_data(q) -> dict:
    """The current draft when there is one, else the prefilled template."""
    if q.response is not None:
        r = q.response
        return {"title": r.title, "summary": r.summary, "body": r.body, "note": ""}
    return services.draft_template(q)


def _revision_number(name: str) -> int:
    number = bounded_int(request.args.get(name))
    if number is None:
        raise NotFound(_("No such revision."))
    return number
