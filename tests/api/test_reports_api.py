"""GET /api/v1/reports/{name}: the rows of the report pages with the filters in force, for
staff only; every answer is checked against the OpenAPI description (tests/api/conftest.py)."""
import pytest

from reachback.reports.usage import record_search
from tests.api.conftest import error_code
from tests.service.test_reports import data, slug  # noqa: F401 - the hand-counted data set


@pytest.mark.parametrize("name", ["demand", "response-times", "experts", "search-gaps"])
def test_each_report_answers_its_rows_and_the_filters_in_force(api, data, name):  # noqa: F811
    response = api.get(f"/api/v1/reports/{name}", data["fac"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"rows", "from", "to", "group_by"}
    assert (body["from"], body["to"]) == ("2025-12-01", "2026-11-23")
    assert body["group_by"] == {"demand": "month", "response-times": "priority",
                                "experts": "expert", "search-gaps": "term"}[name]
    assert isinstance(body["rows"], list)


def test_demand_by_theme_rolls_up_parent_themes(api, data):  # noqa: F811
    body = api.get("/api/v1/reports/demand?group_by=theme&from=2026-01-01&to=2026-11-30",
                   data["fac"]).get_json()
    assert {r["key"]: r["queries"] for r in body["rows"]} == {slug("T04"): 2, slug("T01"): 2}
    assert (body["from"], body["to"], body["group_by"]) == ("2026-01-01", "2026-11-30",
                                                            "theme")


def test_response_times_and_experts_figures(api, data):  # noqa: F811
    rows = api.get("/api/v1/reports/response-times", data["fac"]).get_json()["rows"]
    high = next(r for r in rows if r["key"] == "high")
    assert (high["triage_median_hours"], high["publication_p90_hours"],
            high["resolution_target_hours"]) == (3.0, 20.0, 56)
    experts = api.get("/api/v1/reports/experts", data["fac"]).get_json()["rows"]
    ben = next(r for r in experts if r["expert"] == "Ben Expert")
    assert (ben["declines"], ben["decline_reasons"]) == (1, ["On leave"])


def test_search_gaps_rows(api, data):  # noqa: F811
    record_search("DDR Sudan", 0)
    record_search("elections", 9)
    rows = api.get("/api/v1/reports/search-gaps", data["fac"]).get_json()["rows"]
    assert [(r["term"], r["searches"], r["results"]) for r in rows] == [("ddr sudan", 1, 0)]
    assert rows[0]["commission_url"].startswith("/queries/new?title=")


def test_members_and_experts_are_refused_with_403(api, data):  # noqa: F811
    for who in ("member", "expert"):
        for name in ("demand", "experts", "no-such-report"):
            response = api.get(f"/api/v1/reports/{name}", data[who])
            assert response.status_code == 403 and error_code(response) == "forbidden"
    assert api.get("/api/v1/reports/demand").status_code == 401


def test_an_unknown_report_is_404(api, data):  # noqa: F811
    for name in ("no-such-report", "satisfaction"):
        response = api.get(f"/api/v1/reports/{name}", data["fac"])
        assert response.status_code == 404 and error_code(response) == "not_found"


@pytest.mark.parametrize("query, field", [
    ("from=2026-02-30", "from"), ("to=next-week", "to"), ("from=2026-05-01&to=2026-04-01", "to"),
    ("group_by=colour", "group_by"), ("theme=nothing", "theme"),
])
def test_bad_filters_are_422_naming_the_field(api, data, query, field):  # noqa: F811
    response = api.get(f"/api/v1/reports/demand?{query}", data["fac"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_query_submitted_through_the_api_is_counted_in_the_api_channel(api, data):  # noqa: F811
    created = api.post("/api/v1/queries", data["member"], json={
        "title": "Police vetting", "question": "How?", "country": "SS",
        "themes": [slug("T04.2")]})
    assert created.status_code == 201
    rows = api.get("/api/v1/reports/demand?group_by=channel", data["fac"]).get_json()["rows"]
    assert {r["key"]: r["queries"] for r in rows} == {"web": 2, "email": 0, "api": 2}
