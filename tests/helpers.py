"""Test helpers: a web client that signs in (with the second factor where the account has
one) and sends CSRF tokens like a browser does."""
import re

import pyotp
from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import update

from reachback.accounts.models import User
from reachback.accounts.signin import finish
from reachback.extensions import db
from reachback.models_base import utcnow

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct horse battery staple"


def totp_code(secret: str) -> str:
    """The code an authenticator app would show now, by the application's clock."""
    return pyotp.TOTP(secret).at(utcnow())


def allow_code_again(user) -> None:
    """Forget the last code step the user passed, so that signing in twice within 30 s works
    in tests (the replay rule itself is tested in tests/security/test_totp.py)."""
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    db.session.commit()


def clear_g() -> None:
    """Empty `g`, as at the start of a request (tests keep one app context, so one `g`)."""
    for key in list(g):
        g.pop(key)


def csrf_from(html: str) -> str | None:
    match = TOKEN.search(html)
    return match.group(1) if match else None


class WebClient:
    """Wraps Flask's test client: `login(user)`, then `post(url, data)` adds the CSRF token
    taken from a page, exactly as a browser form would."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, url, **kw):
        response = self.client.get(url, **kw)
        token = csrf_from(response.get_data(as_text=True))
        if token:
            self.token = token
        return response

    def refresh_token(self):
        self.get("/login") if self.token is None else None
        if self.token is None:
            self.get("/profile")
        return self.token

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.token or self.refresh_token()
        response = self.client.post(url, data=data, **kw)
        token = csrf_from(response.get_data(as_text=True))
        if token:
            self.token = token
        return response

    def login(self, user, password=PASSWORD):
        """Sign in through the pages: the password, then the code (or, for an account that
        must have a second factor and has none, the enrolment). Returns the response that
        opened the session."""
        self.get("/login")
        response = self.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        step = response.headers["Location"]
        if step.endswith("/login/code"):
            response = self.pass_code(user)
        elif step.endswith("/login/enrol"):
            response = self.enrol(user)
        self.token = None  # the session was renewed at sign-in: fetch a fresh token
        self.get("/profile")
        return response

    def sign_in(self, user):
        """Signed in without the sign-in pages: the session that their last step opens
        (accounts.signin.finish), and a CSRF token for it. For tests of what a signed-in
        user may do; the sign-in itself is tested through the pages (tests/security)."""
        app = current_app._get_current_object()
        # The same client address and User-Agent as the test client's requests, and a fresh
        # `g` as a request has: the test's app context (and its `g`) outlives requests, and
        # a CSRF token left there by an earlier page would be taken for this session's.
        clear_g()
        with app.test_request_context():
            finish(user)
            self.token = generate_csrf()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        clear_g()
        self.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)

    def pass_code(self, user):
        allow_code_again(user)
        self.get("/login/code")
        response = self.post("/login/code", {"code": totp_code(user.totp_secret)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def enrol(self, user):
        self.get("/login/enrol")
        db.session.refresh(user)
        response = self.post("/login/enrol", {"code": totp_code(user.totp_pending_secret)})
        assert response.status_code == 200 and "recovery codes" in response.get_data(
            as_text=True), response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.post("/logout")


def matrix_groups(people) -> None:
    """The permission matrices' groups: "wash" (the requester, a member and a group
    facilitator, not staff) and another, of "other_group"."""
    from reachback.groups import services as groups

    admin = people["admin"]
    wash = groups.create_group(admin, {"name": "WASH", "slug": "wash"})
    other = groups.create_group(admin, {"name": "Other", "slug": "other"})
    for role in ("requester", "group_member", "group_facilitator"):
        groups.join_group(people[role], wash)
    groups.set_role(admin, wash, people["group_facilitator"].id, "facilitator")
    groups.join_group(people["other_group"], other)
