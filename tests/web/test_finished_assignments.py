"""A finished assignment (answered, declined, expired, withdrawn) shows how it ended and
when, on the query page and in the expert's queue, never a live "due in" or "overdue"."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from reachback.extensions import db
from reachback.notify.jobs import expire_invitations
from reachback.queries import services as qs

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ended(clock, make_user, make_query):
    """One query routed to five experts: one answered and one declined on 24 Nov, one
    withdrawn, one whose invitation expired (due 25 Nov), one still invited (due 4 Dec)."""
    clock.set(START)
    staff = make_user("facilitator")
    names = ("answered", "declined", "withdrawn", "expired", "invited")
    experts = {name: make_user("expert", name=f"Expert {name}") for name in names}
    q = make_query(status="submitted", facilitator=staff, confidentiality="community")
    due = START + timedelta(days=2)
    mine = {name: qs.assign_expert(staff, q, experts[name],
                                   due_at=due + timedelta(days=9 if name == "invited" else 0))
            for name in names}
    db.session.commit()
    clock.advance(timedelta(days=1))
    qs.add_contribution(experts["answered"], q, "Vet them in their home districts.")
    qs.decline_assignment(experts["declined"], mine["declined"], "On leave.")
    qs.withdraw_assignment(staff, mine["withdrawn"])
    db.session.commit()
    clock.advance(timedelta(days=3))  # 27 Nov: the fourth invitation is past its due time
    assert expire_invitations() == 1
    db.session.commit()
    assert {name: a.status for name, a in mine.items()} == {n: n for n in names}
    return {"query": q, "staff": staff, "experts": experts}


def rows(html: str) -> dict[str, str]:
    """The experts table's rows by expert name, as their text."""
    table = html[html.index('id="experts-title"'):]
    table = table[:table.index("</table>")]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        if text.startswith("Expert "):
            found[" ".join(text.split()[:2])] = text
    return found


def test_the_query_page_shows_each_outcome_and_its_date(ended, signed_in):
    page = signed_in(ended["staff"]).get(f"/queries/{ended['query'].reference}")
    found = rows(page.get_data(as_text=True))
    assert "Answered 24 Nov 2026" in found["Expert answered"]
    assert "Declined 24 Nov 2026" in found["Expert declined"]
    assert "Expired 25 Nov 2026" in found["Expert expired"]
    assert "Withdrawn" in found["Expert withdrawn"]
    assert "4 Dec 2026" in found["Expert invited"]  # still open: its due time
    for name in ("answered", "declined", "expired", "withdrawn"):
        assert "25 Nov 2026, " not in found[f"Expert {name}"]  # no due time of day
        assert "overdue" not in found[f"Expert {name}"]


@pytest.mark.parametrize("name, shown", [
    ("answered", "Answered 24 Nov 2026"), ("declined", "Declined 24 Nov 2026"),
    ("expired", "Expired 25 Nov 2026"), ("withdrawn", "Withdrawn")])
def test_the_expert_queue_shows_the_outcome_instead_of_a_clock(ended, signed_in, name, shown):
    html = signed_in(ended["experts"][name]).get("/assignments?all=1").get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    assert ended["query"].reference in main
    assert shown in " ".join(re.sub(r"<[^>]+>", " ", main).split())
    assert "overdue" not in main and "due in" not in main


def test_an_open_invitation_still_shows_its_clock(ended, signed_in):
    html = signed_in(ended["experts"]["invited"]).get("/assignments").get_data(as_text=True)
    assert "due in 7 days" in html
