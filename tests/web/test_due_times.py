"""The query page shows each due time to those who may see it, with its state: the triage
and resolution targets and every assignment's to staff, the response's to the assigned
experts, and "answer expected by" to the requester, in their own time zone."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from reachback.extensions import db
from reachback.queries import services as qs


def about(html: str) -> str:
    return html[html.index('id="about-title"'):html.index("</dl>")]


def test_due_times_by_viewer(signed_in, make_user, make_query, clock):
    staff = make_user("facilitator")
    requester = make_user("member", timezone="Africa/Nairobi")
    expert, reader = make_user("expert"), make_user("member")
    q = make_query(requester=requester, facilitator=staff, confidentiality="community")
    qs.assign_expert(staff, q, expert, due_at=clock.now + timedelta(days=2))
    db.session.commit()
    due = q.resolution_due_at.astimezone(ZoneInfo("Africa/Nairobi"))
    local = due.strftime("%d %b %Y, %H:%M") + " EAT"
    url = f"/queries/{q.reference}"

    mine = about(signed_in(requester).get(url).get_data(as_text=True))
    assert f"Answer expected by {local}" in mine and "due in" in mine
    assert "Triage due" not in mine

    staff_page = signed_in(staff).get(url).get_data(as_text=True)
    facts = about(staff_page)
    assert "Triage due" in facts and "Response due" in facts and "met" in facts  # triage met
    experts = staff_page[staff_page.index('id="experts-title"'):]
    assert "due in 2 days" in experts.split("</table>")[0]

    theirs = about(signed_in(expert).get(url).get_data(as_text=True))
    assert "Response due" in theirs and "Triage due" not in theirs

    other = about(signed_in(reader).get(url).get_data(as_text=True))
    assert "due" not in other.lower().replace("needed by", "")


def test_the_requester_no_longer_sees_an_expected_time_once_published(
        signed_in, make_user, make_query, clock):
    q = make_query(status="published")
    html = signed_in(q.requester).get(f"/queries/{q.reference}").get_data(as_text=True)
    assert "Answer expected by" not in html
