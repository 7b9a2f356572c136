"""The member directory (/members), a member's profile (/members/<id>) and the page where
members edit their own profile (/profile/member). Signed-in members only (web.py sends
anonymous visitors to sign in)."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..web import page_arg, submitted
from . import services
from .forms import STATUS_LABELS, MemberFilterForm, MemberProfileForm

bp = Blueprint("members", __name__)
FILTERS = ("q", "theme", "country", "language", "organisation", "status")


def init_members(app) -> None:
    app.add_template_filter(deployment_status, "deployment_status")
    app.add_template_global(services.is_available, "is_available")


def deployment_status(status: str) -> str:
    """"Awaiting deployment": a deployment status, in the reader's language."""
    return str(STATUS_LABELS.get(status, status))


@bp.route("/members")
def index():
    form = MemberFilterForm(formdata=request.args)
    args = {name: getattr(form, name).data for name in FILTERS
            if getattr(form, name).data} if form.validate() else {}
    organisation = args.get("organisation")
    pager = services.list_members(
        current_user, q=args.get("q"), theme=args.get("theme"), country=args.get("country"),
        language=args.get("language"), status=args.get("status"),
        organisation=int(organisation) if organisation else None, page=page_arg())
    return render_template("members/index.html", form=form, pager=pager, args=args)


@bp.route("/members/<int:member_id>")
def profile(member_id):
    member = services.get_member(current_user, member_id)
    return render_template("members/profile.html", member=member,
                           responses=services.published_contributions(current_user, member))


@bp.route("/profile/member", methods=["GET", "POST"])
def edit():
    member = current_user
    form = MemberProfileForm(data=_profile_data(member))
    return (submitted(form, lambda: services.update_member_profile(
                current_user, member, bio=form.bio.data,
                organisation=form.organisation.data, expertise=form.expertise.data or [],
                countries=form.countries.data or [],
                languages=(form.languages.data or "").replace(",", " ").split(),
                away_until=form.away_until.data, away_note=form.away_note.data,
                deployment_status=form.deployment_status.data,
                deployment_country=form.deployment_country.data,
                show_email=bool(form.show_email.data)),
                      _("Your member profile is saved."), url_for("members.edit"))
            or render_template("members/edit.html", form=form, member=member,
                               may_edit=perm.can_edit_profile(current_user, member)))


def _profile_data(member) -> dict:
    return {
        "bio": member.bio, "away_note": member.away_note, "away_until": member.away_until,
        "organisation": member.organisation.name if member.organisation else "",
        "expertise": [t.slug for t in member.themes], "countries": member.expertise_countries,
        "languages": ", ".join(member.languages),
        "deployment_status": member.deployment_status,
        "deployment_country": member.deployment_country or "",
        "show_email": member.show_email,
    }
