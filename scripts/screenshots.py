"""Refresh docs/screenshots/: the key pages, shot in Debian's Chromium from the demo data
loaded into a temporary instance (`make screenshots`). Nothing of the real instance is touched.

Usage: .venv/bin/python scripts/screenshots.py [OUTPUT_FOLDER]
"""
import os
import secrets
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parent.parent
LAUNCH_ARGS = ["--disable-gpu", "--no-sandbox", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1200, "height": 900}
PHONE = {"width": 360, "height": 740}  # a small phone
SHORT = {"width": 1200, "height": 720}  # a long page's top: its PNG stays under 150 KB

# (file, account, what to open): the pages the README shows.
SHOTS = [
    ("query-form.png", "member@example.org", "/queries/new"),
    ("triage-inbox.png", "facilitator@example.org", "/triage"),
    ("expert-queue.png", "expert@example.org", "/assignments?all=1"),
    ("synthesis.png", "facilitator@example.org", "synthesis"),
    ("published-response.png", "member@example.org", "response"),
    ("knowledge-base.png", "member@example.org", "/kb"),
    ("search.png", "member@example.org", "/search?q=vetting police"),  # once search exists
    ("home.png", "member@example.org", "/", SHORT),
    ("members.png", "member@example.org", "/members"),
    ("calendar.png", "member@example.org", "/calendar"),
    ("group.png", "member@example.org", "group"),
    ("discussion.png", "member@example.org", "discussion", SHORT),
    ("phone-triage-inbox.png", "facilitator@example.org", "/triage?tab=open", PHONE),
    ("phone-themes.png", "member@example.org", "/queries/new#themes", PHONE),
]


def main(out: Path) -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots: chromium is missing (`make chromium` as root installs it).",
              file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reachback-shots-") as folder:
        password = secrets.token_urlsafe(12)
        os.environ["REACHBACK_INSTANCE_PATH"] = folder
        os.environ["REACHBACK_DEMO_PASSWORD"] = password
        app = build(folder)
        urls = resolve(app)
        serve(app, lambda base: shoot(chromium, base, password, urls, out))
    return 0


def build(folder: str):
    sys.path.insert(0, str(ROOT))
    from reachback import create_app
    from reachback.demo import load_demo
    from reachback.extensions import db

    app = create_app({"SCHEDULER_IN_RUN": False,
                      "DATABASE_URL": f"sqlite:///{Path(folder) / 'shots.db'}"})
    with app.app_context():
        db.create_all()
        load_demo(echo=lambda _line: None)
        try:  # the search index, where search exists: built now, not lazily on first use
            from reachback.knowledge.search import rebuild
        except ImportError:
            pass
        else:
            rebuild()
            db.session.commit()
    return app


def resolve(app) -> dict:
    """The demo's own references for the pages that need one."""
    from sqlalchemy import select

    from reachback.accounts.models import User
    from reachback.discussions.models import Discussion
    from reachback.extensions import db
    from reachback.groups.models import Group
    from reachback.queries.models import FieldQuery
    from reachback.synthesis.models import ConsolidatedResponse

    with app.app_context():
        drafting = db.session.scalar(select(FieldQuery.reference).filter_by(status="synthesis")
                                     .order_by(FieldQuery.id))
        published = db.session.scalar(
            select(FieldQuery.reference).join(ConsolidatedResponse)
            .filter(FieldQuery.status == "published",
                    ConsolidatedResponse.visibility.in_(["community", "public"]))
            .order_by(FieldQuery.id))
        group = db.session.scalar(select(Group.slug).order_by(Group.id))
        discussion = next(d.id for d in db.session.scalars(select(Discussion))
                          if d.status == "open")
        keys = dict(db.session.execute(select(User.email, User.totp_secret).where(
            User.totp_secret.is_not(None))).all())
    return {"synthesis": f"/queries/{drafting}/synthesis", "response": f"/kb/{published}",
            "group": f"/groups/{group}", "discussion": f"/discussions/{discussion}",
            "has search": "knowledge.search" in app.view_functions, "keys": keys}


def serve(app, work) -> None:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        work(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()


def shoot(chromium: str, base: str, password: str, urls: dict, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        pages = {}
        for filename, email, target, *size in SHOTS:
            if target.startswith("/search") and not urls["has search"]:
                continue
            viewport = size[0] if size else VIEWPORT
            signed_in = next((p for (e, _w), p in pages.items() if e == email), None)
            if (email, viewport["width"]) not in pages and signed_in is not None:
                # The same session at another size: a two-factor code is good only once.
                context = browser.new_context(base_url=base, viewport=viewport,
                                              storage_state=signed_in.context.storage_state())
                pages[email, viewport["width"]] = context.new_page()
            if (email, viewport["width"]) not in pages:
                context = browser.new_context(base_url=base, viewport=viewport)
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("E-mail").fill(email)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Sign in").click()
                if email in urls["keys"]:  # staff: the code of the demo's two-factor key
                    page.wait_for_url("**/login/code")
                    page.get_by_label("Code").fill(pyotp.TOTP(urls["keys"][email]).now())
                    page.get_by_role("button", name="Verify").click()
                page.wait_for_url(lambda url: "/login" not in url)
                pages[email, viewport["width"]] = page
            page = pages[email, viewport["width"]]
            page.set_viewport_size(viewport)
            page.goto(urls.get(target, target))
            page.screenshot(path=str(out / filename))
            print(f"screenshots: {out / filename}")
        browser.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
