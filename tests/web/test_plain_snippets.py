"""Search results show the words of a response's Markdown, never its syntax: titles,
summaries and snippets on the search page, in the API's hits and in the new-query form's
similar answers ("## Summary\n\n**Vetting** works" reads "Summary Vetting works"), with the
matched words still marked and the text still escaped."""
import pytest

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.synthesis import services as ss

SUMMARY = "## Summary\n\n**Vetting** works when [the hearings](https://example.org/h) are public & open, 1 < 2."
BODY = "## Lessons\n\n- Publish the *candidate* list\n- Protect complainants\n\n1. Vetting units"


@pytest.fixture
def published(make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(status="synthesis", facilitator=staff, title="Vetting **police** recruits")
    ss.save_draft(staff, query, "## Vetting **police** recruits", SUMMARY, BODY)
    ss.publish_response(staff, query, "public")
    db.session.commit()
    svc.apply_outbox()
    yield query
    svc.get_index().close()


def no_markdown(text: str) -> None:
    for syntax in ("##", "**", "](", "https://example.org", "- Publish", "*candidate*"):
        assert syntax not in text, (syntax, text)


def test_the_search_page_shows_titles_and_snippets_as_plain_text(web, published):
    html = web.get("/search?q=vetting").get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    assert published.reference in main
    no_markdown(main)
    assert "Summary <mark>Vetting</mark> works when the hearings are public &amp; open, 1 &lt; 2." in main
    assert "<mark>Vetting</mark> <mark>police</mark> recruits" not in main  # title: no marks
    assert "Vetting police recruits" in main


def test_the_api_hit_has_a_plain_title_summary_and_highlights(client, published):
    body = client.get("/api/v1/search?q=vetting").get_json()
    [hit] = body["items"]
    assert hit["title"] == "Vetting police recruits"
    assert hit["summary"] == "Summary Vetting works when the hearings are public & open, 1 < 2."
    assert hit["highlights"].startswith(
        "Summary <mark>Vetting</mark> works when the hearings are public &amp; open, 1 &lt; 2.")
    no_markdown(hit["highlights"])
    # a word of the body: the snippet is cut from the plain body, list markers gone
    hit = client.get("/api/v1/search?q=complainants").get_json()["items"][0]
    assert "<mark>complainants</mark>" in hit["highlights"]
    no_markdown(hit["highlights"])


def test_similar_answers_show_plain_titles_and_summaries(web, make_user, published):
    web.sign_in(make_user("member"))
    body = web.get("/search/similar", query_string={
        "title": "Vetting police recruits", "question": "Do hearings help?"}).get_json()
    [item] = body["items"]
    assert item["title"] == "Vetting police recruits"
    assert item["summary"] == "Summary Vetting works when the hearings are public & open, 1 < 2."
