"""GET /api/v1/members, GET /api/v1/members/{id} and the profile fields of PATCH
/api/v1/me: the directory's contract, its filters, the privacy of e-mail addresses, and
422 (nothing changed) for an unknown value."""
from datetime import date, timedelta

import pytest

from reachback.extensions import db
from reachback.members import services as members
from tests.api.conftest import error_code

ITEM_KEYS = {"id", "name", "organisation", "expertise", "countries", "languages",
             "deployment_status", "available", "url"}


@pytest.fixture
def people(make_user, clock):
    abena = make_user("expert", name="Abena Mensah", organisation="Regional Secretariat",
                      themes=["demobilisation"], countries=["SS", "CF"], languages=["fr", "en"])
    rania = make_user(name="Rania Haddad", organisation="Levant Policy Lab",
                      themes=["vetting"], countries=["LB"], languages=["ar"])
    members.update_member_profile(rania, rania, bio="Ceasefire *monitoring*.",
                                  deployment_status="awaiting_deployment",
                                  deployment_country="YE", away_note="On leave",
                                  away_until=clock.now.date().isoformat())
    db.session.commit()
    return abena, rania


def items_named(answer, *names):
    return [item for item in answer.get_json()["items"] if item["name"] in names]


def test_the_directory_answers_the_contract(api, make_user, people):
    abena, rania = people
    answer = api.get("/api/v1/members", make_user())
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"items", "total"} and body["total"] >= 2
    first, second = items_named(answer, "Abena Mensah", "Rania Haddad")
    assert set(first) == ITEM_KEYS
    assert first == {"id": abena.id, "name": "Abena Mensah",
                     "organisation": "Regional Secretariat", "expertise": ["demobilisation"],
                     "countries": ["CF", "SS"], "languages": ["en", "fr"],
                     "deployment_status": "at_headquarters", "available": True,
                     "url": f"/api/v1/members/{abena.id}"}
    assert second["deployment_status"] == "awaiting_deployment"
    assert second["available"] is False          # away until today, included
    assert "email" not in first


def test_available_follows_the_clock(api, make_user, people, clock):
    _abena, rania = people
    viewer = make_user()
    clock.advance(timedelta(days=1))
    assert items_named(api.get("/api/v1/members?q=rania", viewer), "Rania Haddad")[0][
        "available"] is True


@pytest.mark.parametrize("query, expected", [
    ("q=mensah", {"Abena Mensah"}),
    ("q=levant", {"Rania Haddad"}),
    ("q=ceasefire", {"Rania Haddad"}),
    ("theme=vetting", {"Rania Haddad"}),
    ("country=CF", {"Abena Mensah"}),
    ("country=YE", {"Rania Haddad"}),
    ("language=ar", {"Rania Haddad"}),
    ("status=awaiting_deployment", {"Rania Haddad"}),
    ("organisation=Regional%20Secretariat", {"Abena Mensah"}),
    ("language=fr&status=awaiting_deployment", set()),
])
def test_the_directory_filters(api, make_user, people, query, expected):
    answer = api.get(f"/api/v1/members?{query}", make_user())
    assert answer.status_code == 200
    found = {item["name"] for item in answer.get_json()["items"]}
    assert found & {"Abena Mensah", "Rania Haddad"} == expected


def test_the_directory_pages(api, make_user):
    for n in range(27):
        make_user(name=f"Paged {n:02d}")
    viewer = make_user()
    first = api.get("/api/v1/members?q=paged", viewer).get_json()
    second = api.get("/api/v1/members?q=paged&page=2", viewer).get_json()
    assert first["total"] == second["total"] == 27
    assert len(first["items"]) == 25 and [i["name"] for i in second["items"]] == [
        "Paged 25", "Paged 26"]


@pytest.mark.parametrize("query", ["status=on_leave", "country=XX", "page=0"])
def test_a_filter_it_cannot_apply_is_422(api, make_user, query):
    answer = api.get(f"/api/v1/members?{query}", make_user())
    assert answer.status_code == 422 and error_code(answer) == "invalid"


def test_without_a_token_nothing_is_listed(api, people):
    abena, _rania = people
    for path in ("/api/v1/members", f"/api/v1/members/{abena.id}"):
        answer = api.get(path)
        assert answer.status_code == 401 and "Abena" not in answer.get_data(as_text=True)


def test_a_profile_and_its_email(api, make_user, people):
    _abena, rania = people
    reader = make_user()
    body = api.get(f"/api/v1/members/{rania.id}", reader).get_json()
    assert set(body) == ITEM_KEYS | {"bio", "bio_html", "away_until", "away_note",
                                     "deployment_country", "email"}
    assert body["bio_html"] == "<p>Ceasefire <em>monitoring</em>.</p>"
    assert body["deployment_country"] == "YE" and body["away_note"] == "On leave"
    assert body["email"] is None and rania.email not in str(body)
    assert api.get(f"/api/v1/members/{rania.id}", make_user("facilitator")).get_json()[
        "email"] == rania.email
    assert api.get(f"/api/v1/members/{rania.id}", rania).get_json()["email"] == rania.email
    api.patch("/api/v1/me", rania, json={"show_email": True})
    assert api.get(f"/api/v1/members/{rania.id}", reader).get_json()["email"] == rania.email


def test_a_deactivated_member_is_hidden(api, make_user, people):
    abena, _rania = people
    abena.active = False
    db.session.commit()
    viewer = make_user()
    assert api.get(f"/api/v1/members/{abena.id}", viewer).status_code == 404
    assert not items_named(api.get("/api/v1/members", viewer), "Abena Mensah")
    assert api.get("/api/v1/members/987654", viewer).status_code == 404
    assert api.get(f"/api/v1/members/{abena.id}", make_user("admin")).status_code == 200


PROFILE = {"bio": "I **vet**.", "organisation": "levant policy lab",
           "expertise": ["vetting", "courts"], "countries": ["SS"], "languages": ["ar", "en"],
           "away_until": "2026-12-24", "away_note": "Mission", "deployment_status": "deployed",
           "deployment_country": "SS", "show_email": True}


def test_patch_me_saves_the_profile(api, make_user, people):
    member = make_user()
    answer = api.patch("/api/v1/me", member, json=PROFILE)
    assert answer.status_code == 200
    me = answer.get_json()
    assert me["organisation"] == "Levant Policy Lab" and set(me["expertise"]) == {
        "vetting", "courts"}
    assert me["countries"] == ["SS"] and me["languages"] == ["ar", "en"]
    assert me["away_until"] == "2026-12-24" and me["deployment_status"] == "deployed"
    assert me["show_email"] is True and me["bio"] == "I **vet**."
    db.session.refresh(member)
    assert member.away_until == date(2026, 12, 24) and member.deployment_country == "SS"
    # Only the fields sent change; an empty string clears.
    api.patch("/api/v1/me", member, json={"away_until": "", "deployment_country": ""})
    me = api.get("/api/v1/me", member).get_json()
    assert me["away_until"] is None and me["deployment_country"] is None
    assert me["deployment_status"] == "deployed"


@pytest.mark.parametrize("field, value", [
    ("expertise", ["no-such-theme"]),
    ("expertise", "vetting"),
    ("countries", ["ZZ"]),
    ("languages", ["xx"]),
    ("languages", "en"),
    ("deployment_status", "resting"),
    ("deployment_country", "ZZ"),
    ("organisation", "Unknown Org"),
    ("away_until", "soon"),
    ("show_email", "yes"),
    ("bio", 12),
])
def test_patch_me_refuses_an_unknown_value_and_changes_nothing(api, make_user, field, value):
    member = make_user()
    answer = api.patch("/api/v1/me", member, json={**PROFILE, "organisation": "",
                                                    field: value})
    assert answer.status_code == 422 and error_code(answer) == "invalid"
    assert field in answer.get_json()["error"]["fields"]
    me = api.get("/api/v1/me", member).get_json()
    assert me["bio"] == "" and me["expertise"] == [] and me["show_email"] is False
