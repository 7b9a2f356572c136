"""The part of the search index's contract both backends meet word for word: an empty set
of principals sees nothing, and what facets and filters count. The backend tests import
these tests, so pytest runs each against that file's own `mixed` and `catalogue` fixtures
(tests/unit/test_search_index.py: Whoosh; tests/service/test_pg_search.py: PostgreSQL);
what differs in details of each engine stays in those files."""
import pytest

from reachback.knowledge.index_api import SearchResult

COMMUNITY = ["public", "community"]


def keys(result_or_hits):
    hits = result_or_hits.hits if isinstance(result_or_hits, SearchResult) else result_or_hits
    return [h.key for h in hits]


def facet(result, name):
    return dict(result.facets[name])


def test_empty_principals_see_nothing(mixed):
    result = mixed.search("ceasefire", [])
    assert (result.hits, result.total) == ([], 0)
    assert all(v == [] for v in result.facets.values())
    assert mixed.search("", []).total == 0
    assert mixed.similar("ceasefire monitoring", []) == []


def test_facet_counts_sorted_by_count_then_name(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY)
    assert result.total == 4
    assert result.facets["theme"] == [("ceasefires", 3), ("security", 2), ("gender", 1)]
    assert result.facets["country"] == [("SY", 2), ("YE", 2), ("SS", 1)]
    assert result.facets["kind"] == [("response", 2), ("briefing", 1), ("guidance", 1)]
    assert result.facets["year"] == [("2025", 2), ("2024", 1), ("2026", 1)]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"theme": "security"}, {"response:RB-1", "document:4"}),
    ({"country": "YE"}, {"response:RB-2", "document:3"}),
    ({"kind": "briefing"}, {"document:4"}),
    ({"year": "2025"}, {"response:RB-2", "document:3"}),
    ({"theme": "ceasefires", "country": "SY"}, {"response:RB-1", "document:3"}),
    ({"theme": "ceasefires", "year": 2024}, {"response:RB-1"}),
    ({"theme": "nonexistent"}, set()),
    ({"year": "-1"}, set()),
    ({"year": "x" * 500}, set()),
    ({"theme": "", "bogus": "x"}, {"response:RB-1", "response:RB-2", "document:3",
                                   "document:4"}),
])
def test_filters_restrict_results(catalogue, filters, expected):
    result = catalogue.search("ceasefire", COMMUNITY, filters=filters)
    assert set(keys(result)) == expected
    assert result.total == len(expected)


def test_facets_are_computed_on_the_filtered_set(catalogue):
    result = catalogue.search("ceasefire", COMMUNITY, filters={"country": "SY"})
    assert result.facets["theme"] == [("ceasefires", 2), ("gender", 1), ("security", 1)]
    assert result.facets["country"] == [("SY", 2), ("YE", 1)]
