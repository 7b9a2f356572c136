"""The query state machine: exactly the transitions of DESIGN.md §3 exist."""
import itertools

import pytest

from reachback.errors import Conflict
from reachback.queries.models import STATUSES
from reachback.queries.states import TRANSITIONS, can_transition, check_transition

ALLOWED = {
    ("submitted", "clarification"), ("clarification", "submitted"),
    ("submitted", "routed"), ("clarification", "routed"), ("routed", "routed"),
    ("submitted", "synthesis"), ("routed", "synthesis"), ("synthesis", "published"),
    ("submitted", "closed"), ("clarification", "closed"), ("routed", "closed"),
    ("synthesis", "closed"),
}


def test_transition_table_is_the_designed_one():
    assert TRANSITIONS == ALLOWED


@pytest.mark.parametrize("current,target", list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_is_allowed_or_refused_with_a_conflict(current, target):
    class Q:
        status = current

    if (current, target) in ALLOWED:
        assert can_transition(current, target)
        check_transition(Q, target)
    else:
        assert not can_transition(current, target)
        with pytest.raises(Conflict):
            check_transition(Q, target)


@pytest.mark.parametrize("final", ["published", "closed"])
def test_published_and_closed_are_final(final):
    assert not any(can_transition(final, target) for target in STATUSES)
