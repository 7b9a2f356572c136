"""A query may be about the whole world or a region, not only one country (issue 19): UN M49
codes ("001" the world, "011" Western Africa) beside the ISO country codes, named in the
reader's language, offered by the forms, accepted by the API, found by search."""
from sqlalchemy import select

from reachback.countries import REGIONS, country_name, is_country, is_place
from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from tests.web.test_query_pages import query_form


def test_regions_are_places_of_a_query_but_not_countries(app):
    assert is_place("001") and is_place("011") and is_place("SS")
    assert not is_country("001") and not is_place("999") and not is_place("")
    assert country_name("001", "en") == "World" and country_name("001", "fr") == "Monde"
    assert country_name("011", "es") == "África occidental"
    assert len(set(REGIONS)) == len(REGIONS)


def test_the_question_form_offers_the_world_and_regions_first(make_user, signed_in, clock):
    web = signed_in(make_user("member"))
    page = web.get("/queries/new").get_data(as_text=True)
    assert page.index('<optgroup label="The world and regions">') < page.index(
        '<optgroup label="Countries">')
    assert '<option value="001">World</option>' in page
    response = web.post("/queries/new", query_form(country="011"))
    assert response.status_code == 302
    query = db.session.scalar(select(FieldQuery))
    assert query.country == "011"
    assert "Western Africa" in web.get(response.headers["Location"]).get_data(as_text=True)


def test_a_place_that_is_neither_a_country_nor_a_region_is_refused(make_user, signed_in):
    web = signed_in(make_user("member"))
    response = web.post("/queries/new", query_form(country="999"))
    assert response.status_code == 422
    assert db.session.scalar(select(FieldQuery)) is None


def test_triage_moves_a_query_to_a_region(make_user, make_query, clock):
    staff = make_user("facilitator")
    query = make_query()
    qs.edit_query(staff, query, {"country": "001"})
    db.session.commit()
    assert db.session.get(FieldQuery, query.id).country == "001"


def test_search_finds_a_response_by_its_regions_name_and_filters_by_region(
        make_user, make_query, clock):
    staff = make_user("facilitator")
    query = make_query(status="published", visibility="public", facilitator=staff,
                       title="Demobilisation lessons", country="015")
    svc.apply_outbox()
    found = svc.search(staff, "Northern Africa")
    assert query.reference in [item.ref for item in found.items]
    assert svc.search(staff, "demobilisation", {"country": "015"}).total == 1
