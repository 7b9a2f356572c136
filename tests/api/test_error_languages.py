"""The API in the caller's language: its error messages are translated, their codes are not;
theme names stay English (they are data)."""
from tests.api.conftest import error_code


def test_the_api_names_themes_in_english_whatever_the_language(api, make_user):
    member = make_user(language="fr")
    themes = api.get("/api/v1/themes", member).get_json()["items"]
    assert {"slug": "vetting", "name": "Vetting"}.items() <= next(
        t for t in themes if t["slug"] == "vetting").items()


def test_an_api_error_message_in_french_keeps_its_code(api, make_user):
    member = make_user(language="fr")
    english = api.get("/api/v1/queries?country=ZZ", make_user())
    french = api.get("/api/v1/queries?country=ZZ", member)
    assert english.status_code == french.status_code == 422
    assert error_code(english) == error_code(french)
    assert english.get_json()["error"]["message"] == "Invalid filter."
    assert french.get_json()["error"]["message"] == "Filtre non valide."
    assert french.get_json()["error"]["fields"] == {"country": "Code de pays inconnu."}

    anonymous = api.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert error_code(anonymous) == "unauthorized"
    assert anonymous.get_json()["error"]["message"].startswith("Envíe un token de API válido")
