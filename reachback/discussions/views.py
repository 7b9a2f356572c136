"""Discussion pages: the list, a facilitator's new discussion, a discussion (framing,
released questions, threads, posting and replying while open, hiding posts, weekly
summaries, the summary that closes it) and following it by e-mail. Each handler loads
through a service (404 outside the audience) and calls one service through web.submit."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..web import submitted
from . import services
from .forms import DiscussionForm, FollowForm, HideForm, PostForm, SummaryForm

bp = Blueprint("discussions", __name__)


def _url(discussion) -> str:
    return url_for("discussions.detail", discussion_id=discussion.id)


@bp.route("/discussions")
def index():
    rows = services.list_discussions(current_user, page=True)
    by_status = {"open": [], "scheduled": [], "closed": []}
    for discussion in rows:
        by_status[discussion.status].append(discussion)
    return render_template("discussions/index.html", by_status=by_status,
                           may_open=perm.can_open_discussion(current_user)
                           or bool(services.openable_groups(current_user)))


@bp.route("/discussions/new", methods=["GET", "POST"])
def new():
    openable = services.openable_groups(current_user)
    perm.require(perm.can_open_discussion(current_user) or bool(openable),
                 _("Only facilitators open discussions."))
    form = DiscussionForm().set_groups(openable,
                                       community=perm.can_open_discussion(current_user))
    return (submitted(form, lambda: services.create_discussion(current_user, form.to_data()),
                      lambda d: _("The discussion “%(title)s” is opened.", title=d.title),
                      _url, validate=False)
            or render_template("discussions/new.html", form=form))


def _page(discussion, post_form=None, summary_form=None, hide_form=None, weekly_form=None):
    posts = services.list_posts(current_user, discussion)
    summary_form = summary_form or SummaryForm.for_discussion(discussion, formdata=None)
    return render_template(
        "discussions/detail.html", discussion=discussion, status=discussion.status,
        questions=services.released_questions(discussion), threads=services.threads(posts),
        post_form=post_form or PostForm(formdata=None),
        weekly_form=weekly_form or PostForm(formdata=None, prefix="weekly"),
        hide_form=hide_form or HideForm(formdata=None), summary_form=summary_form,
        follow_form=FollowForm(), moderator=perm.can_moderate_discussion(current_user,
                                                                         discussion),
        participation=services.participation(current_user, discussion),
        shows_body=lambda post: services.shows_body(current_user, post))


@bp.route("/discussions/<int:discussion_id>")
def detail(discussion_id):
    return _page(services.get_discussion(current_user, discussion_id))


@bp.route("/discussions/<int:discussion_id>/posts", methods=["POST"])
def post(discussion_id):
    discussion, form = services.get_discussion(current_user, discussion_id), PostForm()
    return (submitted(form, lambda: services.add_post(current_user, discussion,
                                                      form.to_data()),
                      _("Your post is added."), _url(discussion), validate=False,
                      refused=lambda _error: _page(discussion, post_form=form))
            or redirect(_url(discussion)))


@bp.route("/discussions/<int:discussion_id>/weekly", methods=["POST"])
def weekly(discussion_id):
    discussion = services.get_discussion(current_user, discussion_id)
    form = PostForm(prefix="weekly")
    return (submitted(form, lambda: services.add_post(current_user, discussion,
                                                      form.to_data(), kind="summary"),
                      _("The weekly summary is posted."), _url(discussion), validate=False,
                      refused=lambda _error: _page(discussion, weekly_form=form))
            or redirect(_url(discussion)))


@bp.route("/discussions/<int:discussion_id>/posts/<int:post_id>/hide", methods=["POST"])
def hide(discussion_id, post_id):
    discussion, form = services.get_discussion(current_user, discussion_id), HideForm()
    item = services.get_post(current_user, discussion, post_id)
    return (submitted(form, lambda: services.hide_post(current_user, item, form.reason.data),
                      _("The post is hidden."), _url(discussion), validate=False,
                      refused=lambda _error: _page(discussion, hide_form=form))
            or redirect(_url(discussion)))


@bp.route("/discussions/<int:discussion_id>/follow", methods=["POST"])
def follow(discussion_id):
    discussion, form = services.get_discussion(current_user, discussion_id), FollowForm()
    mine = services.participation(current_user, discussion)
    wanted = not (mine is not None and mine.email_posts)
    return (submitted(form, lambda: services.set_email_posts(current_user, discussion,
                                                             wanted),
                      _("You will get the posts by e-mail.") if wanted
                      else _("You will no longer get the posts by e-mail."),
                      _url(discussion))
            or redirect(_url(discussion)))


@bp.route("/discussions/<int:discussion_id>/summary", methods=["POST"])
def summary(discussion_id):
    discussion = services.get_discussion(current_user, discussion_id)
    form = SummaryForm.for_discussion(discussion)
    return (submitted(form, lambda: services.publish_summary(current_user, discussion,
                                                             form.to_data()),
                      _("The summary is published and the discussion is closed."),
                      lambda doc: url_for("library.document", doc_id=doc.id),
                      validate=False,
                      refused=lambda _error: _page(discussion, summary_form=form))
            or redirect(_url(discussion)))


def group_section(group) -> dict:
    """What templates/discussions/_group_section.html needs on a group's page."""
    return {"group_discussions": services.group_discussions(current_user, group)}


