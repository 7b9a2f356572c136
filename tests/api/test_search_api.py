"""GET /api/v1/search: the items' shape, totals and facets, public without a token, and
never a restricted item for someone who may not read it."""
import shutil

import pytest

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge.pg_index import PgSearchIndex
from tests.api.conftest import error_code


@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


def drop_index():
    """Lose the index, as a new instance folder or a database never indexed has none."""
    index = svc.get_index()
    if isinstance(index, PgSearchIndex):
        index.drop()
    else:
        shutil.rmtree(index.path)


@pytest.fixture
def people(make_user):
    return {"requester": make_user("member"), "other": make_user("member"),
            "fac": make_user("facilitator"), "expert": make_user("expert")}


@pytest.fixture
def responses(make_query, people):
    def make(title, visibility, **kw):
        return make_query(status="published", visibility=visibility, title=title,
                          requester=people["requester"], facilitator=people["fac"],
                          experts=(people["expert"],), **kw)

    world = {"public": make("Ceasefire monitoring: open guidance", "public", country="YE"),
             "community": make("Ceasefire monitoring: members' notes", "community",
                               country="SY"),
             "restricted": make("Ceasefire monitoring in Zanzibarite", "restricted",
                                country="LY")}
    svc.apply_outbox()
    return world


def test_search_returns_items_total_and_facets(api, responses, people):
    response = api.get("/api/v1/search?q=ceasefire", people["other"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2
    assert {i["ref"] for i in body["items"]} == {responses["public"].reference,
                                                 responses["community"].reference}
    item = body["items"][0]
    assert set(item) == {"kind", "ref", "title", "summary", "url", "score", "highlights"}
    assert item["kind"] == "response" and item["url"] == f"/kb/{item['ref']}"
    assert item["score"] > 0 and "<mark>" in item["highlights"] or item["summary"]
    countries = {f["value"]: f["count"] for f in body["facets"]["country"]}
    assert countries == {"YE": 1, "SY": 1}
    assert {"value": "YE", "label": "Yemen", "count": 1} in body["facets"]["country"]
    assert set(body["facets"]) == {"theme", "country", "year", "kind", "language"}
    assert body["facets"]["language"] == [{"value": "en", "label": "English", "count": 2}]


def test_anonymous_callers_see_only_public_items(api, responses):
    body = api.get("/api/v1/search?q=ceasefire").get_json()
    assert [i["ref"] for i in body["items"]] == [responses["public"].reference]
    assert body["total"] == 1
    assert {f["value"] for f in body["facets"]["country"]} == {"YE"}


def test_a_restricted_response_never_reaches_another_member(api, responses, people):
    for url in ("/api/v1/search?q=zanzibarite", "/api/v1/search?q=ceasefire&country=LY",
                "/api/v1/search?q=zanzibarit", "/api/v1/search?q=&kind=response"):
        body = api.get(url, people["other"]).get_json()
        assert responses["restricted"].reference not in [i["ref"] for i in body["items"]], url
        assert "LY" not in {f["value"] for f in body["facets"]["country"]}, url
        assert "anzibarite" not in str(body).lower().replace(url.split("q=")[1], ""), url
    for who in ("requester", "expert", "fac"):
        body = api.get("/api/v1/search?q=zanzibarite", people[who]).get_json()
        assert [i["ref"] for i in body["items"]] == [responses["restricted"].reference], who


def test_filters_and_pages(api, responses, people):
    body = api.get("/api/v1/search?q=ceasefire&country=SY", people["other"]).get_json()
    assert [i["ref"] for i in body["items"]] == [responses["community"].reference]
    body = api.get("/api/v1/search?q=ceasefire&per_page=1&page=2", people["other"]).get_json()
    assert body["total"] == 2 and len(body["items"]) == 1 and body["page"] == 2
    body = api.get("/api/v1/search?q=ceasefire&kind=document", people["other"]).get_json()
    assert body["total"] == 0 and body["items"] == []


def test_bad_arguments_are_refused_with_the_json_error_shape(api, responses, people):
    response = api.get("/api/v1/search?q=ceasefire&page=zero", people["other"])
    assert response.status_code == 422 and error_code(response) == "invalid"
    response = api.get("/api/v1/search?q=ceasefire&sort=sideways", people["other"])
    assert response.status_code == 422


def test_a_bad_token_is_refused_even_on_this_public_endpoint(api, responses):
    response = api.get("/api/v1/search?q=ceasefire", token="rb_not-a-token")
    assert response.status_code == 401 and error_code(response) == "unauthorized"


def test_broken_syntax_still_answers_with_a_message(api, responses, people):
    body = api.get('/api/v1/search?q=ceasefire+AND+(', people["other"]).get_json()
    assert body["total"] == 2
    assert body["suggestion"] is None


def test_a_missing_index_answers_200_with_rebuilding(api, responses, people):
    drop_index()
    response = api.get("/api/v1/search?q=ceasefire", people["other"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["rebuilding"] is True and body["items"] == [] and "rebuilt" in body["message"]


def test_a_search_is_limited_to_a_language(api, responses, people):
    """language=fr: the items written in French only, stemmed in French."""
    french = responses["community"].response
    french.title, french.language = "Réintégrer les anciens combattants", "fr"
    svc.response_changed(french)
    db.session.commit()
    svc.apply_outbox()
    body = api.get("/api/v1/search?q=réintégration", people["other"]).get_json()
    assert [i["ref"] for i in body["items"]] == [responses["community"].reference]
    assert body["facets"]["language"] == [{"value": "fr", "label": "Français", "count": 1}]
    body = api.get("/api/v1/search?q=&language=fr", people["other"]).get_json()
    assert [i["ref"] for i in body["items"]] == [responses["community"].reference]
    body = api.get("/api/v1/search?q=ceasefire&language=FR", people["other"]).get_json()
    assert body["total"] == 0
    body = api.get("/api/v1/search?q=ceasefire&language=en", people["other"]).get_json()
    assert [i["ref"] for i in body["items"]] == [responses["public"].reference]
