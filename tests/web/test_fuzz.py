"""Property-based fuzz of the pages, like the API's (tests/api/test_fuzz.py): whatever numbers,
dates and text arrive in a URL, a query string or a form, no page answers 500 (issue 14,
item 3).

Every page route is taken from app.url_map (so a new page is covered the day it is added) and
filled with real references and ids of a small scene, as a member, a facilitator and an
admin. Each page is read, and the forms it shows are found in its HTML: a GET route gets
every query-string parameter its filter forms have, or its view reads (ARGS); every form a
page shows is posted, with a valid CSRF token, with each field in turn set to each value of
SWEEP (the others as the page filled them), then with random values in its fields; and every
POST route gets random ids and random values of every field name of the application's forms.
Bounded and deterministic (WEB_FUZZ_EXAMPLES=50 for a deeper run by hand).
"""
import importlib
import os
import pkgutil
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import reachback
from reachback.accounts.twofactor import set_secret
from reachback.extensions import db
from reachback.queries.models import Assignment, Contribution, FieldQuery
from reachback.sla.models import Calendar

FUZZ = settings(max_examples=int(os.environ.get("WEB_FUZZ_EXAMPLES", "2")), deadline=None,
                database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Query-string parameters views read beyond their filter forms' fields (grep request.args).
ARGS = {"synthesis.compare": ["a", "b"], "queries.triage": ["tab"],
        "queries.expert_queue": ["all"], "email.outbox": ["status"], "auth.login": ["next"],
        "search.similar_answers": ["title", "question"]}
# Each field in turn gets each of these (the cases the review found), then random values.
SWEEP = ["99999999999999999999", "9999-12-31", "0000-00-00"]
NASTY = [*SWEEP, "-1", "2147483648", "0", "1", "1.5", "1e9", "x", "", "0001-01-01", "2026-02-30",
         "2026-11-24", "1999-12-31", "9999-12-30T23:59:59+14:00", "\x00", "a\x00b", "ü" * 3,
         "😀", "١٢٣", "x" * 3000, "RB-2026-0001", "SS", "urgent", "community", "public", "admin"]
values = st.sampled_from(NASTY) | st.integers(-2**70, 2**70).map(str) | st.text(max_size=12)


def _form_fields() -> list[str]:
    """Every field name of every form of the application."""
    names = {"action"}
    for module in pkgutil.walk_packages(reachback.__path__, "reachback."):
        if module.name.endswith("forms"):
            for obj in vars(importlib.import_module(module.name)).values():
                if isinstance(obj, type) and issubclass(obj, FlaskForm):
                    names |= {n for n in dir(obj) if isinstance(getattr(obj, n), UnboundField)}
    return sorted(names)


FORM_FIELDS = _form_fields()


def _routes() -> list[tuple[str, str, str]]:
    from reachback import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    return [(method, rule.rule, rule.endpoint)
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if not rule.endpoint.startswith("api.") and rule.endpoint != "static"
            for method in sorted(rule.methods & {"GET", "POST"})]


ROUTES = _routes()


class Forms(HTMLParser):
    """The forms of a page, filled as a browser would send them unchanged: (method, action,
    {field: value}, [values of its `action` buttons])."""

    def __init__(self):
        super().__init__()
        self.forms, self.select = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").upper(), a.get("action") or "", {}, []))
            return
        if not self.forms:
            return
        fields, buttons = self.forms[-1][2], self.forms[-1][3]
        name = a.get("name")
        if tag == "option" and self.select and (self.select not in fields or "selected" in a):
            fields[self.select] = a.get("value", "")
        elif tag == "select":
            self.select = name
        elif name == "action":
            buttons.append(a.get("value") or "")
        elif tag in ("input", "textarea") and name and name != "csrf_token":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "on")
            elif a.get("type") not in ("submit", "button"):
                fields[name] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


@pytest.fixture
def scene(app, clock, make_user, make_query, make_web):
    """Members, staff and queries in several states: the references and ids to aim at."""
    people = {role: make_user(role) for role in ("member", "facilitator", "admin")}
    expert = make_user("expert")
    for status in ("submitted", "routed", "synthesis", "published"):
        make_query(requester=people["member"], status=status, experts=[expert],
                   facilitator=people["facilitator"], confidentiality="community")
    ids = {
        "ref": [q.reference for q in db.session.query(FieldQuery)],
        "user_id": [u.id for u in (*people.values(), expert)],
        "assignment_id": [a.id for a in db.session.query(Assignment)],
        "contribution_id": [c.id for c in db.session.query(Contribution)],
        "calendar_id": [c.id for c in db.session.query(Calendar)],
    }
    reading = {}  # actor -> a client that has only sent GETs since it signed in

    def web_for(actor, method="POST"):
        """The actor's client, signed in again as they started: a POST may have ended the
        session, deactivated the account or turned its second factor off. Reading changes
        nothing (tests/security/test_access.py), so GETs share one client per actor until
        the next POST."""
        if method == "GET" and actor in reading:
            return reading[actor]
        reading.clear()
        user = people[actor]
        db.session.refresh(user)
        user.active = True
        if user.is_staff and not user.totp_secret:
            set_secret(user)
        db.session.commit()
        web = make_web()
        web.sign_in(user)  # a fresh `g` too: no stale CSRF token from the last request
        if method == "GET":
            reading[actor] = web
        return web

    return sorted(people), ids, web_for


def _send(web, method, url, fields):
    if method == "GET":
        response = web.client.get(url + ("?" + urlencode(fields) if fields else ""))
    else:
        response = web.client.post(url, data={**fields, "csrf_token": web.token})
    assert response.status_code < 500, (method, url, fields, response.get_data(as_text=True)[:300])
    db.session.rollback()
    return response


def _sweep(web, method, url, defaults, names):
    """Each field in turn set to each value of SWEEP, the others left as the page set them."""
    for name in names:
        for value in SWEEP:
            _send(web, method, url, {**defaults, name: value})


def _random(web_for, actors, method, url, names, defaults=None):
    @FUZZ
    @given(actor=st.sampled_from(actors), data=st.data(),
           fields=st.dictionaries(st.sampled_from(names), values, max_size=6))
    def run(actor, data, fields):
        target = re.sub(r"<([^<>]+)>", lambda m: quote(data.draw(values), safe="") or "x", url)
        _send(web_for(actor, method), method, target, {**(defaults or {}), **fields})

    run()


def _real(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>",
                  lambda m: str((ids.get(m.group(1)) or [1])[0]), rule)


def test_no_query_string_makes_a_page_fail(scene):
    actors, ids, web_for = scene
    for method, rule, endpoint in ROUTES:
        if method != "GET":
            continue
        url = _real(rule, ids)
        for actor in actors:
            page = Forms()
            page.feed(_send(web_for(actor, "GET"), "GET", url, {}).get_data(as_text=True))
            names = sorted({"page", *ARGS.get(endpoint, []),
                            *(n for m, _, fields, _ in page.forms if m == "GET" for n in fields)})
            _sweep(web_for(actor, "GET"), "GET", url, {}, names)
        _random(web_for, actors, "GET", rule, names)


def test_no_form_input_makes_a_page_fail(scene):
    actors, ids, web_for = scene
    posted = set()
    for method, rule, _ in ROUTES:
        if method != "GET":
            continue
        for actor in actors:
            page = Forms()
            page.feed(_send(web_for(actor, "GET"), "GET", _real(rule, ids), {}).get_data(as_text=True))
            for form_method, action, fields, buttons in page.forms:
                key = (actor, action, tuple(sorted(fields)), tuple(buttons))
                if form_method != "POST" or key in posted:
                    continue
                posted.add(key)
                url = urlsplit(action).path or _real(rule, ids)
                for button in buttons or [None]:
                    defaults = {**fields, **({"action": button} if button else {})}
                    _sweep(web_for(actor), "POST", url, defaults, sorted(fields))
                _random(web_for, [actor], "POST", url, sorted(fields) or ["x"], fields)
    for method, rule, _ in ROUTES:  # every POST route, shown or not: any field name, any id
        if method == "POST":
            _random(web_for, actors, "POST", rule, FORM_FIELDS)
