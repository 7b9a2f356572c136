"""The frame of the pages in the reader's language: the SLA dashboard and its durations,
theme and country names, the error page."""
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from reachback.extensions import db
from reachback.models_base import utcnow
from reachback.sla.views import sla_due


def test_the_sla_dashboard_in_spanish(signed_in, make_user, make_query, clock):
    staff = make_user("facilitator", language="es")
    late = make_query(priority="urgent", facilitator=staff)
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # past the 4 h triage target
    html = signed_in(staff).get("/sla").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "<h1>Tiempos de respuesta</h1>" in html and "SLA dashboard" not in html
    assert "En riesgo" in html and "A tiempo" in html and "Incumplido" in html
    assert late.reference in html and "vencido hace 1 hora" in html
    assert '<th scope="row">Urgente</th>' in html
    assert "Tiempos de respuesta" in html  # the navigation too


def test_sla_durations_come_from_babel_in_the_current_language(app, clock):
    now = utcnow()
    with app.test_request_context():
        with force_locale("fr"):
            assert sla_due(now + timedelta(hours=3, minutes=20)) == "échéance dans 3\xa0heures"
            assert sla_due(now - timedelta(days=2, hours=5)) == "en retard de 2\xa0jours"
            assert sla_due(now + timedelta(minutes=1)) == "échéance dans 1 minute"
        with force_locale("es"):
            assert sla_due(now + timedelta(days=3)) == "vence en 3 días"
            assert sla_due(now, "met") == "cumplido"
        assert sla_due(now + timedelta(hours=3, minutes=20)) == "due in 3 h"


def test_theme_and_country_names_in_french_on_a_query_page(signed_in, make_user, make_query):
    member = make_user(language="fr")
    query = make_query(requester=member, themes=("vetting",), country="SS")
    html = signed_in(member).get(f"/queries/{query.reference}").get_data(as_text=True)
    assert "Contrôle des antécédents" in html and "Vetting" not in html
    assert "Soudan du Sud" in html and "South Sudan" not in html


def test_theme_and_country_choices_in_french_sorted_by_their_french_names(app):
    from reachback.forms import country_choices, theme_choices

    with app.test_request_context(), force_locale("fr"):
        countries = [c.label for c in country_choices()]
        themes = {c.value: (c.label, c.optgroup)
                  for c in theme_choices()}
    assert countries.index("Égypte") < countries.index("Érythrée") < countries.index("Espagne")
    assert "Kosovo" in countries and "Allemagne" in countries
    label, group = themes["vetting"]
    assert label == "Contrôle des antécédents"
    assert group == "Justice transitionnelle et réconciliation"


def test_an_error_page_in_french(signed_in, make_user):
    web = signed_in(make_user(language="fr"))
    html = web.get("/queries/RB-1999-0001").get_data(as_text=True)
    assert "Introuvable" in html and "Aller à la page d’accueil" in html
    db.session.rollback()
