"""What the browser tests measure on every page: weight on the wire, axe-core, the basics
of an accessible page, and the width at 360 px. Each check is an observer for a Journey
(`check(person, name, page)`) that records what it finds; the tests assert on the records."""
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

BUDGET = 60 * 1024  # bytes on the wire per page: HTML, CSS, JS, fonts, images
NARROW = 360  # px: a small phone


# --- page weight ---------------------------------------------------------------------

@dataclass
class Weight:
    person: str
    name: str
    url: str
    document: int = 0
    assets: int = 0
    requests: int = 0
    kinds: list = field(default_factory=list)
    uncompressed: list = field(default_factory=list)  # text responses sent uncompressed

    @property
    def total(self) -> int:
        return self.document + self.assets


class WeightMeter:
    """Bytes on the wire (response headers + encoded body) of each page's document and of
    everything it loaded, with the browser cache disabled: every page is weighed as a first
    visit, the worst case. The page's Resource Timing says what it loaded; Playwright's
    finished requests give the exact sizes, headers included."""

    ENTRIES = """() => [performance.getEntriesByType('navigation')[0],
                        ...performance.getEntriesByType('resource')]
                       .map(e => ({url: e.name, kind: e.initiatorType, transfer: e.transferSize,
                                   encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"""

    def __init__(self):
        self.weights: list[Weight] = []
        self._finished: dict[int, list] = {}

    def attach(self, page) -> None:
        finished = self._finished.setdefault(id(page), [])
        page.on("requestfinished", lambda request: finished.append(request))
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def __call__(self, person, name, page) -> None:
        page.wait_for_load_state("load")
        entries = page.evaluate(self.ENTRIES)
        wanted = {e["url"] for e in entries}
        finished = self._finished[id(page)]
        for _ in range(50):  # the last "request finished" events may trail the load event
            got = {r.url: r for r in finished if r.url in wanted}
            if len(got) == len(wanted):
                break
            page.wait_for_timeout(20)
        finished.clear()
        w = Weight(person.label, name, page.url)
        for i, e in enumerate(entries):
            request = got.get(e["url"])
            if request is None:  # fetched by the browser itself (a favicon): as it reports it
                size = e["transfer"]
            else:
                sizes = request.sizes()
                size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            if i == 0:
                w.document += size
            else:
                w.assets += size
            w.requests += 1
            w.kinds.append(e["kind"])  # navigation, link (a stylesheet), script, css (a font)...
            if e["decoded"] >= 500 and e["encoded"] >= e["decoded"]:
                w.uncompressed.append(e["url"])  # every response here is text
        self.weights.append(w)

    def table(self) -> str:
        lines = [f"{'person':<12} {'page':<36} {'HTML':>7} {'CSS/JS':>7} {'total':>7} "
                 f"{'reqs':>4}  budget {BUDGET} bytes"]
        for w in self.weights:
            flag = "  OVER BUDGET" if w.total > BUDGET else ""
            lines.append(f"{w.person:<12} {w.name[:36]:<36} {w.document:>7} {w.assets:>7} "
                         f"{w.total:>7} {w.requests:>4}{flag}")
        return "\n".join(lines)


# --- axe-core ------------------------------------------------------------------------

class AxeCheck:
    """axe-core (shipped inside axe-playwright-python: it runs offline; it needs JavaScript
    enabled, as its checks run asynchronously in the page) on every page, once
    per role and page: the two experts' identical pages, and the sign-in page that all four
    people see before signing in and after signing out, are checked once."""

    ANONYMOUS = ("sign-in page", "signed out")

    def __init__(self):
        self.axe = Axe()
        self.checked: dict[tuple[str, str], int] = {}  # (role, page) -> violations found
        self.violations: list[tuple[str, str, str, str]] = []

    def __call__(self, person, name, page) -> None:
        role = "anonymous" if name in self.ANONYMOUS else person.account.role
        if (role, name) in self.checked:
            return
        results = self.axe.run(page)
        found = results.response["violations"]
        self.checked[(role, name)] = len(found)
        for v in found:
            targets = "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"][:3])
            self.violations.append((role, name, v["id"], f"{v['help']} — {targets}"))


# --- the basics, asserted directly -----------------------------------------------------

BASICS_JS = """() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) problems.push('no lang on <html>');
  for (const [sel, what] of [['header', 'banner'], ['nav', 'navigation'], ['main', 'main'],
                             ['footer', 'contentinfo']]) {
    if (!document.querySelector(sel)) problems.push('no ' + what + ' landmark');
  }
  if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one <main>');
  const skip = document.querySelector('a.skip-link');
  const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
  if (!skip) problems.push('no skip link');
  else {
    if (first !== skip) problems.push('the skip link is not the first control');
    const target = document.getElementById((skip.getAttribute('href') || '').slice(1));
    if (!target || target.tagName !== 'MAIN') problems.push('the skip link does not lead to <main>');
  }
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  for (const c of controls) {
    const named = (c.labels && c.labels.length) || c.getAttribute('aria-label') ||
                  c.getAttribute('aria-labelledby') || c.getAttribute('title');
    if (!named) problems.push('unlabelled control: ' + c.outerHTML.slice(0, 80));
  }
  for (const b of document.querySelectorAll('button, input[type=submit]')) {
    const text = (b.innerText || b.value || b.getAttribute('aria-label') || '').trim();
    if (!text) problems.push('button without a name: ' + b.outerHTML.slice(0, 80));
  }
  return problems;
}"""


class BasicsCheck:
    """Language, landmarks, a skip link first, a label on every control."""

    def __init__(self):
        self.problems: list[tuple[str, str, str]] = []

    def __call__(self, person, name, page) -> None:
        for problem in page.evaluate(BASICS_JS):
            self.problems.append((person.label, name, problem))


# --- 360 px ------------------------------------------------------------------------------

class WidthCheck:
    """No horizontal scrolling: the document is no wider than the viewport (360 px)."""

    def __init__(self):
        self.widths: list[tuple[str, str, int]] = []

    def __call__(self, person, name, page) -> None:
        assert page.viewport_size["width"] == NARROW
        width = page.evaluate("document.documentElement.scrollWidth")
        self.widths.append((person.label, name, width))

    @property
    def too_wide(self):
        return [w for w in self.widths if w[2] > NARROW]
