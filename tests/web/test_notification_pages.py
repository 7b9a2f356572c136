"""Notification pages: the list, marking all as read, and that reading changes nothing."""
import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.notify.services import notify


@pytest.fixture
def member(make_user, make_query):
    user = make_user("member")
    q = make_query(requester=user)
    notify([user], "test", "Your query was routed", q)
    notify([user], "test", "A facilitator asked a question <b>now</b>", q)
    db.session.commit()
    return user


def unread(user):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def test_the_list_shows_unread_notifications_marked_new_and_reading_does_not_mark_them(
        web, member):
    web.sign_in(member)
    page = web.get("/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count(">New</span>") == 2
    assert '<span class="count">2<span class="visually-hidden"> unread</span>' in html
    assert 'href="/notifications/' in html and "Your query was routed" in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html  # text is escaped
    assert html.index("asked a question") < html.index("was routed")  # newest first
    web.get("/notifications")
    assert unread(member) == 2


def test_mark_all_as_read_marks_every_notification_of_the_user_only(
        web, member, make_user):
    other = make_user("member")
    notify([other], "test", "Someone else's notice")
    db.session.commit()
    web.sign_in(member)
    assert "Someone else&#39;s notice" not in web.get("/notifications").get_data(as_text=True)
    done = web.post("/notifications/read")
    assert done.status_code == 302 and done.headers["Location"].endswith("/notifications")
    assert unread(member) == 0 and unread(other) == 1
    html = web.get("/notifications").get_data(as_text=True)
    assert "2 notifications marked as read." in html
    assert ">New</span>" not in html and 'class="count"' not in html
    assert "Mark all as read" not in html
    assert "Your query was routed" in html  # read ones stay listed


def test_mark_all_as_read_needs_a_post_with_the_csrf_token(web, member):
    web.sign_in(member)
    assert web.get("/notifications/read").status_code == 405
    assert web.post("/notifications/read", csrf=False).status_code == 400
    assert unread(member) == 2


def test_notifications_are_paginated(web, make_user):
    user = make_user("member")
    for n in range(26):
        notify([user], "test", f"Notice {n}")
    db.session.commit()
    web.sign_in(user)
    first = web.get("/notifications").get_data(as_text=True)
    assert first.count(">New</span>") == 25 and 'href="/notifications?page=2"' in first
    second = web.get("/notifications?page=2").get_data(as_text=True)
    assert second.count(">New</span>") == 1


def test_notifications_need_sign_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
