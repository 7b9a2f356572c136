"""Member profiles and the directory (members/services.py): each member edits their own
profile, every value checked before anything changes; the directory lists active members to
signed-in members only, searched and filtered in SQL; a profile shows the published
responses the member contributed to that the reader may read; who sees an e-mail address is
permissions.can_see_email's decision; routing reads the availability members set."""
from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin

from reachback import permissions as perm
from reachback.errors import Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.members import services as members
from reachback.routing.services import suggest_experts


def names(pager):
    return [m.name for m in pager.items]


def test_a_member_edits_their_own_profile(app, make_user):
    make_user(organisation="Levant Policy Lab")
    member = make_user()
    members.update_member_profile(
        member, member, bio="I **vet** police.", organisation="levant policy lab",
        expertise=["vetting", "courts"], countries=["ss", "ML"], languages=["FR", "en"],
        away_until="2026-12-24", away_note="Mission in Juba",
        deployment_status="deployed", deployment_country="ss", show_email=True)
    db.session.commit()
    assert member.organisation.name == "Levant Policy Lab"
    assert {t.slug for t in member.themes} == {"vetting", "courts"}
    assert member.expertise_countries == ["ML", "SS"] and member.languages == ["en", "fr"]
    assert member.away_until == date(2026, 12, 24) and member.away_note == "Mission in Juba"
    assert (member.deployment_status, member.deployment_country) == ("deployed", "SS")
    assert member.show_email is True
    assert "<strong>vet</strong>" in member.html("bio") and member.bio_html


def test_only_the_fields_given_change_and_empty_values_clear(app, make_user):
    member = make_user(themes=["vetting"], away_until=date(2026, 12, 24))
    members.update_member_profile(member, member, away_note="Back soon")
    assert [t.slug for t in member.themes] == ["vetting"]
    members.update_member_profile(member, member, away_until="", deployment_country="",
                                  organisation="")
    assert member.away_until is None and member.deployment_country is None
    assert member.organisation is None and member.away_note == "Back soon"


@pytest.mark.parametrize("field, value", [
    ("expertise", ["no-such-theme"]),
    ("expertise", "vetting"),
    ("countries", ["XX"]),
    ("countries", ["001"]),
    ("languages", ["zz"]),
    ("languages", ["eng"]),
    ("deployment_status", "on_leave"),
    ("deployment_country", "Narnia"),
    ("organisation", "An organisation nobody added"),
    ("away_until", "next week"),
    ("show_email", "yes"),
    ("bio", "x" * 5000),
    ("away_note", "x" * 201),
    ("away_note", 3),
])
def test_an_unknown_value_is_refused_and_nothing_changes(app, make_user, field, value):
    member = make_user(themes=["courts"])
    with pytest.raises(Invalid) as refused:
        members.update_member_profile(member, member, **{"away_note": "New note",
                                                         field: value})
    assert field in refused.value.fields
    db.session.rollback()
    db.session.refresh(member)
    assert member.away_note == "" and [t.slug for t in member.themes] == ["courts"]


def test_nobody_edits_another_members_profile(app, make_user):
    member, admin = make_user(), make_user("admin")
    for actor in (make_user(), admin, AnonymousUserMixin()):
        with pytest.raises(Forbidden):
            members.update_member_profile(actor, member, bio="Hacked")
    assert member.bio == ""


def test_the_directory_searches_and_filters(app, make_user):
    a = make_user(name="Abena Mensah", organisation="Regional Secretariat",
                  themes=["demobilisation"], countries=["SS"], languages=["en", "fr"])
    b = make_user(name="Rania Haddad", organisation="Levant Policy Lab",
                  themes=["vetting"], countries=["LB"], languages=["ar"])
    members.update_member_profile(b, b, bio="Ceasefire monitoring in Yemen.",
                                  deployment_status="awaiting_deployment",
                                  deployment_country="YE")
    db.session.commit()
    viewer = make_user()

    def found(**filters):
        return set(names(members.list_members(viewer, **filters))) & {a.name, b.name}

    assert found() == {a.name, b.name}
    assert found(q="mensah") == {a.name}
    assert found(q="LEVANT") == {b.name}         # the organisation's name
    assert found(q="ceasefire") == {b.name}      # the biography
    assert found(q="100%") == set()              # LIKE's wildcards match themselves
    assert found(theme="vetting") == {b.name}
    # A parent theme takes in its sub-themes (demobilisation is one of DDR's).
    parent = a.themes[0].parent
    assert parent is not None and found(theme=parent.slug) == {a.name}
    assert found(country="ss") == {a.name}
    assert found(country="YE") == {b.name}       # deployed there
    assert found(language="fr") == {a.name}
    assert found(organisation="levant policy lab") == {b.name}
    assert found(organisation=a.organisation_id) == {a.name}
    assert found(status="awaiting_deployment") == {b.name}
    assert found(status="deployed") == set()


def test_the_directory_is_for_signed_in_members_and_leaves_deactivated_ones_out(
        app, make_user):
    gone = make_user(name="Gone Member")
    gone.active = False
    db.session.commit()
    viewer, staff = make_user(), make_user("facilitator")
    assert gone.name not in names(members.list_members(viewer, per_page=100))
    assert gone.name not in names(members.list_members(staff, per_page=100))
    assert members.list_members(AnonymousUserMixin()).total == 0
    with pytest.raises(NotFound):
        members.get_member(viewer, gone.id)
    with pytest.raises(NotFound):
        members.get_member(AnonymousUserMixin(), viewer.id)
    assert members.get_member(staff, gone.id) is gone     # staff still open the profile
    assert members.get_member(viewer, staff.id) is staff


def test_the_directory_pages(app, make_user):
    for n in range(3):
        make_user(name=f"Paged {n}")
    viewer = make_user()
    first = members.list_members(viewer, q="paged", per_page=2)
    second = members.list_members(viewer, q="paged", page=2, per_page=2)
    assert first.total == 3 and names(first) == ["Paged 0", "Paged 1"]
    assert names(second) == ["Paged 2"]


def test_who_sees_an_email_address(app, make_user):
    member, other, staff = make_user(), make_user(), make_user("facilitator")
    assert not perm.can_see_email(other, member)
    assert perm.can_see_email(member, member) and perm.can_see_email(staff, member)
    assert not perm.can_see_email(AnonymousUserMixin(), member)
    members.update_member_profile(member, member, show_email=True)
    assert perm.can_see_email(other, member)
    assert not perm.can_see_email(AnonymousUserMixin(), member)


def test_a_profile_lists_the_published_responses_the_reader_may_read(app, make_user,
                                                                    make_query):
    expert, requester, outsider = make_user("expert"), make_user(), make_user()
    community = make_query(status="published", experts=[expert], visibility="community",
                           title="Community answer")
    restricted = make_query(requester=requester, status="published", experts=[expert],
                            visibility="restricted", title="Restricted answer")
    make_query(status="synthesis", experts=[expert], title="Draft only")

    def titles(viewer):
        return {r.title for r in members.published_contributions(viewer, expert)}

    assert titles(outsider) == {community.response.title}
    assert titles(requester) == {community.response.title, restricted.response.title}
    assert titles(expert) == titles(requester)


def test_availability_is_read_from_the_profile_by_routing(app, make_user, make_query,
                                                          clock):
    expert = make_user("expert", themes=["police-reform-and-community-policing"])
    today = clock.now.date()
    assert members.is_available(expert)
    members.update_member_profile(expert, expert, away_until=today.isoformat(),
                                  expertise=["police-reform-and-community-policing"])
    db.session.commit()
    assert not members.is_available(expert)        # away_until is the last day away
    assert members.is_available(expert, today + timedelta(days=1))
    query = make_query()
    staff = make_user("facilitator")
    suggestion = next(s for s in suggest_experts(staff, query) if s.expert.id == expert.id)
    assert suggestion.away
    members.update_member_profile(expert, expert, away_until=None, expertise=[])
    db.session.commit()
    suggestion = next(s for s in suggest_experts(staff, query) if s.expert.id == expert.id)
    assert not suggestion.away and not any("Expertise" in r for r in suggestion.reasons)
