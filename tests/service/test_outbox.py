"""E-mail: preferences, the outbox, delivery over real SMTP, back-off, digests, and the
invitation expiry job; every job is run twice to prove it does nothing twice."""
import email
import socket
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reachback.errors import Invalid
from reachback.extensions import db
from reachback.notify import jobs
from reachback.notify.mailer import DeliveryError
from reachback.notify.models import Notification, OutboundEmail
from reachback.notify.services import (
    KINDS,
    get_preferences,
    notify,
    queue_email,
    set_preferences,
)
from reachback.queries import services as qs
from reachback.queries.models import Assignment, Event

VALID = {"title": "Vetting police recruits", "question": "How?", "country": "SS",
         "themes": ["vetting"], "priority": "high", "confidentiality": "restricted"}


def outbox(**where):
    stmt = select(OutboundEmail).order_by(OutboundEmail.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboundEmail, name) == value)
    return list(db.session.scalars(stmt))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app):
    """smtp.start() runs a real SMTP server on localhost at smtp.port; the app is set to it."""
    from aiosmtpd.controller import Controller

    class Server:
        port = free_port()
        sink = Sink()
        controller = None

        def start(self):
            self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_TIMEOUT=5, MAIL_SENDER="Reachback <reachback@example.org>")
    yield server
    server.stop()


# --- queueing by preference -------------------------------------------------------------

def test_a_notification_queues_an_email_at_once_with_an_absolute_link(
        app, make_user, clock):
    staff, member = make_user("facilitator"), make_user()
    set_preferences(staff, staff, {"query_submitted": "immediate"})  # staff's default: digest
    query = qs.submit_query(member, VALID)
    db.session.commit()
    [mail] = outbox()
    assert mail.recipient == staff.email and mail.user_id == staff.id
    assert mail.status == "queued" and mail.attempts == 0 and mail.next_attempt_at == clock.now
    assert mail.subject.startswith(f"[{query.reference}] ")  # the thread's reference
    link = f"http://127.0.0.1:5000/queries/{query.reference}"
    assert link in mail.text_body and f'href="{link}"' in mail.html_body
    assert mail.dedupe_key.startswith("notification:")
    # The member who acted gets neither a notification nor an e-mail.
    assert not outbox(recipient=member.email)


def test_base_url_setting_makes_the_links(app, make_user):
    app.config["BASE_URL"] = "https://reachback.example.org/"
    staff = make_user("facilitator")
    set_preferences(staff, staff, {"query_submitted": "immediate"})  # staff's default: digest
    query = qs.submit_query(make_user(), VALID)
    [mail] = outbox()
    assert f"https://reachback.example.org/queries/{query.reference}" in mail.text_body


def test_digest_and_off_preferences_queue_no_immediate_email(app, make_user):
    digest, off, immediate = (make_user("facilitator") for _ in range(3))
    defaults = get_preferences(off)
    set_preferences(digest, digest, {"query_submitted": "digest"})
    set_preferences(off, off, {"query_submitted": "off", "assigned": "digest"})
    set_preferences(immediate, immediate, {"query_submitted": "immediate"})
    qs.submit_query(make_user(), VALID)
    db.session.commit()
    assert [m.recipient for m in outbox()] == [immediate.email]
    assert count(Notification) == 3  # in-app notices do not depend on the e-mail choice
    assert set(defaults) == set(KINDS)
    assert get_preferences(off) == {**defaults, "query_submitted": "off", "assigned": "digest"}


def test_inactive_users_get_no_email(app, make_user):
    from reachback.accounts.services import update_profile

    admin, expert = make_user("admin"), make_user("expert")
    update_profile(admin, expert, active=False)
    notify([expert], "assigned", "You are asked to answer RB-2026-0001")
    assert outbox() == []


def test_preferences_refuse_unknown_kinds_and_modes_and_other_people(app, make_user):
    from reachback.errors import Forbidden

    member, other = make_user(), make_user()
    with pytest.raises(Invalid) as error:
        set_preferences(member, member, {"assigned": "hourly", "nonsense": "off"})
    assert set(error.value.fields) == {"assigned", "nonsense"}
    with pytest.raises(Forbidden):
        set_preferences(other, member, {"assigned": "off"})


def test_line_breaks_are_refused_in_recipients_and_stripped_from_subjects(app):
    with pytest.raises(Invalid):
        queue_email("a@example.org\r\nBcc: victim@example.org", "Hi", "body")
    mail = queue_email("a@example.org", "Hello\r\nBcc: victim@example.org", "body")
    assert mail.subject == "Hello Bcc: victim@example.org"


def test_a_notification_text_with_line_breaks_cannot_inject_headers(app, make_user):
    user = make_user()
    notify([user], "closed", "Closed\r\nBcc: victim@example.org")
    [mail] = outbox()
    assert "\r" not in mail.subject and "\n" not in mail.subject
    jobs.deliver_outbox()
    [eml] = Path(app.instance_path, "mail").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Bcc"] is None and message["To"] == user.email


def test_the_text_part_is_plain_and_the_html_part_escaped(app, make_user):
    user = make_user()
    notify([user], "closed", "Q&A on <script>vetting</script> was closed")
    [mail] = outbox()
    assert "Q&A on <script>vetting</script> was closed" in mail.text_body
    assert "<script>" not in mail.html_body
    assert "Q&amp;A on &lt;script&gt;vetting&lt;/script&gt;" in mail.html_body


def test_a_dedupe_key_queues_a_mail_only_once(app):
    first = queue_email("a@example.org", "Digest", "body", dedupe_key="digest:1:2026-11-23")
    again = queue_email("a@example.org", "Digest", "body", dedupe_key="digest:1:2026-11-23")
    db.session.commit()
    assert first is not None and again is None and len(outbox()) == 1


# --- delivery -------------------------------------------------------------------------------

def test_file_backend_writes_one_eml_per_message_and_a_rerun_sends_nothing_twice(
        app, make_user, clock):
    user = make_user()
    notify([user], "closed", "RB-2026-0007 was closed")
    db.session.commit()
    assert jobs.deliver_outbox() == 1
    assert jobs.deliver_outbox() == 0
    clock.advance(timedelta(hours=2))
    assert jobs.deliver_outbox() == 0
    files = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == user.email and "RB-2026-0007" in message["Subject"]
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    [mail] = outbox()
    assert mail.status == "sent" and mail.attempts == 1 and mail.sent_at == clock.now - \
        timedelta(hours=2)


def test_smtp_delivers_a_message_with_text_and_html_parts_subject_and_link(
        app, make_user, smtp):
    smtp.start()
    facilitator = make_user("facilitator")
    set_preferences(facilitator, facilitator, {"query_submitted": "immediate"})
    query = qs.submit_query(make_user(), VALID)
    db.session.commit()
    assert jobs.deliver_outbox() == 1
    [received] = smtp.sink.messages
    assert received["To"] == facilitator.email
    assert received["From"] == "Reachback <reachback@example.org>"
    assert received["Subject"] == f"[{query.reference}] New query {query.reference}: {VALID['title']}"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:5000/queries/{query.reference}"
    assert link in text and link in html
    assert outbox()[0].status == "sent"


def test_smtp_server_down_then_up_loses_nothing_and_sends_nothing_twice(
        app, make_user, smtp, clock):
    users = [make_user() for _ in range(3)]
    for user in users:
        notify([user], "closed", f"Query of {user.name} was closed")
    db.session.commit()

    assert jobs.deliver_outbox() == 0  # nothing listens on the port
    mails = outbox()
    assert {m.status for m in mails} == {"queued"}
    assert all(m.attempts == 1 and m.last_error for m in mails)
    assert all(m.next_attempt_at == clock.now + timedelta(minutes=1) for m in mails)

    smtp.start()
    assert jobs.deliver_outbox() == 0  # not due yet: the back-off is respected
    clock.advance(timedelta(minutes=1))
    assert jobs.deliver_outbox() == 3
    assert jobs.deliver_outbox() == 0
    clock.advance(timedelta(hours=1))
    assert jobs.deliver_outbox() == 0
    assert sorted(m["To"] for m in smtp.sink.messages) == sorted(u.email for u in users)
    assert {m.status for m in outbox()} == {"sent"}


class Broken:
    """A backend whose every send fails (as a server answering 451 would)."""

    calls = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, mail, message):
        Broken.calls += 1
        raise DeliveryError("451 try again later")


def test_failures_back_off_exponentially_then_become_failed_after_max_attempts(app, clock):
    app.config["MAIL_MAX_ATTEMPTS"] = 4
    queue_email("a@example.org", "Hello", "body")
    db.session.commit()
    waits = []
    for _ in range(4):
        before = clock.now
        jobs.deliver_outbox(backend=Broken())
        [mail] = outbox()
        waits.append(mail.next_attempt_at - before)
        clock.set(mail.next_attempt_at)
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    [mail] = outbox()
    assert mail.status == "failed" and mail.attempts == 4 and "451" in mail.last_error
    calls = Broken.calls
    clock.advance(timedelta(days=1))
    jobs.deliver_outbox(backend=Broken())
    assert Broken.calls == calls  # a failed mail waits for an admin


def test_back_off_is_capped(app, clock):
    from reachback.notify.services import backoff

    app.config["MAIL_RETRY_MAX_MINUTES"] = 30
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5, 6, 12)] == \
        [1, 2, 4, 8, 16, 30, 30]


def test_delivery_works_in_small_batches_until_nothing_is_due(app, clock):
    app.config["MAIL_BATCH_SIZE"] = 2
    for n in range(5):
        queue_email(f"u{n}@example.org", "Hello", "body")
    db.session.commit()
    assert jobs.deliver_outbox() == 5
    assert jobs.deliver_outbox() == 0


# --- digests -----------------------------------------------------------------------------

def test_daily_digest_collects_unread_digest_notifications_once_a_day(app, make_user, clock):
    user = make_user("expert")
    set_preferences(user, user, {"assigned": "digest", "closed": "digest"})
    db.session.commit()
    notify([user], "assigned", "You are asked to answer RB-2026-0001")
    clock.advance(timedelta(hours=1))
    notify([user], "closed", "RB-2026-0002 was closed")
    notify([user], "response_published", "RB-2026-0003 is published")  # immediate: not in it
    read = Notification(user_id=user.id, kind="assigned", text="Already read", url="",
                        created_at=clock.now, read_at=clock.now)
    db.session.add(read)
    db.session.commit()

    assert jobs.send_digests() == 1
    assert jobs.send_digests() == 0  # the same UTC day: nothing twice
    [digest] = outbox(dedupe_key=f"digest:{user.id}:{clock.now.date()}")
    assert "RB-2026-0001" in digest.text_body and "RB-2026-0002" in digest.text_body
    assert "RB-2026-0003" not in digest.text_body and "Already read" not in digest.text_body
    assert "2 notifications" in digest.subject
    assert "http://127.0.0.1:5000/queries/" not in digest.text_body  # no query given
    assert "http://127.0.0.1:5000/notifications" in digest.text_body

    clock.advance(timedelta(days=1))
    assert jobs.send_digests() == 0  # nothing new since the last digest
    notify([user], "closed", "RB-2026-0004 was closed")
    db.session.commit()
    assert jobs.send_digests() == 1
    latest = outbox()[-1]
    assert "RB-2026-0004" in latest.text_body and "RB-2026-0001" not in latest.text_body
    assert len(outbox(dedupe_key=f"digest:{user.id}:{clock.now.date()}")) == 1


def test_digest_links_to_each_query(app, make_user, clock):
    staff = make_user("facilitator")
    set_preferences(staff, staff, {"query_submitted": "digest"})
    query = qs.submit_query(make_user(), VALID)
    db.session.commit()
    assert outbox() == []
    jobs.send_digests()
    [digest] = outbox()
    assert f"http://127.0.0.1:5000/queries/{query.reference}" in digest.text_body
    assert f'href="http://127.0.0.1:5000/queries/{query.reference}"' in digest.html_body


def test_digest_leaves_out_notifications_older_than_a_day_on_the_first_run(
        app, make_user, clock):
    user = make_user()
    set_preferences(user, user, {"closed": "digest"})
    notify([user], "closed", "Old news")
    clock.advance(timedelta(days=2))
    assert jobs.send_digests() == 0


# --- invitations -----------------------------------------------------------------------------

def test_invitations_past_their_due_time_expire_once_with_one_event_each(
        app, make_user, make_query, clock):
    staff = make_user("facilitator")
    late, answered, undated = make_user("expert"), make_user("expert"), make_user("expert")
    query = make_query(facilitator=staff)
    due = clock.now + timedelta(days=2)
    a_late = qs.assign_expert(staff, query, late, due_at=due)
    a_answered = qs.assign_expert(staff, query, answered, due_at=due)
    a_undated = qs.assign_expert(staff, query, undated)
    qs.accept_assignment(answered, a_answered)
    db.session.commit()

    assert jobs.expire_invitations() == 0  # not due yet
    clock.advance(timedelta(days=2, seconds=1))
    assert jobs.expire_invitations() == 1
    assert jobs.expire_invitations() == 0
    statuses = dict(db.session.execute(select(Assignment.id, Assignment.status)).all())
    assert statuses == {a_late.id: "expired", a_answered.id: "accepted",
                        a_undated.id: "invited"}
    [event] = db.session.scalars(select(Event).where(Event.kind == "assignment_expired"))
    assert event.query_id == query.id and event.data["expert"] == late.name
    assert event.at == clock.now and event.actor_id is None
