"""The API's messages about queries follow the request's language; codes and statuses do not."""
from tests.api.conftest import error_code

THEME = "police-reform-and-community-policing"


def test_a_refused_query_is_explained_in_spanish_with_the_same_codes(api, make_user):
    member = make_user()
    answer = api.post("/api/v1/queries", member, headers={"Accept-Language": "es"},
                      json={"title": "", "question": "¿Cómo?", "country": "ZZ",
                            "themes": [THEME]})
    assert answer.status_code == 422 and error_code(answer) == "invalid"
    error = answer.get_json()["error"]
    assert error["message"] == "Corrija los campos señalados."
    assert error["fields"]["title"] == "Este campo es obligatorio."
    assert error["fields"]["country"] == "Elija un país, una región o el mundo."


def test_a_query_asked_in_french_keeps_its_status_code(api, make_user):
    member = make_user(language="fr")
    answer = api.post("/api/v1/queries", member, json={
        "title": "Police de proximité", "question": "Comment commencer ?", "country": "SS",
        "themes": [THEME]})
    assert answer.status_code == 201 and answer.get_json()["status"] == "submitted"
    ref = answer.get_json()["ref"]
    refused = api.post(f"/api/v1/queries/{ref}/replies", member, json={"message": "Oui."})
    assert refused.status_code == 409 and error_code(refused) == "conflict"
    assert refused.get_json()["error"]["message"] == (
        "Cette requête est « soumise » ; elle ne peut pas passer à « soumise ».")
