"""The language content is written in: queries, contributions and responses record it (the
one given, else the author's, else the request's); translations of a published response."""
import pytest
from sqlalchemy import select

from reachback.errors import Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.i18n import is_content_language
from reachback.knowledge import search as svc
from reachback.knowledge.models import SearchOutbox
from reachback.queries import services as qs
from reachback.queries.models import Event
from reachback.synthesis import services as ss
from reachback.synthesis.translations import get_translation, save_translation
from tests.helpers import clear_g

ASK = {"title": "Vetting police recruits", "question": "What worked?", "country": "SS",
       "themes": ["police-reform-and-community-policing"]}


@pytest.mark.parametrize("code", ["en", "fr", "es", "ar", "sw", "uk", "pt"])
def test_any_iso_639_1_code_babel_knows_is_a_content_language(code):
    assert is_content_language(code)


@pytest.mark.parametrize("code", ["xx", "EN", "eng", "en_US", "en-GB", "", None, 5, ["fr"]])
def test_other_codes_are_not(code):
    assert not is_content_language(code)


def test_a_query_is_in_its_authors_language(app, make_user):
    query = qs.submit_query(make_user(language="es"), ASK)
    assert query.language == "es"


def test_without_a_choice_a_query_is_in_the_language_of_the_request(app, make_user):
    author = make_user()
    with app.test_request_context(headers={"Accept-Language": "fr-FR,fr;q=0.9"}):
        assert qs.submit_query(author, ASK).language == "fr"
    clear_g()  # the test's app context outlives the request (a real one would not)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert qs.submit_query(author, ASK).language == "en"  # none spoken: the default


def test_the_language_given_wins_and_may_be_one_the_site_does_not_speak(app, make_user):
    assert qs.submit_query(make_user(language="fr"), {**ASK, "language": "sw"}).language == "sw"


@pytest.mark.parametrize("code", ["xx", "FR", "french", 7])
def test_a_code_that_names_no_language_is_refused_beside_the_field(app, make_user, code):
    with pytest.raises(Invalid) as refused:
        qs.submit_query(make_user(), {**ASK, "language": code})
    assert set(refused.value.fields) == {"language"}


def test_a_contribution_records_its_language(app, make_query, make_user):
    expert = make_user("expert", language="fr")
    query = make_query(status="routed", experts=[expert])
    assert qs.add_contribution(expert, query, "Conseil.").language == "fr"
    assert qs.add_contribution(expert, query, "Advice.", "ar").language == "ar"
    with pytest.raises(Invalid) as refused:
        qs.add_contribution(expert, query, "Advice.", "zz")
    assert set(refused.value.fields) == {"language"}


def test_a_draft_records_its_language_and_keeps_it(app, make_query, make_user):
    staff = make_user("facilitator", language="es")
    query = make_query(status="routed", facilitator=staff)
    response = ss.save_draft(staff, query, "Título", "", "Cuerpo")
    assert response.language == "es"
    ss.save_draft(staff, query, "Title", "", "Body", language="en")
    assert response.language == "en"
    ss.save_draft(staff, query, "Title", "", "Body 2")  # none given: the draft's stays
    assert response.language == "en"
    with pytest.raises(Invalid) as refused:
        ss.save_draft(staff, query, "Title", "", "Body", language="english")
    assert set(refused.value.fields) == {"language"} and response.revision == 3


# --- translations ------------------------------------------------------------------------------

@pytest.fixture
def people(make_user):
    return {"requester": make_user(), "member": make_user(), "fac": make_user("facilitator"),
            "expert": make_user("expert")}


def published(make_query, people, visibility="restricted", **kw):
    return make_query(status="published", visibility=visibility, requester=people["requester"],
                      facilitator=people["fac"], experts=[people["expert"]], **kw)


def test_a_facilitator_adds_then_replaces_a_translation(app, make_query, people):
    query = published(make_query, people)
    translation, created = save_translation(people["fac"], query.reference, "fr",
                                            "Recruter la police", "En bref.", "Le **corps**.")
    db.session.commit()
    assert created and translation.language == "fr" and translation.translator_id == \
        people["fac"].id
    assert "<strong>corps</strong>" in translation.html("body")
    again, created = save_translation(people["fac"], query.reference, "fr", "Titre", "",
                                      "Autre corps")
    assert not created and again.id == translation.id and again.body == "Autre corps"
    assert [t.language for t in query.response.translations] == ["fr"]
    kinds = db.session.scalars(select(Event.data).where(Event.query_id == query.id,
                                                        Event.kind == "translation_saved"))
    assert [d["language"] for d in kinds] == ["fr", "fr"]


def test_the_translation_is_read_by_exactly_the_readers_of_the_response(
        app, make_query, people):
    query = published(make_query, people)
    save_translation(people["fac"], query.reference, "fr", "Titre", "", "Corps")
    for reader in ("requester", "expert", "fac"):
        assert get_translation(people[reader], query.reference, "fr").title == "Titre"
    for stranger in (people["member"], None):
        with pytest.raises(NotFound):
            get_translation(stranger, query.reference, "fr")
    with pytest.raises(NotFound):
        get_translation(people["fac"], query.reference, "es")  # none in Spanish


def test_only_facilitators_translate(app, make_query, people):
    query = published(make_query, people, visibility="community")
    for who in ("requester", "member", "expert"):
        with pytest.raises(Forbidden):
            save_translation(people[who], query.reference, "fr", "Titre", "", "Corps")
    restricted = published(make_query, people)
    with pytest.raises(NotFound):  # may not read it: learns nothing more
        save_translation(people["member"], restricted.reference, "fr", "Titre", "", "Corps")
    assert query.response.translations == [] and restricted.response.translations == []


def test_a_draft_is_not_translated(app, make_query, people):
    query = make_query(status="synthesis", facilitator=people["fac"])
    with pytest.raises(NotFound):
        save_translation(people["fac"], query.reference, "fr", "Titre", "", "Corps")


@pytest.mark.parametrize("language, fields", [
    ("en", {"language"}),  # the response's own
    ("xx", {"language"}),
    ("fr", {"title", "body"}),
])
def test_a_translation_is_refused_field_by_field(app, make_query, people, language, fields):
    query = published(make_query, people)
    title, body = ("", " ") if fields == {"title", "body"} else ("Titre", "Corps")
    with pytest.raises(Invalid) as refused:
        save_translation(people["fac"], query.reference, language, title, "", body)
    assert set(refused.value.fields) == fields


# --- search ------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


def test_a_translation_is_its_own_search_document(app, make_query, people):
    query = published(make_query, people, title="Vetting police recruits")
    svc.apply_outbox()
    save_translation(people["fac"], query.reference, "fr", "Recrutement des policiers",
                     "En bref.", "Les commissions communautaires ont examiné les candidats.")
    keys = list(db.session.scalars(select(SearchOutbox.key)))
    assert keys == [f"translation:{query.reference}/fr"]
    db.session.commit()
    [doc] = svc.sources()["translation"].load([f"{query.reference}/fr"])
    [original] = svc.sources()["response"].load([query.reference])
    assert (doc.key, doc.kind, doc.ref, doc.language) == (
        f"translation:{query.reference}/fr", "response", query.reference, "fr")
    assert original.language == "en" and doc.principals == original.principals
    assert "Zanzibar" not in doc.body and doc.title == "Recrutement des policiers"

    svc.apply_outbox()
    with app.test_request_context():
        found = svc.search(people["requester"], "commissions communautaires")
    assert [(i.ref, i.url) for i in found.items] == [
        (query.reference, f"/kb/{query.reference}/fr")]
    # Readers of the response only: a member who may not read it finds nothing.
    assert svc.search(people["member"], "commissions communautaires").total == 0
    assert svc.search(None, "commissions communautaires").total == 0


def test_a_rebuild_indexes_translations_too(app, make_query, people):
    query = published(make_query, people, visibility="public")
    save_translation(people["fac"], query.reference, "es", "Reclutamiento", "", "Candidatos")
    db.session.commit()
    counts = svc.rebuild()
    assert counts["translation"] == 1
    with app.test_request_context():
        found = svc.search(None, "candidatos")
    assert [i.url for i in found.items] == [
        f"/kb/{query.reference}/es"]
