"""The newsletter end to end over real SMTP (aiosmtpd): drafted and sent, delivered by the
outbox job in batches, received with its one-click unsubscribe headers (RFC 8058); the mail
client's POST to that link (no session, no CSRF token) opts the member out, and the next
newsletter is not sent to them."""
from datetime import timedelta
from urllib.parse import urlsplit

from reachback.extensions import db
from reachback.newsletters import services as svc
from reachback.notify import jobs
from tests.service.test_newsletters import month  # noqa: F401 - the fixture
from tests.service.test_outbox import smtp  # noqa: F401 - the fixture


def received_by(smtp, address):  # noqa: F811
    return [m for m in smtp.sink.messages if address in m["To"]]


def test_sent_received_unsubscribed_and_not_sent_again(app, client, clock, smtp, month,  # noqa: F811
                                                      make_user):
    app.config.update(MAIL_BATCH_SIZE=2)  # several delivery runs' worth of batches
    staff, member = month["staff"], make_user("member")
    newsletter = svc.draft(staff, "2026-11")
    svc.edit(staff, newsletter, {"editorial": "Welcome to **November**."})
    svc.send(staff, newsletter)
    db.session.commit()
    smtp.start()
    # The first run sends the first batch only: the rest is due at the next runs.
    assert jobs.deliver_outbox() >= 2
    assert not received_by(smtp, member.email)  # the member's e-mail waits its turn
    jobs.deliver_outbox(now=clock.now + timedelta(hours=1))
    assert svc.finish_sending() == 1
    db.session.refresh(newsletter)
    assert newsletter.status == "sent"
    assert len(smtp.sink.messages) >= newsletter.recipients
    [mail] = received_by(smtp, member.email)
    assert mail["Subject"] == "[Reachback] Reachback newsletter: November 2026"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Welcome to **November**." in text and "<strong>November</strong>" in html
    assert link in text and link in html and "A community response" in text
    assert "A restricted response" not in text
    # The mail client's one-click POST: no session, no CSRF token.
    response = client.post(urlsplit(link).path,
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more monthly newsletter" in response.get_data(as_text=True)
    assert not svc.receives(member)
    # December's newsletter goes to everyone else, not to them.
    clock.advance(timedelta(days=30))
    december = svc.draft(staff, "2026-12")
    svc.edit(staff, december, {"editorial": "December."})
    svc.send(staff, december)
    db.session.commit()
    smtp.sink.messages.clear()
    jobs.deliver_outbox(now=clock.now + timedelta(hours=1))
    assert len(smtp.sink.messages) == december.recipients > 0
    assert not received_by(smtp, member.email)
