"""Run by the interpreter of a virtualenv holding the built wheel (test_wheel.py): uses the
installed application as a deployment would and prints what it found as JSON."""
import hashlib
import json
import re
import sys
from datetime import UTC, date, datetime
from types import SimpleNamespace

import reachback
from reachback import create_app
from reachback.accounts.services import create_user
from reachback.data import demo_loader
from reachback.extensions import db
from reachback.notify.services import render_email

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The pages a member reaches, signed out and signed in: base.html, the macros and the
# feature templates rendered for real (every other template is at least compiled).
PAGES = {"/login": 200, "/password/forgot": 200, "/kb": 200, "/search?q=police": 200,
         "/library": 200, "/no-such-page": 404}
MEMBER_PAGES = ("/queries/new", "/queries/mine", "/profile", "/notifications", "/kb",
                "/library")


def emails() -> dict[str, str]:
    """Every e-mail pair rendered (text, html) with the context its sender gives."""
    user = SimpleNamespace(name="Amina")
    note = SimpleNamespace(text="RB-2026-0001 has an answer.", created_at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    contexts = {
        "notification": {"user": user, "note": note, "link": "https://rb.example/q"},
        "digest": {"user": user, "day": date(2026, 12, 7), "link": "https://rb.example/n",
                   "zone": UTC,
                   "items": [SimpleNamespace(note=note, link="https://rb.example/q")]},
        "invitation": {"person": "Amina", "inviter": "Jo", "days": 7, "link": "https://rb.example/i"},
        "password_reset": {"person": "Amina", "minutes": 60, "link": "https://rb.example/r"},
    }
    # The e-mails that carry content: objects with the attributes their templates read.
    html = lambda field: "<p>Text.</p>"  # noqa: E731 (Markdown fields rendered, sanitised)
    query = SimpleNamespace(reference="RB-2026-0001", title="Vetting", question="How?",
                            context="Context.", purpose="Purpose.", country="SS",
                            themes=["vetting"], needed_by=date(2026, 12, 20), html=html,
                            triage_due_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    response = SimpleNamespace(title="Vetting", summary="Summary.", body="Body.", html=html,
                               query=query, published_at=note.created_at)
    files = [SimpleNamespace(name="brief.pdf", link="https://rb.example/f")]
    told = {"user": user, "note": note, "link": "https://rb.example/q", "zone": UTC,
            "query": query, "query_link": "https://rb.example/q",
            "settings_url": "https://rb.example/s", "reply_by_mail": True}
    published = {"response": response, "files": files, "response_link": "https://rb.example/k"}
    listed = {"user": user, "subscriptions_link": "https://rb.example/s", "zone": UTC,
              "unsubscribe_link": "https://rb.example/u"}
    contexts.update({
        "assigned": {**told, "decline_link": "https://rb.example/d",
                     "assignment": SimpleNamespace(due_at=note.created_at)},
        "clarification_requested": {**told, "message": SimpleNamespace(body="Which?",
                                                                      html=html)},
        "response_published": {**told, **published},
        "subscription": {**listed, **published},
        "subscription_digest": {**listed, "day": date(2026, 12, 7), "items": [
            SimpleNamespace(response=response, link="https://rb.example/k")]},
        "mail_query_received": {"user": user, "query": query, "zone": UTC,
                                "link": "https://rb.example/q"},
        "mail_unknown_sender": {"address": "Amina <a@x.example>",
                                "base_url": "https://rb.example/"},
        "group_digest": {**listed, "group": SimpleNamespace(name="WASH", slug="wash"),
                         "headings": {"queries": "New queries", "events": "New events"},
                         "items": {"queries": [query], "events": [SimpleNamespace(
                             title="Call", starts_at=note.created_at)]},
                         "links": {"queries": lambda q: "https://rb.example/q",
                                   "events": lambda e: "https://rb.example/e"},
                         "group_link": "https://rb.example/g"},
        "newsletter": {**listed, "newsletter": SimpleNamespace(
                           title="Reachback newsletter: November 2026", editorial="Hello.",
                           html=html),
                       "labels": {"response": "Newly published responses"},
                       "sections": [("response", [SimpleNamespace(
                           id=1, title="Vetting", blurb="Summary.")])],
                       "links": {1: "https://rb.example/k"}, "link": "https://rb.example/n",
                       "settings_link": "https://rb.example/s"},
    })
    return {name: "".join(render_email(name, **context)) for name, context in contexts.items()}


def demo_data() -> dict[str, object]:
    """The demo's data files read from the installed package (what `reachback demo` loads):
    a wheel without them, or without PyYAML, fails here."""
    content = demo_loader.load()
    return {"folder": str(demo_loader.FOLDER), "organisations": len(content.organisations),
            "people": len(content.people), "queries": len(content.queries)}


def statuses(app, static_files) -> dict[str, object]:
    client = app.test_client()
    seen = {path: client.get(path).status_code for path in PAGES}
    for name in static_files:
        response = client.get(f"/static/{name}")
        seen[f"/static/{name}"] = [response.status_code, hashlib.sha256(response.data).hexdigest()]
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": "member@example.org", "password": PASSWORD,
                                "csrf_token": token})
    seen.update({f"member {path}": client.get(path).status_code for path in MEMBER_PAGES})
    return seen


def main(static_files: list[str]) -> dict:
    app = create_app()
    with app.app_context():
        templates = sorted(app.jinja_env.list_templates())
        for name in templates:
            app.jinja_env.get_template(name)  # compiles: a syntax error or lost file raises
        mails = emails()
        create_user(None, "member@example.org", "Member", password=PASSWORD)
        db.session.commit()
    return {"package": reachback.__file__, "sys_path": sys.path,
            "template_folder": app.template_folder, "static_folder": app.static_folder,
            "instance_path": app.instance_path, "templates": templates, "emails": mails,
            "statuses": statuses(app, static_files), "demo": demo_data()}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
