"""Search pages: the header box, the results page (snippets, facets, pagination, sort,
suggestions, odd input, a missing index), search before asking on the new-query form, and
duplicate candidates in the facilitator's panel."""
import re
import shutil

import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.pg_index import PgSearchIndex
from reachback.queries.models import FieldQuery


@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


@pytest.fixture
def people(make_user):
    return {"requester": make_user("member"), "other": make_user("member"),
            "fac": make_user("facilitator"), "expert": make_user("expert")}


@pytest.fixture
def publish(make_query, people):
    def make(title, visibility="community", **kw):
        kw.setdefault("requester", people["requester"])
        return make_query(status="published", visibility=visibility, title=title,
                          facilitator=people["fac"], experts=(people["expert"],), **kw)
    return make


def drop_index():
    """Lose the index, as a new instance folder or a database never indexed has none."""
    index = svc.get_index()
    if isinstance(index, PgSearchIndex):
        index.drop()
    else:
        shutil.rmtree(index.path)


def html_of(response):
    return response.get_data(as_text=True)


def main_of(response):
    """The page's <main>, so that the header's own search box does not count."""
    html = html_of(response)
    return html[html.index("<main"):html.index("</main>")]


def test_the_header_search_box_on_every_page_points_at_the_search_page(web, people):
    web.sign_in(people["other"])
    for url in ("/queries/mine", "/kb", "/search"):
        html = html_of(web.get(url))
        assert re.search(r'<form class="site-search" role="search" action="/search"', html), url
        assert 'name="q"' in html


def test_results_show_highlighted_snippets_links_and_facets_with_counts(web, publish, people):
    q = publish("Vetting police recruits in Liberia", country="LR")
    publish("Ceasefire monitoring committees", country="YE", themes=("ceasefires",))
    web.sign_in(people["other"])
    # "recruits", not "vetting": every response of make_query sums up "vet carefully", which
    # PostgreSQL's stemmer (vetting -> vet) finds for "vetting" and whoosh's (-> vett) not.
    response = web.get("/search?q=recruits")
    main = main_of(response)
    assert response.status_code == 200
    assert f'<a href="/kb/{q.reference}">Vetting police recruits in Liberia</a>' in main
    assert "1 result" in main
    assert "Ceasefire monitoring" not in main
    # The facet links keep the words and add one filter, each with its count.
    assert 'href="/search?q=recruits&amp;country=LR">Liberia</a> (1)' in main
    assert ('href="/search?q=recruits&amp;theme=police-reform-and-community-policing">'
            'Police reform and community policing</a> (1)') in main
    assert '<a href="/search?q=recruits&amp;kind=response">Response</a> (1)' in main


def test_a_snippet_marks_the_matched_words_and_escapes_everything_else(
        web, make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], title="Escaping test")
    from reachback.synthesis import services as ss

    ss.save_draft(people["fac"], q, "Escaping test", "<script>alert(1)</script> reintegration "
                  "of combatants when `1 < 2`", "Body about reintegration.")
    ss.publish_response(people["fac"], q, "community")
    db.session.commit()
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=reintegration"))
    assert "<mark>reintegration</mark>" in main
    # The snippet holds the words the response page shows: the script is not one of them
    # (the sanitiser removes it), and what is left is escaped.
    assert "<script>" not in main and "alert(1)" not in main
    assert "combatants</mark> when 1 &lt; 2" in main  # a synonym of the word searched


def test_filters_narrow_the_results_and_can_be_removed(web, publish, people):
    publish("Vetting in Liberia", country="LR")
    publish("Vetting in South Sudan", country="SS")
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=vetting&country=SS"))
    assert "Vetting in South Sudan" in main and "Vetting in Liberia" not in main
    assert "Showing only:" in main and "Country “South Sudan”" in main
    assert 'href="/search?q=vetting">remove' in main
    assert '<input type="hidden" name="country" value="SS">' in main  # kept on a new search


def test_results_are_paginated_and_can_be_sorted_by_date(web, publish, people, clock):
    from datetime import timedelta

    titles = []
    for n in range(12):
        clock.advance(timedelta(days=1))
        titles.append(f"Reintegration lesson {n:02d}")
        publish(titles[-1])
    web.sign_in(people["other"])
    first = main_of(web.get("/search?q=reintegration&sort=date"))
    assert "12 results" in first and "Page 1 of 2" in first
    assert first.index("lesson 11") < first.index("lesson 10")  # newest first
    assert 'href="/search?page=2&amp;q=reintegration&amp;sort=date"' in first
    second = main_of(web.get("/search?q=reintegration&sort=date&page=2"))
    assert "lesson 01" in second and "lesson 00" in second and "lesson 11" not in second
    assert "Page 2 of 2" in second


def test_a_mistyped_word_gets_a_did_you_mean_link(web, publish, people):
    publish("Ceasefire monitoring committees")
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=ceasfire+committees"))  # "committees" finds it as typed
    assert "Did you mean" in main and "Showing results for" not in main
    assert ('<a href="/search?q=ceasefire+committees" rel="nofollow"><strong>ceasefire '
            'committees</strong></a>') in main


def test_a_search_that_finds_nothing_as_typed_shows_the_corrected_search(web, publish,
                                                                         people):
    published = publish("Ceasefire monitoring committees")
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=ceasfire"))
    assert "Showing results for <strong>ceasefire</strong>" in main
    assert published.reference in main and "Did you mean" not in main
    # ... with a link to the search as typed, which shows what it finds: nothing
    assert ('Search instead for <a href="/search?q=ceasfire&amp;exact=1" rel="nofollow">'
            'ceasfire</a>') in main
    typed = main_of(web.get("/search?q=ceasfire&exact=1".replace("ceasefire", "ceasfire")))
    assert "Showing results for" not in typed and published.reference not in typed
    assert "0 results" in typed and "Did you mean" in typed


def test_a_word_nobody_may_read_is_never_the_correction(web, publish, people):
    publish("Vetting secrets of Zanzibarite", visibility="restricted")
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=zanzibarit"))
    assert "Showing results for" not in main and "anzibarite" not in main.lower()


@pytest.mark.parametrize("text", ['"unclosed phrase', "((( AND", "NOT", "x" * 1000, "%00",
                                  "title:secret*", "<b>bold</b>", "ceasefire OR"])
def test_any_input_gives_a_page_never_an_error(web, publish, people, text):
    publish("Ceasefire monitoring committees")
    web.sign_in(people["other"])
    response = web.get("/search", query_string={"q": text, "page": "x", "sort": "sideways",
                                                "theme": "nope", "year": "-1"})
    assert response.status_code == 200
    assert "<b>bold</b>" not in main_of(response)


def test_broken_syntax_says_the_words_were_searched_instead(web, publish, people):
    publish("Ceasefire monitoring committees")
    web.sign_in(people["other"])
    main = main_of(web.get('/search?q=ceasefire+AND+(monitoring'))
    assert "Ceasefire monitoring committees" in main


def test_anonymous_visitors_search_public_responses_only(client, publish):
    public = publish("Open vetting guidance", visibility="public")
    publish("Members-only vetting lessons", visibility="community")
    publish("Restricted vetting secrets", visibility="restricted")
    response = client.get("/search?q=vetting")
    main = main_of(response)
    assert response.status_code == 200
    assert public.reference in main and "1 result" in main
    assert "Members-only" not in main and "Restricted vetting" not in main
    assert "Sign in</a> to search the responses shared with the community" in main


def test_a_restricted_response_stays_out_of_another_members_page(web, make_web, publish,
                                                                  people):
    hidden = publish("Vetting secrets of Zanzibarite", visibility="restricted")
    web.sign_in(people["other"])
    for url in ("/search?q=zanzibarite", "/search?q=vetting", "/search?q=zanzibarit",
                "/search?q=&country=SS"):
        main = main_of(web.get(url))
        results = main[main.index("</form>"):]  # the form repeats what was typed
        assert hidden.reference not in results, url
        assert "anzibarite" not in results.lower(), url
        assert "Did you mean" not in results and "0 results" in main, url
    requester = make_web()
    requester.sign_in(people["requester"])
    assert hidden.reference in main_of(requester.get("/search?q=zanzibarite"))


def test_a_missing_index_shows_a_rebuilding_message_not_an_error(web, publish, people):
    publish("Vetting police recruits")
    web.get("/login")  # any request applies what the fixtures queued
    drop_index()
    web.sign_in(people["other"])
    response = web.get("/search?q=vetting")
    assert response.status_code == 200
    assert "being rebuilt" in main_of(response)


# --- search before asking ---------------------------------------------------------------

def test_check_for_similar_answers_shows_them_and_keeps_what_was_typed(web, publish, people):
    done = publish("Vetting police recruits after a civil war")
    publish("Secret restricted vetting of recruits", visibility="restricted")
    web.sign_in(people["other"])
    page = web.get("/queries/new")
    assert 'data-similar-url="/search/similar"' in html_of(page)
    assert 'name="action" value="similar"' in html_of(page)
    count = db.session.scalar(select(func.count()).select_from(FieldQuery))
    response = web.post("/queries/new", {
        "action": "similar", "title": "How to vet police recruits?",
        "question": "We are rebuilding the police after the war: how do we vet recruits?",
        "context": "Nothing tried yet", "country": "SS"})
    html = html_of(response)
    assert response.status_code == 200
    assert f'href="/kb/{done.reference}" target="_blank"' in html
    assert "Secret restricted" not in html
    assert 'value="How to vet police recruits?"' in html  # what was typed is kept
    assert "We are rebuilding the police after the war" in html
    assert '<option selected value="SS">' in html
    assert "There is a problem" not in html  # nothing was submitted, nothing refused
    assert db.session.scalar(select(func.count()).select_from(FieldQuery)) == count


def test_the_similar_answers_endpoint_answers_json_for_the_live_box(web, publish, people):
    done = publish("Community policing forums in Juba")
    publish("Restricted community policing notes", visibility="restricted")
    web.sign_in(people["other"])
    response = web.get("/search/similar", query_string={
        "title": "community policing", "question": "How do police forums work?"})
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["ref"] for i in items] == [done.reference]
    assert items[0]["url"] == f"/kb/{done.reference}"


def test_the_similar_answers_endpoint_needs_a_signed_in_user(client):
    response = client.get("/search/similar?title=vetting")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_live_box_script_is_served_and_no_page_has_inline_script(web, people):
    web.sign_in(people["other"])
    html = html_of(web.get("/queries/new"))
    assert "<script>" not in html and " style=" not in html
    script = web.get(re.search(r'<script src="([^"]+)"', html).group(1))
    js = script.get_data(as_text=True)
    script.close()
    assert "data-similar-url" in js and "similar-answers" in js


# --- duplicate candidates at triage -----------------------------------------------------

def test_the_facilitators_panel_shows_similar_responses_and_open_queries(
        web, make_web, make_query, publish, people):
    answered = publish("Vetting police recruits before deployment")
    earlier = make_query(title="Vetting police recruits for the new service")
    later = make_query(title="How to vet police recruits?")
    web.sign_in(people["fac"])
    main = main_of(web.get(f"/queries/{later.reference}"))
    assert "Possible duplicates" in main
    section = main[main.index("Possible duplicates"):]
    assert f'href="/kb/{answered.reference}"' in section
    assert f'href="/queries/{earlier.reference}"' in section
    assert f'href="/queries/{later.reference}"' not in section  # never itself
    # The requester sees no such panel.
    requester = make_web()
    requester.sign_in(later.requester)
    assert "Possible duplicates" not in main_of(requester.get(f"/queries/{later.reference}"))


def test_the_facilitators_panel_reads_stored_candidates_and_never_searches(
        web, make_query, people, monkeypatch):
    from reachback.knowledge.models import DuplicateCandidate, QueryDuplicates

    earlier = make_query(title="Vetting police recruits for the new service")
    later = make_query(title="How to vet police recruits for the new service?")
    web.sign_in(people["fac"])
    web.get("/kb")  # a request: the outbox (and the candidates) applied after commits

    def refuse(*_args, **_kw):
        raise AssertionError("the query page searched")
    monkeypatch.setattr(type(svc.get_index()), "similar", refuse)
    monkeypatch.setattr(type(svc.get_index()), "search", refuse)
    section = main_of(web.get(f"/queries/{later.reference}"))
    section = section[section.index("Possible duplicates"):]
    assert f'href="/queries/{earlier.reference}"' in section
    # Not computed yet (e.g. just after an upgrade): the panel says so, without searching.
    db.session.execute(DuplicateCandidate.__table__.delete())
    db.session.execute(QueryDuplicates.__table__.delete())
    db.session.commit()
    main = main_of(web.get(f"/queries/{later.reference}"))
    assert "still being looked for" in main and f'href="/queries/{earlier.reference}"' not in main


def test_the_language_facet_names_each_language_and_filters(web, publish, people):
    q = publish("Consulta con la comunidad", country="CO")
    q.response.language = "es"
    svc.response_changed(q.response)
    publish("Community consultation", country="CO")
    db.session.commit()
    web.sign_in(people["other"])
    main = main_of(web.get("/search?q=consultas"))
    assert f'<a href="/kb/{q.reference}">Consulta con la comunidad</a>' in main
    assert "<h3>Language</h3>" in main
    assert '<a href="/search?q=consultas&amp;language=es">Español</a> (1)' in main
    main = main_of(web.get("/search?q=&language=es"))
    assert "Consulta con la comunidad" in main and "Community consultation" not in main
    assert "Language “Español”" in main
