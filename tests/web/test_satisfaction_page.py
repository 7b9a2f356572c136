"""The satisfaction and use report's page (issue 22): the period's ratings and feedback beside
the most-read responses, the distribution, and what the responses were used for."""
from tests.helpers import WebClient
from tests.service.test_satisfaction_report import data  # noqa: F401 - the data set


def test_the_page_shows_the_totals_the_distribution_and_the_uses(app, data):  # noqa: F811
    web = WebClient(app.test_client())
    web.sign_in(data["fac"])
    html = web.get("/reports/use").get_data(as_text=True)
    assert "Satisfaction and use" in html
    assert '<th scope="row">Ratings</th><td>3</td>' in html
    assert '<th scope="row">Average rating (1 to 5)</th><td>3.33</td>' in html
    assert '<th scope="row">Rated 2</th><td>1</td>' in html
    assert '<th scope="row">Flagged outdated</th><td>2</td>' in html
    scores = web.get("/reports/use?group_by=score").get_data(as_text=True)
    assert '<svg class="chart" role="img"' in scores
    assert '<th scope="row">5</th><td>1</td>' in scores
    uses = web.get("/reports/use?group_by=used_for").get_data(as_text=True)
    assert uses.index("Training plan") < uses.index("Briefing the minister")
    member = WebClient(app.test_client())
    member.sign_in(data["member"])
    assert member.get("/reports/use").status_code == 403
