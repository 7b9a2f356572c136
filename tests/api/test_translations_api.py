"""The API's `language` on queries, contributions and responses, and a response's translations:
PUT and GET /api/v1/responses/{ref}/translations/{language}, listed as `translations`."""
import pytest

from tests.api.conftest import error_code

ASK = {"title": "Vetting police recruits", "question": "What worked?", "country": "SS",
       "themes": ["police-reform-and-community-policing"]}
FRENCH = {"title": "Recruter la police", "summary": "En bref.", "body": "Le **corps**."}


def test_a_query_records_the_language_given_else_the_callers_else_the_requests(
        api, make_user):
    member = make_user()
    given = api.post("/api/v1/queries", member, json={**ASK, "language": "ar"})
    assert given.status_code == 201 and given.get_json()["language"] == "ar"
    served = api.post("/api/v1/queries", member, json=ASK, headers={"Accept-Language": "es"})
    assert served.get_json()["language"] == "es"
    chosen = api.post("/api/v1/queries", make_user(language="fr"), json=ASK,
                      headers={"Accept-Language": "es"})
    assert chosen.get_json()["language"] == "fr"
    ref = given.get_json()["ref"]
    assert api.get(f"/api/v1/queries/{ref}", member).get_json()["language"] == "ar"


@pytest.mark.parametrize("code", ["xx", "AR", "arabic", 12, ["fr"]])
def test_a_code_that_names_no_language_is_refused(api, make_user, code):
    answer = api.post("/api/v1/queries", make_user(), json={**ASK, "language": code})
    assert answer.status_code == 422 and error_code(answer) == "invalid"
    assert "language" in answer.get_json()["error"]["fields"]


def test_contributions_and_drafts_record_their_language(api, make_user, make_query):
    expert, staff = make_user("expert"), make_user("facilitator")
    query = make_query(status="routed", experts=[expert], facilitator=staff)
    ref = query.reference
    added = api.post(f"/api/v1/queries/{ref}/contributions", expert,
                     json={"body": "Ushauri.", "language": "sw"})
    assert added.status_code == 201 and added.get_json()["language"] == "sw"
    refused = api.post(f"/api/v1/queries/{ref}/contributions", expert,
                       json={"body": "Advice.", "language": "qq"})
    assert refused.status_code == 422
    draft = api.put(f"/api/v1/queries/{ref}/response", staff,
                    json={"title": "Réponse", "body": "Corps", "language": "fr"})
    assert draft.status_code == 200
    assert (draft.get_json()["language"], draft.get_json()["translations"]) == ("fr", [])
    contributions = api.get(f"/api/v1/queries/{ref}", staff).get_json()["contributions"]
    assert [c["language"] for c in contributions] == ["sw"]


@pytest.fixture
def people(make_user):
    return {"requester": make_user(), "member": make_user(), "fac": make_user("facilitator"),
            "expert": make_user("expert")}


def published(make_query, people, visibility):
    return make_query(status="published", visibility=visibility, requester=people["requester"],
                      facilitator=people["fac"], experts=[people["expert"]]).reference


def test_a_facilitator_adds_a_translation_and_the_response_lists_it(api, make_query, people):
    ref = published(make_query, people, "restricted")
    url = f"/api/v1/responses/{ref}/translations/fr"
    added = api.put(url, people["fac"], json=FRENCH)
    assert added.status_code == 201 and added.headers["Location"] == url
    body = added.get_json()
    assert body["language"] == "en" and body["translations"] == [{"language": "fr", "url": url}]
    replaced = api.put(url, people["fac"], json={**FRENCH, "title": "Titre revu"})
    assert replaced.status_code == 200 and replaced.get_json()["translations"] == [
        {"language": "fr", "url": url}]
    read = api.get(f"/api/v1/responses/{ref}", people["requester"]).get_json()
    assert read["translations"] == [{"language": "fr", "url": url}]

    translation = api.get(url, people["requester"])
    assert translation.status_code == 200
    t = translation.get_json()
    assert (t["ref"], t["language"], t["title"]) == (ref, "fr", "Titre revu")
    assert "<strong>corps</strong>" in t["body_html"]
    assert t["original"] == {"language": "en", "url": f"/api/v1/responses/{ref}"}


def test_readers_of_a_translation_are_the_readers_of_the_response(api, make_query, people):
    restricted = published(make_query, people, "restricted")
    public = published(make_query, people, "public")
    for ref in (restricted, public):
        assert api.put(f"/api/v1/responses/{ref}/translations/es", people["fac"],
                       json=FRENCH).status_code == 201
    assert api.get(f"/api/v1/responses/{restricted}/translations/es",
                   people["expert"]).status_code == 200
    for caller in (people["member"], None):
        answer = api.get(f"/api/v1/responses/{restricted}/translations/es", caller)
        assert answer.status_code == 404 and error_code(answer) == "not_found"
    assert api.get(f"/api/v1/responses/{public}/translations/es").status_code == 200
    assert api.get(f"/api/v1/responses/{public}/translations/fr").status_code == 404


def test_only_facilitators_translate(api, make_query, people):
    community = published(make_query, people, "community")
    restricted = published(make_query, people, "restricted")
    for who in ("requester", "member", "expert"):
        answer = api.put(f"/api/v1/responses/{community}/translations/fr", people[who],
                         json=FRENCH)
        assert answer.status_code == 403 and error_code(answer) == "forbidden", who
    stranger = api.put(f"/api/v1/responses/{restricted}/translations/fr", people["member"],
                       json=FRENCH)
    assert stranger.status_code == 404
    assert api.put(f"/api/v1/responses/{community}/translations/fr",
                   json=FRENCH).status_code == 401
    assert api.get(f"/api/v1/responses/{community}", people["fac"]).get_json()[
        "translations"] == []


@pytest.mark.parametrize("language, body, field", [
    ("en", FRENCH, "language"),  # the response's own language
    ("xx", FRENCH, "language"),
    ("fr", {"title": " ", "body": "Corps"}, "title"),
    ("fr", {"title": "Titre"}, "body"),
])
def test_a_translation_is_refused_field_by_field(api, make_query, people, language, body,
                                                 field):
    ref = published(make_query, people, "community")
    answer = api.put(f"/api/v1/responses/{ref}/translations/{language}", people["fac"],
                     json=body)
    assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"]
