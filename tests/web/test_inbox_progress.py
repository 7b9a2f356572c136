"""The triage inbox shows each query's experts (invited, accepted, answered, declined,
expired) and flags the queries that wait for the facilitator."""
import re
from datetime import timedelta

from reachback.extensions import db
from reachback.notify.jobs import expire_invitations
from reachback.queries import lists
from reachback.queries import services as qs


def row_of(html: str, title: str) -> str:
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if title in r)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_progress_and_flags(signed_in, make_user, make_query, clock):
    staff = make_user("facilitator")
    e1, e2, e3 = (make_user("expert") for _ in range(3))

    def routed(title, *experts, due=None):
        q = make_query(title=title, facilitator=staff)
        return q, [qs.assign_expert(staff, q, e, due_at=due) for e in experts]

    gone, (a, b, c) = routed("All gone", e1, e2, e3, due=clock.now + timedelta(days=1))
    qs.decline_assignment(e1, a, "Busy.")
    qs.decline_assignment(e2, b, "Away.")
    done, (d, f) = routed("All in", e1, e2)
    qs.add_contribution(e1, done, "One.")
    qs.add_contribution(e2, done, "Two.")
    waiting, (g, h, i) = routed("Still working", e1, e2, e3)
    qs.accept_assignment(e1, g)
    qs.add_contribution(e2, waiting, "Two.")
    replied = make_query(title="Clarified", facilitator=staff, status="clarification")
    qs.reply_to_clarification(replied.requester, replied, "Juba and Wau.")
    fresh = make_query(title="Fresh one", facilitator=staff)
    db.session.commit()
    clock.advance(timedelta(days=3))
    assert expire_invitations() == 1  # the third invitation of "All gone"

    html = signed_in(staff).get("/triage?tab=open").get_data(as_text=True)
    assert "2 declined · 1 expired" in row_of(html, "All gone")
    assert "Needs you: every invitation declined or expired" in row_of(html, "All gone")
    assert "2 answered" in row_of(html, "All in")
    assert "Needs you: the answers are in" in row_of(html, "All in")
    still = row_of(html, "Still working")
    assert "1 invited · 1 accepted · 1 answered" in still and "Needs you" not in still
    assert "Needs you: the requester replied" in row_of(html, "Clarified")
    assert "Needs you" not in row_of(html, "Fresh one")
    assert "no expert asked" in row_of(html, "Fresh one")
    pager = lists.triage_inbox(staff, "open", 1, 25)
    assert pager.progress[fresh.id].counts == dict.fromkeys(lists.PROGRESS, 0)
    assert pager.progress[gone.id].needs == "all_declined"
