"""The start page and the community pages in a real browser, each as the roles that see it:
light (the page-weight budget, a first visit), passing axe-core, and without JavaScript on a
360 px screen with the basics of an accessible page (language, landmarks, skip link, labels)
and no sideways scrolling (the discussions and newsletters included). At 1200 px the main navigation of a facilitator fits one line,
its Community menu opens with the keyboard and without JavaScript, and the members'
directory and the triage inbox do not scroll sideways."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from reachback.accounts.models import User
from reachback.community import services as community
from reachback.discussions import services as discussions
from reachback.extensions import db
from reachback.groups import services as groups
from reachback.members.services import update_member_profile
from reachback.models_base import utcnow
from reachback.newsletters import services as newsletters
from reachback.queries import services as qs
from tests.browser.checks import BUDGET, NARROW, AxeCheck, BasicsCheck, WeightMeter, WidthCheck
from tests.browser.journey import through_the_sign_in_page

pytestmark = pytest.mark.browser

WIDE = {"width": 1200, "height": 900}
LONG = ("Joint verification mechanisms and cantonment-site complaints from the families of "
        "demobilised combatants")


@pytest.fixture(scope="module")
def scene(make_account, live_app):
    """A member with a full profile, a facilitator, an admin, a group both belong to with
    an open discussion (a thread with a reply), an event of each visibility, a notice, this
    month's newsletter sent, a query in triage."""
    member = make_account("member")
    staff, admin = make_account("facilitator"), make_account("admin")
    with live_app.app_context():
        person, facilitator, administrator = (db.session.get(User, a.id)
                                              for a in (member, staff, admin))
        update_member_profile(person, person, bio="Police reform adviser. " * 20,
                              expertise=["vetting", "ceasefires"], countries=["SS", "CD"],
                              languages=["en", "fr"], deployment_status="deployed",
                              deployment_country="SS")
        slug = f"vetting-{member.id}"
        group = groups.create_group(administrator, {"name": "Vetting practitioners",
                                                    "slug": slug, "themes": ["vetting"],
                                                    "description": "People who vet."})
        groups.join_group(person, group)
        groups.join_group(facilitator, group)
        now = utcnow()
        events = [community.submit_event(facilitator, {
            "title": f"{kind.title()} exchange: {LONG}", "description": "**Bring** cases.",
            "starts_at": now + timedelta(days=days), "ends_at": now + timedelta(days=days, hours=2),
            "location": "Geneva", "online_url": "https://meet.example.org/x",
            "visibility": kind, "themes": ["vetting"]})
            for days, kind in ((3, "public"), (9, "community"))]
        community.submit_notice(facilitator, {"kind": "vacancy", "title": "Adviser wanted",
                                              "body": "Apply by *Friday*.",
                                              "expires_on": (now + timedelta(days=9)).date()})
        discussion = discussions.create_discussion(facilitator, {
            "title": f"Discussion: {LONG}", "description": "Four weeks on **vetting**.",
            "starts_on": now.date(), "questions": ["What worked?", "What did not?"],
            "group": slug})
        first = discussions.add_post(person, discussion, {"body": "Panels *with* elders."})
        discussions.add_post(facilitator, discussion, {"body": "Where?", "reply_to": first.id})
        newsletter = newsletters.send(facilitator, newsletters.draft(
            facilitator, now.strftime("%Y-%m")))
        qs.submit_query(person, {"title": LONG, "question": "What worked?", "country": "SS",
                                 "themes": ["vetting"], "priority": "high",
                                 "confidentiality": "community"})
        db.session.commit()
        public_event, community_event = (e.id for e in events)
        discussion, newsletter = f"/discussions/{discussion.id}", f"/newsletters/{newsletter.id}"
    pages = {
        "anonymous": ["/", "/calendar", f"/calendar/{public_event}", "/newsletters"],
        "member": ["/", "/members", f"/members/{member.id}", "/profile/member", "/calendar",
                   f"/calendar/{community_event}", "/notices", "/groups", f"/groups/{slug}",
                   "/discussions", discussion, "/newsletters", newsletter],
        "facilitator": ["/", "/members", "/calendar", "/notices", "/groups",
                        f"/groups/{slug}", "/triage", "/discussions", "/discussions/new",
                        discussion, "/newsletters", "/newsletters/new"],
    }
    return SimpleNamespace(people={"member": member, "facilitator": staff}, pages=pages)


@pytest.fixture(scope="module")
def sessions(browser, base_url, scene):
    """Each person's signed-in cookies: a facilitator's code works once, so each signs in
    once for the whole module."""
    states = {"anonymous": {"cookies": [], "origins": []}}
    for role, account in scene.people.items():
        context = browser.new_context(base_url=base_url)
        through_the_sign_in_page(context.new_page(), account)
        states[role] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def open_as(browser, base_url, sessions):
    """A new browser context, signed in as the role (or not: "anonymous"), on a blank page."""
    contexts = []

    def open_page(role, **context_args):
        context = browser.new_context(base_url=base_url, storage_state=sessions[role],
                                      **context_args)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def visit(open_as, scene, role, observers, **context):
    """Each of the role's pages, handed to every observer."""
    page = open_as(role, **context)
    account = scene.people.get(role, SimpleNamespace(role="anonymous"))
    person = SimpleNamespace(label=role, account=account)
    for observer in observers:
        if hasattr(observer, "attach"):
            observer.attach(page)
    for url in scene.pages[role]:
        response = page.goto(url)
        assert response.status == 200, (role, url)
        for observer in observers:
            observer(person, url, page)


@pytest.mark.parametrize("role", ["anonymous", "member", "facilitator"])
def test_every_community_page_is_light_and_passes_axe(open_as, scene, role):
    meter, axe = WeightMeter(), AxeCheck()
    visit(open_as, scene, role, [meter, axe], viewport=WIDE)
    assert len(meter.weights) == len(scene.pages[role])
    problems = [f"over {BUDGET} bytes: {w.name}: {w.total}" for w in meter.weights
                if w.total > BUDGET]
    problems += [f"not compressed: {w.name}: {url}" for w in meter.weights
                 for url in w.uncompressed]
    problems += [f"axe: {n}: [{rule}] {text}" for _, n, rule, text in axe.violations]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "member", "facilitator"])
def test_every_community_page_works_without_javascript_on_a_phone(open_as, scene, role):
    width, basics = WidthCheck(), BasicsCheck()
    visit(open_as, scene, role, [width, basics], java_script_enabled=False,
          viewport={"width": NARROW, "height": 740})
    problems = [f"wider than {NARROW} px: {n}: {w}" for _, n, w in width.too_wide]
    problems += [f"{n}: {problem}" for _, n, problem in basics.problems]
    assert problems == [], "\n".join(problems)


NAV = """() => {
  const nav = document.querySelector('.site-nav > ul');
  const link = nav.querySelector(':scope > li > a');
  return {nav: nav.getBoundingClientRect().height, link: link.getBoundingClientRect().height,
          tops: [...new Set([...nav.children].map(li => Math.round(li.getBoundingClientRect().top)))]};
}"""
OVERFLOW = """() => ({scroll: document.scrollingElement.scrollWidth,
                     client: document.scrollingElement.clientWidth})"""


def test_a_facilitator_s_navigation_fits_one_line_at_1200px(open_as):
    page = open_as("facilitator", viewport=WIDE, java_script_enabled=False)
    page.goto("/")
    seen = page.evaluate(NAV)
    assert len(seen["tops"]) == 1 and seen["nav"] < 1.5 * seen["link"], seen


def test_the_community_menu_opens_with_the_keyboard_without_javascript(open_as, base_url):
    page = open_as("member", viewport=WIDE, java_script_enabled=False)
    page.goto("/")
    menu = page.locator(".site-nav details")
    members = menu.get_by_role("link", name="Members")
    expect(members).to_be_hidden()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(members).to_be_visible()
    for name in ("Calendar", "Blackboard", "Groups"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    members.click()
    expect(page).to_have_url(f"{base_url}/members")
    # On a community page the menu names it as current.
    expect(page.locator(".site-nav summary")).to_have_class("current")


@pytest.mark.parametrize("url", ["/members", "/triage", "/triage?tab=open"])
def test_the_members_and_the_triage_inbox_do_not_scroll_sideways_at_1200px(open_as, url):
    page = open_as("facilitator", viewport=WIDE)
    page.goto(url)
    seen = page.evaluate(OVERFLOW)
    assert seen["scroll"] <= seen["client"], seen
    scrolling = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 &&
                     getComputedStyle(e).overflowX !== 'visible')
        .map(e => e.tagName + '.' + e.className)""")
    assert scrolling == [], scrolling

