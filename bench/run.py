"""The benchmark: serve the generated instance with gunicorn and measure it against DESIGN §9.

Against the instance made by bench/generate.py (default bench/instance/):
  1. prepares sign-ins without the sign-in form (server-side session rows and an API token
     written straight into the bench database, so that TOTP or rate limits on the form
     change nothing here), and a draft to publish;
  2. serves the app with gunicorn (2 workers) on loopback, and after a warm-up measures
     p50, p95 and throughput with --clients concurrent keep-alive clients (default 2, one
     per worker: latency without queueing; 4 shows the queueing) for the pages people use
     most: my queries, the triage inbox, an expert's queue, a query page, a synthesis page,
     the knowledge base, ~20 varied searches, the reports and the API's query list; and
     every other page a crawl reaches (see crawl()) as member, expert, facilitator and
     admin, each route once per role with the first subject the crawl found
     (--crawl-requests each);
  3. publishes a response through the publish form and polls search until it appears;
  4. reads each worker's resident memory, then stops gunicorn;
  5. runs the SLA evaluation job over all open queries on a copy of the database: a
     catch-up (the data has no SLA marks yet), the measured run, and a rerun;
  6. reports the reindex rate and peak memory measured by the generator (--reindex: again);
and prints a table with the budgets and a verdict (how many rows failed), also written to
bench/results/latest.md and to a file of its scale and database (sqlite-100k.md).

    .venv/bin/python bench/run.py [--instance bench/instance] [--requests 200] [--clients 2]
                                  [--crawl-requests 40] [--crawl-pages 300]
"""
import argparse
import base64
import gzip
import http.client
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess  # nosec B404 - our own gunicorn and CLI, fixed argument lists
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import brotli  # both come with Flask-Compress
from backports import zstd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

CLIENTS = 2  # one per gunicorn worker
DECODE = {"br": brotli.decompress, "zstd": zstd.decompress, "gzip": gzip.decompress}
USER_AGENT = "reachback-bench/1"
PAGE_P95_MS, SEARCH_P95_MS = 50.0, 100.0
SLA_SECONDS, SEARCHABLE_SECONDS = 1.0, 10.0
WORKER_MB, REINDEX_MB = 120, 500
# The crawl: the people it signs in as (the session cookie of each, see prepare()) by role.
CRAWLERS = {"member": "requester", "expert": "expert", "facilitator": "facilitator",
            "admin": "admin"}
CRAWL_PAGES, CRAWL_REQUESTS = 300, 40
# Pages fetched per route: a route's other subjects seldom link anywhere new, and without
# a cap the lists' hundreds of /queries/<ref> links would use up the crawl.
PAGES_PER_ROUTE = 5
# Not crawled: the static files, the API (measured with a token), downloads and feeds (not
# pages), addresses carrying a secret token, and the one GET that changes state (opening a
# notification marks it read). Sign-out is a form (POST): no link reaches it.
NOT_CRAWLED = re.compile(
    r"^/(static|api)/|^/logout|^/notifications/\d+/open$|^/calendar/feed/|^/unsubscribe/"
    r"|^/invitation/|^/password/reset/|\.(csv|xlsx|ics|json|atom)$")
SEARCHES = [
    "ceasefire monitoring", "police reform", "disarmament demobilisation reintegration",
    "elections", "transitional justice truth commission", "women participation",
    "land disputes", "hate speech radio", "roster deployment", "early warning indicators",
    '"organised crime"', "security sector reform -police", "customary justice elders",
    "ceasfire", "mine clearance farmland", "youth employment markets", "civil military liaison",
    "reintegration OR rehabilitation", "budget transparency municipalities", "handover lessons",
]


@dataclass
class Scenario:
    name: str
    who: str  # "requester", "facilitator", "expert", "admin" or "api"
    paths: list[str]
    budget_ms: float = PAGE_P95_MS
    requests: int | None = None  # None: the run's --requests
    times: list[float] = field(default_factory=list)  # as the client sees them
    server_times: list[float] = field(default_factory=list)  # gunicorn's, per request
    errors: int = 0
    seconds: float = 0.0

    def p(self, q: float, times: list[float] | None = None) -> float:
        ordered = sorted(self.times if times is None else times)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    @property
    def passed(self) -> bool:
        return bool(self.server_times) and not self.errors \
            and self.p(95, self.server_times) <= self.budget_ms


# --- preparing the instance ---------------------------------------------------------------

def prepare(app, info: dict) -> dict:
    """Sessions for the people we act as, an API token, the pages' subjects and a fresh
    draft to publish (with a word found nowhere else, to poll search for)."""
    from flask import session
    from flask_login import login_user
    from sqlalchemy import func, select

    from reachback.accounts.models import User, UserRole
    from reachback.accounts.services import create_token, start_session
    from reachback.extensions import db
    from reachback.queries.models import Contribution, FieldQuery
    from reachback.synthesis import services as synthesis

    people = {who: info[f"{who}_id"] for who in ("requester", "facilitator", "expert")}
    out = {"cookies": {}}
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    with app.app_context():
        out["database"] = db.engine.dialect.name  # names the results file of this scale
        people["admin"] = db.session.scalar(
            select(User.id).join(UserRole).where(UserRole.role == "admin", User.active)
            .order_by(User.id).limit(1))
        for who, uid in people.items():
            user = db.session.get(User, uid)
            if hasattr(User, "totp_secret") and not user.totp_secret:
                # Staff must use two-factor sign-in: enrolled, as on a real site (the
                # session below stands for a completed sign-in, code included).
                user.totp_secret = base64.b32encode(os.urandom(20)).decode()
            token = start_session(user, "127.0.0.1", USER_AGENT)
            db.session.commit()
            with app.test_request_context(environ_base=environ,
                                          headers={"User-Agent": USER_AGENT}):
                user.session_token = token
                login_user(user)  # Flask-Login's own session keys ("strong" protection)
                session.permanent = True
                out["cookies"][who] = app.session_interface.get_signing_serializer(app) \
                    .dumps(dict(session))
        facilitator = db.session.get(User, people["facilitator"])
        out["api_token"] = create_token(facilitator, "bench")[1]

        def busiest(status: str) -> str:
            return db.session.execute(
                select(FieldQuery.reference).join(Contribution)
                .where(FieldQuery.status == status).group_by(FieldQuery.id)
                .order_by(func.count(Contribution.id).desc()).limit(1)).scalar()

        out["query_ref"] = busiest("published")
        out["synthesis_ref"] = busiest("synthesis")
        # The facilitator's usual subject: an open (routed) query with contributions, whose
        # page shows the triage panel and its duplicate candidates.
        out["open_ref"] = busiest("routed")
        out["open_contributions"] = db.session.scalar(
            select(func.count(Contribution.id)).join(FieldQuery)
            .where(FieldQuery.reference == out["open_ref"]))
        # A member's usual subject: a published query of their own.
        out["member_ref"] = db.session.scalar(
            select(FieldQuery.reference).where(FieldQuery.status == "published",
                                               FieldQuery.requester_id == people["requester"])
            .order_by(FieldQuery.id.desc()).limit(1))
        probe = db.session.scalars(
            select(FieldQuery).where(FieldQuery.status == "synthesis")
            .where(FieldQuery.reference != out["synthesis_ref"])
            .order_by(FieldQuery.id.desc()).limit(1)).one()
        marker = f"benchprobe{int(time.time())}"
        synthesis.save_draft(facilitator, probe, f"{probe.title} {marker}", "Summary.",
                             "Body of the probe.", "bench probe")
        db.session.commit()
        out["probe_ref"], out["marker"] = probe.reference, marker
    return out


def scenarios(prep: dict) -> list[Scenario]:
    searches = [f"/search?q={quote(q)}" for q in SEARCHES]
    # Each row names the route and its subject, as the journeys use them (issue 23).
    return [
        Scenario("my queries /queries/mine (member, pages 1, 2 and 5)", "requester",
                 ["/queries/mine", "/queries/mine?page=2", "/queries/mine?page=5"]),
        Scenario(f"query page /queries/<ref> (member, own published {prep['member_ref']})",
                 "requester", [f"/queries/{prep['member_ref']}"]),
        Scenario("triage inbox /triage (facilitator, its tabs, open page 3)", "facilitator",
                 ["/triage", "/triage?tab=routed", "/triage?tab=open",
                  "/triage?tab=open&page=3", "/triage?tab=synthesis"]),
        Scenario("expert queue /assignments (expert, open and all)", "expert",
                 ["/assignments", "/assignments?all=1"]),
        Scenario(f"query page /queries/<ref> (facilitator, busiest published "
                 f"{prep['query_ref']})", "facilitator", [f"/queries/{prep['query_ref']}"]),
        Scenario(f"query page /queries/<ref> (facilitator, open routed {prep['open_ref']}, "
                 f"{prep['open_contributions']} contributions)", "facilitator",
                 [f"/queries/{prep['open_ref']}"]),
        Scenario(f"synthesis page /queries/<ref>/synthesis (facilitator, busiest in synthesis "
                 f"{prep['synthesis_ref']})", "facilitator",
                 [f"/queries/{prep['synthesis_ref']}/synthesis"]),
        Scenario("SLA dashboard /sla (facilitator)", "facilitator", ["/sla"]),
        Scenario("knowledge base /kb (member, pages 1, 2, 50, a country)", "requester",
                 ["/kb", "/kb?page=2", "/kb?page=50", "/kb?country=SS"]),
        Scenario("search /search (member, 20 searches)", "requester", searches, SEARCH_P95_MS),
        # The reports over the last twelve months of 100 000 queries (set-wise SQL).
        Scenario("reports /reports, /reports/<name> (facilitator, four reports)", "facilitator",
                 ["/reports", "/reports/demand?group_by=theme",
                  "/reports/response-times", "/reports/experts", "/reports/search-gaps"]),
        Scenario("API query list /api/v1/queries (facilitator's token, pages and filters)", "api",
                 ["/api/v1/queries", "/api/v1/queries?page=2", "/api/v1/queries?status=routed",
                  "/api/v1/queries?country=SS"]),
        # 100 whole queries with their contributions: ~360 KB of JSON, ~75 KB in Brotli.
        # Measured on its own, not mixed in above.
        Scenario("API query list, 100 per page /api/v1/queries?per_page=100 (facilitator's "
                 "token)", "api", ["/api/v1/queries?per_page=100"]),
    ]


# --- the HTTP side ------------------------------------------------------------------------

class Client:
    """One keep-alive connection acting as one person (a session cookie or an API token)."""

    def __init__(self, port: int, prep: dict, who: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # What Chromium and curl --compressed send: the server answers in Brotli.
        self.headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate, br, zstd"}
        if who == "api":
            self.headers["Authorization"] = f"Bearer {prep['api_token']}"
        else:
            self.cookie = prep["cookies"][who]
            self.headers["Cookie"] = f"session={self.cookie}"

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            self.conn.close()  # the server closed an idle connection: once more
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        self.location = response.getheader("Location")  # where a redirect points
        self.content_type = response.getheader("Content-Type") or ""
        coding = response.getheader("Content-Encoding")
        if coding:
            data = DECODE[coding](data)
        cookie = re.match(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
        if cookie and "Cookie" in self.headers:
            self.headers["Cookie"] = f"session={cookie.group(1)}"
        return response.status, data

    def timed_get(self, path: str) -> tuple[float, bool]:
        started = time.perf_counter()
        status, _ = self.request("GET", path)
        return (time.perf_counter() - started) * 1000, status == 200


# --- the crawl ----------------------------------------------------------------------------

class Links(HTMLParser):
    """The href of every <a> of a page (entities already decoded by the parser)."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


@dataclass
class Crawled:
    """What a crawl as one role found: each route's first subject that answered 200, and
    the links that answered an error."""

    role: str
    first: dict[str, str] = field(default_factory=dict)  # route -> its first path
    errors: list[tuple[str, str, int]] = field(default_factory=list)  # route, path, status
    pages: int = 0


def route_of(adapter, path: str) -> str | None:
    """The Flask route (its rule, e.g. /queries/<ref>) that serves `path`, or None."""
    from werkzeug.exceptions import HTTPException

    try:
        rule, _args = adapter.match(urlsplit(path).path, method="GET", return_rule=True)
    except HTTPException:  # no such route, not a GET, or a redirect to add a slash
        return None
    return rule.rule


def same_site(port: int, base: str, href: str) -> str | None:
    """`href` (found on page `base`) as a path with its query string when it is a link to
    this server to crawl, else None."""
    url = urlsplit(urljoin(f"http://127.0.0.1:{port}{base}", href))
    if url.scheme != "http" or url.netloc != f"127.0.0.1:{port}" \
            or NOT_CRAWLED.search(url.path):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(port: int, prep: dict, adapter, role: str, limit: int) -> Crawled:
    """Breadth-first from / as `role`, GET only, following the same-site <a href> links of
    each page (and redirects), at most `limit` pages and PAGES_PER_ROUTE of one route. A
    403 or 404 is a page the role may not see (not measured); any other status from 400
    is an error of that route."""
    client, found = Client(port, prep, CRAWLERS[role]), Crawled(role)
    queue, queued, fetched = deque(["/"]), {"/"}, Counter()
    while queue and found.pages < limit:
        path = queue.popleft()
        route = route_of(adapter, path)
        if route is None or fetched[route] >= PAGES_PER_ROUTE:
            continue
        fetched[route] += 1
        found.pages += 1
        status, body = client.request("GET", path)
        hrefs = []
        if 300 <= status < 400 and client.location:
            hrefs = [client.location]
        elif status in (403, 404):
            continue
        elif status >= 400:
            found.errors.append((route, path, status))
        elif status == 200:
            found.first.setdefault(route, path)
            if client.content_type.startswith("text/html"):
                parser = Links()
                parser.feed(body.decode("utf-8", "replace"))
                hrefs = parser.hrefs
        for href in hrefs:
            link = same_site(port, path, href)
            if link is not None and link not in queued:
                queued.add(link)
                queue.append(link)
    return found


def crawled_scenarios(crawls: list[Crawled], picked: list[Scenario], adapter,
                      requests: int) -> list[Scenario]:
    """A scenario for each (route, role) the crawls reached that no hand-picked scenario
    measures already (those keep their usual subjects: the facilitator's open routed query,
    the member's own published query, the busiest published query)."""
    measured = {(route_of(adapter, path), s.who) for s in picked for path in s.paths}
    out = []
    for found in crawls:
        who = CRAWLERS[found.role]
        for route, path in sorted(found.first.items()):
            if (route, who) not in measured:
                budget = SEARCH_P95_MS if route.startswith("/search") else PAGE_P95_MS
                out.append(Scenario(f"{route} ({found.role}, {path})", who, [path], budget,
                                    requests=requests))
    return out


def measure(port: int, prep: dict, scenario: Scenario, requests: int, clients: int,
            access_log: Path) -> None:
    """Warm up (every path once per client), then `requests` GETs over `clients` threads;
    the server's time of each comes from gunicorn's access log."""
    pool = [Client(port, prep, scenario.who) for _ in range(clients)]
    for client in pool:
        for path in scenario.paths:
            client.timed_get(path)
    logged = _settled_size(access_log)  # after the warm-up's lines
    lock = threading.Lock()
    counter = iter(range(requests))

    def work(client: Client) -> None:
        for i in counter:
            ms, ok = client.timed_get(scenario.paths[i % len(scenario.paths)])
            with lock:
                scenario.times.append(ms)
                scenario.errors += not ok

    threads = [threading.Thread(target=work, args=(c,)) for c in pool]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scenario.seconds = time.perf_counter() - started
    lines = _lines_after(access_log, logged, requests)
    scenario.server_times = [int(line.split()[0]) / 1000 for line in lines]


def _settled_size(access_log: Path) -> int:
    """The access log's size once it stops growing (the warm-up's lines are all written)."""
    size = -1
    while size != access_log.stat().st_size:
        size = access_log.stat().st_size
        time.sleep(0.2)
    return size


def _lines_after(access_log: Path, offset: int, expected: int) -> list[str]:
    """The access log's lines after byte `offset`, once `expected` of them are there (a
    worker writes its line just after sending the response), or after 5 s."""
    deadline = time.time() + 5
    while True:
        lines = access_log.read_bytes()[offset:].decode().splitlines()
        if len(lines) >= expected or time.time() > deadline:
            return lines
        time.sleep(0.05)


def publication_delay(port: int, prep: dict) -> dict:
    """Publish the probe draft through the publish form (public: confirmed, as the form asks
    when the requester chose a narrower audience), then search for its marker word
    until it shows; returns the POST's time and the time until searchable."""
    client = Client(port, prep, "facilitator")
    _status, page = client.request("GET", f"/queries/{prep['probe_ref']}/synthesis")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    started = time.perf_counter()
    status, _ = client.request("POST", f"/queries/{prep['probe_ref']}/publish",
                               f"csrf_token={quote(token)}&visibility=public&confirm=y")
    posted = time.perf_counter() - started
    if status != 302:
        return {"post_ms": posted * 1000, "seconds": None, "error": f"publish answered {status}"}
    while time.perf_counter() - started < 60:
        _status, body = client.request("GET", f"/search?q={prep['marker']}")
        if prep["probe_ref"].encode() in body:
            return {"post_ms": posted * 1000, "seconds": time.perf_counter() - started}
        time.sleep(0.1)
    return {"post_ms": posted * 1000, "seconds": None, "error": "not searchable after 60 s"}


def worker_rss(master: int) -> list[dict[str, float]]:
    """Resident memory (MB) of each gunicorn worker (the master's children): VmRSS, and of
    it RssAnon (the worker's own) and RssFile (pages of mapped files, such as the search
    index, shared between the workers and given back under memory pressure)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append({key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) / 1024
                      for key in ("VmRSS", "RssAnon", "RssFile")})
    return sizes


@contextmanager
def gunicorn(instance: Path, port: int, access_log: Path):
    """gunicorn serving `instance`; each request's time in microseconds, from reading its
    request line to the last byte written, goes to `access_log` (the server time of DESIGN
    §9: without the loopback and the client)."""
    env = {**os.environ, "REACHBACK_INSTANCE_PATH": str(instance),
           "REACHBACK_RATELIMIT_ENABLED": "false"}
    argv = [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--access-logfile", str(access_log),
            "--access-logformat", "%(D)s %(s)s", "wsgi:app"]
    server = subprocess.Popen(argv, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
    try:
        wait_until_up(port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(port: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=2)) as conn:
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


# --- jobs outside the web server ----------------------------------------------------------

def first_sla_run(app) -> None:
    """A live site's scheduler runs the SLA job within a minute of starting, and the job keeps
    the dashboard's compliance aggregates: without that first run, /sla would be measured
    counting five years of targets directly, as no deployed site does."""
    from reachback.extensions import db
    from reachback.sla.jobs import evaluate_sla_targets, refresh_dashboard
    from reachback.sla.models import SlaComplianceState

    with app.app_context():
        if db.session.get(SlaComplianceState, 1) is None:
            started = time.perf_counter()
            evaluate_sla_targets(datetime.now(UTC))
            print(f"SLA job run once on the instance, as the scheduler would have: "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        # The scheduled job's second step, every minute on a live site: the dashboard's
        # figures (shown while at most five job intervals old; counted per view otherwise).
        started = time.perf_counter()
        refresh_dashboard()
        print(f"SLA dashboard figures refreshed, as the scheduler does every minute: "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        db.session.remove()


@contextmanager
def sla_job_every_minute(app):
    """The scheduler's SLA job while the pages are measured, every SCHEDULER_SLA_SECONDS as on
    a live site (its one scheduler; the mail and digest jobs are left out: they would send
    the generated data's e-mails). The dashboard shows its figures while they are fresh."""
    from reachback.config import setting
    from reachback.extensions import db
    from reachback.scheduler import evaluate_sla

    stop = threading.Event()
    every = setting("SCHEDULER_SLA_SECONDS", app)

    def run():
        while not stop.wait(every):
            with app.app_context():
                try:
                    evaluate_sla()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=run, name="sla-job", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=120)


def first_reports_run(app) -> None:
    """A live site's scheduler runs refresh_reports within 15 minutes of starting; it keeps
    the reports' monthly figures (reachback.reports.months), which the report pages merge.
    Without it the first reading of each report would count its months (and keep them)."""
    from reachback.extensions import db
    from reachback.reports.months import refresh

    with app.app_context():
        started = time.perf_counter()
        computed = refresh()
        print(f"Reports job run once on the instance, as the scheduler would have: {computed} "
              f"month(s) in {time.perf_counter() - started:.1f} s", flush=True)
        db.session.remove()


def sla_runs(instance: Path) -> dict:
    """The SLA job on a copy of the database. The generator records no SLA marks, as if the
    scheduler had never run: a catch-up an hour before now announces every threshold crossed
    in five years (once in a site's life, after an outage: no budget; nothing left to
    announce when first_sla_run did it already). Then the measured run at now evaluates every
    open target and announces an hour's crossings (sixty times a scheduled run's work), and
    the next scheduled run a minute later."""
    from reachback import create_app
    from reachback.extensions import db
    from reachback.sla.jobs import evaluate_sla_targets

    with tempfile.TemporaryDirectory(prefix="reachback-bench-sla-") as tmp:
        copy = Path(tmp) / "reachback.db"
        with closing(sqlite3.connect(instance / "reachback.db")) as src, \
                closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        app = create_app({"DATABASE_URL": f"sqlite:///{copy}"})
        out = {}
        with app.app_context():
            open_queries = db.session.execute(db.text(
                "SELECT count(*) FROM queries WHERE status IN "
                "('submitted','clarification','routed','synthesis')")).scalar()
            now = datetime.now(UTC)
            for label, moment in (("catch-up", now - timedelta(hours=1)), ("run", now),
                                  ("rerun", now + timedelta(minutes=1))):
                started = time.perf_counter()
                result = evaluate_sla_targets(moment)
                out[label] = {"seconds": time.perf_counter() - started, **result}
            db.session.remove()
            db.engine.dispose()
        out["open_queries"] = open_queries
    return out


def reindex(instance: Path, published: int) -> dict:
    """`reachback reindex` again, measured as the generator does."""
    from generate import reindex as measured_reindex

    result = measured_reindex(instance)
    return {**result, "responses_per_s": round(published / result["seconds"], 1)}


# --- the report ---------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {mem / 2**20:.1f} GB RAM; Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {load}")


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def report(info, runs, crawls, pub, rss, sla, index, load_before, args) -> tuple[str, str]:
    """The table in Markdown with the machine and the data set, and the verdict line."""
    lines = [
        "| measure | p50 | p95 | server p50 | server p95 | throughput | budget "
        "(server p95, DESIGN §9) | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    judged, failed = 0, []  # rows with a budget; (kind, name) of those that missed it
    for s in runs:
        rate = len(s.times) / s.seconds if s.seconds else 0
        note = f" ({s.errors} errors)" if s.errors else ""
        lines.append(f"| {s.name} | {statistics.median(s.times):.1f} ms | {s.p(95):.1f} ms | "
                     f"{statistics.median(s.server_times):.1f} ms | "
                     f"{s.p(95, s.server_times):.1f} ms | {rate:.0f} req/s | "
                     f"p95 ≤ {s.budget_ms:.0f} ms | {verdict(s.passed)}{note} |")
        judged += 1
        failed += [] if s.passed else [("page", s.name)]

    def row(name, value, rate="", budget="", ok=None, kind="other"):  # without a spread
        nonlocal judged
        lines.append(f"| {name} | | {value} | | | {rate} | {budget} | "
                     f"{'' if ok is None else verdict(ok)} |")
        judged += ok is not None
        failed.extend([(kind, name)] if ok is False else [])

    # A link of a crawl that answered an error: the route fails whatever its times.
    for found in crawls:
        for route, path, status in found.errors:
            row(f"{route} ({found.role}, {path}): an error in the crawl", f"HTTP {status}",
                "", "no error", False, "crawl")
    run = sla["catch-up"]
    row(f"SLA catch-up, once after the data was made ({run['notices']} targets announced)",
        f"{run['seconds']:.2f} s")
    for label in ("run", "rerun"):
        run = sla[label]
        row(f"SLA evaluation, {label} ({sla['open_queries']} open queries; "
            f"{run['notices']} targets announced)", f"{run['seconds']:.2f} s", "",
            f"≤ {SLA_SECONDS:.0f} s", run["seconds"] <= SLA_SECONDS)
    seconds = pub.get("seconds")
    row(f"publication → searchable (publish POST {pub['post_ms']:.0f} ms)",
        f"{seconds:.2f} s" if seconds is not None else pub.get("error"), "",
        f"≤ {SEARCHABLE_SECONDS:.0f} s", seconds is not None and seconds <= SEARCHABLE_SECONDS)
    for i, mb in enumerate(rss, 1):
        row(f"gunicorn worker {i} VmRSS after the run (anonymous {mb['RssAnon']:.0f} MB, "
            f"mapped files {mb['RssFile']:.0f} MB)", f"{mb['VmRSS']:.0f} MB", "",
            f"< {WORKER_MB} MB", mb["VmRSS"] < WORKER_MB)
    library = info["counts"].get("documents", 0) + info["counts"].get("newsletters", 0)
    row(f"full reindex ({info['counts']['published']} responses + "
        f"{info['counts']['open queries']} open queries + {library} documents and "
        f"newsletters)", f"{index['seconds']} s", f"{index['responses_per_s']} responses/s")
    row("full reindex, peak memory", f"{index['peak_mb']} MB", "", f"< {REINDEX_MB} MB",
        index["peak_mb"] < REINDEX_MB)
    counts = ", ".join(f"{n} {k}" for k, n in info["counts"].items())
    pages = ", ".join(f"{f.pages} as {f.role}" for f in crawls)
    final = final_verdict(judged, failed)
    return "\n".join([
        f"Machine: {machine()} (load average before the run: {load_before}).",
        "",
        f"Data set (scale {info['scale']}, seed {info['seed']}, generated "
        f"{info['generated_on']} in {info['generated_seconds']} s): {counts}.",
        "",
        *lines,
        "",
        f"Pages: {args.clients} concurrent keep-alive clients against gunicorn (2 sync workers) "
        "on loopback, after a warm-up. p50 and p95 are as the client sees them (server time, "
        "loopback and the client's own work); server p50 and p95 are gunicorn's, from reading "
        "the request to writing its last byte, the time DESIGN §9 budgets. Throughput is per "
        f"scenario with all clients busy. The first rows are chosen by hand ({args.requests} "
        "requests each); the rows named `<route> (<role>, <path>)` are the other routes a "
        f"crawl reached from / as each role ({pages} pages), each measured on the first path "
        f"that reached it ({args.crawl_requests} requests each).",
        "",
        final,
    ]), final


def final_verdict(judged: int, failed: list[tuple[str, str]]) -> str:
    """The run's verdict: how many rows failed, by kind; the few that are not page rows
    (routes that answered an error in the crawl, the jobs, memory) by name."""
    if not failed:
        return f"**Verdict: pass**: all {judged} rows with a budget meet it."
    pages = sum(kind == "page" for kind, _name in failed)
    parts = [f"pages over budget or answering errors: {pages}"] if pages else []
    for kind, label in (("crawl", "routes that answered an error in the crawl"),
                        ("other", "other measures")):
        names = [name for k, name in failed if k == kind]
        parts += [f"{label}: {len(names)} ({'; '.join(names)})"] if names else []
    return f"**Verdict: FAIL**: {len(failed)} of {judged} rows failed ({'; '.join(parts)})."


def results_name(info: dict, database: str) -> str:
    """The results file of this scale and database: sqlite-100k.md, postgresql-1m.md."""
    queries = info["counts"]["queries"]
    size = f"{queries / 1e6:g}m" if queries >= 1_000_000 else \
        f"{queries / 1e3:g}k" if queries >= 1_000 else str(queries)
    return f"{database}-{size}.md"


def save(text: str, notes: Path | None, name: str) -> list[Path]:
    """bench/results/latest.md: the table, then the notes kept from the previous file; and
    the same under `name`, so that each scale keeps its last table."""
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    path = results / "latest.md"
    kept = ""
    if notes is None and path.exists():
        old = path.read_text()
        kept = old[old.index("## Notes"):] if "## Notes" in old else ""
    elif notes is not None:
        kept = notes.read_text()
    written = f"# Benchmark results\n\n{text}\n\n{kept}".rstrip() + "\n"
    for out in (path, results / name):
        out.write_text(written)
    return [path, results / name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=BENCH / "instance")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests per hand-picked scenario")
    parser.add_argument("--crawl-requests", type=int, default=CRAWL_REQUESTS,
                        help="requests per page found by the crawl")
    parser.add_argument("--crawl-pages", type=int, default=CRAWL_PAGES,
                        help="pages the crawl fetches at most, per role")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", type=int, default=CLIENTS,
                        help="concurrent clients (default: one per gunicorn worker)")
    parser.add_argument("--reindex", action="store_true", help="measure the reindex again")
    parser.add_argument("--notes", type=Path, help="a Markdown file of notes to append")
    args = parser.parse_args()
    instance = args.instance.resolve()
    info = json.loads((instance / "bench.json").read_text())
    os.environ["REACHBACK_INSTANCE_PATH"] = str(instance)
    from reachback import create_app

    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    app = create_app()
    adapter = app.url_map.bind("127.0.0.1")
    prep = prepare(app, info)
    first_sla_run(app)
    first_reports_run(app)
    runs = scenarios(prep)
    with tempfile.TemporaryDirectory(prefix="reachback-bench-") as tmp, \
            gunicorn(instance, args.port, Path(tmp) / "access.log") as server, \
            sla_job_every_minute(app):
        crawls = []
        for role in CRAWLERS:
            crawls.append(crawl(args.port, prep, adapter, role, args.crawl_pages))
            print(f"crawl as {role}: {crawls[-1].pages} pages, {len(crawls[-1].first)} routes, "
                  f"{len(crawls[-1].errors)} errors", flush=True)
        runs += crawled_scenarios(crawls, runs, adapter, args.crawl_requests)
        for scenario in runs:
            measure(args.port, prep, scenario, scenario.requests or args.requests,
                    args.clients, Path(tmp) / "access.log")
            print(f"{scenario.name:<60} p50 {statistics.median(scenario.times):6.1f} ms  "
                  f"p95 {scenario.p(95):6.1f} ms  server p95 "
                  f"{scenario.p(95, scenario.server_times):6.1f} ms  errors {scenario.errors}",
                  flush=True)
        pub = publication_delay(args.port, prep)
        print(f"publication -> searchable: {pub}", flush=True)
        rss = worker_rss(server.pid)
    sla = sla_runs(instance)
    index = reindex(instance, info["counts"]["published"]) if args.reindex else info["reindex"]
    text, final = report(info, runs, crawls, pub, rss, sla, index, load_before, args)
    print(text)
    written = save(text, args.notes, results_name(info, prep["database"]))
    print(f"\nWritten to {' and '.join(str(p) for p in written)}\n{final}")


if __name__ == "__main__":
    main()
