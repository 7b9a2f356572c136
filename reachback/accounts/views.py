"""Signing in and out, password reset by e-mail, the user's own profile with API tokens,
password, e-mail address, two-factor sign-in and sessions."""
from zoneinfo import available_timezones

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from .. import permissions as perm
from ..config import setting
from ..errors import TooManyAttempts
from ..extensions import client_address, db
from ..i18n import language_menu
from ..web import submit, submitted
from . import limits, resets, services, signin, tokens, twofactor
from .forms import (
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    TokenForm,
    TwoFactorForm,
    role_names,
)

bp = Blueprint("auth", __name__)
# A required select starts with an empty choice (HTML's rule), which DataRequired refuses.
TIMEZONES = [("", _l("Choose a time zone")),
             *((tz, tz) for tz in sorted(available_timezones()))]
# The one answer to a refused sign-in, whatever the reason (unknown address, wrong password,
# locked or inactive account): it must not tell which.
REFUSED = _l("The e-mail address or password is not right.")
# What a signed-in account that must have a second factor but has none may still reach.
ENROLMENT_ENDPOINTS = {"auth.security", "twofactor.setup", "auth.logout",
                       "auth.sign_out_everywhere", "static"}


def no_store(response):
    """Sign-in steps, keys, recovery codes and links: never kept in a browser or shared cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(no_store)


def init_accounts(app) -> None:
    app.before_request(_require_second_factor)
    app.add_template_filter(role_names, "role_names")  # "admin, member", translated


def _require_second_factor():
    """A signed-in account that must use two-factor sign-in and has none (made staff while
    signed in, or TOTP_REQUIRED_FOR_ALL turned on) is sent to set it up before anything."""
    if (current_user.is_authenticated and request.endpoint not in ENROLMENT_ENDPOINTS
            and not request.path.startswith("/api/") and perm.needs_two_factor(current_user)
            and not twofactor.is_enrolled(current_user)):
        flash(_("Set up two-factor sign-in to go on: your account needs it."), "warning")
        return redirect(url_for("auth.security"))
    return None


def throttled(template: str, error: TooManyAttempts, **context):
    """The page again, saying how long to wait, as 429 with Retry-After (lockout.py: the
    attempt was refused unread)."""
    db.session.rollback()
    flash(error.message, "error")
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(error.seconds)
    return response


# Failed attempts per client address (flask-limiter); per account, lockout.py's delays for
# each account and address, which never slow the owner signing in from elsewhere.
@bp.route("/login", methods=["GET", "POST"])
@limits.limited("RATELIMIT_SIGN_IN")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("queries.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.check_password(form.email.data, form.password.data,
                                           client_address())
        except TooManyAttempts as e:
            return throttled("accounts/login.html", e, form=form)
        if user is None:
            db.session.commit()  # the failure is audited and counted
            limits.failed()
            flash(str(REFUSED), "error")  # a lazy string would not fit in the session
            return render_template("accounts/login.html", form=form)
        return _after_password(user, form.next.data)
    return render_template("accounts/login.html", form=form)


def _after_password(user, target: str):
    """The password is right: ask the code, or the enrolment of a second factor, or sign in."""
    stage = signin.next_step(user)
    db.session.commit()
    if stage is None:
        signin.finish(user)
        return redirect(signin.landing(target))
    signin.start_pending(user, stage, target)
    return redirect(url_for("twofactor.code" if stage == signin.CODE else "twofactor.enrol"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(g.get("user_session"), "signed_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


# action -> the form that carries it on the security page
SECURITY_FORMS = {"password": "password_form", "email": "email_form",
                  "totp_setup": "two_factor_form", "recovery_codes": "two_factor_form",
                  "totp_disable": "two_factor_form"}


@bp.route("/profile/security", methods=["GET", "POST"])
def security():
    forms = {"password_form": PasswordChangeForm(), "email_form": EmailChangeForm(),
             "two_factor_form": TwoFactorForm()}
    action = request.form.get("action")
    form = forms.get(SECURITY_FORMS.get(action))
    done = form is not None and submitted(form, lambda: _change(action, form),
                                          respond=lambda response: response)
    return done or render_template("accounts/security.html", **forms,
                                   sessions=services.list_sessions(current_user),
                                   this_session=g.get("user_session"),
                                   enrolled=twofactor.is_enrolled(current_user),
                                   codes_left=twofactor.recovery_codes_left(current_user))


SECURITY_MESSAGES = {
    "password": _l("Password changed. You stay signed in here; every other session has "
                   "ended."),
    "email": _l("E-mail address changed. You stay signed in here; every other session has "
                "ended."),
    "totp_disable": _l("Two-factor sign-in is off. You stay signed in here; every other "
                       "session has ended."),
}


def _change(action, form):
    """Carry out one action of the security page; returns the response."""
    keep, password = g.get("user_session"), form.current_password.data
    if action == "password":
        services.change_password(current_user, password, form.new_password.data, keep=keep)
    elif action == "email":
        services.change_email(current_user, password, form.email.data, keep=keep)
    elif action == "totp_setup":
        twofactor.start_enrolment(current_user, password)
        return redirect(url_for("twofactor.setup"))
    elif action == "recovery_codes":
        codes = twofactor.regenerate_recovery_codes(current_user, password)
        return render_template("accounts/recovery_codes.html", codes=codes,
                               continue_url=url_for("auth.security"))
    else:
        twofactor.disable(current_user, password, keep=keep)
    flash(str(SECURITY_MESSAGES[action]), "success")
    return redirect(url_for("auth.security"))


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():
    services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out everywhere, on this device and every other."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = _profile_form()
    token_form = TokenForm()
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.timezone = form.timezone.data
        if "language" in request.form:
            services.set_language(current_user, form.language.data)
            session.pop("language", None)  # the profile's choice, not the switcher's, now
        db.session.commit()
        flash(_("Profile saved."), "success")
        return redirect(url_for("auth.profile"))
    return _profile_page(form, token_form)


@bp.route("/profile/tokens", methods=["POST"])
@limits.limited("RATELIMIT_CODE", limits.signed_in_person)  # wrong passwords and codes
def create_token():
    token_form = TokenForm()
    if not token_form.validate_on_submit():
        return _profile_page(_profile_form(), token_form), 422

    def refused(_error):
        limits.failed()
        return _profile_page(_profile_form(), token_form), 422

    try:
        return submit(
            token_form, lambda: tokens.create_confirmed_token(
                current_user, token_form.token_name.data, token_form.current_password.data,
                token_form.code.data, client_address()),
            # Shown once, in this response only; it is stored hashed.
            respond=lambda made: _profile_page(_profile_form(), TokenForm(formdata=None),
                                               new_token=made[1]),
            refused=refused)
    except TooManyAttempts as e:
        return throttled("accounts/profile.html", e,
                         **_profile_context(_profile_form(), token_form))


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("auth.profile"))


def _profile_form() -> ProfileForm:
    form = ProfileForm(obj=current_user)
    form.timezone.choices = TIMEZONES
    form.language.choices = [("", _("As my browser asks")), *language_menu()]
    form.language.data = form.language.data or ""  # None: no choice made (a post may omit it)
    return form


def _profile_context(form, token_form, new_token=None) -> dict:
    return {"form": form, "token_form": token_form, "new_token": new_token,
            "tokens": services.list_tokens(current_user),
            "ask_code": twofactor.is_enrolled(current_user)}


def _profile_page(form, token_form, new_token=None):
    return render_template("accounts/profile.html",
                           **_profile_context(form, token_form, new_token))


# --- password reset by e-mail ------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@limits.limited("RATELIMIT_RESET_REQUEST", limits.typed_email, every=True)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(ngettext("If an account uses this address, we have sent it a link to choose a new "
                       "password. The link works once, for %(num)d minute.",
                       "If an account uses this address, we have sent it a link to choose a new "
                       "password. The link works once, for %(num)d minutes.",
                       setting("PASSWORD_RESET_MINUTES")), "info")
        return redirect(url_for("auth.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limits.limited("RATELIMIT_LINK", limits.link_token)
def reset_password(token):
    user = resets.user_for_reset(token)
    return choose_password(
        user, lambda password: resets.reset_password(user, password),
        _("Choose a new password"), _("Change password"),
        _("Your password is changed and every session of your account has ended. Sign in with "
          "the new password."))


def choose_password(user, save, title: str, button: str, done: str):
    """The page of an e-mailed link that sets a password: save(password) on a valid form,
    then on to the sign-in page with the message `done`; invalid_link() when the link found
    no account (`user` None)."""
    if user is None:
        return invalid_link()
    form = NewPasswordForm()
    if form.validate_on_submit():
        saved = submit(form, lambda: save(form.new_password.data), done, url_for("auth.login"))
        if saved is not None:
            return saved
    return render_template("accounts/choose_password.html", form=form, user=user, title=title,
                           button=button)


def invalid_link():
    """The answer to a reset or invitation link that is forged, used, replaced or too old
    (one answer for all: it says nothing of the account). Counted as a failed attempt.
    Never a domain error: its handler would write the path, with the token, to the log."""
    limits.failed()
    return render_template("accounts/invalid_link.html"), 404
