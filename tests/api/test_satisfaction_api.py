"""GET /api/v1/reports/use: the satisfaction and use report (issue 22) through the API, on
the hand-counted data set of tests/service/test_satisfaction_report.py."""
from tests.api.conftest import error_code
from tests.service.test_satisfaction_report import data  # noqa: F401 - the data set


def test_the_use_report_answers_its_rows_and_the_period_totals(api, data):  # noqa: F811
    q = data["q"]
    body = api.get("/api/v1/reports/use", data["fac"]).get_json()
    assert set(body) == {"rows", "from", "to", "group_by", "summary"}
    assert body["group_by"] == "response"
    assert body["summary"] == {"ratings": 3, "average_score": 3.33,
                               "distribution": {"1": 0, "2": 1, "3": 1, "4": 0, "5": 1},
                               "useful": 3, "not_useful": 1, "outdated": 2}
    first = body["rows"][0]
    assert (first["ref"], first["views"], first["ratings"], first["average_score"],
            first["useful"], first["not_useful"], first["outdated"]) == (
        q[1].reference, 3, 1, 5.0, 2, 1, 1)
    texts = api.get("/api/v1/reports/use?group_by=used_for", data["fac"]).get_json()["rows"]
    assert [r["used_for"] for r in texts] == ["Training plan", "Briefing the minister"]
    scores = api.get("/api/v1/reports/use?group_by=score", data["fac"]).get_json()["rows"]
    assert [r["ratings"] for r in scores] == [0, 1, 1, 0, 1]


def test_the_other_reports_answer_without_a_summary_and_members_are_refused(
        api, data):  # noqa: F811
    assert "summary" not in api.get("/api/v1/reports/demand", data["fac"]).get_json()
    refused = api.get("/api/v1/reports/use", data["member"])
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    bad = api.get("/api/v1/reports/use?group_by=month", data["fac"])
    assert bad.status_code == 422 and "group_by" in bad.get_json()["error"]["fields"]
