"""Admin pages: user accounts, their roles, expertise and availability. Admins only."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import permissions as perm
from ..accounts.forms import AuditFilterForm
from ..accounts.passwords import generate_password
from ..accounts.services import create_user, get_user, list_users, update_profile
from ..audit import audit_kinds, day_bounds, list_audit
from ..knowledge import thesaurus
from ..web import page_arg, submit, submitted, viewer_zone
from .forms import EditUserForm, NewUserForm, ResetThesaurusForm, ThesaurusForm, UserFilterForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.before_request
def _admins_only():
    # Every admin page, present and future, is refused to non-admins (403), before any work.
    perm.require(perm.is_admin(current_user), _("Only admins manage accounts."))


@bp.route("/users")
def users():
    form = UserFilterForm(formdata=request.args)
    ok = form.validate()
    args = {k: v for k, v in (("q", form.q.data), ("role", form.role.data)) if v} if ok else {}
    pager = list_users(current_user, role=args.get("role"), q=args.get("q"), page=page_arg(),
                       per_page=PER_PAGE)
    return render_template("admin/users.html", form=form, pager=pager, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        # A generated password is shown once, in this response only; it is stored hashed.
        generated = None if form.password.data else password
        done = submit(form, lambda: create_user(current_user, form.email.data, form.name.data,
                                                roles=form.roles.data, password=password,
                                                **_profile(form)),
                      lambda user: _("Account created for %(name)s.", name=user.name),
                      respond=lambda user: render_template("admin/created.html", user=user,
                                                           password=generated))
        if done is not None:
            return done
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = get_user(current_user, user_id)
    form = EditUserForm(data=_user_data(user))
    return (submitted(form, lambda: update_profile(current_user, user, name=form.name.data,
                                                   roles=form.roles.data,
                                                   active=form.active.data, **_profile(form)),
                      lambda saved: _("Account of %(name)s saved.", name=saved.name),
                      url_for("admin.edit_user", user_id=user.id))
            or render_template("admin/user_form.html", form=form, user=user))


@bp.route("/audit")
def audit():
    """The security audit log: read-only (there is no route to edit or delete an event)."""
    form = AuditFilterForm(formdata=request.args)
    form.kind.choices = [SelectChoice("", _("Any kind")),
                         *(SelectChoice(k, k.replace("_", " ")) for k in audit_kinds())]
    ok = form.validate()
    kind, email = (form.kind.data or None, form.email.data or None) if ok else (None, None)
    since, until = day_bounds(form.since.data, form.until.data, viewer_zone()) if ok else \
        (None, None)
    pager = list_audit(current_user, kind=kind, email=email, since=since, until=until,
                       page=page_arg(), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v} if ok else {}
    return render_template("admin/audit.html", form=form, pager=pager, args=args)


def _profile(form) -> dict:
    return {
        "organisation": form.organisation.data or "",
        "country": form.country.data or "",
        "themes": form.themes.data or [],
        "countries": form.countries.data or [],
        "languages": form.languages.data or "",
        "away_until": form.away_until.data,
    }


def _user_data(user) -> dict:
    return {
        "name": user.name, "roles": sorted(user.roles),
        "organisation": user.organisation.name if user.organisation else "",
        "country": user.country or "", "themes": [t.slug for t in user.themes],
        "countries": user.expertise_countries, "languages": ", ".join(user.languages),
        "away_until": user.away_until, "active": user.active,
    }


@bp.route("/thesaurus", methods=["GET", "POST"])
def edit_thesaurus():
    """The search thesaurus: the repository's file until an admin saves a version here."""
    form = ThesaurusForm(data={"text": thesaurus.saved_text()})
    return (submitted(form, lambda: thesaurus.save(current_user, form.text.data),
                      lambda entries: ngettext("Thesaurus saved: %(num)d entry. Searches use "
                                               "it now.", "Thesaurus saved: %(num)d entries. "
                                               "Searches use it now.", len(entries)),
                      url_for("admin.edit_thesaurus"))
            or render_template("admin/thesaurus.html", form=form,
                               reset_form=ResetThesaurusForm(),
                               edited=thesaurus.saved_row()))


@bp.route("/thesaurus/reset", methods=["POST"])
def reset_thesaurus():
    """Go back to the repository's thesaurus (the app checks every POST's CSRF token)."""
    return submit(None, lambda: thesaurus.reset(current_user),
                  _("The thesaurus is the repository's again."), url_for("admin.edit_thesaurus"))
