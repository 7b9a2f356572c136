"""Mail out carries the content: every e-mail is text and HTML, threaded per query, and
holds what its recipient needs to act, never what they may not read. Delivered through a
real SMTP server (aiosmtpd)."""
from datetime import UTC, date, datetime

from sqlalchemy import select

from reachback.extensions import db
from reachback.files.models import Attachment
from reachback.notify import jobs
from reachback.notify import services as ns
from reachback.notify.models import OutboundEmail
from reachback.queries import services as qs
from reachback.queries.models import Contribution
from reachback.synthesis import services as ss
from tests.service.test_outbox import smtp  # noqa: F401  (the real SMTP server fixture)

ROOT_DOMAIN = "example.org"  # the test sender's: Reachback <reachback@example.org>


def delivered(smtp):  # noqa: F811
    """Deliver the outbox through the SMTP server; {recipient: [messages]}."""
    jobs.deliver_outbox()
    received = {}
    for message in smtp.sink.messages:
        received.setdefault(message["To"], []).append(message)
    return received


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


def test_every_e_mail_is_text_and_html_even_one_queued_with_text_alone(app, make_user, smtp):  # noqa: F811
    smtp.start()
    member = make_user()
    ns.queue_email(member.email, "Plain", "Line one\n<b>not bold</b>")
    db.session.commit()
    [message] = delivered(smtp)[member.email]
    text, html = parts(message)
    assert text.split() == ["Line", "one", "<b>not", "bold</b>"]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>" not in html
    assert message["Auto-Submitted"] == "auto-generated"


def test_the_clarification_request_carries_the_question_and_the_original_query(
        app, make_user, make_query, smtp):  # noqa: F811
    smtp.start()
    staff = make_user("facilitator")
    query = make_query(facilitator=staff)
    qs.ask_clarification(staff, query, "Which **districts** do you mean?")
    db.session.commit()
    [message] = [m for m in delivered(smtp)[query.requester.email]
                 if "clarification" in m["Subject"]]
    text, html = parts(message)
    assert "Which **districts** do you mean?" in text and "What worked and what did not?" in text
    assert "<strong>districts</strong>" in html and "What worked and what did not?" in html
    assert query.title in text and query.title in html
    # The signed Reply-To answers the clarification by mail (reachback.mailin).
    assert message["Reply-To"].startswith("reply-")
    assert f"/queries/{query.reference}" in text


def test_the_expert_invitation_carries_everything_to_decide_and_how_to_answer(
        app, make_user, smtp, clock):  # noqa: F811
    smtp.start()
    staff, expert, member = make_user("facilitator"), make_user("expert"), make_user()
    query = qs.submit_query(member, {
        "title": "Vetting police recruits", "question": "How did others vet recruits?",
        "context": "A new police service is being set up.", "purpose": "To brief the minister.",
        "country": "SS", "themes": ["vetting"], "needed_by": "2026-12-20",
        "priority": "normal", "confidentiality": "restricted"})
    due = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assignment = qs.assign_expert(staff, query, expert, due_at=due)
    db.session.commit()
    [message] = delivered(smtp)[expert.email]
    text, html = parts(message)
    for body in (text, html):
        for part in ("Vetting police recruits", "How did others vet recruits?",
                     "A new police service is being set up.", "To brief the minister.",
                     "South Sudan", "Vetting", "20 Dec 2026", "01 Dec 2026",
                     f"/assignments/{assignment.id}/decline", f"/queries/{query.reference}"):
            assert part in body, part
    assert date(2026, 12, 20) == query.needed_by


def invitation_with(reply_to, make_user, monkeypatch, server):
    """The invitation e-mail an expert receives when notices get `reply_to(user)` as their
    reply address: (expert, message, text, html)."""
    server.start()
    monkeypatch.setattr(ns, "_reply_to", lambda user, note, query: reply_to(user))
    staff, expert = make_user("facilitator"), make_user("expert")
    query = qs.submit_query(make_user(), {"title": "T", "question": "Q?", "country": "SS",
                                          "themes": ["vetting"]})
    qs.assign_expert(staff, query, expert)
    db.session.commit()
    [message] = delivered(server)[expert.email]
    return (expert, message, *parts(message))


def test_with_a_reply_address_the_e_mail_says_to_reply_and_carries_reply_to(
        app, make_user, monkeypatch, smtp):  # noqa: F811
    expert, message, text, html = invitation_with(
        lambda user: f"reply+{user.id}@example.org", make_user, monkeypatch, smtp)
    assert message["Reply-To"] == f"reply+{expert.id}@example.org"
    assert "reply to this e-mail with your answer" in text
    assert "“decline” on the first line" in html


def test_without_a_reply_address_the_e_mail_never_says_to_reply(
        app, make_user, monkeypatch, smtp):  # noqa: F811
    _expert, message, text, html = invitation_with(lambda user: None, make_user, monkeypatch,
                                                   smtp)
    assert message["Reply-To"] is None
    assert "reply to this e-mail" not in text.lower() and "reply to this e-mail" not in html.lower()


def test_the_publication_notice_carries_the_response_and_its_files(
        app, make_user, make_query, smtp):  # noqa: F811
    smtp.start()
    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(status="synthesis", facilitator=staff, experts=[expert])
    [contribution] = db.session.scalars(select(Contribution)).all()
    db.session.add(Attachment(sha256="0" * 64, size=3, content_type="application/pdf",
                              filename="vetting-guide.pdf", uploaded_by_id=expert.id,
                              contribution_id=contribution.id))
    ss.save_draft(staff, query, "Vetting, in short", "Vet *carefully*.", "The whole body.")
    ss.publish_response(staff, query, "restricted")
    db.session.commit()
    attachment = db.session.scalar(select(Attachment))
    received = delivered(smtp)
    for person in (query.requester, expert):
        [message] = [m for m in received[person.email] if "published" in m["Subject"]]
        text, html = parts(message)
        assert "Vetting, in short" in text and "Vet *carefully*." in text
        assert "The whole body." in text and "<em>carefully</em>" in html
        assert "vetting-guide.pdf" in text and "vetting-guide.pdf" in html
        assert f"/attachments/{attachment.id}" in text and f"/kb/{query.reference}" in html
        assert "<img" not in html


def test_restricted_text_never_goes_to_someone_who_may_not_read_it(
        app, make_user, make_query, smtp):  # noqa: F811
    """The requester of a duplicate of a restricted query hears it was answered, but gets
    neither its summary nor its body (as the pages would refuse them the response)."""
    smtp.start()
    staff = make_user("facilitator")
    original, duplicate = make_query(facilitator=staff), make_query()
    qs.close_query(staff, duplicate, "duplicate", duplicate_of=original.reference)
    qs.assign_expert(staff, original, make_user("expert"))
    ss.save_draft(staff, original, "Secret title", "Secret summary.", "Secret body.")
    ss.publish_response(staff, original, "restricted")
    db.session.commit()
    received = delivered(smtp)
    for message in received[duplicate.requester.email]:
        text, html = parts(message)
        for secret in ("Secret title", "Secret summary.", "Secret body.", original.reference):
            assert secret not in text and secret not in html and secret not in message["Subject"]
    # The original's requester, who may read it, gets it all.
    [message] = [m for m in received[original.requester.email] if "published" in m["Subject"]]
    assert "Secret body." in parts(message)[0]


def test_one_thread_per_query_with_a_stable_message_id(app, make_user, make_query, smtp, clock):  # noqa: F811
    staff = make_user("facilitator")
    ns.set_preferences(staff, staff, {"query_submitted": "immediate"})  # not the digest
    query = make_query(facilitator=staff)
    qs.ask_clarification(staff, query, "Which districts?")
    db.session.commit()
    jobs.deliver_outbox()  # nothing listens: both fail once, and are retried
    first = {m.id: m.message_id for m in db.session.scalars(select(OutboundEmail))}
    smtp.start()
    clock.advance(ns.backoff(1))
    received = delivered(smtp)
    root = f"<query-{query.reference}@{ROOT_DOMAIN}>"
    messages = [m for ms in received.values() for m in ms]
    assert len(messages) == 2
    for message in messages:
        assert message["Subject"].startswith(f"[{query.reference}] ")
        assert message["In-Reply-To"] == root and message["References"] == root
        assert message["Message-ID"].endswith(f"@{ROOT_DOMAIN}>")
    # The retry sent each with the Message-ID it was queued with; no two share one.
    assert sorted(m["Message-ID"].strip() for m in messages) == sorted(first.values())
    assert len(set(first.values())) == 2


def test_a_header_with_a_line_break_fails_for_good(app, make_user, smtp):  # noqa: F811
    smtp.start()
    mail = ns.queue_email(make_user().email, "S", "T",
                          headers={"References": "<a@b>\r\nBcc: victim@example.org"})
    db.session.commit()
    assert jobs.deliver_outbox() == 0
    assert mail.status == "failed" and not smtp.sink.messages
