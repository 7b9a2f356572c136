"""The whole journey of a query through the real UI, four people in four browser contexts.

A member asks; the facilitator asks for clarification; the member replies; the facilitator
routes to two experts; both accept and contribute; the facilitator drafts, revises, compares
and publishes; the member follows the notification, finds the response in the knowledge base
and through the header search; everybody signs out.

Every page the journey lands on is handed to the observers (`observer(person, name, page)`),
so that one walk through the UI can be checked for weight, accessibility or width.
"""
import re
from dataclasses import dataclass, field
from datetime import timedelta

from babel.support import Translations
from playwright.sync_api import Browser, Page, expect

from reachback.countries import country_name
from reachback.models_base import utcnow
from reachback.paths import TRANSLATIONS
from tests.helpers import PASSWORD, totp_code

# Expected text on every page; raise expect's 5 s default for a slow, shared CI machine.
expect.set_options(timeout=10_000)


def give_code(page: Page, account, t=str) -> None:
    """The second step of signing in, as a person types the code their app shows (each
    account signs in once per test: a code works once)."""
    page.wait_for_url("**/login/code")
    page.get_by_label(t("Code")).fill(totp_code(account.totp_secret))
    page.get_by_role("button", name=t("Verify")).click()


def through_the_sign_in_page(page, account):
    """Sign `account` in on `page` (its password, and its code for staff: a code works once,
    so a staff account signs in at most once in 30 seconds)."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if account.totp_secret:
        give_code(page, account)
    page.wait_for_url(lambda url: "/login" not in url)
    return page


@dataclass
class Person:
    """One browser context: its own cookies, cache and tab."""

    label: str
    account: object
    page: Page

    @property
    def name(self) -> str:
        return self.account.name


@dataclass
class Landing:
    person: str
    name: str
    url: str


@dataclass
class Journey:
    browser: Browser
    base_url: str
    accounts: dict  # member, facilitator, expert_a, expert_b -> Account
    word: str  # unique to this run: the query's title carries it
    javascript: bool = True
    viewport: dict = field(default_factory=lambda: {"width": 1280, "height": 900})
    observers: list = field(default_factory=list)
    landings: list = field(default_factory=list)
    people: dict = field(default_factory=dict)
    ref: str = ""
    language: str = "en"  # the browsers ask for it; every page must come in it

    def __post_init__(self):
        self.catalogue = Translations.load(str(TRANSLATIONS), [self.language])
        # A journey in French without the French catalogue would walk the English pages.
        assert self.language == "en" or isinstance(self.catalogue, Translations), \
            f"no compiled {self.language} catalogue (make translations)"

    def t(self, text: str, **values) -> str:
        """`text` as the site shows it in the journey's language."""
        translated = self.catalogue.gettext(text)
        return translated % values if values else translated

    def pattern(self, *texts: str) -> re.Pattern:
        """Any of `texts` as the site shows them, whatever fills their placeholders."""
        return re.compile("|".join(
            re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(self.catalogue.gettext(text)))
            for text in texts))

    def starting(self, text: str) -> re.Pattern:
        return re.compile("^" + re.escape(self.t(text)))

    @property
    def title(self) -> str:
        return f"How have missions vetted police recruits after a ceasefire ({self.word})?"

    @property
    def response_title(self) -> str:
        return f"Vetting police recruits after a ceasefire: what missions learned ({self.word})"

    # --- plumbing -------------------------------------------------------------------

    def open(self) -> "Journey":
        labels = {"member": "member", "facilitator": "facilitator",
                  "expert_a": "expert A", "expert_b": "expert B"}
        for key, label in labels.items():
            context = self.browser.new_context(
                base_url=self.base_url, java_script_enabled=self.javascript,
                viewport=self.viewport, locale=self.language)
            context.set_default_timeout(10_000)
            page = context.new_page()
            if not self.javascript:  # proved by behaviour: a script on a page does not run
                page.set_content("<title>off</title><script>document.title = 'on'</script>")
                assert page.title() == "off"
            self.people[key] = Person(label, self.accounts[key], page)
        return self

    def close(self) -> None:
        for person in self.people.values():
            person.page.context.close()

    def land(self, who: Person, name: str) -> Page:
        """The person is on a new page: check it is not an error page, then let the
        observers look at it."""
        page = who.page
        page.wait_for_load_state("load")
        expect(page.locator("h1")).to_have_count(1)
        assert page.locator("html").get_attribute("lang") == self.language, (who.label, name)
        assert not re.match(r"\d{3} ·", page.title()), (who.label, name, page.url, page.title())
        self.landings.append(Landing(who.label, name, page.url))
        for observer in self.observers:
            observer(who, name, page)
        return page

    def nav(self, page: Page, text):
        return page.get_by_role("navigation", name=self.t("Main")).get_by_role("link", name=text)

    @staticmethod
    def flash(page: Page):
        return page.locator(".flash")

    # --- the journey ---------------------------------------------------------------

    def run(self) -> "Journey":
        member, facilitator = self.people["member"], self.people["facilitator"]
        expert_a, expert_b = self.people["expert_a"], self.people["expert_b"]
        for person in (member, facilitator, expert_a, expert_b):
            self.sign_in(person)
        self.ask(member)
        self.ask_for_clarification(facilitator)
        self.reply(member)
        self.route(facilitator, [expert_a, expert_b])
        self.accept_from_queue_and_contribute(expert_a)
        self.accept_on_query_page_and_contribute(expert_b)
        self.synthesise_revise_compare_publish(facilitator)
        self.follow_notification_to_response(member)
        self.find_in_knowledge_base(member)
        for person in (member, facilitator, expert_a, expert_b):
            self.sign_out(person)
        return self

    def sign_in(self, who: Person) -> None:
        """Through the sign-in page (and the code, for staff) to the start page."""
        page = who.page
        page.goto("/login")
        self.land(who, "sign-in page")
        page.get_by_label(self.t("E-mail")).fill(who.account.email)
        page.get_by_label(self.t("Password")).fill(PASSWORD)
        page.get_by_role("button", name=self.t("Sign in")).click()
        if who.account.totp_secret:  # staff: the code of their authenticator app
            expect(page.get_by_role("heading", level=1)).to_have_text(self.t("Two-factor sign-in"))
            self.land(who, "two-factor code")
            give_code(page, who.account, self.t)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.t("Welcome, %(name)s", name=who.name))
        expect(page.get_by_role("link", name=who.name)).to_be_visible()
        self.land(who, "start page")

    def ask(self, who: Person) -> None:
        page = who.page
        self.nav(page, self.t("Ask a question")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("Ask a question"))
        self.land(who, "query form")
        page.get_by_label(self.t("Title")).fill(self.title)
        page.get_by_label(self.t("Your question")).fill(
            "Which vetting approaches have worked for **police recruits** after a ceasefire?")
        page.get_by_label(self.t("Context"), exact=True).fill("Two former armed groups are to join the police.")
        page.get_by_label(self.t("Purpose"), exact=True).fill("A briefing note for the ceasefire commission.")
        page.get_by_label(self.t("Country")).select_option(label=country_name("SS", self.language))
        # Checkboxes grouped by parent theme, not a list box that needs Ctrl.
        themes = page.get_by_role("group", name=self.t("Themes"))
        for slug in ("vetting", "police-reform-and-community-policing"):
            themes.locator(f"input[type=checkbox][value={slug}]").check()
        page.get_by_role("radio", name=self.t("High")).check()
        # The app's clock, which the server checks "needed by" against (never the wall clock).
        page.get_by_label(self.t("Needed by")).fill((utcnow().date() + timedelta(days=30)).isoformat())
        page.get_by_role("radio", name=self.t("Community: every signed-in member")).check()
        page.get_by_role("button", name=self.t("Submit the question")).click()
        expect(self.flash(page)).to_contain_text(self.pattern("Your query %(ref)s is submitted."))
        expect(page.get_by_role("heading", level=1)).to_have_text(self.title)
        self.ref = page.locator(".page-header .ref").inner_text().strip()
        assert re.fullmatch(r"RB-\d{4}-\d{4,}", self.ref), self.ref
        expect(page.locator(".page-header .badge")).to_have_text(self.t("Submitted"))
        self.land(who, "query page (requester)")

    def open_from_triage(self, who: Person, tab: str | None = None) -> Page:
        page = who.page
        self.nav(page, self.t("Triage inbox")).click()
        if tab:
            page.get_by_role("navigation", name=self.t("Inbox tabs")).get_by_role(
                "link", name=self.t(tab)).click()
        self.land(who, f"triage inbox{f' ({tab})' if tab else ''}")
        page.get_by_role("link", name=self.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.title)
        self.land(who, "query page (facilitator)")
        return page

    def ask_for_clarification(self, who: Person) -> None:
        page = self.open_from_triage(who)
        page.get_by_label(self.t("Question for the requester")).fill(
            "Which districts, and how many recruits?")
        page.get_by_role("button", name=self.t("Ask for clarification")).click()
        expect(page.locator(".page-header .badge")).to_have_text(self.t("Awaiting clarification"))
        self.land(who, "query page (awaiting clarification)")

    def reply(self, who: Person) -> None:
        page = who.page
        self.nav(page, self.t("Notifications")).click()
        self.land(who, "notifications")
        page.get_by_role("link", name=self.pattern(
            "%(ref)s: the facilitator asks for clarification")).first.click()
        expect(page.get_by_text("Which districts, and how many recruits?")).to_be_visible()
        self.land(who, "query page (clarification request)")
        page.get_by_label(self.t("Your reply")).fill("Juba and Wau; about 1,200 recruits.")
        page.get_by_role("button", name=self.t("Send reply")).click()
        expect(page.locator(".page-header .badge")).to_have_text(self.t("Submitted"))
        expect(page.get_by_text("Juba and Wau; about 1,200 recruits.")).to_be_visible()
        self.land(who, "query page (replied)")

    def route(self, who: Person, experts: list[Person]) -> None:
        page = self.open_from_triage(who)
        page.get_by_role("link", name=self.t("Route to experts")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("Route to experts"))
        self.land(who, "routing page")
        for expert in experts:
            page.get_by_role("checkbox", name=expert.name, exact=True).check()
        page.get_by_role("button", name=self.t("Route to selected experts")).click()
        expect(page.locator(".page-header .badge")).to_have_text(self.t("With experts"))
        for expert in experts:
            expect(page.get_by_role("cell", name=expert.name, exact=True)).to_be_visible()
        self.land(who, "query page (routed)")

    def contribute(self, who: Person, text: str) -> None:
        page = who.page
        page.get_by_label(self.t("Your contribution")).fill(text)
        page.get_by_role("button", name=self.t("Preview")).click()
        expect(page.locator(".notice .prose strong").first).to_be_visible()
        self.land(who, "contribution preview")
        page.get_by_role("button", name=self.t("Send contribution")).click()
        expect(self.flash(page)).to_contain_text(self.t("Thank you: your contribution is sent."))
        self.land(who, "query page (contributed)")

    def accept_from_queue_and_contribute(self, who: Person) -> None:
        page = who.page
        self.nav(page, self.t("My assignments")).click()
        self.land(who, "expert queue")
        page.get_by_role("button", name=f"{self.t('Accept')} {self.ref}").click()
        expect(self.flash(page)).to_contain_text(self.t("You accepted %(ref)s. Thank you!",
                                                        ref=self.ref))
        self.land(who, "query page (expert)")
        self.contribute(who, "In Liberia the **vetting** of recruits used community hearings.")

    def accept_on_query_page_and_contribute(self, who: Person) -> None:
        page = who.page
        self.nav(page, self.t("My assignments")).click()
        self.land(who, "expert queue")
        page.get_by_role("link", name=self.title).click()
        expect(page.get_by_text(self.pattern("You are asked to answer this query by %(due)s. Will you?",
                                             "You are asked to answer this query. Will you?"))
               ).to_be_visible()
        self.land(who, "query page (invited expert)")
        page.locator(".notice").get_by_role("button", name=self.starting("Accept")).click()
        expect(self.flash(page)).to_contain_text(self.t("You accepted %(ref)s. Thank you!",
                                                        ref=self.ref))
        self.contribute(who, "In Kosovo, **background checks** came before any training.")

    def synthesise_revise_compare_publish(self, who: Person) -> None:
        page = self.open_from_triage(who, tab="With experts")
        page.get_by_role("link", name=self.t("Draft the response")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            self.t("Consolidated response"))
        expect(page.get_by_text("community hearings")).to_be_visible()
        expect(page.get_by_text("background checks")).to_be_visible()
        self.land(who, "synthesis page")
        page.get_by_label(self.t("Title")).fill(self.response_title)
        page.get_by_label(self.t("Summary")).fill("Vet before training, with the community involved.")
        page.get_by_label(self.t("Response (Markdown)")).fill(
            "## What worked\n\n- Community hearings (Liberia)\n- Background checks first (Kosovo)\n")
        page.get_by_label(self.t("What changed")).fill("First draft from two contributions")
        page.get_by_role("button", name=self.t("Preview")).click()
        expect(page.get_by_role("heading", name=self.starting("Preview"))).to_be_visible()
        self.land(who, "synthesis preview")
        page.get_by_role("button", name=self.t("Save draft")).click()
        expect(self.flash(page)).to_contain_text(self.t("Draft saved (revision %(number)s).",
                                                        number=1))
        self.land(who, "synthesis page (revision 1)")
        page.get_by_label(self.t("Summary")).fill(
            "Vet every recruit before training, and involve the community in the hearings.")
        page.get_by_label(self.t("What changed")).fill("A clearer summary")
        page.get_by_role("button", name=self.t("Save draft")).click()
        expect(self.flash(page)).to_contain_text(self.t("Draft saved (revision %(number)s).",
                                                        number=2))
        self.land(who, "synthesis page (revision 2)")
        page.get_by_role("link", name=self.t("Revisions (%(count)s)", count=2)).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(self.t("Revisions"))
        self.land(who, "revisions")
        expect(page.get_by_label(self.t("Older revision"))).to_have_value("1")
        expect(page.get_by_label(self.t("Newer revision"))).to_have_value("2")
        page.get_by_role("button", name=self.t("Compare")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            self.t("Revision %(old)s → %(new)s", old=1, new=2))
        expect(page.locator(".diff del")).to_contain_text("Vet before training")
        expect(page.locator(".diff ins")).to_contain_text("Vet every recruit")
        self.land(who, "compare revisions")
        page.get_by_role("link", name=self.t("Back to the draft")).click()
        self.land(who, "synthesis page (ready to publish)")
        page.get_by_role("radio", name=self.t("Community: every signed-in member")).check()
        page.get_by_role("button", name=self.t("Publish")).click()
        expect(self.flash(page)).to_contain_text(self.t("The response to %(ref)s is published.",
                                                        ref=self.ref))
        expect(page.locator(".page-header .badge")).to_have_text(self.t("Published"))
        self.land(who, "query page (published)")

    def follow_notification_to_response(self, who: Person) -> None:
        page = who.page
        page.reload()  # the member comes back later: the page they left shows no news
        expect(self.nav(page, self.starting("Notifications"))).to_contain_text(self.t("unread"))
        self.nav(page, self.starting("Notifications")).click()
        self.land(who, "notifications (published)")
        page.get_by_role("link", name=self.t("The response to %(ref)s is published",
                                             ref=self.ref)).click()
        heading = self.t("The response: <span%(lang)s>%(title)s</span>", lang="",
                         title=self.response_title)
        expect(page.get_by_role("heading", name=re.sub("<[^>]+>", "", heading))).to_be_visible()
        self.land(who, "query page (requester, published)")

    def find_in_knowledge_base(self, who: Person) -> None:
        page = who.page
        self.nav(page, self.t("Knowledge base")).click()
        self.land(who, "knowledge base")
        page.get_by_role("link", name=self.response_title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.response_title)
        expect(page.get_by_text("Vet every recruit before training")).to_be_visible()
        self.land(who, "published response")
        # The header search finds it by a word of its title.
        page.get_by_role("searchbox", name=self.t("Search the knowledge base")).fill(self.word)
        page.locator(".site-search").get_by_role("button", name=self.t("Search")).click()
        expect(page).to_have_url(re.compile(rf"/(search|kb)\?q={self.word}"))
        expect(page.get_by_role("main").locator(f'a[href="/kb/{self.ref}"]')).to_be_visible()
        self.land(who, "knowledge base search")

    def sign_out(self, who: Person) -> None:
        page = who.page
        page.get_by_role("button", name=self.t("Sign out")).click()
        expect(self.flash(page)).to_contain_text(self.t("You are signed out."))
        expect(page.get_by_role("button", name=self.t("Sign out"))).to_have_count(0)
        self.land(who, "signed out")
        page.goto("/queries/mine")
        expect(page).to_have_url(re.compile(r"/login\?next="))
