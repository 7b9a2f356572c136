"""The start page `/`: anyone not signed in reads what Reachback is, the newest public
responses and how to join (signed-in people's start page: tests/web/test_home_page.py)."""
import re

import pytest

from reachback.home import HOME_ITEMS as WELCOME_RESPONSES
from tests.browser.checks import BUDGET
from tests.web.test_no_n_plus_one import counting
from tests.web.test_page_weight_languages import weight


@pytest.fixture
def publish(make_query, make_user):
    staff, expert = make_user("facilitator"), make_user("expert")

    def make(title, visibility="public", confidentiality="community"):
        return make_query(status="published", visibility=visibility, title=title,
                          confidentiality=confidentiality, facilitator=staff,
                          experts=(expert,))
    return make


def test_an_anonymous_visitor_reads_the_welcome_page_with_public_responses_only(
        client, publish):
    public = publish("Vetting police recruits after a ceasefire")
    community = publish("Community-only lessons on demobilisation", "community")
    restricted = publish("Restricted notes on a ceasefire", "restricted", "restricted")
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1 and "Welcome to Reachback" in html
    assert "reach-back query service" in html
    assert f'href="/kb/{public.reference}"' in html and public.title in html
    for hidden in (community, restricted):
        assert hidden.title not in html and hidden.reference not in html
    assert 'href="/kb">All published responses</a>' in html
    assert "Membership is by invitation" in html
    assert 'href="/login"' in html


def test_the_welcome_page_lists_only_the_newest_few(client, publish):
    made = [publish(f"Public response number {n}") for n in range(WELCOME_RESPONSES + 1)]
    html = client.get("/").get_data(as_text=True)
    listed = re.findall(r'href="/kb/(RB-[0-9-]+)"', html)
    assert listed == [q.reference for q in reversed(made[1:])]  # newest first


def test_the_welcome_page_says_when_nothing_is_published(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No response has been published yet." in response.get_data(as_text=True)


def test_the_welcome_page_speaks_the_browser_s_language(client, publish):
    publish("Vetting police recruits")
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Bienvenue sur Reachback" in html and "Welcome to Reachback" not in html
    assert "Toutes les réponses publiées" in html


def test_the_welcome_page_loads_its_responses_set_wise(make_web, publish):
    def statements():
        web = make_web()
        web.get("/")
        with counting() as done:
            assert web.get("/").status_code == 200
        return len(done)

    publish("The first public response")
    few = statements()
    for n in range(3):
        publish(f"Another public response {n}")
    assert statements() == few


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_welcome_page_stays_within_the_page_weight_budget(make_web, publish, language):
    for n in range(WELCOME_RESPONSES):
        publish(f"A public response with a long enough title to weigh something {n}")
    assert 1000 < weight(make_web(), "/", language) <= BUDGET
