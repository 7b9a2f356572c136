"""The knowledge base, search, the library, the synthesis pages and file uploads speak the
reader's language: French and Spanish pages, messages and the draft's headings."""
import io
import re

import pytest

from reachback.extensions import db
from reachback.queries import services as qs

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
SPANISH = {"Accept-Language": "es"}


@pytest.fixture
def publish(make_query, make_user):
    """publish(title): a public response, for anyone to read and find."""
    return lambda title: make_query(status="published", visibility="public", title=title,
                                    facilitator=make_user("facilitator"),
                                    experts=(make_user("expert"),))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def main_of(response) -> str:
    """The page's own content (the header and footer are another part's)."""
    return re.search(r"<main.*</main>", text_of(response), re.S).group(0)


def test_the_knowledge_base_and_a_response_in_french(web, publish):
    q = publish("Vetting police recruits")
    listing = main_of(web.get("/kb", headers=FRENCH))
    assert "<h1>Base de connaissances</h1>" in listing
    assert "1 réponse publiée" in listing
    assert "Vous lisez la partie publique de la bibliothèque." in listing
    assert "Publiée le " in listing and '<span class="badge">Public</span>' in listing
    assert "Knowledge base" not in listing and "published response" not in listing

    page = main_of(web.get(f"/kb/{q.reference}", headers=FRENCH))
    assert "<dt>Référence</dt>" in page and "<dt>Lisible par</dt>" in page
    assert "Tout le monde (public)" in page and "Retour à la base de connaissances" in page
    assert "Readable by" not in page


def test_the_search_page_in_french(web, publish):
    publish("Ceasefire monitoring in the field")
    page = main_of(web.get("/search?q=ceasefire", headers=FRENCH))
    assert "<h1>Rechercher dans la base de connaissances</h1>" in page
    assert "1 résultat<" in page
    assert "Affiner les résultats" in page
    # The kind of each result and the facet titles, in French too.
    assert '<span class="badge">Réponse</span>' in page and "<h3>Type</h3>" in page
    assert "Pertinence" in page and "Plus récents d’abord" in page
    assert "Refine the results" not in page and "Response<" not in page

    filtered = main_of(web.get("/search?q=ceasefire&kind=response", headers=FRENCH))
    assert "Affichage limité à :" in filtered
    assert re.search(r'Type « Réponse » \(<a href="[^"]+">retirer<span class="visually-hidden">'
                     r" le filtre type</span></a>\)", filtered)

    # A misspelt search shows the corrected one, and the search as typed offers it too.
    mistyped = main_of(web.get("/search?q=ceasfire", headers=FRENCH))
    assert "Résultats pour <strong>ceasefire</strong>" in mistyped
    as_typed = main_of(web.get("/search?q=ceasfire&exact=1", headers=FRENCH))
    assert re.search(r'Vouliez-vous dire <a href="[^"]+" rel="nofollow"><strong>ceasefire</strong>'
                     r"</a> \?", as_typed)

    nothing = text_of(web.get("/search?q=zzzqqxx", headers=FRENCH))
    assert "Rien ne correspond à votre recherche." in nothing


def test_the_library_in_spanish(web, make_user):
    from reachback.knowledge import library
    from tests.service.test_library import doc_data, upload

    library.add_document(make_user("facilitator"), doc_data(kind="guidance", visibility="public"),
                         upload(b"Monitoring the line", "guide.txt"))
    db.session.commit()
    page = text_of(web.get("/library", headers=SPANISH))
    assert "<h1>Biblioteca</h1>" in page and "Nota de orientación" in page
    assert "Todos los tipos" in page and "Filtrar" in page


@pytest.fixture
def routed(make_user, make_query):
    fac = make_user("facilitator", name="Fatou Facilitator", language="es")
    expert = make_user("expert", name="Amina Expert", organisation="Peace Institute")
    q = make_query(status="routed", experts=(expert,), facilitator=fac,
                   confidentiality="community")
    qs.add_contribution(expert, q, "Vet recruits **before** training.")
    db.session.commit()
    return fac, q


def test_the_synthesis_page_speaks_the_facilitators_spanish(signed_in, routed):
    fac, q = routed
    web = signed_in(fac)
    url = f"/queries/{q.reference}/synthesis"
    page = text_of(web.get(url, headers=FRENCH))  # the member's choice beats the browser
    assert "Respuesta consolidada" in page and "Redactar el primer borrador" in page
    for label in ("Título", "Resumen", "Respuesta (Markdown)", "Qué ha cambiado"):
        assert re.search(rf"<label[^>]*>\s*{re.escape(label)}", page), label
    assert "Guardar el borrador" in page and "Vista previa" in page
    # The draft a facilitator starts from has its headings in their language.
    for heading in ("## La consulta", "## Síntesis de las respuestas",
                    "## Experiencias comparables", "## Recursos relacionados"):
        assert heading in page, heading
    # The summary has its own field and the response page lists the contributors.
    assert "## Resumen" not in page and "## Colaboradores" not in page

    saved = web.post(url, {"title": "Cómo seleccionar", "summary": "", "body": "Texto.",
                           "note": "", "action": "save"}, follow_redirects=True)
    assert "Borrador guardado (revisión 1)." in text_of(saved)
    web.post(url, {"title": "Cómo seleccionar", "summary": "", "body": "Texto nuevo.",
                   "note": "", "action": "save"})
    revisions = main_of(web.get(f"/queries/{q.reference}/revisions"))
    assert "Revisión más antigua" in revisions and "Comparar" in revisions
    compare = main_of(web.get(f"/queries/{q.reference}/revisions/compare?a=1&b=2"))
    assert ("Leyenda: <del>- eliminado en la revisión 2</del> <ins>+ añadido en la revisión 2"
            "</ins>; las demás líneas no cambian.") in compare


def test_a_refused_upload_says_why_in_french(make_user, signed_in):
    staff = make_user("facilitator", language="fr")
    web = signed_in(staff)
    form = text_of(web.get("/library/new"))
    assert "Ajouter un document à la bibliothèque" in form
    assert re.search(r"de \d+ Mo au plus\. Son texte est lu pour la recherche\.", form)
    answer = web.post("/library/new", {
        "title": "Notes", "kind": "guidance", "summary": "", "date": "2026-01-05",
        "visibility": "community",
        "file": (io.BytesIO(b"MZ\x90\x00binary"), "notes.exe")})
    assert answer.status_code == 422
    page = text_of(answer)
    assert ("Les fichiers de ce type ne sont pas acceptés. Choisissez un fichier PDF, "
            "Word (.docx), texte brut (.txt) ou Markdown (.md).") in page
    assert '<option selected value="guidance">Note d’orientation</option>' in page
    assert "Files of this type are not accepted" not in page


def test_the_similar_answers_box_gives_its_script_the_texts_in_spanish(make_user, signed_in):
    page = text_of(signed_in(make_user(language="es")).get("/queries/new"))
    box = re.search(r'<section id="similar-answers"[^>]*>', page).group(0)
    assert 'data-intro="Estas respuestas publicadas parecen similares a su pregunta.' in box
    assert 'data-new-tab="(se abre en una pestaña nueva)"' in box
    assert "Respuestas que quizá ya existan" in page


def test_search_facets_name_themes_and_countries_in_french(web, publish):
    publish("Vetting police recruits")
    page = main_of(web.get("/search?q=vetting", headers=FRENCH))
    assert "Réforme de la police et police de proximité" in page
    assert "Soudan du Sud" in page
    assert "Police reform and community policing" not in page
