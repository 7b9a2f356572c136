"""Browser tests: the app served on a free port from a thread, driven by Debian's Chromium
through Playwright (pytest-playwright's fixtures, pointed at /usr/bin/chromium).

Without Chromium the tests are skipped with a loud message, or fail under CI=true: `make test`
installs Chromium from Debian's packages first when it runs as root. Never `playwright install`.
"""
import itertools
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from reachback import create_app
from reachback.accounts.services import create_user
from reachback.accounts.taxonomy import seed_taxonomy
from reachback.accounts.twofactor import set_secret
from reachback.extensions import db
from tests.browser.journey import through_the_sign_in_page
from tests.conftest import TEST_CONFIG, close_app
from tests.helpers import PASSWORD

HERE = Path(__file__).parent
CHROMIUM = shutil.which("chromium")
IN_CI = os.environ.get("CI") == "true"
MISSING = (
    "BROWSER TESTS NOT RUN: Chromium is not installed (no `chromium` on PATH). "
    "Run `make test` as root, which installs Debian's chromium, or "
    "`apt-get install chromium`; never `playwright install`."
)
BANNER = "\n" + "!" * 78 + "\n!! " + MISSING + "\n" + "!" * 78 + "\n"
LAUNCH_ARGS = ["--disable-gpu", "--no-sandbox", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


# --- without Chromium: skip loudly, or fail in CI ----------------------------------------

_collected = {"browser tests": 0}


def _ours(item) -> bool:
    return HERE in Path(item.path).parents


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if _ours(item)]
    _collected["browser tests"] = len(ours)
    if CHROMIUM or not ours:
        return
    sys.stderr.write(BANNER)
    if IN_CI:
        return  # _require_chromium fails every browser test instead
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_terminal_summary(terminalreporter):
    if CHROMIUM is None and _collected["browser tests"]:
        terminalreporter.write_line(BANNER, red=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail(MISSING + " (CI=true: a browser test that cannot run fails.)",
                        pytrace=False)
        pytest.skip(MISSING)


# --- pytest-playwright, pointed at Debian's Chromium and at the live server ---------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _require_chromium):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown the output
        pass


class LiveServer:
    """The app served by werkzeug from a daemon thread, on a free port of 127.0.0.1."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True,
                                  request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


def build_app(folder: Path):
    """An app with its own instance folder and SQLite database, seeded like tests/conftest."""
    previous = os.environ.get("REACHBACK_INSTANCE_PATH")
    os.environ["REACHBACK_INSTANCE_PATH"] = str(folder)
    try:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{folder / 'browser.db'}"})
    finally:
        if previous is None:
            os.environ.pop("REACHBACK_INSTANCE_PATH", None)
        else:
            os.environ["REACHBACK_INSTANCE_PATH"] = previous
    with app.app_context():
        db.create_all()
        seed_taxonomy()
        try:
            from reachback.sla.services import seed_sla_defaults
        except ImportError:  # SLA policies are optional for these pages
            pass
        else:
            seed_sla_defaults()
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, _require_chromium):
    server = LiveServer(build_app(tmp_path_factory.mktemp("browser-instance")))
    server.start()
    yield server
    server.stop()
    with server.app.app_context():
        db.session.remove()
        close_app(server.app)


@pytest.fixture(scope="session")
def live_app(live_server):
    return live_server.app


_serial = itertools.count(1)


@pytest.fixture(scope="session")
def make_account(live_app):
    """Create an account through the service, unique to this test: tests share one server and
    database, so each works with its own people and finds its own query by its own title."""

    def make(role: str, **profile):
        n = next(_serial)
        with live_app.app_context():
            user = create_user(None, f"{role}-{n}@browser.example.org",
                               f"{role.title()} Browser {n}", roles=[role],
                               password=PASSWORD, **profile)
            secret = set_secret(user) if user.is_staff else None  # staff sign in with a code
            db.session.commit()
            return Account(user.id, user.email, user.name, role, secret)

    return make


@dataclass(frozen=True)
class Account:
    """What a test needs of a user, usable outside the app context."""

    id: int
    email: str
    name: str
    role: str
    totp_secret: str | None = None  # staff: the key of their authenticator app



@pytest.fixture(scope="session")
def make_published_query(live_app, make_account):
    """A query taken to a published community response through the services (for the pages
    that need one to exist, not for the journey itself): returns (reference, member)."""
    from reachback.accounts.models import User
    from reachback.queries import services as qs
    from reachback.synthesis import services as ss

    def make(title="How were militia members vetted before joining the police?"):
        member, staff = make_account("member"), make_account("facilitator")
        expert = make_account("expert", themes=["vetting"], countries=["SS"])
        with live_app.app_context():
            requester, facilitator, specialist = (db.session.get(User, a.id)
                                                  for a in (member, staff, expert))
            q = qs.submit_query(requester, {
                "title": title, "question": "What worked, and what did **not**?",
                "context": "Two armed groups join the police next year.", "country": "SS",
                "themes": ["vetting"], "priority": "normal", "confidentiality": "community"})
            qs.assign_expert(facilitator, q, specialist)
            qs.add_contribution(specialist, q, "In Liberia, community hearings came first.\n\n"
                                "- Screen records\n- Hear the community\n- Decide openly")
            ss.save_draft(facilitator, q, title, "Vet before training; involve the community.",
                          "## What worked\n\n- Community hearings\n- [A guide]"
                          "(https://example.org/vetting-guide)\n\n## What did not\n\n"
                          "Vetting after deployment.")
            ss.publish_response(facilitator, q, "community")
            db.session.commit()
            return q.reference, member

    return make


@pytest.fixture
def sign_in(browser, base_url):
    """A new browser context signed in as `account` through the sign-in page."""
    contexts = []

    def open_as(account, **context_args):
        context = browser.new_context(base_url=base_url, **context_args)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return through_the_sign_in_page(context.new_page(), account)

    yield open_as
    for context in contexts:
        context.close()
