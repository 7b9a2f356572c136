"""Knowledge base pages: the library of published responses, open to whoever may read them."""
from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import permissions as perm
from ..errors import Invalid
from ..queries.lists import contributors_of
from ..reports.usage import record_view
from ..synthesis import feedback, lifecycle
from ..synthesis.forms import FeedbackForm, LinkForm, RemoveForm, RetractForm, SupersedeForm
from ..synthesis.services import diff_revisions
from ..synthesis.translations import get_translation
from ..web import page_arg, submitted
from .blueprint import bp
from .feed import atom_feed
from .forms import KnowledgeFilterForm
from .services import get_published_response, knowledge_base

PER_PAGE = 20


@bp.route("/kb")
def index():
    form = KnowledgeFilterForm(formdata=request.args)
    theme, country = form.theme.data or None, form.country.data or None
    pager = knowledge_base(current_user, theme=theme, country=country, page=page_arg(),
                           per_page=PER_PAGE)
    args = {k: v for k, v in (("q", form.q.data), ("theme", theme), ("country", country)) if v}
    return render_template("knowledge/index.html", form=form, pager=pager, args=args)


@bp.route("/kb/feed.atom")
def feed():
    """The Atom feed of the published responses the caller may read (`theme`, `country`)."""
    try:
        xml = atom_feed(current_user, theme=request.args.get("theme") or None,
                        country=request.args.get("country") or None)
    except Invalid as error:  # a feed reader shows no flashed message: say it in the answer
        return Response("\n".join([error.message, *map(str, error.fields.values())]),
                        status=422, mimetype="text/plain")
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/kb/<ref>")
def response(ref):
    """The response; `?lang=xx` shows its translation into xx, as /kb/<ref>/xx does. Each
    read is counted for the reports (reports.usage: how many, never who)."""
    r = get_published_response(current_user, ref)
    lang = request.args.get("lang")
    if lang and lang != r.language:
        return _response_page(r, get_translation(current_user, ref, lang))
    page = _response_page(r)
    record_view(r)  # after the page is made: counting commits, expiring what it loaded
    return page


@bp.route("/kb/<ref>/<language>")
def translation(ref, language):
    """The response in another language (its readers are the original's)."""
    t = get_translation(current_user, ref, language)
    page = _response_page(t.response, t)
    record_view(t.response)
    return page


@bp.route("/kb/<ref>/corrections/<int:revision>")
def correction(ref, revision):
    """What a correction changed: the text readers saw before it against the corrected one."""
    r, item, old, new = lifecycle.correction_texts(current_user, ref, revision)
    return render_template("knowledge/correction.html", r=r, q=r.query, correction=item,
                           old=old, new=new, diff=diff_revisions(old, new))


def _status_view(path: str, name: str, form_class, field: str, act, message, endpoint):
    """A facilitator's action on the response page (supersede, link, retract): the form's
    `field` handed to `act(user, ref, value)`; the page again with the errors if refused."""
    def view(ref):
        form = form_class()
        return _status_action(ref, f"{name}_form", form,
                              lambda: act(current_user, ref, getattr(form, field).data),
                              message, endpoint)
    bp.add_url_rule(f"/kb/<ref>/{path}", name, view, methods=["POST"])


_status_view("supersede", "supersede", SupersedeForm, "by", lifecycle.supersede,
             _l("The response is marked as superseded."), "knowledge.response")
_status_view("see-also", "link", LinkForm, "other", lifecycle.link_response,
             _l("The related response is linked."), "knowledge.response")
_status_view("retract", "retract", RetractForm, "reason", lifecycle.retract,
             _l("The response is retracted: it has left the knowledge base."),
             "queries.detail")


@bp.route("/kb/<ref>/see-also/<other>/remove", methods=["POST"])
def unlink(ref, other):
    """Remove a facilitator's "See also" link (the similar responses stay as search finds)."""
    r = get_published_response(current_user, ref)
    back = url_for("knowledge.response", ref=r.query.reference)
    return submitted(RemoveForm(), lambda: lifecycle.unlink_response(current_user, ref, other),
                     _("The link is removed."), back) or redirect(back)


@bp.route("/kb/<ref>/feedback", methods=["POST"])
def give_feedback(ref):
    """A reader says whether the response was useful (the button pressed: useful=1 or 0)."""
    r = get_published_response(current_user, ref)
    form = FeedbackForm()
    return (submitted(form, lambda: feedback.give_feedback(
                          current_user, r, request.form.get("useful") == "1",
                          form.comment.data, form.outdated.data),
                      _("Thank you for your feedback."),
                      url_for("knowledge.response", ref=r.query.reference))
            or _response_page(r, feedback_form=form))


@bp.route("/kb/flagged")
def flagged():
    """Responses readers flagged as outdated (facilitators)."""
    return render_template("knowledge/flagged.html",
                           rows=feedback.flagged_responses(current_user))


def _status_action(ref, name, form, act, message, endpoint):
    """Supersede or retract from the response page (facilitators), which shows the form
    again with its errors when the input is refused."""
    r = get_published_response(current_user, ref)
    perm.require(perm.can_change_status(current_user, r),
                 _("Only facilitators supersede or retract responses."))
    return (submitted(form, act, lambda _result: str(message),
                      url_for(endpoint, ref=r.query.reference), validate=False)
            or _response_page(r, **{name: form}))


def _response_page(r, translation=None, supersede_form=None, retract_form=None,
                   feedback_form=None, link_form=None):
    """The response, or its `translation` (its text in place of the original's), with the
    other versions it has ("Also in")."""
    ref, shown = r.query.reference, (translation or r).language
    versions = [(r.language, url_for("knowledge.response", ref=ref)),
                *((t.language, url_for("knowledge.translation", ref=ref, language=t.language))
                  for t in r.translations)]
    staff = perm.can_change_status(current_user, r)
    return render_template("knowledge/response.html", r=r, q=r.query, translation=translation,
                           text=translation or r, contributors=contributors_of(r.query),
                           versions=[v for v in versions if v[0] != shown],
                           show_query=perm.can_view_query(current_user, r.query),
                           supersede_form=supersede_form or (SupersedeForm(formdata=None)
                                                             if staff else None),
                           retract_form=retract_form or (RetractForm(formdata=None)
                                                         if staff else None),
                           feedback_form=feedback_form or FeedbackForm(formdata=None),
                           counts=feedback.feedback_counts(r),
                           comments=feedback.feedback_comments(current_user, r),
                           follow_ups=feedback.follow_ups(current_user, r.query),
                           may_follow_up=perm.can_follow_up(current_user, r.query),
                           see_also=lifecycle.see_also(current_user, r),
                           link_form=link_form or (LinkForm(formdata=None) if staff else None),
                           linked=lifecycle.linked_responses(r) if staff else [],
                           remove_form=RemoveForm(formdata=None) if staff else None)

