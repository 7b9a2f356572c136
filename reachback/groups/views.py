"""Group pages: the list, a group (its description, members and the queries the reader may
see), joining, leaving, approving and removing members, and an admin's new group. Each
handler calls one service (reachback.groups.services) through web.submit."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..discussions.views import group_section
from ..web import submitted
from . import services
from .forms import GroupForm, MemberForm

bp = Blueprint("groups", __name__)


@bp.route("/groups")
def index():
    return render_template("groups/index.html", groups=services.list_groups(current_user))


@bp.route("/groups/new", methods=["GET", "POST"])
def new():
    perm.require(perm.can_create_group(current_user), _("Only administrators create groups."))
    form = GroupForm()
    return (submitted(form, lambda: services.create_group(current_user, form.to_data()),
                      lambda g: _("The group “%(name)s” is created.", name=g.name),
                      _group_url, validate=False)
            or render_template("groups/new.html", form=form))


@bp.route("/groups/<slug>")
def detail(slug):
    return _detail_page(services.get_group(current_user, slug))


# ?show=queries or ?show=events: the page's "more" link of that list.
MORE = ("queries", "events")


def _detail_page(group, form=None):
    show = request.args.get("show")
    size = {kind: services.LONG_LIST if show == kind else services.SHORT_LIST for kind in MORE}
    return render_template(
        "groups/detail.html", group=group, form=form or MemberForm(),
        members=services.members(current_user, group),
        queries=services.group_queries(current_user, group, size["queries"]),
        documents=services.group_documents(current_user, group),
        events=services.group_events(current_user, group, size["events"]),
        mine=services.membership_of(group, current_user.id), **group_section(group))


def _act(slug, action, news):
    """A membership button: `action(group)` through the service, then the group's page (or
    the page again with the refusal, 422)."""
    group, form = services.get_group(current_user, slug), MemberForm()
    return (submitted(form, lambda: action(group), news, _group_url(group),
                      refused=lambda _error: _detail_page(group, form))
            or redirect(_group_url(group)))


@bp.route("/groups/<slug>/join", methods=["POST"])
def join(slug):
    return _act(slug, lambda g: services.join_group(current_user, g),
                lambda m: _("You are a member of the group.") if m.active
                else _("You asked to join: a facilitator of the group will approve."))


@bp.route("/groups/<slug>/leave", methods=["POST"])
def leave(slug):
    return _act(slug, lambda g: services.remove_member(current_user, g, current_user.id),
                _("You left the group."))


@bp.route("/groups/<slug>/members/<int:user_id>/approve", methods=["POST"])
def approve(slug, user_id):
    return _act(slug, lambda g: services.approve_member(current_user, g, user_id),
                lambda m: _("%(name)s is a member of the group.", name=m.user.name))


@bp.route("/groups/<slug>/members/<int:user_id>/remove", methods=["POST"])
def remove(slug, user_id):
    return _act(slug, lambda g: services.remove_member(current_user, g, user_id),
                lambda m: _("%(name)s is no longer a member of the group.", name=m.user.name))


@bp.route("/groups/<slug>/members/<int:user_id>/role", methods=["POST"])
def role(slug, user_id):
    to = "facilitator" if request.form.get("role") == "facilitator" else "member"
    return _act(slug, lambda g: services.set_role(current_user, g, user_id, to),
                lambda m: _("%(name)s is a facilitator of the group.", name=m.user.name)
                if m.role == "facilitator"
                else _("%(name)s is a member of the group.", name=m.user.name))


def _group_url(group) -> str:
    return url_for("groups.detail", slug=group.slug)
