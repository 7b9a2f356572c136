"""The member pages: the directory (/members) and its filters, a member's profile
(/members/<id>) with their published contributions and the privacy of their e-mail address,
and the page where members edit their own profile (/profile/member)."""
from datetime import date

import pytest

from reachback.extensions import db
from reachback.members import services as members
from tests.security.conftest import is_login_redirect


@pytest.fixture
def people(make_user):
    abena = make_user("expert", name="Abena Mensah", organisation="Regional Secretariat",
                      themes=["demobilisation"], countries=["SS"], languages=["en", "fr"])
    rania = make_user(name="Rania Haddad", organisation="Levant Policy Lab",
                      themes=["vetting"], countries=["LB"], languages=["ar"])
    members.update_member_profile(rania, rania, bio="Ceasefire *monitoring* in Yemen.",
                                  deployment_status="awaiting_deployment",
                                  away_until="2026-12-24", away_note="On leave")
    db.session.commit()
    return abena, rania


def text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    abena, _rania = people
    for path in ("/members", f"/members/{abena.id}", "/profile/member"):
        response = client.get(path)
        assert is_login_redirect(response), path
        assert "Abena" not in text(response)


def test_the_directory_lists_searches_and_filters(web, make_user, people, clock):
    abena, rania = people
    web.sign_in(make_user())
    page = text(web.get("/members"))
    assert "Abena Mensah" in page and "Rania Haddad" in page
    assert "Awaiting deployment" in page and "Away until 24 Dec 2026" in page
    assert abena.email not in page and rania.email not in page
    assert "Rania" not in text(web.get("/members?q=mensah"))
    assert "Abena" not in text(web.get("/members?q=ceasefire"))
    assert "Abena" not in text(web.get("/members?status=awaiting_deployment"))
    assert "Rania" not in text(web.get("/members?theme=demobilisation"))
    assert "Rania" not in text(web.get("/members?country=SS"))
    assert "Abena" not in text(web.get("/members?language=ar"))
    by_org = text(web.get(f"/members?organisation={rania.organisation_id}"))
    assert "Rania" in by_org and "Abena" not in by_org


def test_a_filter_the_directory_cannot_apply_is_said_so(web, make_user, people):
    web.sign_in(make_user())
    response = web.get("/members?status=on_leave")
    assert response.status_code == 422
    assert "Not a valid choice" in text(response)


def test_deactivated_members_are_not_listed_and_their_profile_is_hidden(web, make_user,
                                                                        people):
    abena, _rania = people
    abena.active = False
    db.session.commit()
    web.sign_in(make_user())
    assert "Abena" not in text(web.get("/members"))
    assert web.get(f"/members/{abena.id}").status_code == 404
    staff = make_user("facilitator")
    web.sign_in(staff)
    assert "Abena" not in text(web.get("/members"))
    assert web.get(f"/members/{abena.id}").status_code == 200


def test_a_profile_shows_the_bio_and_hides_the_email_unless_shown(web, make_user, people):
    _abena, rania = people
    reader = make_user()
    web.sign_in(reader)
    page = text(web.get(f"/members/{rania.id}"))
    assert "<em>monitoring</em>" in page and "Levant Policy Lab" in page
    assert "On leave" in page
    assert rania.email not in page
    members.update_member_profile(rania, rania, show_email=True)
    db.session.commit()
    assert rania.email in text(web.get(f"/members/{rania.id}"))
    assert web.get("/members/987654").status_code == 404


def test_staff_see_the_email_address(web, make_user, people):
    _abena, rania = people
    web.sign_in(make_user("facilitator"))
    assert rania.email in text(web.get(f"/members/{rania.id}"))


def test_a_profile_lists_only_the_contributions_the_reader_may_read(web, make_user,
                                                                   make_query, people):
    abena, _rania = people
    make_query(status="published", experts=[abena], visibility="community",
               title="How did the community answer go?")
    make_query(status="published", experts=[abena], visibility="restricted",
               title="A restricted answer")
    web.sign_in(make_user())
    page = text(web.get(f"/members/{abena.id}"))
    assert "How did the community answer go?" in page
    assert "A restricted answer" not in page


def test_a_member_edits_their_profile(web, make_user, people):
    member = make_user(organisation="Levant Policy Lab")
    web.sign_in(member)
    form = web.get("/profile/member")
    assert form.status_code == 200
    assert 'name="csrf_token"' in text(form)
    # The organisations by name, the member's chosen (QuickSelect writes them directly).
    assert '<option selected value="Levant Policy Lab">Levant Policy Lab</option>' in text(form)
    assert text(form).index(">Levant Policy Lab<") < text(form).index(">Regional Secretariat<")
    response = web.post("/profile/member", {
        "bio": "Police **vetting**.", "organisation": "Regional Secretariat",
        "expertise": ["vetting"], "countries": ["SS", "ML"], "languages": "fr, EN",
        "deployment_status": "deployed", "deployment_country": "SS",
        "away_until": "2026-12-24", "away_note": "Field trip", "show_email": "y"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.organisation.name == "Regional Secretariat"
    assert [t.slug for t in member.themes] == ["vetting"]
    assert member.expertise_countries == ["ML", "SS"] and member.languages == ["en", "fr"]
    assert (member.deployment_status, member.deployment_country) == ("deployed", "SS")
    assert member.away_until == date(2026, 12, 24) and member.show_email
    assert "Your member profile is saved." in text(web.get("/profile/member"))


def test_a_refused_value_is_shown_and_nothing_changes(web, make_user, people):
    member = make_user()
    web.sign_in(member)
    web.get("/profile/member")
    response = web.post("/profile/member", {
        "bio": "Changed", "organisation": "", "languages": "en, zz",
        "deployment_status": "deployed", "deployment_country": ""})
    assert response.status_code == 422
    assert "Unknown languages: zz" in text(response)
    db.session.refresh(member)
    assert member.bio == "" and member.deployment_status == "at_headquarters"


def test_the_profile_form_refuses_a_missing_csrf_token(web, make_user):
    member = make_user()
    web.sign_in(member)
    response = web.post("/profile/member", {"bio": "Forged", "deployment_status": "deployed"},
                        csrf=False)
    assert response.status_code == 400
    db.session.refresh(member)
    assert member.bio == ""
