"""The report pages and their exports: staff only, the figures in a table beside an inline
SVG chart, filters in the address, CSV and Excel exports that read back as the page's rows,
and reads of responses and searches counted without anyone named."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.reports.exports import HEADER_ROWS
from reachback.reports.models import ResponseView, SearchTerm
from reachback.reports.usage import record_search, record_view
from tests.helpers import WebClient
from tests.service.test_reports import data, slug  # noqa: F401 - the hand-counted data set

NAMES = ("demand", "response-times", "experts", "use", "search-gaps")


@pytest.fixture
def staff(app, data):  # noqa: F811
    web = WebClient(app.test_client())
    web.sign_in(data["fac"])
    return web


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("name", NAMES)
def test_each_report_page_shows_a_chart_and_its_figures_light_and_without_script(
        staff, data, name):  # noqa: F811
    record_search("ddr sudan", 0)
    record_view(data["q1"].response)
    response = staff.get(f"/reports/{name}")
    html = text(response)
    assert response.status_code == 200, html
    assert "<table" in html and "<caption" in html
    assert '<svg class="chart" role="img"' in html
    assert len(html.encode()) < 60_000
    assert "<script>" not in html and "style=" not in html


def test_the_reports_home_is_the_demand_report_and_staff_have_a_menu_link(staff):
    html = text(staff.get("/reports"))
    assert "Demand" in html and 'href="/reports/response-times"' in html
    assert 'href="/reports"' in text(staff.get("/queries/mine"))


def test_demand_page_shows_the_hand_counted_figures(staff):
    html = text(staff.get("/reports/demand?group_by=channel"))
    assert '<th scope="row">Web</th><td>2</td><td>1</td>' in html
    assert '<th scope="row">API</th><td>1</td><td>0</td>' in html
    assert '<th scope="row">E-mail</th><td>0</td><td>0</td>' in html


def test_bad_filters_show_the_page_again_with_the_field_named(staff):
    response = staff.get("/reports/demand?from=2026-02-31&group_by=colour")
    html = text(response)
    assert response.status_code == 422
    assert 'id="from-error"' in html and 'id="group_by-error"' in html
    assert "YYYY-MM-DD" in html
    export = staff.get("/reports/demand.csv?from=nonsense")
    assert export.status_code == 302
    assert export.headers["Location"] == "/reports/demand?from=nonsense"


def test_an_unknown_report_is_not_found(staff):
    for path in ("/reports/nothing", "/reports/nothing.csv", "/reports/nothing.xlsx"):
        assert staff.get(path).status_code == 404, path


def test_members_and_experts_are_refused(app, data):  # noqa: F811
    for who in ("member", "expert"):
        web = WebClient(app.test_client())
        web.sign_in(data[who])
        for path in ("/reports", "/reports/experts", "/reports/demand.csv",
                     "/reports/experts.xlsx", "/reports/nothing"):
            assert web.get(path).status_code == 403, (who, path)
        assert 'href="/reports"' not in text(web.get("/queries/mine"))


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_csv_export_holds_the_rows_with_the_filters_applied(staff):
    response = staff.get("/reports/demand.csv?group_by=country&country=SS")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="reachback-demand-country-' in response.headers["Content-Disposition"]
    assert _csv(response) == [["Country", "Queries", "Published responses",
                               "Library documents"], ["South Sudan", "2", "1", "1"]]


def test_the_excel_export_reads_back_with_the_same_rows(staff):
    response = staff.client.get("/reports/response-times.xlsx?group_by=priority")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    table = rows[HEADER_ROWS:]
    assert table[0][:3] == ["Priority", "Queries", "Triage, median"]
    high = next(r for r in table if r[0] == "high")
    assert high[1:4] == [2, 3, 4]
    assert high[-3:] == [8, 24, 56]


def test_expert_export_lists_the_decline_reasons(staff):
    rows = _csv(staff.get("/reports/experts.csv"))
    ben = next(r for r in rows if r[0] == "Ben Expert")
    assert "On leave" in ben


def test_text_that_a_spreadsheet_would_run_is_exported_as_text(staff):
    record_search("=HYPERLINK(1)", 0)
    rows = _csv(staff.get("/reports/search-gaps.csv"))
    assert ["'=hyperlink(1)", "1", "1", "0"] in rows


def test_search_gaps_link_to_commissioning_an_answer(staff):
    record_search("Transitional justice Chad", 0)
    html = text(staff.get("/reports/search-gaps"))
    assert 'href="/queries/new?title=transitional+justice+chad"' in html
    form = text(staff.get("/queries/new?title=transitional+justice+chad"))
    assert 'value="transitional justice chad"' in form


def test_reading_a_response_is_counted_without_the_reader(app, data):  # noqa: F811
    web = WebClient(app.test_client())
    web.sign_in(data["member"])
    ref = data["q1"].reference
    for _ in range(2):
        assert web.get(f"/kb/{ref}").status_code == 200
    assert db.session.scalar(select(func.sum(ResponseView.views))) == 2
    assert [c.name for c in ResponseView.__table__.columns] == ["response_id", "day", "views"]


def test_a_search_is_counted_by_its_normalised_text(app, data):  # noqa: F811
    web = WebClient(app.test_client())
    web.sign_in(data["member"])
    web.get("/search?q=Vetting++POLICE")
    web.get("/search?q=vetting%20police&page=2")  # another page of the same search
    rows = db.session.execute(select(SearchTerm.term, SearchTerm.searches)).all()
    assert rows == [("vetting police", 1)]


def test_a_report_page_says_when_its_figures_were_computed(staff, data, clock):  # noqa: F811
    html = text(staff.get("/reports/experts"))
    assert 'id="computed-at"' in html and "Figures computed at" in html
    assert "—<span class=\"visually-hidden\"> none</span>" in html  # a figure missing
    html = text(staff.get("/reports/use"))  # counted directly at each reading
    assert 'id="computed-at"' not in html
