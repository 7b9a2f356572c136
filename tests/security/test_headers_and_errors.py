"""Response headers on every route (ASVS V3.4, V14.3) and error pages that say nothing
about the inside (V16.5), plus the production configuration (V13)."""
import logging

import pytest
from flask import abort

from reachback import create_app
from reachback.accounts.services import create_token
from reachback.errors import Forbidden, NotFound
from reachback.extensions import db
from reachback.web import static_url
from tests.conftest import TEST_CONFIG

from .routes import rules, url

SECRET_DETAIL = "internal-detail-7f3a: SELECT password_hash FROM users"
ERROR_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found",
                405: "Not allowed here", 413: "Too large", 429: "Too many attempts",
                500: "Something went wrong"}


@pytest.fixture
def published(make_query):
    return make_query(status="published", visibility="public")


def every_get(app, web, published):
    """GET every page and API route (real reference where a rule takes one)."""
    for rule in rules(app, "GET"):
        values = {"ref": published.reference} if "ref" in rule.arguments else {}
        path = url(rule, values)
        yield path, web.get(path)


def assert_security_headers(path, response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", path
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert directives.get("frame-ancestors") == "'none'", path
    assert directives.get("object-src") == "'none'", path
    assert "base-uri" in directives and "form-action" in directives, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), path


def test_every_route_sends_the_security_headers_signed_in(app, web, make_user, published):
    web.sign_in(make_user("admin"))
    for path, response in every_get(app, web, published):
        assert_security_headers(path, response)
        assert "Strict-Transport-Security" not in response.headers, path  # plain http
        if response.mimetype in ("text/html", "application/json"):
            assert response.headers.get("Cache-Control") == "no-store", path


def test_every_route_sends_the_security_headers_to_anonymous_visitors(app, client, published):
    for rule in rules(app, "GET"):
        path = url(rule, {"ref": published.reference} if "ref" in rule.arguments else {})
        assert_security_headers(path, client.get(path))


def test_hsts_for_a_year_with_subdomains_over_https_only(app, client):
    secure = client.get("/login", base_url="https://localhost")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    assert "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_the_sign_in_page_is_not_cached(client):
    assert client.get("/login").headers.get("Cache-Control") == "no-store"


def test_versioned_static_files_are_cached_for_a_year_and_plain_ones_are_not(app, client):
    with app.test_request_context():
        versioned = static_url("css/reachback.css")
    cached = client.get(versioned)
    assert cached.status_code == 200
    assert "max-age=31536000" in cached.headers["Cache-Control"]
    assert "immutable" in cached.headers["Cache-Control"]
    cached.close()
    plain = client.get("/static/css/reachback.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    plain.close()


@pytest.fixture
def faulty(app):
    """Test-only routes on the test app (never in production code) that fail on purpose."""

    def crash():
        raise RuntimeError(SECRET_DETAIL)

    def fail(code):
        abort(code)

    def refuse():
        raise Forbidden("You may not do this.")

    def hide():
        raise NotFound("There is nothing here.")

    app.add_url_rule("/_test/crash", "test_crash", crash)
    app.add_url_rule("/_test/abort/<int:code>", "test_abort", fail)
    app.add_url_rule("/_test/refuse", "test_refuse", refuse)
    app.add_url_rule("/_test/hide", "test_hide", hide)
    return app


def assert_error_page(response, status):
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{ERROR_TITLES[status]}</h1>" in html
    assert 'class="site-header' in html and "reachback.css" in html  # the site's look
    for leak in ("Traceback", "werkzeug", "sqlalchemy", 'File "', SECRET_DETAIL):
        assert leak not in html


def test_an_exception_in_a_view_is_a_plain_500_page_and_is_logged(faulty, web, make_user,
                                                                caplog):
    web.sign_in(make_user())
    with caplog.at_level(logging.ERROR):
        response = web.get("/_test/crash")
    assert_error_page(response, 500)
    assert any(SECRET_DETAIL in (r.exc_text or str(r.exc_info)) for r in caplog.records)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429])
def test_each_error_code_renders_the_error_page(faulty, web, make_user, code):
    web.sign_in(make_user())
    assert_error_page(web.get(f"/_test/abort/{code}"), code)


def test_real_errors_render_the_error_page(faulty, web, make_user):
    web.sign_in(make_user())
    assert_error_page(web.post("/profile", {"name": "x"}, csrf=False), 400)
    assert_error_page(web.get("/_test/refuse"), 403)
    assert_error_page(web.get("/_test/hide"), 404)
    assert_error_page(web.get("/no/such/page"), 404)
    assert_error_page(web.client.get("/logout"), 405)
    big = web.post("/profile", {"name": "x" * (11 * 1024 * 1024)})
    assert_error_page(big, 413)


def test_production_runs_without_debug_and_without_test_routes(tmp_path, monkeypatch):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert not app.debug and not app.testing
    assert app.config["WTF_CSRF_ENABLED"] is not False
    for rule in app.url_map.iter_rules():
        assert not rule.rule.startswith(("/_", "/debug", "/test", "/console")), rule.rule


def test_a_short_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError):
        create_app({**TEST_CONFIG, "SECRET_KEY": "too-short"})


def test_the_generated_secret_key_is_long_random_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path))
    one = create_app().config["SECRET_KEY"]
    assert len(one) >= 64 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def _allowed(response) -> set[str]:
    return {method.strip() for method in response.headers.get("Allow", "").split(",")} - {""}


def test_a_wrong_method_answers_405_with_allow_on_pages_and_on_the_api(web, client, make_user):
    """RFC 9110 §15.5.6: a 405 names the methods the address does accept."""
    user = make_user()
    web.sign_in(user)
    page = web.client.delete("/queries/new")
    assert_error_page(page, 405)
    assert _allowed(page) == {"GET", "HEAD", "OPTIONS", "POST"}
    _row, token = create_token(user, "405")
    db.session.commit()
    api = client.delete("/api/v1/queries", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 405 and api.mimetype == "application/json"
    assert api.get_json()["error"]["code"] == "method_not_allowed"
    assert _allowed(api) == {"GET", "HEAD", "OPTIONS", "POST"}
