"""The community lists as people read them, against hand-built data (issue 23: the pages
made set-wise must show the same figures): the groups' member counts and the reader's own
membership (page and API), the calendar's count of proposals, the member directory's order
and total, the discussions' list and a discussion's posts with their forms."""
import re
from datetime import date

from reachback.community import services as community
from reachback.discussions import services as discussions
from reachback.extensions import db
from reachback.groups import services as groups
from tests.service.test_community import event_data


def _card(page: str, name: str) -> str:
    """The text (without tags) of the group card titled `name` on /groups, after its
    title."""
    found = re.search(rf'<article class="card">\s*<h2><a href="[^"]*">{name}</a></h2>'
                      rf'(.*?)</article>', page, re.S)
    assert found, name
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_groups_list_counts_active_members_and_shows_the_readers_own(
        make_user, signed_in):
    admin = make_user("admin")
    wash = groups.create_group(admin, {"name": "WASH", "slug": "wash"})
    shelter = groups.create_group(admin, {"name": "SHELTER", "slug": "shelter", "open": False})
    groups.create_group(admin, {"name": "EMPTY", "slug": "empty"})
    reader, others = make_user("member"), [make_user("member") for _ in range(3)]
    for person in others:
        groups.join_group(person, wash)
    groups.join_group(others[0], shelter)
    groups.approve_member(admin, shelter, others[0].id)
    groups.join_group(others[1], shelter)  # pending: not counted
    groups.join_group(reader, shelter)  # the reader's own request, pending
    db.session.commit()
    page = signed_in(reader).get("/groups").text
    assert _card(page, "WASH") == "Open · 3 members"
    assert _card(page, "SHELTER") == \
        "Closed: a facilitator approves · 1 member · You asked to join"
    assert _card(page, "EMPTY") == "Open · 0 members"
    groups.join_group(reader, wash)
    db.session.commit()
    again = signed_in(reader).get("/groups").text
    assert _card(again, "WASH") == "Open · 4 members · You are a member"
    assert "You" not in _card(signed_in(others[2]).get("/groups").text, "SHELTER")


def test_the_calendar_counts_the_proposals_for_facilitators_only(app, clock, make_user,
                                                                 signed_in):
    fac, member = make_user("facilitator"), make_user("member")
    community.submit_event(fac, event_data(title="Published one"))
    for title in ("First idea", "Second idea"):
        community.submit_event(member, event_data(title=title))
    db.session.commit()
    page = signed_in(fac).get("/calendar").text
    assert "2 proposed events wait for approval" in page and "Published one" in page
    assert "First idea" not in page
    assert "proposed event" not in signed_in(member).get("/calendar").text


def test_the_directory_is_in_name_order_whatever_the_case_and_counts_active_members(
        make_user, signed_in):
    reader = make_user("member", name="mid Reader")
    for name in ("zed Last", "Alpha First", "beta Second"):
        make_user("member", name=name)
    gone = make_user("member", name="Aaa Gone")
    gone.active = False
    db.session.commit()
    page = signed_in(reader).get("/members").text
    shown = re.findall(r'<td><a href="/members/\d+">([^<]+)</a></td>', page)
    assert shown == sorted(shown, key=str.lower) and "Aaa Gone" not in shown
    assert shown[:2] == ["Alpha First", "beta Second"]
    assert f"{len(shown)} members" in page and "zed Last" in shown


def test_the_discussions_list_and_a_discussions_posts_with_their_forms(
        app, clock, make_user, signed_in):
    fac, member = make_user("facilitator"), make_user("member", name="Poster One")
    admin = make_user("admin")
    wash = groups.create_group(admin, {"name": "WASH group", "slug": "wash"})
    groups.join_group(member, wash)
    talk = discussions.create_discussion(fac, {
        "title": "Water talk", "starts_on": date(2026, 11, 20), "ends_on": date(2026, 12, 20),
        "group": "wash", "questions": ["What works?"]})
    discussions.create_discussion(fac, {"title": "Later talk", "starts_on": date(2027, 1, 4)})
    first = discussions.add_post(member, talk, {"body": "First *post*"})
    discussions.add_post(fac, talk, {"body": "A reply", "reply_to": first.id})
    db.session.commit()
    listed = signed_in(member).get("/discussions").text
    assert "Water talk" in listed and "20 Nov 2026 to 20 Dec 2026" in listed
    assert "WASH group" in listed and "Later talk" in listed and "04 Jan 2027" in listed
    assert listed.index("Water talk") < listed.index("Later talk")  # open before coming
    page = signed_in(fac).get(f"/discussions/{talk.id}").text
    assert "Poster One" in page and "<em>post</em>" in page and "A reply" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert page.count(f'value="{token}"') >= 3  # hide forms and the reply form share it
    assert page.count(">Hide</button>") == 2 and page.count(">Reply</button>") == 1
    assert f'action="/discussions/{talk.id}/posts"' in page
