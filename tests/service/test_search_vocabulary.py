"""Searching through the thesaurus and past typos, on the backend the suite runs on (whoosh;
PostgreSQL's with REACHBACK_TEST_DATABASE_URL): the field's synonyms find an answer in other
words, but weigh less than the words typed; a word no readable document holds matches its
closest spelling, below the exact matches; a search that finds nothing as typed gives the
corrected search's results; and the admins' edits of the thesaurus take effect at once."""
import pytest

from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.knowledge import thesaurus
from reachback.synthesis import services as ss


@pytest.fixture
def publish(make_query, make_user):
    staff = make_user("facilitator")

    def make(title, body, visibility="community"):
        q = make_query(status="synthesis", facilitator=staff, title=title)
        ss.save_draft(staff, q, title, body, body)
        ss.publish_response(staff, q, visibility)
        return q.reference
    yield make
    svc.get_index().close()


@pytest.fixture
def reader(make_user):
    return make_user("member")


def refs(result):
    return [item.ref for item in result.items]


def test_a_synonym_finds_the_answer_in_other_words(publish, reader):
    caafag = publish("Release of children associated with armed groups",
                     "Interim care centres traced families.")
    publish("Budget of the regional office", "Quarterly figures.")
    svc.apply_outbox()
    assert refs(svc.search(reader, "child soldiers")) == [caafag]
    assert refs(svc.search(reader, "CAAFAG")) == [caafag]


def test_the_words_typed_weigh_more_than_their_synonyms(publish, reader):
    synonym = publish("Mine action in the north", "Clearance of farmland by local teams.")
    typed = publish("Demining farmland in the north", "Clearance of farmland by local teams.")
    svc.apply_outbox()
    assert refs(svc.search(reader, "demining")) == [typed, synonym]
    assert refs(svc.search(reader, "mine action")) == [synonym, typed]


def test_a_title_match_ranks_above_a_body_match(publish, reader):
    body = publish("Quarterly report of the field office",
                   "Among other things the ceasefire held in two districts.")
    title = publish("Ceasefire in two districts", "Committees met weekly.")
    svc.apply_outbox()
    assert refs(svc.search(reader, "ceasefire")) == [title, body]


def test_words_close_together_rank_above_the_same_words_spread_apart(publish, reader):
    apart = publish("Notes from the field", "Jobs were scarce. " + "Nothing else. " * 12
                    + "Former staff left. " + "More filler. " * 12 + "Fighters moved.")
    close = publish("Notes from the capital", "Jobs for former fighters were found. "
                    + "Nothing else. " * 25)
    svc.apply_outbox()
    assert refs(svc.search(reader, "jobs former fighters")) == [close, apart]


def test_a_typo_matches_its_closest_spelling_below_the_exact_matches(publish, reader):
    exact = publish("Reintgeration of fighters", "Reintgeration is misspelt in this one.")
    near = publish("Reintegration of fighters", "Reintegration of former fighters.")
    svc.apply_outbox()
    found = svc.search(reader, "reintegration fighters")
    assert refs(found) == [near, exact]  # both hold "fighters"; only one the typed word
    typo = svc.search(reader, "reintegartion fighters")  # a word no document holds
    assert set(refs(typo)) == {near, exact} and typo.showing_for is None
    assert typo.suggestion == "reintegration fighters"


def test_a_search_finding_nothing_as_typed_shows_the_corrected_search(publish, reader):
    ref = publish("Reintegration of fighters", "Reintegration of former fighters.")
    svc.apply_outbox()
    found = svc.search(reader, "reintegartion")
    assert found.showing_for == "reintegration" and refs(found) == [ref]
    assert found.suggestion is None
    as_typed = svc.search(reader, "reintegartion", exact=True)
    assert refs(as_typed) == [] and as_typed.showing_for is None
    assert as_typed.suggestion == "reintegration"
    api_like = svc.search(reader, "reintegartion", correct=False)  # the API's
    assert api_like.showing_for is None and api_like.suggestion == "reintegration"


def test_a_correction_never_comes_from_a_document_the_reader_may_not_read(publish, reader):
    publish("Zanzibarite vetting", "Secret.", visibility="restricted")
    svc.apply_outbox()
    found = svc.search(reader, "zanzibarit")
    assert found.items == [] and found.showing_for is None and found.suggestion is None


def test_an_admins_thesaurus_replaces_the_repositorys_at_once(publish, reader, make_user):
    ref = publish("Quick impact projects in Gao", "Small works chosen by the council.")
    svc.apply_outbox()
    assert refs(svc.search(reader, "QIP")) == []
    admin = make_user("admin")
    thesaurus.save(admin, "- en: [QIP, quick impact projects]\n")
    db.session.commit()
    assert refs(svc.search(reader, "QIP")) == [ref]
    assert refs(svc.search(reader, "child soldiers")) == []  # the repository's is replaced
    thesaurus.reset(admin)
    db.session.commit()
    assert refs(svc.search(reader, "QIP")) == []
