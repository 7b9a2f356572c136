"""The route page: every point of a suggestion's score said in words, experts who declined
last and marked, the page a decline notice leads to, and a message with the invitation."""
import re

from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.queries import services as qs


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def suggested_names(html: str) -> list[str]:
    table = html[html.index('id="suggested-title"'):]
    return re.findall(r'<label for="expert-\d+">([^<]+)</label>', table)


def test_the_score_is_explained_in_words(signed_in, make_user, make_query, clock):
    staff = make_user("facilitator")
    make_user("expert", name="Vera", themes=["vetting"], countries=["SS"])
    q = make_query(themes=["vetting"], country="SS", facilitator=staff)
    page = text_of(signed_in(staff).get(f"/queries/{q.reference}/route").get_data(as_text=True))
    assert "How the score is made: +3 for each of the query's themes" in page
    assert "Expertise: Vetting (+3)" in page and "Knows South Sudan (+2)" in page


def test_a_decline_notice_opens_the_route_page_with_the_next_experts_first(
        signed_in, make_user, make_query, clock):
    staff = make_user("facilitator")
    first = make_user("expert", name="Aline First", themes=["vetting"], countries=["SS"])
    make_user("expert", name="Bruno Next")
    q = make_query(themes=["vetting"], country="SS", facilitator=staff)
    a = qs.assign_expert(staff, q, first)
    db.session.commit()
    web = signed_in(first)
    assert web.post(f"/assignments/{a.id}/decline", {"reason": "On mission."}).status_code == 302
    note = db.session.query(Notification).filter_by(user_id=staff.id,
                                                    kind="assignment_declined").one()
    page = signed_in(staff).get(note.url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Aline First declined this query: “On mission.”" in text_of(html)
    assert suggested_names(html) == ["Bruno Next", "Aline First"]
    declined_row = html[html.index("Aline First</label>"):].split("</tr>")[0]
    assert "Declined" in declined_row and "On mission." in declined_row
    # A number that names no declined assignment of this query is ignored, never a 500.
    for junk in ("999999", "x", str(a.id + 1000), "99999999999999999999"):
        other = signed_in(staff).get(f"/queries/{q.reference}/route?after_decline={junk}")
        assert other.status_code == 200 and "declined this query:" not in text_of(
            other.get_data(as_text=True))


def test_the_facilitator_adds_a_message_to_the_invitation(signed_in, make_user, make_query,
                                                          clock):
    staff = make_user("facilitator", name="Fay")
    expert = make_user("expert")
    q = make_query(facilitator=staff)
    web = signed_in(staff)
    page = web.get(f"/queries/{q.reference}/route").get_data(as_text=True)
    assert 'name="message"' in page
    done = web.post(f"/queries/{q.reference}/route",
                    {"experts": str(expert.id), "message": "The Juba districts, please."})
    assert done.status_code == 302
    note = db.session.query(Notification).filter_by(user_id=expert.id, kind="assigned").one()
    assert "Message from Fay: The Juba districts, please." in note.text
    # Too long: refused beside the field, nobody routed.
    other = make_user("expert")
    refused = web.post(f"/queries/{q.reference}/route",
                       {"experts": str(other.id), "message": "x" * 2001})
    assert refused.status_code == 422
    assert "At most 2,000 characters" in refused.get_data(as_text=True)
    assert not db.session.query(Notification).filter_by(user_id=other.id).count()
