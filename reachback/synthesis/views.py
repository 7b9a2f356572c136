"""Synthesis pages: drafting the consolidated response, its revisions, publishing it."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..bounded import bounded_int
from ..errors import NotFound
from ..i18n import content_language_menu, language_name
from ..knowledge import services as kb
from ..queries import lists
from ..queries.services import get_query
from ..queries.states import can_transition
from ..web import submitted
from . import services, translations
from .forms import DraftForm, PublishForm, TranslationForm

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
                form.note.data, form.language.data),
                lambda response: _("Draft saved (revision %(number)s).", number=response.revision),
                url_for("synthesis.edit", ref=q.reference)))
            or _edit_page(q, form, PublishForm(formdata=None,
                                               visibility=services.default_visibility(q)),
                          preview))


@bp.route("/queries/<ref>/publish", methods=["POST"])
def publish(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators publish responses."))
    form = PublishForm()
    return (submitted(form, lambda: services.publish_response(
                          current_user, q, form.visibility.data, confirmed=form.confirm.data),
                      _("The response to %(ref)s is published.", ref=q.reference),
                      url_for("queries.detail", ref=q.reference))
            or _edit_page(q, DraftForm(formdata=None, data=_draft_data(q)), form))


@bp.route("/queries/<ref>/translation", methods=["GET", "POST"])
def translate(ref):
    """Add or edit the translation of a published response into the language chosen
    (?language=xx: the form shows that translation, else the original's text to translate)."""
    q = get_query(current_user, ref)
    r = kb.get_published_response(current_user, q.reference)
    perm.require(perm.can_translate(current_user, r), _("Only facilitators translate responses."))
    language = request.values.get("language") or next(
        code for code, _name in content_language_menu() if code != r.language)
    shown = next((t for t in r.translations if t.language == language), None) or r
    form = TranslationForm(data={"title": shown.title, "summary": shown.summary,
                                 "body": shown.body, "language": language})
    return (submitted(form, lambda: translations.save_translation(
                current_user, q.reference, form.language.data, form.title.data,
                form.summary.data, form.body.data)[0],
            lambda t: _("The %(language)s translation is saved.",
                        language=language_name(t.language)),
            lambda t: url_for("knowledge.translation", ref=q.reference, language=t.language),
            validate=False)
            or render_template("synthesis/translate.html", q=q, r=r, form=form))


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
        return {"title": r.title, "summary": r.summary, "body": r.body, "note": "",
                "language": r.language}
    return services.draft_template(q)


def _revision_number(name: str) -> int:
    number = bounded_int(request.args.get(name))
    if number is None:
        raise NotFound(_("No such revision."))
    return number
