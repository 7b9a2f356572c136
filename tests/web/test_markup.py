"""Every page is valid HTML: unique ids, required selects with an empty first option, and
zero errors from the Nu HTML Checker (vnu), run once over all pages as each role."""
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.web.pages import render_every_page

ROOT = Path(__file__).resolve().parents[2]
# Installed by `make vnu` (scripts/ensure-vnu.sh); REACHBACK_VNU_JAR points elsewhere.
VNU_JAR = Path(os.environ.get("REACHBACK_VNU_JAR")
               or ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
MISSING = ("HTML CHECKER NOT RUN: Java or vnu.jar is missing. Run `make vnu` (as root it "
           "installs Debian's default-jre-headless, and vnu-jar from the npm registry).")


class MarkupRules(HTMLParser):
    """The rules reviews found broken: an id used twice (every `form.csrf_token` rendered
    id="csrf_token"), a `required` single select whose first option is not an empty
    placeholder (then the browser can never report it as unanswered), and markup inside the
    <title> (a template that included a section into its title block: valid HTML, since a
    title is text, but the tab and the screen reader then read its tags)."""

    def __init__(self):
        super().__init__()
        self.ids, self.problems, self.select, self.in_title = set(), [], None, False

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_starttag(self, tag, attrs):
        if self.in_title:
            self.problems.append(f"<{tag}> inside the title")
        self.in_title = tag == "title"
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']!r}")
            self.ids.add(attrs["id"])
        if tag == "select" and "required" in attrs and "multiple" not in attrs:
            self.select = attrs.get("name")
        elif tag == "option" and self.select is not None:
            if attrs.get("value") not in ("", None) or "value" not in attrs:
                self.problems.append(f"required select {self.select!r} without an empty "
                                     "first option")
            self.select = None


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return {}


@pytest.fixture
def pages(rendered, request):
    """Every page, rendered once per test worker for both tests (rendering them all takes
    seconds, and neither test changes them)."""
    if not rendered:
        request.getfixturevalue("clock")
        rendered.update(render_every_page(*(request.getfixturevalue(name) for name in
                                            ("make_web", "make_user", "make_query"))))
    return rendered


def test_no_page_has_a_duplicate_id_a_bad_required_select_or_markup_in_its_title(pages):
    problems = {}
    for name, html in pages.items():
        rules = MarkupRules()
        rules.feed(html)
        if rules.problems:
            problems[name] = rules.problems
    assert not problems, problems


def _vnu() -> list[str] | None:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING + " (CI=true: a check that cannot run fails.)", pytrace=False)
        pytest.skip(MISSING)
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


def test_every_page_passes_the_nu_html_checker(pages, tmp_path):
    """One JVM start for all pages; errors only (warnings are advice, not defects)."""
    command = _vnu()
    names = {}
    for n, (name, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{n:03}.html"
        path.write_text(html, encoding="utf-8")
        names[str(path)] = name
    result = subprocess.run([*command, "--errors-only", "--format", "json", *names],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))} line {m.get('lastLine')}: "
              f"{m['message']} [{m.get('extract', '').strip()}]" for m in messages]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0, result.stderr[-2000:]
