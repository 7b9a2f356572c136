"""Every list at 360 px, without JavaScript, for a member, an expert, a facilitator and an
admin: nothing scrolls sideways (neither the page nor a table inside it), and the rows of a
table list are cards that show each cell with its name (status, due time, what happens
next). At desktop width the same lists stay tables. And the theme and country pickers work
without JavaScript, with the keyboard or a tap, on a phone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from reachback.accounts.models import User
from reachback.extensions import db
from reachback.models_base import set_clock, utcnow
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from tests.browser.checks import NARROW

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": NARROW, "height": 740}, "java_script_enabled": False}
LONG_TITLE = ("How did the joint verification mechanism handle cantonment-site "
              "complaints from demobilised combatants' families?")

# What the test measures on a page: the page's width, every table wrapper that scrolls
# sideways, and how each row of a card list shows (its display, its cells' names).
MEASURE = """() => ({
  width: document.documentElement.scrollWidth,
  scrolling: [...document.querySelectorAll('.table-wrap, table, main *')]
      .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 &&
                   getComputedStyle(e).overflowX !== 'visible')  // not the visually hidden
      .map(e => e.tagName + '.' + e.className),
  tables: [...document.querySelectorAll('table.cards')].map(table =>
      [...table.querySelectorAll('tbody tr')].map(tr => ({
          display: getComputedStyle(tr).display,
          right: Math.round(tr.getBoundingClientRect().right),
          labels: [...tr.querySelectorAll('td[data-label]')].map(td =>
              getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''))}))),
})"""


@pytest.fixture(scope="module")
def people(make_account, live_app):
    """A member with two queries (one overdue in triage, one with an expert), the expert,
    a facilitator and an admin."""
    member, staff = make_account("member"), make_account("facilitator")
    expert = make_account("expert", themes=["vetting"], countries=["SS"])
    admin = make_account("admin")
    with live_app.app_context():
        requester, facilitator, specialist = (db.session.get(User, a.id)
                                              for a in (member, staff, expert))
        data = {"question": "What worked?", "country": "SS", "themes": ["vetting"],
                "priority": "high", "confidentiality": "community"}
        past = utcnow() - timedelta(days=9)  # the live app's clock, nine days back
        set_clock(lambda: past)  # submitted nine days ago: its triage target is breached
        try:
            qs.submit_query(requester, {**data, "title": "Overdue: " + LONG_TITLE})
        finally:
            set_clock(None)
        routed = qs.submit_query(requester, {**data, "title": LONG_TITLE})
        qs.assign_expert(facilitator, routed, specialist)
        db.session.commit()
    return {"member": member, "expert": expert, "facilitator": staff, "admin": admin}


LISTS = {
    "member": ["/queries/mine", "/kb", "/search?q=vetting", "/notifications"],
    "expert": ["/assignments", "/kb", "/search?q=vetting"],
    "facilitator": ["/triage?tab=open", "/sla", "/library", "/kb", "/search?q=vetting"],
    "admin": ["/admin/users", "/admin/outbox", "/admin/audit"],
}
# The card lists, each with the cells its cards must name.
CARDS = {
    "/queries/mine": {"Status", "Answer due", "What happens next"},
    "/assignments": {"Status", "Due", "Priority"},
    "/triage?tab=open": {"Status", "Due", "Priority", "Requester"},
    "/sla": {"Due", "Target", "Priority"},
    "/admin/users": {"E-mail", "Roles", "Active"},
    "/admin/outbox": {"Status", "To", "Subject"},
}


@pytest.mark.parametrize("role", list(LISTS))
def test_every_list_fits_a_360px_screen_as_cards(sign_in, people, role):
    page = sign_in(people[role], **PHONE)
    problems = []
    for url in LISTS[role]:
        response = page.goto(url)
        assert response.status == 200, url
        seen = page.evaluate(MEASURE)
        if seen["width"] > NARROW:
            problems.append(f"{role} {url}: {seen['width']} px wide")
        if seen["scrolling"]:
            problems.append(f"{role} {url}: scrolls sideways inside {seen['scrolling']}")
        for row in (row for rows in seen["tables"] for row in rows):
            if row["display"] != "flex" or row["right"] > NARROW:
                problems.append(f"{role} {url}: a row is not a card: {row}")
        if url in CARDS:  # the page's list: cards naming what matters in each row
            lists = [rows for rows in seen["tables"]
                     if rows and all(CARDS[url] <= set(row["labels"]) for row in rows)]
            if not lists:
                problems.append(f"{role} {url}: no list of cards naming {CARDS[url]}")
    assert problems == [], "\n".join(problems)


def test_the_lists_stay_tables_on_a_wide_screen(sign_in, people):
    page = sign_in(people["member"], viewport={"width": 1280, "height": 800})
    page.goto("/queries/mine")
    expect(page.locator("table.cards thead")).to_be_visible()
    assert set(page.locator("table.cards tbody tr").evaluate_all(
        "rows => rows.map(r => getComputedStyle(r).display)")) == {"table-row"}


def test_themes_are_ticked_on_a_phone_without_javascript(sign_in, make_account, live_app):
    page = sign_in(make_account("member"), **PHONE)
    page.goto("/queries/new")
    title = "Phone, no script: how were ex-combatants vetted?"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your question").fill("Which checks came first?")
    page.get_by_label("Country").select_option("SS")
    # The sub-theme's checkbox, found by its name inside its parent theme's group.
    group = page.get_by_role("group", name="Transitional justice and reconciliation")
    group.get_by_role("checkbox", name="Vetting").check()
    page.get_by_role("group", name="Themes").get_by_role("checkbox", name="Courts").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    page.get_by_role("button", name="Submit the question").click()
    expect(page.locator(".flash")).to_contain_text("is submitted")
    with live_app.app_context():
        q = db.session.scalar(select(FieldQuery).filter_by(title=title))
        assert (q.country, sorted(t.slug for t in q.themes)) == ("SS", ["courts", "vetting"])


def test_the_country_list_filters_as_one_types_where_javascript_runs(
        sign_in, make_account):
    staff = make_account("facilitator")
    page = sign_in(staff, viewport={"width": NARROW, "height": 740})
    page.goto("/library/new")
    countries = page.get_by_role("group", name="Countries")
    box = countries.get_by_role("searchbox", name="Filter the countries")
    box.fill("sudan")
    visible = countries.locator("label.choice:visible")
    assert sorted(visible.all_inner_texts()) == ["South Sudan", "Sudan"]
    countries.get_by_role("checkbox", name="South Sudan").check()
    box.fill("")
    expect(countries.locator("label.choice:visible")).to_have_count(
        countries.locator("label.choice").count())
    assert countries.get_by_role("checkbox", name="South Sudan").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
