"""GET /api/v1/search answers its labels and messages in the caller's language, as text."""
def test_the_kind_labels_and_messages_come_in_the_callers_language(api, make_user, make_query):
    staff = make_user("facilitator")
    make_query(status="published", visibility="public", title="Ceasefire monitoring guidance",
               facilitator=staff, experts=(make_user("expert"),))
    reader = make_user(language="fr")
    answer = api.get("/api/v1/search?q=ceasefire", reader)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["facets"]["kind"] == [
        {"value": "response", "label": "Réponse", "count": 1}]

    odd = api.get("/api/v1/search?q=ceasefire+NOT", reader, headers={"Accept-Language": "en"})
    assert odd.get_json()["message"] == ("La syntaxe de la recherche n’a pas été comprise : "
                                         "les mots ont été recherchés tels quels.")
    english = api.get("/api/v1/search?q=ceasefire", make_user())
    assert english.get_json()["facets"]["kind"][0]["label"] == "Response"
