"""Test helpers: a web client that signs in and sends CSRF tokens like a browser does."""
import re

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct horse battery staple"


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
        self.get("/login")
        response = self.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.token = None  # the session was renewed at sign-in: fetch a fresh token
        self.get("/profile")
        return response

    def logout(self):
        return self.post("/logout")
