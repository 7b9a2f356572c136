"""The Atom feed of published responses (/kb/feed.atom: what the caller may read, filtered by
theme and country) and the subscriptions page of the profile."""
import xml.etree.ElementTree as ET

from reachback.extensions import db
from reachback.notify import subscriptions as subs
from tests.helpers import WebClient

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())  # noqa: S314  (our own answer, in a test)
    assert feed.tag == f"{ATOM}feed"
    return [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]


def published(make_query, make_user, staff, requester):
    for title, visibility, themes, country in (
            ("Public vetting", "public", ["vetting"], "SS"),
            ("Public courts", "public", ["courts"], "ML"),
            ("Community vetting", "community", ["vetting"], "SS"),
            ("Restricted vetting", "restricted", ["vetting"], "SS")):
        make_query(status="published", visibility=visibility, themes=themes, country=country,
                   title=title, facilitator=staff, requester=requester)


def test_anonymous_feeds_hold_public_responses_only_filtered_by_theme_and_country(
        app, client, make_query, make_user):
    staff, requester = make_user("facilitator"), make_user()
    published(make_query, make_user, staff, requester)
    assert sorted(entries(client.get("/kb/feed.atom"))) == ["Public courts", "Public vetting"]
    assert entries(client.get("/kb/feed.atom?theme=vetting")) == ["Public vetting"]
    assert entries(client.get(
        "/kb/feed.atom?theme=transitional-justice-and-reconciliation")) == ["Public vetting"]
    assert entries(client.get("/kb/feed.atom?country=ML")) == ["Public courts"]
    assert entries(client.get("/kb/feed.atom?theme=vetting&country=ML")) == []


def test_a_signed_in_readers_feed_is_what_they_may_read(app, make_query, make_user):
    staff, requester = make_user("facilitator"), make_user()
    published(make_query, make_user, staff, requester)
    member = WebClient(app.test_client())
    member.sign_in(make_user())
    assert sorted(entries(member.get("/kb/feed.atom?theme=vetting"))) == [
        "Community vetting", "Public vetting"]
    own = WebClient(app.test_client())
    own.sign_in(requester)
    assert "Restricted vetting" in entries(own.get("/kb/feed.atom"))


def test_an_unknown_theme_or_country_is_refused_clearly(app, client):
    for args in ("theme=no-such-theme", "country=QQ"):
        response = client.get(f"/kb/feed.atom?{args}")
        assert response.status_code == 422, args
        assert "Unknown" in response.get_data(as_text=True)


def test_the_knowledge_base_links_its_feed(app, client):
    page = client.get("/kb?theme=vetting").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml"' in page
            and 'href="/kb/feed.atom?theme=vetting"' in page)


def test_a_member_chooses_subscriptions_on_their_profile(app, make_user):
    member = make_user()
    web = WebClient(app.test_client())
    web.sign_in(member)
    assert "/profile/subscriptions" in web.get("/profile").get_data(as_text=True)
    page = web.get("/profile/subscriptions")
    assert page.status_code == 200 and 'name="frequency"' in page.get_data(as_text=True)
    response = web.post("/profile/subscriptions", {"themes": ["vetting"], "countries": ["SS"],
                                                   "frequency": "weekly"})
    assert response.status_code == 302
    db.session.expire_all()
    assert subs.get_subscription(member) == {"themes": ["vetting"], "countries": ["SS"],
                                             "frequency": "weekly"}
    refused = web.post("/profile/subscriptions", {"themes": ["nope"], "frequency": "daily"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert subs.get_subscription(member)["frequency"] == "weekly"
