"""Synthesis pages: drafting the consolidated response, its revisions, publishing it."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import permissions as perm
from ..bounded import bounded_int
from ..config import setting
from ..errors import NotFound
from ..i18n import content_language_menu, language_name
from ..knowledge import services as kb
from ..queries import lists
from ..queries.forms import QueryForm
from ..queries.services import get_query
from ..queries.states import can_transition
from ..web import submitted
from . import annexes, feedback, lifecycle, reviews, services, translations
from .forms import (
    AnnexForm,
    DraftForm,
    RatingForm,
    RemoveForm,
    ReviewAnswerForm,
    ReviewRequestForm,
    TranslationForm,
    WatchForm,
    publish_form,
)

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
            or _edit_page(q, form, publish_form(q, formdata=None,
                                                visibility=services.default_visibility(q)),
                          preview))


@bp.route("/queries/<ref>/publish", methods=["POST"])
def publish(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators publish responses."))
    form = publish_form(q)
    correcting = services.has_correction_draft(q.response)
    return (submitted(form, lambda: services.publish_response(
                          current_user, q, form.visibility.data,
                          change_note=form.change_note.data, confirmed=form.confirm.data),
                      _("The correction of %(ref)s is published.", ref=q.reference)
                      if correcting else
                      _("The response to %(ref)s is published.", ref=q.reference),
                      url_for("queries.detail", ref=q.reference))
            or _edit_page(q, DraftForm(formdata=None, data=_draft_data(q)), form))


@bp.route("/queries/<ref>/review-requests", methods=["POST"])
def request_review(ref):
    q = get_query(current_user, ref)
    perm.require(perm.can_request_review(current_user, q),
                 _("Only facilitators ask for reviews."))
    form = _review_request_form(q)
    return (submitted(form, lambda: reviews.request_review(
                current_user, q, form.reviewer.data, form.note.data),
            lambda review: _("%(name)s is asked to review revision %(number)s.",
                             name=review.reviewer.name, number=review.revision),
            url_for("synthesis.edit", ref=q.reference), validate=False)
            or _edit_page(q, DraftForm(formdata=None, data=_draft_data(q)),
                          publish_form(q, formdata=None, visibility=services.default_visibility(q)),
                          review_form=form))


@bp.route("/review-requests/<int:review_id>", methods=["GET"])
def review(review_id):
    """The revision under review, with the reviewer's answer forms."""
    item = reviews.get_review(current_user, review_id)
    return _review_page(item, ReviewAnswerForm(formdata=None))


@bp.route("/review-requests/<int:review_id>/approve", methods=["POST"])
def approve_review(review_id):
    return _answer_review(review_id, True)


@bp.route("/review-requests/<int:review_id>/changes", methods=["POST"])
def request_changes(review_id):
    return _answer_review(review_id, False)


def _answer_review(review_id, approve):
    item = reviews.get_review(current_user, review_id)
    perm.require(perm.can_answer_review(current_user, item),
                 _("Only the reviewer asked answers this review."))
    form = ReviewAnswerForm()
    return (submitted(form, lambda: reviews.answer_review(current_user, item, approve,
                                                          form.note.data),
                      _("You approved the draft.") if approve
                      else _("Your request for changes is sent."),
                      url_for("synthesis.review", review_id=item.id), validate=False)
            or _review_page(item, form))


def _review_page(item, form):
    revision = services.get_revision_for_review(current_user, item)
    return render_template("synthesis/review.html", review=item, q=item.query,
                           revision=revision, form=form)


@bp.route("/queries/<ref>/watch", methods=["POST"])
def watch(ref):
    """Watch the query (or stop: `action=unwatch`)."""
    q = get_query(current_user, ref)
    form, on = WatchForm(), request.form.get("action") != "unwatch"
    return (submitted(form, lambda: lifecycle.watch(current_user, q, on),
                      _("You will be told when its response is published or corrected.")
                      if on else _("You no longer watch this query."),
                      url_for("queries.detail", ref=q.reference))
            or redirect(url_for("queries.detail", ref=q.reference)))


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


@bp.route("/queries/<ref>/annexes", methods=["POST"])
def add_annex(ref):
    """Attach a file to the response (facilitators); the page again with the refusal."""
    q = get_query(current_user, ref)
    form = AnnexForm()
    return (submitted(form, lambda: annexes.add_annex(current_user, q, form.file.data),
                      lambda annex: _("%(name)s is attached to the response.",
                                      name=annex.filename),
                      url_for("synthesis.edit", ref=q.reference) + "#annexes-h",
                      validate=False)
            or _edit_page(q, DraftForm(formdata=None, data=_draft_data(q)),
                          publish_form(q, formdata=None,
                                       visibility=services.default_visibility(q)),
                          annex_form=form))


@bp.route("/queries/<ref>/annexes/<int:annex_id>/remove", methods=["POST"])
def remove_annex(ref, annex_id):
    """Remove an annex (facilitators: synthesis.annexes decides)."""
    q = get_query(current_user, ref)
    back = url_for("synthesis.edit", ref=q.reference) + "#annexes-h"
    return submitted(RemoveForm(), lambda: annexes.remove_annex(current_user, q, annex_id),
                     lambda annex: _("%(name)s is removed from the response.",
                                     name=annex.filename), back) or redirect(back)


def _edit_page(q, form, publish_form, preview=None, review_form=None, annex_form=None):
    r = q.response
    published = r is not None and r.status == "published"
    return render_template(
        "synthesis/edit.html", q=q, form=form, publish_form=publish_form, preview=preview,
        contributions=lists.contributions(current_user, q),
        can_draft=published or q.status == "synthesis" or can_transition(q.status, "synthesis"),
        correcting=published, correction_ready=services.has_correction_draft(r),
        review_form=review_form or _review_request_form(q, formdata=None),
        reviews=reviews.reviews_of(q) if r is not None else [],
        approved=r is not None and reviews.is_approved(r),
        review_required=setting("REVIEW_REQUIRED"),
        annex_form=annex_form or AnnexForm(formdata=None), remove_form=RemoveForm(formdata=None),
    )


def _review_request_form(q, **kwargs):
    form = ReviewRequestForm(**kwargs)
    form.reviewer.choices = [SelectChoice(u.email, f"{u.name} ({u.email})")
                             for u in reviews.eligible_reviewers(current_user)]
    return form


def _draft_data(q) -> dict:
    """The current draft when there is one (a correction's: its latest revision), else the
    prefilled template."""
    if q.response is not None:
        r = q.response
        latest = services.latest_revision(r) if r.status == "published" else None
        text = latest or r
        return {"title": text.title, "summary": text.summary, "body": text.body, "note": "",
                "language": r.language}
    return services.draft_template(q)


def _revision_number(name: str) -> int:
    number = bounded_int(request.args.get(name))
    if number is None:
        raise NotFound(_("No such revision."))
    return number


@bp.route("/queries/<ref>/rating", methods=["POST"])
def rate(ref):
    """The requester rates the published response (again: replaces the rating)."""
    q = get_query(current_user, ref)
    form = RatingForm()
    return (submitted(form, lambda: feedback.rate(current_user, q, form.score.data,
                                                  form.used_for.data),
                      _("Thank you for rating the response."),
                      url_for("queries.detail", ref=q.reference), validate=False)
            or redirect(url_for("queries.detail", ref=q.reference)))


@bp.route("/queries/<ref>/follow-up", methods=["GET", "POST"])
def follow_up(ref):
    """The new-query form, prefilled from the query it follows up."""
    original = feedback.follow_up_original(current_user, ref)
    form = QueryForm(data={"title": _("Follow-up: %(title)s", title=original.title),
                           "country": original.country,
                           "themes": [t.slug for t in original.themes]})
    return (submitted(form, lambda: feedback.ask_follow_up(current_user, ref, form.to_data()),
                      lambda q: _("Your query %(ref)s is submitted.", ref=q.reference),
                      lambda q: url_for("queries.detail", ref=q.reference), validate=False)
            or render_template("queries/new.html", form=form, follows=original,
                               form_action=url_for("synthesis.follow_up",
                                                   ref=original.reference)))
