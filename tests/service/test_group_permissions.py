"""Sub-groups in the access policy (issue 21): object checks, list filters and the search
index's principals agree, and each group rule is tested by a case that fails without it."""
import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from reachback import permissions as perm
from reachback.extensions import db
from reachback.groups import services as gs
from reachback.groups.models import GroupMembership
from reachback.knowledge import search as svc
from reachback.knowledge.models import Document
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from reachback.synthesis import services as ss
from reachback.synthesis.models import ConsolidatedResponse

VIEWERS = ["requester", "group_member", "group_facilitator", "other_group", "outsider",
           "pending", "left", "facilitator", "anonymous"]
THEMES = ["police-reform-and-community-policing"]


def _ask(user, title, confidentiality, group=None):
    data = {"title": title, "question": "What worked?", "country": "SS", "themes": THEMES,
            "confidentiality": confidentiality}
    if group is not None:
        data["group"] = group.slug
    return qs.submit_query(user, data)


def _publish(fac, expert, query, visibility, word):
    qs.assign_expert(fac, query, expert)
    qs.add_contribution(expert, query, "Advice.")
    ss.save_draft(fac, query, f"Response {word}", "Short.", f"Body about {word}.")
    ss.publish_response(fac, query, visibility)


@pytest.fixture
def groups_world(app, make_user):
    admin, fac, expert = make_user("admin"), make_user("facilitator"), make_user("expert")
    people = {name: make_user("member") for name in
              ("requester", "group_member", "group_facilitator", "other_group", "outsider",
               "pending", "left")}
    people.update(facilitator=fac, anonymous=AnonymousUserMixin())
    water = gs.create_group(admin, {"name": "Water", "slug": "water", "open": True})
    closed = gs.create_group(admin, {"name": "Closed", "slug": "closed", "open": False})
    other = gs.create_group(admin, {"name": "Other", "slug": "other", "open": True})
    for name in ("requester", "group_member", "group_facilitator", "left"):
        gs.join_group(people[name], water)
    gs.set_role(admin, water, people["group_facilitator"].id, "facilitator")
    gs.join_group(people["other_group"], other)
    gs.join_group(people["pending"], closed)
    # A request waiting in the group of the queries (as when an open group is closed later):
    # a pending membership gives nothing.
    db.session.add(GroupMembership(group_id=water.id, user_id=people["pending"].id,
                                   role="member", status="pending"))
    db.session.commit()
    requester = people["requester"]
    queries = {
        "group": _ask(requester, "Group query", "group", water),
        "group_restricted": _ask(requester, "Restricted group query", "restricted", water),
        "plain": _ask(requester, "Plain query", "restricted"),
        "group_open": _ask(requester, "Open group query", "group", water),
    }
    _publish(fac, expert, queries["group"], "group", "Zanzibarite")
    _publish(fac, expert, queries["group_restricted"], "restricted", "Quorndale")
    _publish(fac, expert, queries["plain"], "restricted", "Plimsollia")
    gs.remove_member(people["left"], water, people["left"].id)
    db.session.commit()
    svc.apply_outbox()
    yield people, queries, water
    svc.get_index().close()


# who sees: group (group confidentiality), group_restricted, plain, group_open (unpublished)
EXPECTED_QUERIES = {
    "requester": {"group", "group_restricted", "plain", "group_open"},
    "group_member": {"group", "group_open"},
    "group_facilitator": {"group", "group_restricted", "group_open"},
    "other_group": set(), "outsider": set(), "pending": set(), "left": set(),
    "facilitator": {"group", "group_restricted", "plain", "group_open"},
    "anonymous": set(),
}
EXPECTED_RESPONSES = {name: seen - {"group_open"} for name, seen in EXPECTED_QUERIES.items()}


def _names(queries, ids):
    return {name for name, q in queries.items() if q.id in ids}


def _listed_and_checked(items: dict, id_column, visible, can) -> tuple[set, set]:
    """The names of `items` the list filter `visible` gives, and those `can(item)` allows."""
    listed = set(db.session.scalars(select(id_column).where(visible)))
    return _names(items, listed), {name for name, item in items.items() if can(item)}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_group_queries_by_filter_and_by_check(groups_world, viewer):
    people, queries, _ = groups_world
    user = people[viewer]
    listed, checked = _listed_and_checked(queries, FieldQuery.id, perm.visible_queries(user),
                                          lambda q: perm.can_view_query(user, q))
    assert listed == checked == EXPECTED_QUERIES[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_group_responses_by_filter_check_and_search(groups_world, viewer):
    people, queries, _ = groups_world
    user = people[viewer]
    listed = set(db.session.scalars(select(ConsolidatedResponse.query_id).join(FieldQuery)
                                    .where(perm.visible_responses(user))))
    checked = {q.id for q in queries.values()
               if q.response is not None and perm.can_view_response(user, q.response)}
    found = set()
    for name, word in (("group", "Zanzibarite"), ("group_restricted", "Quorndale"),
                       ("plain", "Plimsollia")):
        if [i.ref for i in svc.search(user, word).items] == [queries[name].reference]:
            found.add(name)
    expected = EXPECTED_RESPONSES[viewer]
    assert _names(queries, listed) == _names(queries, checked) == found == expected


def test_index_principals_of_group_items(groups_world):
    people, queries, water = groups_world
    doc = svc.response_to_doc(queries["group"].response)
    assert f"group:{water.id}" in doc.principals and "community" not in doc.principals
    assert f"group-staff:{water.id}" in doc.principals
    restricted = svc.response_to_doc(queries["group_restricted"].response)
    assert f"group:{water.id}" not in restricted.principals
    assert f"group-staff:{water.id}" in restricted.principals
    assert f"group:{water.id}" in svc.principals_for(people["group_member"])
    assert f"group-staff:{water.id}" not in svc.principals_for(people["group_member"])
    assert f"group-staff:{water.id}" in svc.principals_for(people["group_facilitator"])
    for name in ("pending", "left", "other_group", "outsider"):
        assert f"group:{water.id}" not in svc.principals_for(people[name])


def test_group_facilitators_run_their_group_only(groups_world):
    people, queries, _ = groups_world
    gfac, member = people["group_facilitator"], people["group_member"]
    for name in ("group", "group_restricted", "group_open"):
        assert perm.can_triage(gfac, queries[name])
        assert perm.can_see_internal(gfac, queries[name])
        assert not perm.can_triage(member, queries[name])
    assert not perm.can_triage(gfac, queries["plain"])
    assert not perm.is_staff(gfac)
    assert perm.can_change_status(gfac, queries["group"].response)
    assert not perm.can_change_status(gfac, queries["plain"].response)
    assert perm.can_translate(gfac, queries["group"].response)
    assert not perm.can_translate(member, queries["group"].response)


def test_a_group_facilitator_routes_and_publishes_in_the_group(groups_world, make_user):
    people, queries, _ = groups_world
    gfac, expert = people["group_facilitator"], make_user("expert")
    query = queries["group_open"]
    _publish(gfac, expert, query, "group", "Ottershaw")
    db.session.commit()
    assert query.response.status == "published"
    with pytest.raises(Exception) as refused:
        qs.assign_expert(gfac, queries["plain"], expert)
    assert refused.value.status == 403


def test_leaving_ends_access_at_once(groups_world):
    people, queries, water = groups_world
    member = people["group_member"]
    assert perm.can_view_query(member, queries["group"])
    gs.remove_member(member, water, member.id)
    db.session.commit()
    assert not perm.can_view_query(member, queries["group"])
    assert not perm.can_view_response(member, queries["group"].response)
    assert svc.search(member, "Zanzibarite").total == 0


def test_restricted_group_query_is_not_read_by_plain_members(groups_world):
    people, queries, _ = groups_world
    assert not perm.can_view_query(people["group_member"], queries["group_restricted"])
    assert perm.can_view_query(people["group_facilitator"], queries["group_restricted"])


def test_a_group_query_is_announced_to_the_groups_facilitators(app, make_user):
    from reachback.notify.models import Notification

    admin, member, gfac, bystander = (make_user("admin"), make_user("member"),
                                      make_user("member"), make_user("member"))
    group = gs.create_group(admin, {"name": "Water", "slug": "water"})
    for user in (member, gfac, bystander):
        gs.join_group(user, group)
    gs.set_role(admin, group, gfac.id, "facilitator")
    q = _ask(member, "Group query", "group", group)
    plain = _ask(member, "Plain query", "restricted")
    db.session.commit()
    told = set(db.session.scalars(select(Notification.query_id).where(
        Notification.user_id == gfac.id, Notification.kind == "query_submitted")))
    assert told == {q.id}
    assert plain.id not in told
    assert not db.session.scalars(select(Notification).where(
        Notification.user_id == bystander.id)).all()


# --- library documents and calendar events of a group ------------------------------------

def _document(user, title, visibility, group=None):
    import io

    from werkzeug.datastructures import FileStorage

    from reachback.knowledge import library

    data = {"title": title, "kind": "guidance", "summary": f"About {title}.",
            "date": "2026-01-10", "visibility": visibility}
    if group is not None:
        data["group"] = group.slug
    return library.add_document(user, data, FileStorage(io.BytesIO(b"text"), "t.txt"))


@pytest.fixture
def group_documents(groups_world):
    people, _queries, water = groups_world
    fac = people["facilitator"]
    docs = {"group": _document(fac, "Aquifertine", "group", water),
            "group_restricted": _document(fac, "Bilgewater", "restricted", water),
            "community": _document(fac, "Cisternham", "community")}
    db.session.commit()
    svc.apply_outbox()
    return people, docs, water


DOC_WORDS = {"group": "Aquifertine", "group_restricted": "Bilgewater", "community": "Cisternham"}
EXPECTED_DOCUMENTS = {
    "requester": {"group", "community"},
    "group_member": {"group", "community"},
    "group_facilitator": {"group", "group_restricted", "community"},
    "other_group": {"community"}, "outsider": {"community"}, "pending": {"community"},
    "left": {"community"},
    "facilitator": {"group", "group_restricted", "community"},
    "anonymous": set(),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_group_documents_by_filter_check_and_search(group_documents, viewer):
    people, docs, _ = group_documents
    user = people[viewer]
    found = {name for name, word in DOC_WORDS.items()
             if [i.ref for i in svc.search(user, word).items] == [str(docs[name].id)]}
    listed, checked = _listed_and_checked(docs, Document.id, perm.visible_documents(user),
                                          lambda d: perm.can_view_document(user, d))
    assert listed == checked == found == EXPECTED_DOCUMENTS[viewer]


def test_index_principals_of_a_group_document(group_documents):
    from reachback.knowledge.library import document_to_indexdoc

    _people, docs, water = group_documents
    doc = document_to_indexdoc(docs["group"])
    assert set(doc.principals) == {"role:staff", f"group:{water.id}", f"group-staff:{water.id}"}
    assert set(document_to_indexdoc(docs["group_restricted"]).principals) == \
        {"role:staff", f"group-staff:{water.id}"}


def test_a_document_goes_in_a_group_its_author_may_use(groups_world, make_user):
    from reachback.errors import Invalid

    people, _queries, water = groups_world
    with pytest.raises(Invalid) as refused:
        _document(people["facilitator"], "Nowhere", "group")
    assert "group" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        _document(people["facilitator"], "Nowhere", "group", type(water)(slug="nope"))
    assert refused.value.fields["group"] == "No such group."
    assert not perm.can_use_group_for_item(people["other_group"], water)
    assert perm.can_use_group_for_item(people["group_member"], water)
    assert perm.can_use_group_for_item(people["facilitator"], water)
    assert not perm.can_use_group_for_item(people["pending"], water)


def test_a_member_who_leaves_loses_the_groups_documents_at_once(group_documents):
    people, docs, water = group_documents
    member = people["group_member"]
    assert svc.search(member, "Aquifertine").total == 1
    gs.remove_member(member, water, member.id)
    db.session.commit()
    assert not perm.can_view_document(member, docs["group"])
    assert svc.search(member, "Aquifertine").total == 0


def _event(user, title, visibility, group=None):
    from reachback.community import services as cs

    data = {"title": title, "starts_at": "2026-12-20T14:00:00+00:00",
            "ends_at": "2026-12-20T15:00:00+00:00", "visibility": visibility}
    if group is not None:
        data["group"] = group.slug
    return cs.submit_event(user, data)


EXPECTED_EVENTS = {name: {"group_" + seen for seen in docs if seen != "group_restricted"}
                   | {"public"} for name, docs in EXPECTED_DOCUMENTS.items()}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_group_events_by_filter_check_and_calendar(groups_world, viewer):
    from reachback.community import services as cs
    from reachback.community.models import CommunityEvent

    people, _queries, water = groups_world
    events = {"group_group": _event(people["facilitator"], "Water exchange", "group", water),
              "group_community": _event(people["group_member"], "Members' exchange",
                                        "community", water),
              "public": _event(people["facilitator"], "Open exchange", "public")}
    cs.approve_event(people["facilitator"], events["group_community"])
    db.session.commit()
    user = people[viewer]
    calendar = {name for name, e in events.items() if e in cs.feed_events(user)}
    listed, checked = _listed_and_checked(events, CommunityEvent.id, perm.visible_events(user),
                                          lambda e: perm.can_see_event(user, e))
    assert listed == checked == calendar == EXPECTED_EVENTS[viewer]


def test_an_event_goes_in_a_group_its_author_may_use(groups_world):
    from reachback.errors import Invalid

    people, _queries, water = groups_world
    with pytest.raises(Invalid) as refused:
        _event(people["other_group"], "Not mine", "group", water)
    assert "group" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        _event(people["facilitator"], "No group", "group")
    assert "group" in refused.value.fields
    proposal = _event(people["group_member"], "Ours", "group", water)
    assert (proposal.status, proposal.group_id) == ("proposed", water.id)
