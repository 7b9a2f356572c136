"""Query pages: asking, my queries, triage, an expert's queue, the query page and its actions.

Every handler loads (404 when invisible), calls one service (which checks permission),
commits once and redirects (web.submit); a form a service refuses is shown again with what
was typed.
"""
from datetime import datetime, timedelta
from functools import partial

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import lengths
from .. import permissions as perm
from ..accounts.models import Theme, User
from ..config import setting
from ..countries import country_name
from ..errors import Conflict, NotFound
from ..extensions import db
from ..files import services as files
from ..groups.services import my_groups
from ..home import start_page
from ..i18n import theme_name
from ..knowledge import search
from ..models_base import utcnow
from ..routing.services import suggest_experts
from ..web import page_arg, submit, submitted, viewer_zone
from . import lists, services
from .forms import (
    PRIORITY_CHOICES,
    ClarifyForm,
    CloseForm,
    ContributionForm,
    DeclineForm,
    NoteForm,
    QueryEditForm,
    QueryForm,
    ReplyForm,
    RouteForm,
)
from .states import can_transition

bp = Blueprint("queries", __name__)

# Names of the fields of the small forms on the query page, for the flashed message.
FIELD_LABELS = {"message": _l("Message"), "body": _l("Text"), "reason": _l("Reason"),
                "duplicate_of": _l("Duplicate of"), "note": _l("Note"), "attachment": _l("File")}


def init_queries(app) -> None:
    app.add_template_filter(age, "age")
    app.add_template_global(query_changes, "query_changes")


# How the timeline names what a triage edit changed (the `query_edited` event).
EDITED_LABELS = {"title": _l("Title"), "themes": _l("Themes"), "country": _l("Country"),
                 "priority": _l("Priority"), "confidentiality": _l("Who may read it")}
VALUE_LABELS = {"priority": {c.value: c.label for c in PRIORITY_CHOICES},
                "confidentiality": {"restricted": _l("Restricted"),
                                    "community": _l("Community")}}


def _theme_names() -> dict[str, str]:
    """Every theme's name by its slug, in the reader's language: read once a request."""
    if "theme_names" not in g:
        g.theme_names = {slug: theme_name(name) for slug, name in
                         db.session.execute(select(Theme.slug, Theme.name))}
    return g.theme_names


def _edited_value(name: str, value) -> str:
    if name == "themes":
        names = _theme_names()
        return ", ".join(names.get(slug, slug) for slug in value or [])
    if name == "country":
        return country_name(value) or ""
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    return str(value or "")


def query_changes(data: dict) -> str:
    """What a `query_edited` event changed, in the reader's language: "Priority: Normal →
    Urgent; Country: …"."""
    changes = data.get("changes") or {}
    return "; ".join(
        _("%(field)s: %(old)s → %(new)s", field=EDITED_LABELS.get(name, name),
          old=_edited_value(name, changes[name].get("from")),
          new=_edited_value(name, changes[name].get("to")))
        for name in data.get("fields") or [] if isinstance(changes.get(name), dict))


def age(moment: datetime | None) -> str:
    """How long ago, in the largest whole unit: "5 minutes", "3 hours", "2 days" (in the
    page's language)."""
    if moment is None:
        return ""
    minutes = int((utcnow() - moment).total_seconds() // 60)
    if minutes < 1:
        return _("under a minute")
    n, size, unit = next((minutes // size, size, unit) for size, unit in
                         ((1440, "day"), (60, "hour"), (1, "minute")) if minutes >= size)
    # A whole number of `unit`s, said in that unit (the threshold keeps Babel from rounding
    # 7 days up to "1 week").
    return format_timedelta(timedelta(minutes=n * size), granularity=unit, threshold=10**9)


def _per_page() -> int:
    return setting("PER_PAGE")


def _detail_url(q) -> str:
    return url_for("queries.detail", ref=q.reference)


def _to_detail(q, message: str, category: str = "success"):
    flash(message, category)
    return redirect(_detail_url(q))


def _refused(q, error):
    """A small form on the query page was refused (rolled back): say why and go back to
    the page."""
    text = " ".join(_("%(field)s: %(message)s", field=FIELD_LABELS.get(k, k), message=v)
                    for k, v in error.fields.items())
    return _to_detail(q, text or error.message, "error")


# --- lists ------------------------------------------------------------------------

@bp.route("/")
def home():
    """The start page: signed in, what needs the person and what is new in the community;
    anyone else, what Reachback is, the newest public responses and events, how to join."""
    page = start_page(current_user)
    if not current_user.is_authenticated:
        return render_template("welcome.html", page=page, community=page.community)
    return render_template("home.html", page=page, community=page.community,
                           next_step=lists.next_steps_of_requester())


@bp.route("/queries/mine")
def mine():
    pager = lists.my_queries(current_user, page_arg(), _per_page())
    return render_template("queries/mine.html", pager=pager,
                           next_step=lists.next_steps_of_requester(), community=_community())


@bp.route("/triage")
def triage():
    tab = request.args.get("tab", "new")
    tab = tab if tab in lists.INBOX_TABS else "new"
    pager = lists.triage_inbox(current_user, tab, page_arg(), _per_page())
    return render_template("queries/triage.html", pager=pager, tab=tab, tabs=lists.INBOX_TABS,
                           reviews=_pending_reviews(), community=_community())


@bp.route("/assignments")
def expert_queue():
    show_all = request.args.get("all") == "1"
    pager = lists.expert_queue(current_user, page_arg(), _per_page(), include_done=show_all)
    return render_template("queries/expert_queue.html", pager=pager, show_all=show_all,
                           reviews=_pending_reviews(), community=_community())


def _community() -> dict:
    """The next events and the blackboard, shown on every start page."""
    from ..community.services import home_block

    return home_block(current_user)


def _pending_reviews() -> list:
    """The drafts the signed-in user is asked to review (their queue lists them first)."""
    from ..synthesis.reviews import pending_reviews

    return pending_reviews(current_user)


# --- asking -----------------------------------------------------------------------

@bp.route("/queries/new", methods=["GET", "POST"])
def new():
    # A title may be given in the address: the reports' "commission an answer" links.
    form = QueryForm(data={"title": request.args.get("title", "")[:lengths.TITLE]},
                     groups=my_groups(current_user))
    if request.form.get("action") == "similar":  # search before asking; nothing is submitted
        text = f"{form.title.data or ''}\n{form.question.data or ''}"
        return render_template("queries/new.html", form=form,
                               similar=search.similar(current_user, text))

    def ask():
        q = services.submit_query(current_user, form.to_data())
        files.attach_to(current_user, form.attachment.data, query=q)
        return q

    return (submitted(form, ask, lambda q: _("Your query %(ref)s is submitted.", ref=q.reference),
                      _detail_url, validate=False)
            or render_template("queries/new.html", form=form))


# --- the query page ---------------------------------------------------------------

def pending_reviews_of(user, query) -> list:
    """The user's pending reviews of this query (the detail page links them)."""
    from ..synthesis.reviews import pending_reviews

    return pending_reviews(user, query)


def _rating_context(q) -> dict:
    """The requester's rating, shown to them (with its form) and to staff."""
    from ..synthesis import feedback
    from ..synthesis.forms import RatingForm

    shown = perm.can_see_rating(current_user, q)
    rating = feedback.rating_of(q) if shown and q.status == "published" else None
    return {"rating": rating,
            "rating_form": RatingForm(formdata=None, data={
                "score": rating.score if rating else None,
                "used_for": rating.used_for if rating else ""}),
            "may_follow_up": perm.can_follow_up(current_user, q)}


def is_watching(user, query) -> bool:
    from ..synthesis.lifecycle import is_watching as watching

    return watching(user, query)


def _detail_page(q, contribution_form=None, preview=None):
    mine = [a for a in q.assignments if a.expert_id == current_user.id]
    # The facilitator's panel (shown to whoever may triage an open query) lists possible
    # duplicates: searched here, not by the template.
    panel = perm.can_triage(current_user, q) and q.is_open
    return render_template(
        "queries/detail.html", q=q, next_step=lists.next_step(current_user, q),
        messages=lists.messages(current_user, q),
        contributions=lists.contributions(current_user, q),
        events=lists.timeline(current_user, q),
        invitation=next((a for a in mine if a.status == "invited"), None),
        clarify_form=ClarifyForm(formdata=None), reply_form=ReplyForm(formdata=None),
        note_form=NoteForm(formdata=None), close_form=CloseForm(formdata=None),
        contribution_form=contribution_form or ContributionForm(formdata=None),
        preview=preview, can_move=lambda target: can_transition(q.status, target),
        duplicates=search.duplicate_candidates(current_user, q) if panel else None,
        watching=is_watching(current_user, q),
        reviews=pending_reviews_of(current_user, q),
        **_rating_context(q),
    )


@bp.route("/queries/<ref>")
def detail(ref):
    return _detail_page(services.get_query(current_user, ref, *lists.QUERY_PAGE))


@bp.route("/queries/<ref>/clarify", methods=["POST"])
def clarify(ref):
    q = services.get_query(current_user, ref)
    return submit(None, lambda: services.ask_clarification(current_user, q,
                                                           ClarifyForm().message.data),
                  _("Your question is sent to the requester."), _detail_url(q),
                  refused=partial(_refused, q))


@bp.route("/queries/<ref>/reply", methods=["POST"])
def reply(ref):
    q = services.get_query(current_user, ref)
    form = ReplyForm()

    def answer():
        msg = services.reply_to_clarification(current_user, q, form.message.data)
        files.attach_to(current_user, form.attachment.data, message=msg)

    return submit(None, answer, _("Thank you: your reply is sent to the facilitator."),
                  _detail_url(q), refused=partial(_refused, q))


@bp.route("/queries/<ref>/notes", methods=["POST"])
def add_note(ref):
    q = services.get_query(current_user, ref)
    return submit(None, lambda: services.add_internal_note(current_user, q, NoteForm().body.data),
                  _("Internal note added."), _detail_url(q), refused=partial(_refused, q))


@bp.route("/queries/<ref>/contributions", methods=["POST"])
def contribute(ref):
    q = services.get_query(current_user, ref, *lists.QUERY_PAGE)  # a preview shows the page
    form = ContributionForm()
    if request.form.get("action") == "preview":
        return _detail_page(q, form, preview=form.body.data or "")

    def send():
        c = services.add_contribution(current_user, q, form.body.data, form.language.data)
        files.attach_to(current_user, form.attachment.data, contribution=c)
        return c

    return submit(form, send, _("Thank you: your contribution is sent."),
                  lambda c: url_for("queries.detail", ref=q.reference,
                                    _anchor=f"contribution-{c.id}"),
                  refused=lambda _error: _detail_page(q, form))


@bp.route("/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
def edit_contribution(contribution_id):
    c = services.get_contribution(current_user, contribution_id)
    perm.require(perm.can_edit_contribution(current_user, c),
                 _("Only its author can edit a contribution, until the response is published."))
    form = ContributionForm(data={"body": c.body})
    preview = form.body.data if request.form.get("action") == "preview" else None
    done = preview is None and submitted(
        form, lambda: services.edit_contribution(current_user, c, form.body.data),
        _("Your contribution is updated."),
        url_for("queries.detail", ref=c.query.reference, _anchor=f"contribution-{c.id}"),
        validate=False)
    return done or render_template("queries/edit_contribution.html", form=form, c=c,
                                   q=c.query, preview=preview)


@bp.route("/queries/<ref>/edit", methods=["GET", "POST"])
def edit(ref):
    q = services.get_query(current_user, ref, *lists.QUERY_PAGE)
    services.require_editable(current_user, q)
    form = QueryEditForm.of(q)
    return (submitted(form, lambda: services.edit_query(current_user, q, form.to_changes(),
                                                        reason=form.reason.data),
                      _("%(ref)s is updated.", ref=q.reference), _detail_url(q),
                      validate=False)
            or render_template("queries/edit.html", form=form, q=q))


# --- assignments ------------------------------------------------------------------

@bp.route("/assignments/<int:assignment_id>/accept", methods=["POST"])
def accept(assignment_id):
    a = services.get_assignment(current_user, assignment_id)
    services.accept_assignment(current_user, a)
    db.session.commit()
    return _to_detail(a.query, _("You accepted %(ref)s. Thank you!", ref=a.query.reference))


@bp.route("/assignments/<int:assignment_id>/decline", methods=["GET", "POST"])
def decline(assignment_id):
    a = services.get_assignment(current_user, assignment_id)
    perm.require(perm.can_answer_assignment(current_user, a), _("This is not your assignment."))
    form = DeclineForm()
    return (submitted(form, lambda: services.decline_assignment(current_user, a,
                                                                form.reason.data),
                      _("You declined %(ref)s. The facilitator is told why.",
                        ref=a.query.reference),
                      url_for("queries.expert_queue"), validate=False)
            or render_template("queries/decline.html", form=form, a=a, q=a.query))


@bp.route("/queries/<ref>/route", methods=["GET", "POST"])
def route(ref):
    q = services.get_query(current_user, ref)
    perm.require(perm.can_triage(current_user, q), _("Only facilitators route queries."))
    form = RouteForm()
    if form.is_submitted() and form.parse_due(viewer_zone()):
        chosen = form.chosen()
        if not chosen:
            flash(_("Choose at least one expert."), "error")
            return redirect(url_for("queries.route", ref=q.reference))
        done = submit(form, lambda: [
            services.assign_expert(current_user, q, db.session.get(User, expert_id), form.due,
                                   form.message.data)
            for expert_id in chosen],
            ngettext("Routed to %(num)d expert.", "Routed to %(num)d experts.", len(chosen)),
            _detail_url(q))
        if done is not None:
            return done
    return render_template("queries/route.html", q=q, form=form,
                           suggestions=suggest_experts(current_user, q, limit=50),
                           declined=_declined(q, request.args.get("after_decline")))


def _declined(q, assignment_id):
    """The assignment of `q` named by ?after_decline= when it is declined (the notice of a
    decline leads here), else None: a number that names nothing is ignored."""
    return next((a for a in q.assignments if str(a.id) == (assignment_id or "").strip()
                 and a.status == "declined"), None)


@bp.route("/queries/<ref>/assignments/<int:assignment_id>/withdraw", methods=["POST"])
def withdraw_assignment(ref, assignment_id):
    q = services.get_query(current_user, ref)
    a = services.get_assignment(current_user, assignment_id)
    if a.query_id != q.id:
        raise NotFound(_("No such assignment."))
    services.withdraw_assignment(current_user, a)
    db.session.commit()
    flash(_("%(name)s is withdrawn from %(ref)s.", name=a.expert.name, ref=q.reference),
          "success")
    return redirect(url_for("queries.route", ref=q.reference))


# --- closing ----------------------------------------------------------------------

@bp.route("/queries/<ref>/close", methods=["POST"])
def close(ref):
    q = services.get_query(current_user, ref)
    form = CloseForm()
    return submit(None, lambda: services.close_query(
        current_user, q, form.reason.data, duplicate_of=form.duplicate_of.data or None,
        note=form.note.data), _("%(ref)s is closed.", ref=q.reference), _detail_url(q),
        refused=partial(_refused, q))


@bp.route("/queries/<ref>/withdraw", methods=["GET", "POST"])
def withdraw(ref):
    """The requester's withdrawal: a page saying what it does, then its form's POST."""
    q = services.get_query(current_user, ref)
    if request.method == "GET":
        try:
            services.check_withdrawal(current_user, q)
        except Conflict as refused:  # no longer open: back to the query, saying so
            return _to_detail(q, refused.message, "error")
        return render_template("queries/withdraw.html", q=q)
    services.close_query(current_user, q, "withdrawn")
    db.session.commit()
    return _to_detail(q, _("Your query %(ref)s is withdrawn.", ref=q.reference))
