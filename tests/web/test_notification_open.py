"""Opening a notification marks it read and leads to its page; the list shows the query's
title beside the notice when the reader may still see the query."""
from sqlalchemy import select

from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.notify.services import notify


def notice_of(user, text):
    return db.session.scalar(select(Notification).where(
        Notification.user_id == user.id, Notification.text == text))


def test_opening_a_notification_marks_it_read_and_leads_to_its_query(web, make_user,
                                                                       make_query):
    member = make_user("member")
    q = make_query(requester=member, title="Vetting recruits in Juba")
    notify([member], "closed", f"{q.reference} was closed", q)
    notify([member], "closed", "Another one", q)
    db.session.commit()
    note = notice_of(member, f"{q.reference} was closed")
    web.sign_in(member)
    html = web.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{note.id}/open"' in html
    assert "Vetting recruits in Juba" in html
    assert '<span class="count">2<' in html
    response = web.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/queries/{q.reference}")
    db.session.expire_all()
    assert notice_of(member, f"{q.reference} was closed").read_at is not None
    assert notice_of(member, "Another one").read_at is None
    assert '<span class="count">1<' in web.get("/notifications").get_data(as_text=True)


def test_another_users_notification_is_not_found_and_stays_unread(web, make_user):
    owner, other = make_user("member"), make_user("facilitator")
    notify([owner], "closed", "Mine")
    db.session.commit()
    note = notice_of(owner, "Mine")
    web.sign_in(other)
    assert web.get(f"/notifications/{note.id}/open").status_code == 404
    assert web.get("/notifications/987654/open").status_code == 404
    db.session.expire_all()
    assert notice_of(owner, "Mine").read_at is None


def test_a_link_off_the_site_leads_to_the_notifications_page(web, make_user):
    member = make_user("member")
    notify([member], "closed", "Odd", url="//evil.example/x")
    db.session.commit()
    web.sign_in(member)
    response = web.get(f"/notifications/{notice_of(member, 'Odd').id}/open")
    assert response.headers["Location"].endswith("/notifications")


def test_the_title_is_shown_only_while_the_reader_may_see_the_query(web, make_user,
                                                                    make_query):
    member = make_user("member")
    secret = make_query(title="A restricted secret title", confidentiality="restricted")
    notify([member], "closed", f"About {secret.reference}", secret)
    db.session.commit()
    web.sign_in(member)
    html = web.get("/notifications").get_data(as_text=True)
    assert f"About {secret.reference}" in html
    assert "A restricted secret title" not in html
