"""The expert's queue is paged from the due times alone, then only the page's ties are sorted
in full (lists.expert_queue): every page must hold what the whole order puts there."""
from datetime import timedelta

from reachback.extensions import db
from reachback.queries import lists
from reachback.queries import services as qs

RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def test_every_page_is_the_slice_of_the_whole_order_ties_and_no_due_time_included(
        app, make_query, make_user, clock):
    staff, expert = make_user("facilitator"), make_user("expert")
    soon, later = clock.now + timedelta(days=1), clock.now + timedelta(days=2)
    # Due times shared across the pages' edges, priorities and ages breaking the ties,
    # assignments without a due time (last), and finished ones (only with include_done).
    plan = [(soon, "low"), (later, "urgent"), (soon, "high"), (None, "normal"),
            (later, "low"), (soon, "urgent"), (None, "high"), (later, "normal"),
            (soon, "normal"), (None, "urgent"), (later, "high")]
    made = []
    for _due, priority in plan:
        clock.advance(timedelta(minutes=5))
        query = make_query(facilitator=staff, priority=priority)
        made.append(qs.assign_expert(staff, query, expert))
    for a, (due, _priority) in zip(made, plan, strict=True):
        a.due_at = due
    made[4].status, made[6].status = "answered", "withdrawn"
    db.session.commit()

    def whole(done):
        shown = [a for a in made if done or a.status in ("invited", "accepted")]
        return [a.id for a in sorted(shown, key=lambda a: (
            a.due_at is None, a.due_at or soon, RANK[a.query.priority], a.query.created_at,
            a.id))]

    for done in (False, True):
        expected = whole(done)
        for per_page in (1, 2, 3, 4, 20):
            pages = (len(expected) + per_page - 1) // per_page
            got = []
            for page in range(1, pages + 2):  # one page past the end: empty
                pager = lists.expert_queue(expert, page, per_page, include_done=done)
                assert pager.total == len(expected)
                got.append([a.id for a in pager.items])
            assert got[-1] == [] and sum(got, []) == expected, (done, per_page)
            assert all(len(p) == per_page for p in got[:pages - 1])
