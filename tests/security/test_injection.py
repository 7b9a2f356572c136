"""Injection (ASVS V1, V2): a corpus of XSS payloads through every field that is shown,
Markdown and plain alike, leaves every page inert; injection strings in search and filters
never cause a 500; random input in every form never causes a 500."""
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from reachback.extensions import db
from reachback.notify.models import OutboundEmail
from reachback.queries.models import Assignment, Contribution, FieldQuery
from tests.helpers import PASSWORD, WebClient

from .routes import rules, url

MARK = "XSSMARK"
# Short enough for a title or a name (200 characters).
SHORT = f'{MARK}"><img src=x onerror=alert(1)><script>alert(2)</script>{{{{7777*7}}}}'
CORPUS = "\n\n".join([
    MARK,
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "[click me](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">y</a> <a href="&#106;avascript:alert(1)">z</a>',
    '<iframe src="https://evil.example"></iframe>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name="x"><button>go</button></form>',
    "<details open ontoggle=alert(1)>x</details>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<object data="https://evil.example/x.swf"></object><embed src="x">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "{{ 7777*7 }} {% raw %}",
    "<!-- <script>alert(1)</script> -->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "```\n<script>alert('in code')</script>\n```",
])

BAD_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "base", "meta", "link",
            "frame", "frameset", "applet", "input", "textarea", "button", "select", "form"}
ALLOWED_FORMS = re.compile(r"^/")  # our own forms post to our own paths


class Inspector(HTMLParser):
    """Collects what would execute or load: scripts, handlers, dangerous URLs and tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline script {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data",
                        "background", "poster"):
                scheme = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
                if (tag, name, scheme) == ("link", "href", "data:,"):
                    continue  # our empty favicon, in the base template
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value}>")
            if name == "style" and "javascript" in (value or "").lower():
                self.problems.append(f"<{tag} style=...javascript>")
        if tag == "form" and not ALLOWED_FORMS.match(attrs.get("action") or "/"):
            self.problems.append(f"form to {attrs.get('action')}")
        if tag in ("iframe", "object", "embed", "base", "meta", "style", "frame", "applet",
                   "svg", "math") and not (tag == "meta" and "http-equiv" not in attrs):
            self.problems.append(f"<{tag}>")


def inert(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    problems = inspector.problems
    if "54439" in html:
        problems.append("template expression evaluated")
    return problems


def post_ok(web, path, data):
    response = web.post(path, data)
    assert response.status_code == 302, (path, response.status_code,
                                          response.get_data(as_text=True)[:300])
    return response


@pytest.fixture
def poisoned(app, make_user):
    """Every shown field filled with the payloads, through the pages as people do."""
    people = {"requester": make_user("member"), "facilitator": make_user("facilitator"),
              "admin": make_user("admin"), "expert": make_user("expert"),
              "decliner": make_user("expert")}
    web = {}
    for role, user in people.items():
        web[role] = WebClient(app.test_client())
        web[role].sign_in(user)
    r, f, a, e, d = (web[k] for k in ("requester", "facilitator", "admin", "expert", "decliner"))
    query = {"title": SHORT, "question": CORPUS, "context": CORPUS, "purpose": CORPUS,
             "country": "SS", "themes": ["vetting"], "priority": "normal",
             "confidentiality": "community"}
    r.get("/queries/new")
    post_ok(r, "/queries/new", query)
    r.get("/queries/new")
    post_ok(r, "/queries/new", {**query, "title": "Second " + SHORT[:150]})
    first, second = db.session.scalars(select(FieldQuery).order_by(FieldQuery.id)).all()
    ref = first.reference
    post_ok(f, f"/queries/{ref}/clarify", {"message": CORPUS})
    post_ok(r, f"/queries/{ref}/reply", {"message": CORPUS})
    post_ok(f, f"/queries/{ref}/route", {"experts": [str(people["expert"].id),
                                                     str(people["decliner"].id)]})
    post_ok(f, f"/queries/{ref}/notes", {"body": CORPUS})
    post_ok(e, f"/queries/{ref}/contributions", {"body": CORPUS, "action": "save"})
    declined = db.session.scalar(select(Assignment).where(
        Assignment.expert_id == people["decliner"].id))
    post_ok(d, f"/assignments/{declined.id}/decline", {"reason": CORPUS})
    for _ in range(2):
        post_ok(f, f"/queries/{ref}/synthesis", {"title": SHORT, "summary": CORPUS,
                                                  "body": CORPUS, "note": SHORT,
                                                  "action": "save"})
    post_ok(f, f"/queries/{ref}/publish", {"visibility": "public", "confirm": "y"})
    post_ok(f, f"/queries/{second.reference}/close", {"reason": "declined", "note": CORPUS})
    post_ok(a, f"/admin/users/{people['requester'].id}", {
        "name": SHORT, "roles": ["member"], "organisation": SHORT, "country": "",
        "languages": "", "away_until": "", "active": "y"})
    a.get("/invitations/new")
    post_ok(a, "/invitations/new", {"name": SHORT, "email": "invitee@example.org",
                                    "roles": ["member"]})
    token_page = r.post("/profile/tokens", {"token_name": SHORT[:100],
                                            "current_password": PASSWORD})
    assert token_page.status_code == 200
    contribution = db.session.scalar(select(Contribution))
    return people, web, first, second, contribution


def test_xss_payloads_in_every_shown_field_leave_every_page_inert(app, poisoned):
    people, web, first, second, _contribution = poisoned
    ref, ref2 = first.reference, second.reference
    pages = {
        "facilitator": [f"/queries/{ref}", f"/queries/{ref2}", "/triage", "/triage?tab=all",
                        f"/queries/{ref}/revisions", f"/queries/{ref}/revisions/compare?a=1&b=2",
                        f"/kb/{ref}", "/kb", f"/queries/{ref}/route", "/notifications",
                        f"/search?q={MARK}"],
        "admin": ["/admin/users", f"/admin/users/{people['requester'].id}", "/admin/audit",
                  f"/queries/{ref}", "/admin/outbox", "/invitations/new"],
        "requester": [f"/queries/{ref}", f"/queries/{ref2}", "/queries/mine", "/notifications",
                      "/profile", f"/kb/{ref}"],
        "expert": ["/assignments", f"/queries/{ref}"],
        "decliner": ["/assignments", f"/queries/{ref}"],
    }
    anonymous = WebClient(app.test_client())
    problems, seen = [], 0
    for role, paths in [*pages.items(), ("anonymous", [f"/kb/{ref}", "/kb"])]:
        client = anonymous if role == "anonymous" else web[role]
        for path in paths:
            response = client.get(path)
            if response.status_code == 404 and path.startswith(("/search", "/admin/outbox")):
                continue  # a page another feature has not built yet
            assert response.status_code == 200, (role, path, response.status_code)
            html = response.get_data(as_text=True)
            seen += MARK in html
            problems += [f"{role} {path}: {p}" for p in inert(html)]
    assert not problems, "\n".join(problems)
    assert seen >= 20  # the payloads really are on the pages


def test_xss_payloads_in_emails_are_inert(app, poisoned):
    bodies = db.session.scalars(select(OutboundEmail.html_body)).all()
    problems = [p for body in bodies if body for p in inert(body)]
    assert not problems, problems


# --- injection strings in search and filters ---------------------------------------

# Each filter argument gets every one of these across the requests to a route.
INJECTIONS = ["' OR 1=1 --", '"unterminated NEAR( AND AND *:*', "%_\\", "x" * 3000,
              "99999999999999999999999", "-1", "1e309", "a\x00b", "\r\nSet-Cookie: a=b",
              "\u202e<script>../../etc/passwd", "()^~/title:"]
ARGS = ("q", "theme", "country", "tab", "role", "kind", "page", "status", "email", "since",
        "until", "year", "sort", "per_page", "visibility", "assigned", "priority", "mine")


def test_injection_strings_in_search_and_filters_never_cause_a_500(app, make_user):
    """Every list and search, with every filter argument set to an injection string (each
    argument sees every string across the requests), as an admin or through the API."""
    from reachback.accounts.services import create_token

    admin = WebClient(app.test_client())
    admin.sign_in(make_user("admin"))
    _t, token = create_token(make_user("facilitator"), "fuzz")
    db.session.commit()
    failures = []
    for rule in rules(app, "GET"):
        if rule.arguments:
            continue
        api = rule.rule.startswith("/api/")
        for i in range(len(INJECTIONS)):
            query = {name: INJECTIONS[(i + j) % len(INJECTIONS)] for j, name in enumerate(ARGS)}
            response = admin.client.get(
                url(rule), query_string=query,
                headers={"Authorization": f"Bearer {token}"} if api else {})
            response.close()
            if response.status_code >= 500:
                failures.append(f"{rule.rule} {i}: {response.status_code}")
    assert not failures, "\n".join(failures[:20])


# --- random input in every form -----------------------------------------------------

FIELDS = ("title", "question", "context", "purpose", "country", "themes", "priority",
          "needed_by", "confidentiality", "message", "body", "reason", "note", "duplicate_of",
          "experts", "due_at", "summary", "visibility", "action", "name", "timezone",
          "token_name", "email", "password", "current_password", "new_password", "confirm",
          "roles", "organisation", "countries", "languages", "away_until", "active", "next",
          "kind", "date", "status", "mode", "holidays", "year", "code")
text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
form_data = st.dictionaries(st.sampled_from(FIELDS), st.one_of(text, st.lists(text, max_size=3)),
                            max_size=12)

# The role that reaches each form (the others are refused before the form is read).
ROLE_FOR = {"queries.contribute": "expert", "queries.accept": "expert",
            "queries.decline": "expert", "queries.edit_contribution": "expert",
            "queries.reply": "requester", "queries.withdraw": "requester"}


@pytest.fixture
def form_scene(app, make_user, make_query):
    from reachback.queries import services as qs

    people = {"requester": make_user("member"), "expert": make_user("expert"),
              "admin": make_user("admin")}
    q = make_query(requester=people["requester"], status="routed", experts=[people["expert"]],
                   confidentiality="community")
    contribution = qs.add_contribution(people["expert"], q, "Advice")
    db.session.commit()
    clients = {}
    for role, user in people.items():
        clients[role] = WebClient(app.test_client())
        clients[role].sign_in(user)
    from reachback.sla.models import Calendar

    values = {"ref": q.reference, "assignment_id": q.assignments[0].id,
              "contribution_id": contribution.id, "user_id": people["requester"].id,
              "calendar_id": db.session.scalar(select(Calendar.id)), "token_id": 1,
              "email_id": 1, "doc_id": 1, "attachment_id": 1}
    return clients, values


def form_rules(app):
    return [r for r in rules(app, "POST") if not r.rule.startswith("/api/")]


def test_random_input_in_every_form_never_causes_a_500(app, form_scene):
    """25 random submissions to each form (one scene for all: setting one up per form would
    cost more than the fuzzing)."""
    clients, values = form_scene
    for rule in form_rules(app):
        web = clients[ROLE_FOR.get(rule.endpoint, "admin")]
        path = url(rule, {k: v for k, v in values.items() if k in rule.arguments})
        _fuzz(web, path)


def _fuzz(web, path):
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=form_data)
    def fuzz(data):
        response = web.post(path, data)
        assert response.status_code < 500, (path, data)

    fuzz()


# --- templates ------------------------------------------------------------------------

# The only places a template may print HTML unescaped, and why each is safe.
SAFE_ALLOWED = {
    # Whoosh's HtmlFormatter escapes the text around the <strong> marks it adds.
    ("knowledge/search.html", "item.highlights"),
}


def test_templates_print_unescaped_html_only_where_allowed():
    """Autoescape stays on: `|safe` only on allowlisted values, no `autoescape false`, and
    Markdown goes through the sanitising `markdown` filter."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    found = set()
    for path in root.rglob("*.html"):
        source = path.read_text()
        assert "autoescape false" not in source, path
        for expression in re.findall(r"\{\{-?\s*([^{}|]+?)\s*\|\s*safe\b", source):
            found.add((path.relative_to(root).as_posix(), expression.strip()))
    assert found <= SAFE_ALLOWED, found - SAFE_ALLOWED
