"""Knowledge base pages: who reads which published response, filters, pagination, safe output."""
from datetime import timedelta

import pytest

from reachback.extensions import db
from reachback.synthesis import services as ss


@pytest.fixture
def people(make_user):
    """A requester, a facilitator and an expert shared by the queries of a test."""
    return {"requester": make_user("member"), "fac": make_user("facilitator"),
            "expert": make_user("expert", name="Esther Expert", organisation="Peace Lab")}


@pytest.fixture
def publish(make_query, people):
    def make(visibility="community", title="Vetting police recruits", **kw):
        kw.setdefault("requester", people["requester"])
        return make_query(status="published", visibility=visibility, title=title,
                          facilitator=people["fac"], experts=(people["expert"],), **kw)
    return make


def test_a_community_response_is_listed_and_readable_by_another_member(
        web, make_user, publish, people):
    q = publish("community", title="Community policing lessons", confidentiality="community")
    web.sign_in(make_user("member"))
    listing = web.get("/kb")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Community policing lessons" in html and q.reference in html
    assert "South Sudan" in html and "Police reform and community policing" in html
    page = web.get(f"/kb/{q.reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<p>In short: vet carefully.</p>" in html and "<p>Body text.</p>" in html
    assert "Esther Expert, Peace Lab" in html
    # Another member may see a community query: the page links to it.
    assert f'href="/queries/{q.reference}"' in html


def test_a_community_response_to_a_restricted_query_does_not_link_to_the_query(
        web, make_user, publish):
    q = publish("community", confidentiality="restricted")
    web.sign_in(make_user("member"))
    page = web.get(f"/kb/{q.reference}")
    assert page.status_code == 200
    assert f'href="/queries/{q.reference}"' not in page.get_data(as_text=True)


def test_a_restricted_response_is_never_shown_to_another_member(web, make_user, publish):
    hidden = publish("restricted", title="Secret restricted answer",
                     confidentiality="restricted")
    web.sign_in(make_user("member"))
    assert "Secret restricted answer" not in web.get("/kb").get_data(as_text=True)
    assert web.get(f"/kb/{hidden.reference}").status_code == 404
    assert "Secret restricted answer" not in web.get(
        "/kb?theme=police-reform-and-community-policing&country=SS").get_data(as_text=True)


def test_the_requester_reads_their_own_restricted_response(web, publish, people):
    q = publish("restricted", title="My restricted answer", confidentiality="restricted")
    web.sign_in(people["requester"])
    assert "My restricted answer" in web.get("/kb").get_data(as_text=True)
    page = web.get(f"/kb/{q.reference}")
    assert page.status_code == 200
    assert f'href="/queries/{q.reference}"' in page.get_data(as_text=True)


def test_anonymous_visitors_read_public_responses_only(client, publish):
    public = publish("public", title="Open guidance on vetting")
    community = publish("community", title="Members-only lessons")
    listing = client.get("/kb")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Open guidance on vetting" in html and "Members-only lessons" not in html
    page = client.get(f"/kb/{public.reference}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Open guidance on vetting" in html
    assert f'href="/queries/{public.reference}"' not in html  # the query itself is not public
    # A community response is not found, rather than a sign-in redirect that confirms it.
    assert client.get(f"/kb/{community.reference}").status_code == 404
    assert client.get("/kb/RB-2026-9999").status_code == 404


def test_an_unpublished_draft_is_not_in_the_knowledge_base(web, make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], confidentiality="community")
    web.sign_in(people["fac"])
    assert q.reference not in web.get("/kb").get_data(as_text=True)
    assert web.get(f"/kb/{q.reference}").status_code == 404


def test_filter_by_a_parent_theme_includes_its_children_and_by_country(web, publish, people):
    police = publish(title="Police answer", themes=("police-reform-and-community-policing",))
    ceasefire = publish(title="Ceasefire answer", themes=("ceasefires",), country="CO")
    web.sign_in(people["requester"])
    html = web.get("/kb?theme=security-sector-reform-and-governance").get_data(as_text=True)
    assert police.reference in html and ceasefire.reference not in html
    html = web.get("/kb?theme=ceasefires").get_data(as_text=True)
    assert ceasefire.reference in html and police.reference not in html
    html = web.get("/kb?country=CO").get_data(as_text=True)
    assert ceasefire.reference in html and police.reference not in html
    assert '<option selected value="CO">Colombia</option>' in html
    # The theme select groups sub-themes under their parent, the parent first.
    assert '<optgroup label="Security sector reform and governance">' \
           '<option value="security-sector-reform-and-governance">' in html
    html = web.get("/kb?country=CO&theme=security-sector-reform-and-governance").get_data(
        as_text=True)
    assert "No published response matches." in html


def test_the_list_shows_20_per_page_newest_first_and_pages_keep_the_filters(
        web, publish, people, clock):
    refs = []
    for n in range(21):
        refs.append(publish(title=f"Answer number {n:02d}", country="CO").reference)
        clock.advance(timedelta(minutes=1))
    web.sign_in(people["requester"])
    first = web.get("/kb").get_data(as_text=True)
    assert first.count('<article class="card">') == 20
    assert refs[20] in first and refs[0] not in first
    assert first.index(refs[20]) < first.index(refs[19])
    assert 'href="/kb?page=2"' in first
    second = web.get("/kb?page=2").get_data(as_text=True)
    assert second.count('<article class="card">') == 1 and refs[0] in second
    filtered = web.get("/kb?country=CO&q=vetting").get_data(as_text=True)
    assert 'href="/kb?page=2&amp;q=vetting&amp;country=CO"' in filtered
    assert 'href="/search?q=vetting&amp;country=CO"' in filtered  # the words go to search


def test_markup_in_a_response_renders_inert(web, make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], experts=(people["expert"],),
                   requester=people["requester"], confidentiality="community")
    ss.save_draft(people["fac"], q, "<script>alert('title')</script>",
                  "<img src=x onerror=alert(1)> **bold**",
                  "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
                  "<a href=\"javascript:alert(3)\">x</a> <iframe src=\"//evil\"></iframe>")
    ss.publish_response(people["fac"], q, "public")
    db.session.commit()
    for page in ("/kb", f"/kb/{q.reference}"):
        html = web.client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and "<img" not in html
        assert "javascript:" not in html and "<iframe" not in html
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    listing = web.client.get("/kb").get_data(as_text=True)
    assert "**bold**" in listing  # the list shows the summary as plain text


def test_the_summary_in_the_list_is_cut_at_about_300_characters(web, make_query, people):
    q = make_query(status="synthesis", facilitator=people["fac"], experts=(people["expert"],),
                   requester=people["requester"])
    ss.save_draft(people["fac"], q, "Long one", "word " * 200 + "TAIL", "Body")
    ss.publish_response(people["fac"], q, "public")
    db.session.commit()
    html = web.client.get("/kb").get_data(as_text=True)
    assert "TAIL" not in html and "word word…" in html
    assert "TAIL" in web.client.get(f"/kb/{q.reference}").get_data(as_text=True)


def test_the_response_page_prints_without_navigation_and_forms(client, publish):
    q = publish("public")
    html = client.get(f"/kb/{q.reference}").get_data(as_text=True)
    assert '<header class="site-header no-print">' in html
    assert "Print" in html and 'class="no-print' in html


def test_the_count_and_the_pages_hold_what_each_reader_may_read(
        web, make_user, make_query, publish, people, clock):
    """The count (ix_responses_visible) and the page (ix_responses_listing, walked newest
    first) are two statements: both must hold the same responses for each reader, with and
    without a country, and never a draft."""
    other = make_user("member")
    made = {}
    for name, visibility, requester, country in (
            ("community-co-1", "community", other, "CO"),
            ("public-ss", "public", other, "SS"),
            ("own-restricted-co", "restricted", people["requester"], "CO"),
            ("community-co-2", "community", other, "CO"),
            ("others-restricted-co", "restricted", other, "CO"),
            ("community-ss", "community", other, "SS")):
        made[name] = publish(visibility, title=f"Answer {name}", requester=requester,
                             country=country, confidentiality="restricted").reference
        clock.advance(timedelta(minutes=1))
    draft = make_query(status="synthesis", facilitator=people["fac"], country="CO",
                       confidentiality="community").reference
    newest_first = list(made)[::-1]

    def listed(who, path):
        web.sign_in(who)
        html = web.get(path).get_data(as_text=True)
        assert draft not in html
        return [name for name in newest_first if made[name] in html], html

    for who, hidden in ((people["requester"], {"others-restricted-co"}),
                        (other, {"own-restricted-co"}), (people["fac"], set())):
        names, html = listed(who, "/kb")
        expected = [name for name in newest_first if name not in hidden]
        assert names == expected
        assert [html.index(made[name]) for name in names] == sorted(
            html.index(made[name]) for name in names)  # newest first
        assert f"{len(expected)} published responses" in html
        names, html = listed(who, "/kb?country=CO")
        expected = [name for name in expected if name.endswith("co") or "-co-" in name]
        assert names == expected
        assert f"{len(expected)} published responses" in html
