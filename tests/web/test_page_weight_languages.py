"""The page-weight budget holds in every language: French and Spanish sentences run longer
than English ones, so the heaviest pages a facilitator uses are weighed in each (the HTML,
the stylesheet and the script, compressed as a browser receives them). The browser journey
weighs every page of a query's life, in French."""
import re

import pytest

from tests.browser.checks import BUDGET

ACCEPT = {"Accept-Encoding": "br, gzip"}
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def weight(web, url: str, language: str) -> int:
    asked = {"Accept-Language": language}
    text = web.get(url, headers=asked).get_data(as_text=True)
    assert f'<html lang="{language}">' in text, url
    return size(web, url, {**asked, **ACCEPT}) + sum(
        size(web, path, ACCEPT) for path in set(ASSETS.findall(text)))


def size(web, url: str, headers: dict) -> int:
    """Bytes on the wire (a static file is streamed: its file is closed after reading)."""
    response = web.client.get(url, headers=headers)
    try:
        return len(response.get_data())
    finally:
        response.close()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_heaviest_pages_stay_within_the_budget_in_every_language(
        language, make_user, make_query, signed_in):
    staff = make_user("facilitator")
    experts = [make_user("expert") for _ in range(3)]
    drafted = make_query(status="synthesis", facilitator=staff, experts=experts,
                         confidentiality="community")
    web = signed_in(staff)
    pages = ["/triage", "/sla", "/kb", f"/queries/{drafted.reference}",
             f"/queries/{drafted.reference}/synthesis", "/queries/new", "/reports",
             "/reports/response-times", "/reports/experts"]
    weights = {url: weight(web, url, language) for url in pages}
    assert all(w > 1000 for w in weights.values()), weights  # the pages were weighed
    assert {url: w for url, w in weights.items() if w > BUDGET} == {}
