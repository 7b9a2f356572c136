"""A community discussion and a group discussion, with the people around them."""
from datetime import date

import pytest

from reachback.discussions import services as ds
from reachback.extensions import db
from reachback.groups import services as gs


@pytest.fixture
def people(app, make_user, clock):
    return make_people(make_user)


def make_people(make_user) -> dict:
    """staff, a member, the group "wash" with its member and facilitator, a member of
    another group."""
    admin = make_user("admin")
    p = {"admin": admin, "facilitator": make_user("facilitator"), "member": make_user("member"),
         "group_member": make_user("member"), "group_facilitator": make_user("member"),
         "other_group": make_user("member")}
    wash = gs.create_group(admin, {"name": "WASH", "slug": "wash"})
    other = gs.create_group(admin, {"name": "Other", "slug": "other"})
    for role in ("group_member", "group_facilitator"):
        gs.join_group(p[role], wash)
    gs.set_role(admin, wash, p["group_facilitator"].id, "facilitator")
    gs.join_group(p["other_group"], other)
    db.session.commit()
    p["wash"], p["other"] = wash, other
    return p


def open_discussion(user, group=None, starts_on=date(2026, 11, 23), **more):
    data = {"title": "Community policing after ceasefires",
            "description": "Why *this* matters.",
            "questions": ["What worked?", "What failed?", "What next?"],
            "starts_on": starts_on.isoformat(), "group": group, **more}
    discussion = ds.create_discussion(user, data)
    db.session.commit()
    return discussion
