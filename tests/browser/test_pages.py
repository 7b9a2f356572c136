"""Single pages in a real browser: the keyboard, visible focus, print, slow links, and how
text and static files travel (compressed, versioned, cached for a year)."""
import re
import sys

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from reachback.extensions import db
from reachback.queries.models import FieldQuery

pytestmark = pytest.mark.browser

FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
          top: box.top, bottom: box.bottom, height: box.height};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_JS)


def assert_focus_visible(f: dict) -> None:
    """A focused control shows an outline of at least 2 px, and is on screen."""
    assert f["outline"] != "none" and f["width"] >= 2, f
    assert f["height"] > 0 and f["bottom"] > 0, f


def tab_until(page, done, limit=40) -> dict:
    """Press Tab until `done(focused)`; every control passed on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = focused(page)
        assert_focus_visible(f)
        if done(f):
            return f
    raise AssertionError("never reached the control")


def test_a_query_can_be_submitted_with_the_keyboard_alone(sign_in, make_account, live_app):
    member = make_account("member")
    page = sign_in(member)
    page.goto("/queries/new")
    # The first Tab shows the skip link; following it puts the next Tab inside <main>.
    page.keyboard.press("Tab")
    f = focused(page)
    assert f["text"] == "Skip to content" and f["top"] >= 0
    assert_focus_visible(f)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "title"
    page.keyboard.type("Keyboard only: how were ex-combatants vetted?")
    tab_until(page, lambda f: f["id"] == "question")
    page.keyboard.type("Which checks came first?")
    tab_until(page, lambda f: f["id"] == "country")
    page.keyboard.type("South Sudan")
    tab_until(page, lambda f: f["name"] == "themes")
    page.keyboard.press("Space")  # checkboxes: Space ticks the first theme
    # Then past the other themes' checkboxes (one tab stop each) to the priority.
    tab_until(page, lambda f: f["name"] == "priority", limit=150)
    page.keyboard.press("ArrowRight")  # from Normal to High
    tab_until(page, lambda f: f["name"] == "confidentiality")
    page.keyboard.press("ArrowDown")  # from Restricted to Community
    tab_until(page, lambda f: f["text"] == "Submit the question")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("is submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Keyboard only: how were ex-combatants vetted?")
    with live_app.app_context():
        q = db.session.scalar(select(FieldQuery).filter_by(
            title="Keyboard only: how were ex-combatants vetted?"))
        assert (q.requester_id, q.country, q.priority, q.confidentiality) == (
            member.id, "SS", "high", "community")
        assert len(q.themes) == 1


def test_focus_is_visible_on_every_link_and_button_of_a_query_page(
        sign_in, make_account, make_published_query):
    ref, member = make_published_query()
    page = sign_in(member)
    page.goto(f"/queries/{ref}")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        f = focused(page)
        if f["tag"] == "body":
            break
        page.wait_for_timeout(0)
        assert_focus_visible(f)
        seen.add((f["tag"], f["text"]))
    assert ("a", "Skip to content") in seen
    assert ("button", "Sign out") in seen
    assert ("a", "Read it in the knowledge base") in seen


def test_print_makes_a_published_response_a_clean_document(sign_in, make_published_query):
    ref, member = make_published_query()
    page = sign_in(member)
    page.goto(f"/kb/{ref}")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-nav", ".site-footer", ".skip-link", "form",
                   "button", "p.no-print"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How were militia members vetted before joining the police?")
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_role("heading", name="What worked")).to_be_visible()
    expect(page.get_by_role("heading", name="Contributors")).to_be_visible()
    assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # A printed link keeps its address beside its text.
    after = page.evaluate("""getComputedStyle(
        document.querySelector('.prose a[href^="http"]'), '::after').content""")
    assert "https://example.org/vetting-guide" in after
    assert page.pdf()[:4] == b"%PDF"


SLOW = {"offline": False, "latency": 600,  # ms per round trip
        "downloadThroughput": 256_000 / 8, "uploadThroughput": 256_000 / 8}  # bytes/s


def test_pages_load_over_a_slow_satellite_link_in_under_3_seconds(
        browser, base_url, sign_in, make_published_query, capsys):
    ref, member = make_published_query()
    state = sign_in(member).context.storage_state()
    times = {}
    for name, url in (("query form", "/queries/new"), ("query page", f"/queries/{ref}"),
                      ("knowledge base", "/kb")):
        context = browser.new_context(base_url=base_url, storage_state=state)  # cold cache
        try:
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW)
            page.goto(url, wait_until="domcontentloaded", timeout=30_000)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            times[name] = page.evaluate(
                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        finally:
            context.close()
    with capsys.disabled():  # stderr: shown by pytest-xdist's workers too
        sys.stderr.write("\n\nDOMContentLoaded over 256 kbit/s with 600 ms round trips, "
                         "cold cache:\n" + "".join(f"  {name:<15} {ms / 1000:5.2f} s\n"
                                                   for name, ms in times.items()))
    assert all(ms < 3000 for ms in times.values()), times


def test_text_is_compressed_and_static_files_are_versioned_and_cached_for_a_year(
        sign_in, make_account):
    page = sign_in(make_account("member"))
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto("/queries/new")
    document = next(r for r in responses if r.request.is_navigation_request())
    # Chromium accepts Brotli (also on plain http to localhost): the smallest coding.
    assert "br" in document.request.all_headers()["accept-encoding"]
    assert document.headers["content-encoding"] == "br"
    assert "Accept-Encoding" in document.headers["vary"]
    assets = [r for r in responses if "/static/" in r.url]
    assert {r.request.resource_type for r in assets} == {"stylesheet", "script"}
    for r in assets:
        assert re.search(r"\?v=[0-9a-f]{12}$", r.url), r.url
        assert r.headers["content-encoding"] == "br"
        cache = r.headers["cache-control"]
        assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    # The next page takes them from the browser's cache: nothing crosses the wire again.
    page.goto("/queries/mine")
    sizes = page.evaluate("""performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/static/')).map(e => e.transferSize)""")
    assert sizes == [0, 0]
