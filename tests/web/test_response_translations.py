"""Content languages on the pages: the Language select of the three forms, `lang` on text
written in another language than the page's, and a response's translations (the form page,
the translated page with "Translated from", "Also in" on every version)."""
import re

import pytest
from sqlalchemy import select

from reachback.extensions import db
from reachback.queries.models import Contribution, FieldQuery
from reachback.synthesis.models import ResponseTranslation
from reachback.synthesis.translations import save_translation

POLICE = "police-reform-and-community-policing"


def text(response) -> str:
    return response.get_data(as_text=True)


def selected(html: str, name: str) -> str | None:
    """The value of the option chosen in the select `name`."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                      select_html)
    return found and (found.group(1) or found.group(2))


def test_the_new_query_form_offers_languages_by_their_own_names(make_user, signed_in):
    web = signed_in(make_user(language="es"))
    html = text(web.get("/queries/new"))
    for code, name in (("en", "English"), ("fr", "Français"), ("ar", "العربية"),
                       ("sw", "Kiswahili"), ("uk", "Українська")):
        assert re.search(rf'<option[^>]*value="{code}"[^>]*>{name}</option>', html), code
    assert selected(html, "language") == "es"  # the author's


def test_a_query_in_another_language_is_marked_with_lang(make_user, signed_in):
    member = make_user()
    web = signed_in(member)
    answer = web.post("/queries/new", {
        "title": "Recrutement de la police", "question": "Qu'est-ce qui a marché ?",
        "country": "SS", "themes": [POLICE], "priority": "normal",
        "confidentiality": "restricted", "language": "fr"})
    assert answer.status_code == 302
    q = db.session.scalar(select(FieldQuery))
    assert q.language == "fr"
    page = text(web.get(f"/queries/{q.reference}"))
    assert '<h1 lang="fr">Recrutement de la police</h1>' in page
    assert re.search(r'<div class="prose" lang="fr">\s*<p>Qu', page)
    assert 'lang="fr">Recrutement de la police</a>' in text(web.get("/queries/mine"))
    # Served in French, the same text needs no mark.
    french = text(web.get(f"/queries/{q.reference}", headers={"Accept-Language": "fr"}))
    assert "<h1>Recrutement de la police</h1>" in french


def test_a_refused_language_is_shown_beside_the_field(make_user, signed_in):
    web = signed_in(make_user())
    answer = web.post("/queries/new", {
        "title": "T", "question": "Q", "country": "SS", "themes": [POLICE],
        "priority": "normal", "confidentiality": "restricted", "language": "xx"})
    assert answer.status_code == 422
    assert 'id="language-error"' in text(answer)
    assert db.session.scalar(select(FieldQuery)) is None


def test_a_contribution_records_the_language_chosen(make_user, make_query, signed_in):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    web = signed_in(expert)
    assert 'id="contribution-language"' in text(web.get(f"/queries/{q.reference}"))
    web.post(f"/queries/{q.reference}/contributions",
             {"body": "Ushauri wangu.", "language": "sw", "action": "save"})
    c = db.session.scalar(select(Contribution))
    assert c.language == "sw"
    assert re.search(r'<div class="prose" lang="sw">\s*<p>Ushauri',
                     text(web.get(f"/queries/{q.reference}")))


def test_the_draft_records_its_language(make_user, make_query, signed_in):
    fac = make_user("facilitator")
    q = make_query(status="routed", facilitator=fac)
    web = signed_in(fac)
    web.post(f"/queries/{q.reference}/synthesis",
             {"title": "Réponse", "summary": "", "body": "Corps", "note": "",
              "language": "fr", "action": "save"})
    db.session.refresh(q)
    assert q.response.language == "fr"
    assert selected(text(web.get(f"/queries/{q.reference}/synthesis")), "language") == "fr"


# --- translations ------------------------------------------------------------------------------

@pytest.fixture
def people(make_user):
    return {"requester": make_user(), "member": make_user(), "fac": make_user("facilitator"),
            "expert": make_user("expert")}


@pytest.fixture
def response_ref(make_query, people):
    return make_query(status="published", visibility="restricted",
                      requester=people["requester"], facilitator=people["fac"],
                      experts=[people["expert"]], title="Vetting police recruits").reference


def test_a_facilitator_translates_from_the_synthesis_page(signed_in, people, response_ref):
    web = signed_in(people["fac"])
    assert f"/queries/{response_ref}/translation" in text(
        web.get(f"/queries/{response_ref}/synthesis"))
    form = text(web.get(f"/queries/{response_ref}/translation?language=es"))
    assert "Vetting police recruits" in form  # the original, to translate
    assert selected(form, "language") == "es"
    answer = web.post(f"/queries/{response_ref}/translation", {
        "language": "es", "title": "Reclutamiento policial", "summary": "En resumen.",
        "body": "El **cuerpo**."})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/kb/{response_ref}/es")
    t = db.session.scalar(select(ResponseTranslation))
    assert (t.language, t.title) == ("es", "Reclutamiento policial")
    again = text(web.get(f"/queries/{response_ref}/translation?language=es"))
    assert "Reclutamiento policial" in again  # editing it shows the translation
    history = text(web.get(f"/queries/{response_ref}"))
    assert "saved the Español translation of the response." in history


def test_a_translation_in_the_responses_own_language_is_refused(signed_in, people,
                                                                response_ref):
    web = signed_in(people["fac"])
    answer = web.post(f"/queries/{response_ref}/translation",
                      {"language": "en", "title": "T", "summary": "", "body": "B"})
    assert answer.status_code == 422 and 'id="language-error"' in text(answer)
    assert db.session.scalar(select(ResponseTranslation)) is None


def test_readers_see_also_in_and_the_translated_page(signed_in, people, response_ref):
    save_translation(people["fac"], response_ref, "fr", "Recruter la police", "En bref.",
                     "Le **corps**.")
    db.session.commit()
    web = signed_in(people["requester"])
    original = text(web.get(f"/kb/{response_ref}"))
    assert re.search(rf'Also in: <a href="/kb/{response_ref}/fr" lang="fr" hreflang="fr">'
                     r"Français</a>", original)
    translated = web.get(f"/kb/{response_ref}/fr")
    html = text(translated)
    assert translated.status_code == 200
    assert '<h1 lang="fr">Recruter la police</h1>' in html
    assert re.search(r'<div class="prose" lang="fr">\s*<p>Le <strong>corps</strong>', html)
    assert re.search(rf'Translated from <a href="/kb/{response_ref}" lang="en" '
                     r'hreflang="en">English</a>', html)
    assert f'Also in: <a href="/kb/{response_ref}" lang="en"' in html
    # Read in French, the translation is in the page's language: no mark.
    assert "<h1>Recruter la police</h1>" in text(
        web.get(f"/kb/{response_ref}/fr", headers={"Accept-Language": "fr"}))


def test_a_public_translation_is_open_to_anyone(make_web, make_query, people):
    ref = make_query(status="published", visibility="public", facilitator=people["fac"]).reference
    save_translation(people["fac"], ref, "es", "Título", "", "Cuerpo")
    db.session.commit()
    page = make_web().get(f"/kb/{ref}/es")
    assert page.status_code == 200 and '<h1 lang="es">Título</h1>' in text(page)


def test_who_may_translate_and_read(signed_in, make_web, people, response_ref):
    save_translation(people["fac"], response_ref, "fr", "Titre", "", "Corps")
    db.session.commit()
    assert signed_in(people["expert"]).get(f"/kb/{response_ref}/fr").status_code == 200
    expert = signed_in(people["expert"])
    assert expert.get(f"/queries/{response_ref}/translation").status_code == 403
    refused = expert.post(f"/queries/{response_ref}/translation",
                          {"language": "es", "title": "T", "summary": "", "body": "B"})
    assert refused.status_code == 403
    stranger = signed_in(people["member"])
    assert stranger.get(f"/kb/{response_ref}/fr").status_code == 404
    assert stranger.get(f"/queries/{response_ref}/translation").status_code == 404
    anonymous = make_web()  # as for the original: not found (a public one is shown)
    original, translation = (anonymous.get(f"/kb/{response_ref}{tail}") for tail in ("", "/fr"))
    assert translation.status_code == original.status_code == 404
    assert signed_in(people["requester"]).get(f"/kb/{response_ref}/es").status_code == 404
    assert [t.language for t in db.session.scalars(select(ResponseTranslation))] == ["fr"]


def test_lang_in_the_address_shows_a_translation_and_facilitators_find_the_form(
        signed_in, people, response_ref):
    save_translation(people["fac"], response_ref, "fr", "Recruter la police", "", "Corps")
    db.session.commit()
    reader = signed_in(people["requester"])
    assert '<h1 lang="fr">Recruter la police</h1>' in text(
        reader.get(f"/kb/{response_ref}?lang=fr"))
    assert reader.get(f"/kb/{response_ref}?lang=es").status_code == 404
    assert "<h1>Vetting police recruits</h1>" in text(reader.get(f"/kb/{response_ref}?lang=en"))
    assert f"/queries/{response_ref}/translation" not in text(reader.get(f"/kb/{response_ref}"))
    staff = text(signed_in(people["fac"]).get(f"/kb/{response_ref}/fr"))
    assert f'href="/queries/{response_ref}/translation?language=fr"' in staff
