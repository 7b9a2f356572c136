"""Two-factor sign-in pages: the code after the password, the enrolment a staff account
goes through at its first sign-in, and setting it up from the security page."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import TooManyAttempts
from ..extensions import client_address, db
from ..web import submitted
from . import limits, signin, twofactor
from .forms import CodeForm
from .views import no_store, throttled

bp = Blueprint("twofactor", __name__)
bp.after_request(no_store)


def _back_to_sign_in():
    """The half-finished sign-in is gone (too old, or never started): start again."""
    signin.drop_pending()
    flash(_("Please sign in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@limits.limited("RATELIMIT_CODE", limits.pending_person)
def code():
    pending = signin.pending(signin.CODE)
    if pending is None:
        return _back_to_sign_in()
    user, target = pending
    form = CodeForm()
    if form.validate_on_submit():
        try:
            accepted = twofactor.verify_code(user, form.code.data, client_address())
        except TooManyAttempts as e:
            return throttled("accounts/code.html", e, form=form)
        db.session.commit()  # the used step or code, or the failure, is recorded either way
        if accepted:
            signin.finish(user)
            return redirect(signin.landing(target))
        limits.failed()
        form.code.errors = [twofactor.wrong_code()]
    return render_template("accounts/code.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@limits.limited("RATELIMIT_CODE", limits.pending_person)
def enrol():
    """Staff (or everyone, by setting) without a second factor set it up before the session
    opens; the recovery codes are shown once, on the way in."""
    pending = signin.pending(signin.ENROL)
    if pending is None:
        return _back_to_sign_in()
    user, target = pending
    return _enrolment(user, url_for("twofactor.enrol"), signin.landing(target), sign_in=True)


@bp.route("/profile/two-factor", methods=["GET", "POST"])
def setup():
    """The key started from the security page (after the password), confirmed by a code."""
    if not current_user.totp_pending_secret:
        return redirect(url_for("auth.security"))
    return _enrolment(current_user, url_for("twofactor.setup"), url_for("auth.security"),
                      keep=g.get("user_session"))


def _enrolment(user, action: str, continue_url: str, keep=None, sign_in: bool = False):
    """The key waiting for its first code, as text and QR code; the right code turns it on
    (and, at sign-in, opens the session) and shows the recovery codes once."""
    form = CodeForm()

    def recovery_codes(codes):
        if sign_in:
            signin.finish(user)
        return render_template("accounts/recovery_codes.html", codes=codes,
                               continue_url=continue_url)

    def enrol_page():
        secret = user.totp_pending_secret
        return render_template("accounts/enrol.html", form=form, secret=secret, action=action,
                               qr=twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret)))

    return (submitted(form, lambda: twofactor.confirm_enrolment(user, form.code.data, keep=keep),
                      respond=recovery_codes, refused=lambda _error: limits.failed(),
                      keep_refused=True)  # the failed code is audited
            or enrol_page())
