"""The query pages in the member's language (issue 16): labels, choices, refusals, status
labels, the timeline and the routing reasons in French or Spanish; the English pages are
tests/web/test_query_pages.py's."""
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale, refresh
from sqlalchemy import func, select

from reachback.errors import Conflict
from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_new_query_form_in_french(make_user, signed_in):
    page = text(signed_in(make_user(language="fr")).get("/queries/new"))
    assert '<html lang="fr"' in page
    assert "<h1>Poser une question</h1>" in page
    for label in ("Titre", "Votre question", "Contexte", "Pays", "Thèmes", "Priorité",
                  "Qui peut la lire", "Joindre un fichier"):
        assert label in page, label
    for choice in ("Basse", "Normale", "Haute", "Urgente", "Choisissez un pays",
                   "Restreint : seulement vous, les facilitateurs et les experts qu’ils "
                   "sollicitent"):
        assert choice in page, choice
    assert "Soumettre la question" in page and "Une question, en une ligne." in page
    assert "One question, in a line." not in page and "Your question" not in page


def test_a_refused_question_answers_in_french(make_user, signed_in):
    web = signed_in(make_user(language="fr"))
    before = db.session.scalar(select(func.count()).select_from(FieldQuery))
    answer = web.post("/queries/new", data={"title": "", "question": "", "country": "",
                                            "priority": "normal",
                                            "confidentiality": "restricted"})
    page = text(answer)
    assert answer.status_code == 422
    assert "Ce champ est obligatoire." in page and "Choisissez un pays, une région ou le monde." in page
    assert "Choisissez entre un et trois thèmes." in page
    assert "This field is required." not in page
    assert db.session.scalar(select(func.count()).select_from(FieldQuery)) == before


def test_the_triage_inbox_in_spanish(make_user, make_query, signed_in, clock):
    staff = make_user("facilitator", language="es")
    q = make_query(title="Una consulta antigua")
    clock.advance(timedelta(days=3))
    page = text(signed_in(staff).get("/triage?tab=open"))
    assert '<html lang="es"' in page and "<h1>Bandeja de triaje</h1>" in page
    for tab in ("Nuevas", "Pendiente de aclaración", "Asignada a expertos", "En síntesis",
                "Todas las abiertas"):
        assert tab in page, tab
    for heading in ("Consulta", "Solicitante", "País", "Prioridad", "Antigüedad", "Estado"):
        assert f'<th scope="col">{heading}</th>' in page, heading
    assert q.reference in page and "3 días" in page
    assert "Awaiting clarification" not in page and "3 days" not in page


def test_status_labels_follow_the_language_and_codes_stay(app):
    template = "{{ 'submitted'|status }} · {{ 'routed'|status }} · {{ 'invited'|status }}"
    for language, expected in (("en", "Submitted · With experts · Invited"),
                               ("fr", "Soumise · Transmise aux experts · Invitation envoyée"),
                               ("es", "Enviada · Asignada a expertos · Invitación enviada")):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # the test's app context outlives each request: forget its language
            assert render_template_string(template) == expected


def test_the_query_page_and_its_timeline_in_french(make_user, make_query, signed_in):
    member = make_user(language="fr", name="Amina")
    q = make_query(requester=member)
    page = text(signed_in(member).get(f"/queries/{q.reference}"))
    assert "<strong>La suite :</strong> Un facilitateur va examiner votre requête" in page
    assert "À propos de cette requête" in page and "Historique" in page
    assert '<span class="actor">Amina</span> a soumis la requête.' in page
    assert "Retirer ma requête" in page


def test_route_suggestions_give_their_reasons_in_spanish(make_user, make_query, signed_in):
    staff = make_user("facilitator", language="es")
    make_user("expert", name="Ana Experta", themes=["police-reform-and-community-policing"])
    q = make_query(facilitator=staff)
    page = text(signed_in(staff).get(f"/queries/{q.reference}/route"))
    assert "<h1>Asignar a expertos</h1>" in page
    assert "Especialidad: " in page and "Ninguna asignación en curso" in page


def test_a_refused_move_is_said_in_the_language_of_the_request(make_user, make_query):
    staff = make_user("facilitator")
    q = make_query(status="closed", facilitator=staff)
    with force_locale("fr"), pytest.raises(Conflict) as refused:
        qs.ask_clarification(staff, q, "Une question ?")
    assert refused.value.message == ("Cette requête est « clôturée » ; elle ne peut pas "
                                     "passer à « en attente de précisions ».")


def test_a_published_querys_history_in_spanish(make_user, make_query, signed_in):
    staff = make_user("facilitator", language="es", name="Facilitadora")
    q = make_query(status="published", facilitator=staff, visibility="public")
    page = text(signed_in(staff).get(f"/queries/{q.reference}"))
    assert "Publicada el " in page and "La respuesta está publicada." in page
    assert '<span class="actor">Facilitadora</span> publicó la respuesta (pública).' in page
    assert "empezó a redactar la respuesta consolidada." in page
    assert "Leerla en la base de conocimientos" in page
