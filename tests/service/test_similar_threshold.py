"""Similar answers and duplicate candidates offer only what is about the same thing as the
text (search.about_the_same), never a list padded to five: unrelated text gets nothing."""
import pytest

from reachback.knowledge import search as svc
from reachback.synthesis import services as ss

RESPONSES = [
    ("Vetting police recruits after the civil war",
     "Liberia screened every police applicant against human-rights records before training; "
     "community hearings caught abusers that paper checks missed."),
    ("Community policing forums in Juba neighbourhoods",
     "Police-community forums reduced night-time crime where chiefs, women's groups and "
     "youth sat with the station commander every month."),
    ("Reintegration of former combatants into rural economies",
     "Colombia's reintegration agency combined cash stipends with cooperative farming."),
    ("Ceasefire monitoring with local committees",
     "Joint committees of the parties and civil society verified violations in Hodeidah."),
    ("Electoral security at polling stations",
     "Police and army were deployed in rings around polling stations in Nigeria."),
    ("Mine action and landmine clearance by local deminers",
     "Deminers recruited from the villages cleared the fields faster."),
]


@pytest.fixture
def library(make_query, make_user):
    staff = make_user("facilitator")
    for title, summary in RESPONSES:
        q = make_query(status="synthesis", facilitator=staff, title=title)
        ss.save_draft(staff, q, title, summary, summary)
        ss.publish_response(staff, q, "community")
    svc.apply_outbox()
    yield make_user("member")
    svc.get_index().close()


UNRELATED = "Which budget template should our mission use for the annual donor report?\n" \
    "Our accountant checks the receipts with the community each week."


def test_unrelated_text_gets_no_suggestion(library):
    index = svc.get_index()
    assert index.similar(UNRELATED, svc.principals_for(library))  # words in common ...
    assert svc.similar(library, UNRELATED) == []  # ... but nothing about the same thing


def test_a_near_duplicate_comes_alone_not_padded_to_five(library):
    found = svc.similar(library, "How did Liberia vet police recruits after the war?\n"
                                 "We want to screen applicants for human-rights abuses, "
                                 "perhaps with community hearings.")
    assert [item.title for item in found] == ["Vetting police recruits after the civil war"]


def test_duplicate_candidates_of_an_unrelated_query_are_empty(library, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(title="Sourdough bread recipes for the staff canteen")
    svc.apply_outbox()
    found = svc.duplicate_candidates(staff, query)
    assert found.responses == [] and not found.rebuilding
