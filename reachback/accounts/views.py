"""Signing in and out, the user's own profile with API tokens, password, e-mail address
and sessions."""
from zoneinfo import available_timezones

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import Invalid
from ..extensions import db
from ..web import apply_errors, is_local_url
from . import services
from .forms import EmailChangeForm, LoginForm, PasswordChangeForm, ProfileForm, TokenForm

bp = Blueprint("auth", __name__)
TIMEZONES = sorted(available_timezones())


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("queries.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.sign_in(form.email.data, form.password.data,
                                request.remote_addr or "", request.user_agent.string)
        db.session.commit()  # a failed attempt is audited too
        if user is not None:
            session.clear()  # a fresh session at sign-in: the cookie carries only the token
            login_user(user)
            session.permanent = True
            target = form.next.data
            return redirect(target if is_local_url(target) else url_for("queries.home"))
        flash("The e-mail address or password is not right.", "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(g.get("user_session"), "signed_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile/security", methods=["GET", "POST"])
def security():
    password_form, email_form = PasswordChangeForm(), EmailChangeForm()
    action = request.form.get("action")
    form = {"password": password_form, "email": email_form}.get(action)
    if form is not None and form.validate_on_submit():
        try:
            _change(action, form)
        except Invalid as e:
            db.session.rollback()
            apply_errors(form, e)
        else:
            db.session.commit()
            flash(SECURITY_MESSAGES[action], "success")
            return redirect(url_for("auth.security"))
    return render_template("accounts/security.html", password_form=password_form,
                           email_form=email_form,
                           sessions=services.list_sessions(current_user),
                           this_session=g.get("user_session"))


SECURITY_MESSAGES = {
    "password": "Password changed. You stay signed in here; every other session has ended.",
    "email": "E-mail address changed. You stay signed in here; every other session has ended.",
}


def _change(action, form):
    keep = g.get("user_session")
    if action == "password":
        services.change_password(current_user, form.current_password.data,
                                 form.new_password.data, keep=keep)
    else:
        services.change_email(current_user, form.current_password.data, form.email.data,
                              keep=keep)


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():
    services.end_sessions(current_user, "sign_out_everywhere")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out everywhere, on this device and every other.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    form.timezone.choices = TIMEZONES
    token_form = TokenForm()
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.profile"))
    return _profile_page(form, token_form)


@bp.route("/profile/tokens", methods=["POST"])
def create_token():
    token_form = TokenForm()
    if not token_form.validate_on_submit():
        form = ProfileForm(obj=current_user)
        form.timezone.choices = TIMEZONES
        return _profile_page(form, token_form), 422
    token, clear = services.create_token(current_user, token_form.token_name.data)
    db.session.commit()
    form = ProfileForm(obj=current_user)
    form.timezone.choices = TIMEZONES
    # Shown once, in this response only; it is stored hashed.
    return _profile_page(form, TokenForm(formdata=None), new_token=clear)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    services.revoke_token(current_user, token_id)
    db.session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("auth.profile"))


def _profile_page(form, token_form, new_token=None):
    return render_template("accounts/profile.html", form=form, token_form=token_form,
                           tokens=services.list_tokens(current_user), new_token=new_token)
