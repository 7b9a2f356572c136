"""The benchmark's crawl and verdict (bench/run.py): which links it follows, what it keeps of
each route, what counts as a failure, and the name of the results file of each scale."""
import importlib.util
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.routing import Map, Rule

BENCH = Path(__file__).resolve().parents[2] / "bench"
spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

HOME = """<!doctype html><title>Home</title>
<a href="/a">a</a> <a href="/a?page=2">a, page 2</a> <a href="#main">skip</a>
<a href="/static/app.css">style</a> <a href="/reports/demand.csv">download</a>
<a href="/notifications/5/open">a notification</a> <a href="http://example.org/b">elsewhere</a>
<a href="mailto:someone@example.org">mail</a> <a href="/missing">hidden</a>
<a href="/boom">broken</a> <a href="/redirect">moved</a> <a href="/queries/RB-1">one</a>
<a href="/queries/RB-2">two</a> <a href="/queries/RB-3">three</a>"""
PAGES = {"/": (200, HOME), "/a": (200, "<a href='/'>home</a>"), "/b": (200, "<p>b</p>"),
         "/missing": (404, "no"), "/boom": (500, "oops"), "/redirect": (302, "")}
MAP = Map([Rule(path) for path in ("/", "/a", "/b", "/missing", "/boom", "/redirect",
                                   "/notifications/<int:nid>/open", "/reports/<name>.csv",
                                   "/static/<path:filename>", "/queries/<ref>")])


class Site(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Site.asked.append(self.path)
        path = self.path.split("?")[0]
        status, body = PAGES.get(path, (200, "<p>a query</p>") if path.startswith("/queries/")
                                 else (404, ""))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/b")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_args):
        pass


@pytest.fixture()
def site():
    Site.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def crawl(port, limit=300):
    prep = {"cookies": {who: "cookie" for who in run.CRAWLERS.values()}}
    return run.crawl(port, prep, MAP.bind("127.0.0.1"), "member", limit)


def test_the_crawl_keeps_each_routes_first_page_and_lists_errors(site):
    found = crawl(site)
    assert found.first == {"/": "/", "/a": "/a", "/b": "/b", "/queries/<ref>": "/queries/RB-1"}
    assert found.errors == [("/boom", "/boom", 500)]  # the 404 is a page it may not see


def test_the_crawl_follows_no_static_file_download_state_change_or_other_site(site):
    crawl(site)
    asked = {path.split("?")[0] for path in Site.asked}
    assert asked == {"/", "/a", "/missing", "/boom", "/redirect", "/b", "/queries/RB-1",
                     "/queries/RB-2", "/queries/RB-3"}
    assert "/a?page=2" in Site.asked  # another page of a route is still another page


def test_the_crawl_stops_at_its_cap_and_at_a_few_pages_of_one_route(site, monkeypatch):
    monkeypatch.setattr(run, "PAGES_PER_ROUTE", 2)
    crawl(site)
    assert [p for p in Site.asked if p.startswith("/queries/")] == ["/queries/RB-1",
                                                                    "/queries/RB-2"]
    assert crawl(site, limit=3).pages == 3


def test_crawled_rows_leave_out_routes_a_hand_picked_row_measures_for_that_role():
    adapter = MAP.bind("127.0.0.1")
    found = run.Crawled("member", {"/": "/", "/queries/<ref>": "/queries/RB-9"})
    staff = run.Crawled("facilitator", {"/queries/<ref>": "/queries/RB-9"})
    picked = [run.Scenario("query page (member, own)", "requester", ["/queries/RB-1"])]
    rows = run.crawled_scenarios([found, staff], picked, adapter, 40)
    assert [(s.name, s.who, s.paths, s.requests) for s in rows] == [
        ("/ (member, /)", "requester", ["/"], 40),
        ("/queries/<ref> (facilitator, /queries/RB-9)", "facilitator", ["/queries/RB-9"], 40)]


def scenario(server_ms, errors=0, budget=50.0):
    s = run.Scenario("page", "requester", ["/"], budget)
    s.server_times, s.times, s.errors = [server_ms] * 20, [server_ms] * 20, errors
    return s


def test_a_page_fails_over_its_budget_or_with_an_error():
    assert scenario(50.0).passed
    assert not scenario(50.1).passed
    assert not scenario(10.0, errors=1).passed
    assert not run.Scenario("never measured", "requester", ["/"]).passed


def test_the_verdict_counts_the_failed_rows_and_names_those_that_are_not_pages():
    assert run.final_verdict(40, []) == "**Verdict: pass**: all 40 rows with a budget meet it."
    verdict = run.final_verdict(40, [("page", "/a (member, /a)"), ("page", "/b (admin, /b)"),
                                     ("crawl", "/boom (member, /boom)"),
                                     ("other", "gunicorn worker 1")])
    assert verdict == ("**Verdict: FAIL**: 4 of 40 rows failed (pages over budget or answering "
                       "errors: 2; routes that answered an error in the crawl: 1 (/boom "
                       "(member, /boom)); other measures: 1 (gunicorn worker 1)).")


@pytest.mark.parametrize("queries, database, name", [
    (100_000, "sqlite", "sqlite-100k.md"), (20_000, "sqlite", "sqlite-20k.md"),
    (1_000_000, "postgresql", "postgresql-1m.md"), (2_000, "sqlite", "sqlite-2k.md"),
    (500, "sqlite", "sqlite-500.md")])
def test_each_scale_and_database_has_its_results_file(queries, database, name):
    assert run.results_name({"counts": {"queries": queries}}, database) == name
