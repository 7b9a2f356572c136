"""Index documents and result helpers for the search index tests of both backends
(tests/service/test_search_index_contract.py and the engine-specific modules beside it)."""
from datetime import UTC, datetime

import pytest

from reachback.knowledge.index_api import IndexDoc, SearchResult

COMMUNITY = ["public", "community"]
BASE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def make_doc(key, title="", body="", *, summary="", kind="response", extra="", themes=(),
             countries=(), date=None, principals=("community",), language="en", status="",
             useful=0):
    return IndexDoc(
        key=key, kind=kind, ref=key.split(":", 1)[-1], title=title, summary=summary,
        body=body, extra=extra, themes=list(themes),
        theme_names=[t.replace("-", " ").title() for t in themes], countries=list(countries),
        country_names=[{"SY": "Syria", "YE": "Yemen", "SS": "South Sudan"}.get(c, c)
                       for c in countries],
        date=date or BASE_DATE, principals=list(principals), language=language,
        status=status, useful=useful)


def keys(result_or_hits):
    hits = result_or_hits.hits if isinstance(result_or_hits, SearchResult) else result_or_hits
    return [h.key for h in hits]


def facet(result, name):
    return dict(result.facets[name])


def mixed_docs() -> list[IndexDoc]:
    """A community response and a restricted briefing (user 5 and facilitators only)."""
    return [
        make_doc("response:RB-1", "Ceasefire monitoring in Idlib",
                 "Community monitors reported violations.", themes=["ceasefires"],
                 countries=["SY"]),
        make_doc("response:RB-2", "Ceasefire secret channel",
                 "Exfiltration routes for the ceasefire negotiators are confidential.",
                 summary="Exfiltration plan.", themes=["security"], countries=["YE"],
                 kind="briefing", date=BASE_DATE.replace(year=2027),
                 principals=["user:5", "role:facilitator"]),
    ]


def catalogue_docs() -> list[IndexDoc]:
    """Five documents of several kinds, themes, countries and years."""
    return [
        make_doc("response:RB-1", "Ceasefire A", themes=["ceasefires", "security"],
                 countries=["SY"], date=BASE_DATE.replace(year=2024)),
        make_doc("response:RB-2", "Ceasefire B", themes=["ceasefires"], countries=["YE"],
                 date=BASE_DATE.replace(year=2025)),
        make_doc("document:3", "Ceasefire C", kind="guidance", themes=["ceasefires", "gender"],
                 countries=["SY", "YE"], date=BASE_DATE.replace(year=2025, month=6)),
        make_doc("document:4", "Ceasefire D", kind="briefing", themes=["security"],
                 countries=["SS"], date=BASE_DATE.replace(year=2026)),
        make_doc("document:5", "Water access", kind="briefing", themes=["water"],
                 countries=["SS"], date=BASE_DATE.replace(year=2023)),
    ]


def rebuild_that_fails_midway(idx) -> None:
    """A rebuild whose source fails halfway raises, and the old index still answers."""
    idx.apply([make_doc("document:old", "Ceasefire")], [])

    def broken():
        yield make_doc("document:1", "Ceasefire")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        idx.rebuild(broken())
    assert keys(idx.search("ceasefire", COMMUNITY)) == ["document:old"]


def languages_docs() -> list[IndexDoc]:
    """Documents in English, French, Spanish and German (a language stemmed by neither
    backend): each stemmed word is in its own language only."""
    return [
        make_doc("response:EN", "Negotiation with armed groups", "Partners were vetted."),
        make_doc("response:FR", "Anciens combattants",
                 "Il faut réintégrer les anciens combattants dans leurs villages.",
                 language="fr", countries=["ML"]),
        make_doc("response:ES", "Comunidades del norte",
                 "Una consulta con la comunidad antes del acuerdo.", language="es"),
        make_doc("document:DE", "Waffenstillstand im Norden", "Beobachter berichten.",
                 kind="briefing", language="de"),
    ]
