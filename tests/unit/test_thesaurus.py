"""The search thesaurus (reachback/data/thesaurus.yaml): its format, what a search expands
to, and that it covers the field's acronyms and every theme of the taxonomy."""
import pytest

from reachback.data.taxonomy import theme_rows
from reachback.knowledge import thesaurus as th


@pytest.fixture(scope="module")
def repository():
    return th.Thesaurus(th.parse(th.repository_text()))


def test_every_theme_of_the_taxonomy_has_an_entry(repository):
    themes = {entry.theme for entry in repository.entries}
    assert {row["slug"] for row in theme_rows()} <= themes


def test_the_acronyms_and_synonyms_of_the_issue_are_there(repository):
    def same(a, b):
        return b.lower() in [t.lower() for t in repository.expand(a)]

    assert same("DDR", "disarmament demobilisation and reintegration")
    assert same("SSR", "security sector reform")
    assert same("child soldiers", "CAAFAG")
    assert same("CAAFAG", "children associated with armed forces and groups")
    assert same("IDP", "internally displaced")
    assert same("PoC", "protection of civilians")
    assert same("WPS", "UNSCR 1325")
    assert same("EORE", "mine risk education")
    assert same("demining", "mine action") and same("mine action", "clearance")
    assert same("rule of law", "justice sector")


def test_french_and_spanish_terms_are_in_the_entries(repository):
    assert "enfants soldats" in repository.expand("child soldiers")
    assert "niños soldados" in repository.expand("CAAFAG")
    assert "child soldiers" in repository.expand("enfants soldats")
    assert "DDR" in repository.expand("desarme desmovilización y reintegración")


def test_terms_match_whole_words_any_case_a_final_s_aside():
    t = th.Thesaurus(th.parse("- en: [IDP, internally displaced]\n"))
    assert t.expand("idps in camps") == ["internally displaced"]
    assert t.expand("Internally Displaced families") == ["IDP"]
    assert t.expand("rapid deployment") == []  # "idp" inside no word


def test_a_term_inside_a_longer_one_found_does_not_expand():
    t = th.Thesaurus(th.parse("- en: [mine risk education, EORE]\n- en: [education, schools]\n"))
    assert t.expand("mine risk education") == ["EORE"]
    assert t.expand("education in camps") == ["schools"]


def test_expansions_are_capped_and_taken_from_each_entry_in_turn():
    text = "".join(f"- en: [w{n}, {', '.join(f'x{n}y{k}' for k in range(9))}]\n"
                   for n in range(3))
    found = th.Thesaurus(th.parse(text)).expand("w0 w1 w2")
    assert len(found) == th.MAX_EXPANSIONS and found[:3] == ["x0y0", "x1y0", "x2y0"]


@pytest.mark.parametrize("text", ["{a: 1}", "- [a, b]", "- en: a\n", "- en: [only]\n",
                                  "0000-01-01", "- en: !!python/object:os.system x\n",
                                  "- en: [a, b]\n  de: [c]\n", "- en: [a, b\n", "x" * 300_000])
def test_what_is_not_a_thesaurus_is_refused_with_a_message(app, text):
    with app.test_request_context(), pytest.raises(th.ThesaurusError) as refused:
        th.parse(text)
    assert str(refused.value)


def test_values_are_read_as_text_never_constructed():
    """No dates, numbers or tags: what the fuzzer typed ("0000-01-01") failed to construct."""
    (entry,) = th.parse("- en: [0000-01-01, 1325, yes]\n")
    assert entry.terms == ("0000-01-01", "1325", "yes")
