"""Mail in (issue 17): `reachback mail receive` on one message; replies through signed
reply addresses, new queries by mail, noise, bounces; each rule tried, refusals included."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import User
from reachback.accounts.services import create_token
from reachback.extensions import db
from reachback.files.models import Attachment
from reachback.mailin.models import MailBounce, MailRefusal
from reachback.mailin.tokens import read_reply_address, reply_address
from reachback.notify.models import Notification, OutboundEmail
from reachback.notify.services import set_preferences
from reachback.queries import services as qs
from reachback.queries.models import Assignment, Contribution, Event, FieldQuery, Message
from tests.service.mail_in_helpers import PDF, message, quoted, receive, reply_to

INTAKE = "ask@reachback.example"


@pytest.fixture
def app(app):
    app.config.update(MAIL_INTAKE_ADDRESS=INTAKE, MAIL_SENDER="Reachback <rb@example.org>")
    return app


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored() -> tuple:
    """What a refused message must not change."""
    return (count(Message), count(Contribution), count(FieldQuery), count(Attachment),
            count(Event))


def events(query, kind):
    return list(db.session.scalars(select(Event).where(Event.query_id == query.id,
                                                       Event.kind == kind)))


# --- reply addresses ------------------------------------------------------------------------

def test_reply_addresses_are_unique_signed_and_on_the_reply_domain(app, make_query):
    query = make_query(status="clarification")
    other = make_query()
    requester = query.requester
    address = reply_to(requester, "clarif")
    assert address == reply_address(query, requester, "clarification")
    assert address.endswith("@example.org")  # MAIL_SENDER's domain by default
    token = read_reply_address(address)
    assert (token.query_id, token.user_id, token.purpose) == (query.id, requester.id,
                                                             "clarification")
    assert len({address, reply_address(other, requester, "clarification"),
                reply_address(query, other.requester, "clarification"),
                reply_address(query, requester, "publication")}) == 4
    app.config["MAIL_REPLY_DOMAIN"] = "reply.example.net"
    assert reply_address(query, requester, "clarification").endswith("@reply.example.net")
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-0123456789"
    assert read_reply_address(address) is None  # signed with the app's secret


def test_the_reply_to_header_goes_out_with_the_email(app, make_query, make_user):
    from reachback.notify.mailer import build_message

    facilitator = make_user("facilitator")  # told of the new query (at once, by choice)
    set_preferences(facilitator, facilitator, {"query_submitted": "immediate"})
    query = make_query(status="clarification")
    row = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.user_id == query.requester_id)).all()[-1]
    assert build_message(row, "Reachback <rb@example.org>")["Reply-To"] == row.reply_to
    facilitator_row = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.subject.like("%New query%"))).first()
    assert facilitator_row.reply_to is None  # a notice that expects no answer


def test_a_forged_or_altered_token_is_refused_and_nothing_is_stored(app, make_query):
    query = make_query(status="clarification")
    requester = query.requester
    genuine = reply_to(requester, "clarif")
    local, domain = genuine.split("@")
    head, signature = local.rsplit("-", 1)
    forged = [f"{head}-{'a' * 32}@{domain}",                                # guessed
              f"{head}-{signature[:-1]}{'b' if signature[-1] != 'b' else 'c'}@{domain}",
              genuine.replace(f"reply-{query.id}-", f"reply-{query.id + 1}-")]  # another query
    before = stored()
    for address in forged:
        code, line = receive(app, message(requester.email, address, "Juba."))
        assert code == 67 and "signature" in line
    assert stored() == before
    assert db.session.get(FieldQuery, query.id).status == "clarification"


def test_a_reply_from_another_address_is_refused(app, make_query, make_user):
    query = make_query(status="clarification")
    address = reply_to(query.requester, "clarif")
    stranger = make_user("member")
    before = stored()
    code, line = receive(app, message(stranger.email, address, "I answer for them."))
    assert code == 67 and stranger.email in line
    assert stored() == before


# --- the requester answers a clarification ---------------------------------------------------

def test_the_requesters_reply_answers_the_clarification_and_the_clocks_resume(
        app, make_query, clock):
    query = make_query(status="clarification")
    assert query.paused_at is not None
    due = query.resolution_due_at
    clock.advance(timedelta(hours=2))
    address = reply_to(query.requester, "clarif")
    code, line = receive(app, message(query.requester.email.upper(), address,
                                      quoted("Juba and Yei, mostly **Yei**.")))
    assert code == 0 and query.reference in line
    query = db.session.get(FieldQuery, query.id)
    assert query.status == "submitted" and query.paused_at is None
    assert query.resolution_due_at > due  # resumed: moved later by the time spent waiting
    reply = db.session.scalars(select(Message).where(Message.purpose == "reply")).one()
    assert reply.body == "Juba and Yei, mostly **Yei**."  # quote and signature stripped
    assert "<strong>Yei</strong>" in reply.html("body")   # stored as Markdown
    [event] = events(query, "clarification_answered")
    assert event.data["origin"] == "email"


def test_a_replayed_reply_after_the_answer_is_refused_and_stores_nothing(app, make_query):
    query = make_query(status="clarification")
    raw = message(query.requester.email, reply_to(query.requester, "clarif"), "Juba.")
    assert receive(app, raw)[0] == 0
    before = stored()
    code, line = receive(app, raw)
    assert code == 67 and "not open" in line
    assert stored() == before


def test_a_reply_with_no_new_text_is_refused(app, make_query):
    query = make_query(status="clarification")
    code, line = receive(app, message(query.requester.email,
                                      reply_to(query.requester, "clarif"), quoted("")))
    assert code == 65 and "required" in line
    assert db.session.get(FieldQuery, query.id).status == "clarification"


def test_attachments_go_through_the_upload_checks(app, make_query):
    query = make_query(status="clarification")
    address = reply_to(query.requester, "clarif")
    before = stored()
    fake = message(query.requester.email, address, "See the map.",
                   attachments=[("map.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")])
    code, line = receive(app, fake)
    assert code == 65 and "attachment" in line
    assert stored() == before  # nothing half-written
    app.config["UPLOAD_MAX_BYTES"] = 100
    big = message(query.requester.email, address, "See the map.",
                  attachments=[("map.pdf", PDF + b"%" * 200, "application/pdf")])
    assert receive(app, big)[0] == 65
    app.config["UPLOAD_MAX_BYTES"] = 10_000
    good = message(query.requester.email, address, "See the map.",
                   attachments=[("map.pdf", PDF, "application/pdf")])
    assert receive(app, good)[0] == 0
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "map.pdf" and attachment.message_id is not None


def test_a_message_over_the_size_limit_is_refused(app, make_query):
    query = make_query(status="clarification")
    app.config["MAIL_IN_MAX_BYTES"] = 2_000
    code, line = receive(app, message(query.requester.email,
                                      reply_to(query.requester, "clarif"), "x" * 3_000))
    assert code == 65 and "larger" in line


def test_an_html_only_reply_is_kept_as_text(app, make_query):
    query = make_query(status="clarification")
    raw = message(query.requester.email, reply_to(query.requester, "clarif"), body=None,
                  html="<p>Juba &amp; Yei.</p><p>Thanks</p><blockquote>Which districts?"
                       "</blockquote>")
    assert receive(app, raw)[0] == 0
    reply = db.session.scalars(select(Message).where(Message.purpose == "reply")).one()
    assert reply.body == "Juba & Yei.\n\nThanks"


# --- experts answer invitations ---------------------------------------------------------------

def test_an_experts_reply_accepts_the_invitation_and_becomes_their_contribution(
        app, make_query, make_user):
    expert = make_user("expert")
    query = make_query(status="routed", experts=[expert])
    address = reply_to(expert, "asked to answer")
    code, line = receive(app, message(expert.email, address, quoted(
        "Vetting worked in Liberia through community hearings.", "Please answer.")))
    assert code == 0
    [contribution] = db.session.scalars(select(Contribution)).all()
    assert contribution.author_id == expert.id
    assert contribution.body == "Vetting worked in Liberia through community hearings."
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.status == "answered"
    assert events(query, "assignment_accepted")[0].data["origin"] == "email"
    assert events(query, "contribution_added")[0].data["origin"] == "email"
    # Done: the same address answers nothing more.
    code, _line = receive(app, message(expert.email, address, "One more thing."))
    assert code == 67 and count(Contribution) == 1


def test_decline_on_the_first_line_declines_with_the_reason(app, make_query, make_user):
    expert = make_user("expert")
    make_query(status="routed", experts=[expert])
    address = reply_to(expert, "asked to answer")
    code, _line = receive(app, message(expert.email, address,
                                       "Decline: I am travelling until January.\n\nSorry."))
    assert code == 0
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.status == "declined"
    assert assignment.decline_reason == "I am travelling until January.\nSorry."
    assert count(Contribution) == 0


def test_an_invitation_withdrawn_takes_no_reply(app, make_query, make_user):
    expert = make_user("expert")
    query = make_query(status="routed", experts=[expert])
    address = reply_to(expert, "asked to answer")
    qs.close_query(make_user("facilitator"), query, "out_of_scope")
    db.session.commit()
    code, _line = receive(app, message(expert.email, address, "My answer."))
    assert code == 67 and count(Contribution) == 0


# --- staff on a thread, and follow-ups ----------------------------------------------------------

def test_staffs_reply_on_a_contribution_adds_an_internal_note(app, make_query, make_user):
    facilitator = make_user("facilitator")
    expert = make_user("expert")
    # Staff get contributions in the daily digest unless they choose otherwise; a digest
    # is about many queries and carries no reply address.
    set_preferences(facilitator, facilitator, {"contribution_added": "immediate"})
    query = make_query(status="synthesis", experts=[expert], facilitator=facilitator)
    address = reply_to(facilitator, "contributed")
    code, _line = receive(app, message(facilitator.email, address, "Ask Kofi about Yei."))
    assert code == 0
    note = db.session.scalars(select(Message).where(Message.purpose == "note")).one()
    assert note.visibility == "internal" and note.author_id == facilitator.id
    assert events(query, "note_added")[0].data["origin"] == "email"
    # An expert cannot use the facilitator's address.
    assert receive(app, message(expert.email, address, "Me too."))[0] == 67


def test_staffs_reply_on_a_clarification_thread_writes_to_the_requester(
        app, make_query, make_user):
    facilitator = make_user("facilitator")
    set_preferences(facilitator, facilitator, {"clarification_answered": "immediate"})
    query = make_query(status="clarification", facilitator=facilitator)
    qs.reply_to_clarification(query.requester, query, "Juba.")
    db.session.commit()
    address = reply_to(facilitator, "replied")
    code, _line = receive(app, message(facilitator.email, address, "Which year?"))
    assert code == 0
    query = db.session.get(FieldQuery, query.id)
    assert query.status == "clarification"
    asked = db.session.scalars(select(Message).where(Message.purpose == "clarification")
                               .order_by(Message.id.desc())).first()
    assert asked.body == "Which year?" and asked.visibility == "public"


def test_the_requesters_reply_to_a_publication_is_a_follow_up_to_the_facilitators(
        app, make_query, make_user):
    facilitator = make_user("facilitator")
    query = make_query(status="published", facilitator=facilitator)
    address = reply_to(query.requester, "published")
    code, _line = receive(app, message(query.requester.email, address,
                                       "Does this hold for Yei too?"))
    assert code == 0
    follow_up = db.session.scalars(select(Message).where(Message.purpose == "follow_up")).one()
    assert follow_up.visibility == "public" and follow_up.author_id == query.requester_id
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == facilitator.id, Notification.kind == "follow_up")) == 1
    assert events(query, "follow_up_added")[0].data["origin"] == "email"


def test_only_the_requester_is_offered_a_follow_up_address(app, make_query, make_user):
    expert = make_user("expert")
    make_query(status="published", experts=[expert])
    told = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.user_id == expert.id, OutboundEmail.subject.like("%published%"))).one()
    assert told.reply_to is None


# --- new queries by mail ---------------------------------------------------------------------

def test_mail_to_the_intake_address_from_a_member_becomes_a_submitted_query(
        app, make_user, clock):
    member = make_user("member")
    facilitator = make_user("facilitator")
    raw = message(f"Amina <{member.email}>", INTAKE, "How did others vet police recruits?",
                  subject="Vetting police recruits",
                  attachments=[("brief.pdf", PDF, "application/pdf")])
    code, line = receive(app, raw)
    assert code == 0 and "submitted" in line
    query = db.session.scalars(select(FieldQuery)).one()
    assert (query.title, query.question, query.status, query.confidentiality,
            query.priority, query.country, query.themes) == (
        "Vetting police recruits", "How did others vet police recruits?", "submitted",
        "restricted", "normal", None, [])
    assert query.requester_id == member.id and query.channel == "email"  # for the reports
    assert [a.filename for a in query.attachments] == ["brief.pdf"]
    assert events(query, "submitted")[0].data["origin"] == "email"
    ack = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.recipient == member.email)).one()
    assert query.reference in ack.subject and query.reference in ack.text_body
    assert query.triage_due_at is not None
    assert "A facilitator looks at it by" in ack.text_body
    # Triage sets the country and themes.
    qs.edit_query(facilitator, query, {"country": "SS", "themes": ["vetting"]})
    db.session.commit()
    assert query.country == "SS" and [t.slug for t in query.themes] == ["vetting"]


def test_mail_from_an_unknown_address_stores_nothing_and_is_answered_once_a_day(
        app, make_user, clock):
    def polite_answers():
        return db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.recipient == "stranger@elsewhere.example")).all()

    raw = message("stranger@elsewhere.example", INTAKE, "A question.", subject="Hello")
    before = stored()
    code, line = receive(app, raw)
    assert code == 67 and "no active account" in line
    assert stored() == before and len(polite_answers()) == 1
    assert "stranger" not in db.session.scalar(select(MailRefusal.address_hash))
    clock.advance(timedelta(hours=20))
    assert receive(app, raw)[0] == 67
    assert len(polite_answers()) == 1
    clock.advance(timedelta(hours=5))
    assert receive(app, raw)[0] == 67
    assert len(polite_answers()) == 2


def test_mail_from_an_inactive_member_is_refused(app, make_user):
    member = make_user("member")
    member.active = False
    db.session.commit()
    code, _line = receive(app, message(member.email, INTAKE, "Q?", subject="Q"))
    assert code == 67 and count(FieldQuery) == 0


def test_mail_to_no_reachback_address_is_refused(app, make_user):
    member = make_user("member")
    code, _line = receive(app, message(member.email, "someone@example.org", "Hi"))
    assert code == 67 and count(FieldQuery) == 0


# --- loops and noise ----------------------------------------------------------------------

@pytest.mark.parametrize("sender,headers", [
    ("member", {"Auto-Submitted": "auto-replied"}),
    ("member", {"Auto-Submitted": "auto-generated"}),
    ("member", {"Precedence": "bulk"}),
    ("member", {"Precedence": "list"}),
    ("member", {"Precedence": "junk"}),
    ("MAILER-DAEMON@mx.example.org", {}),
    ("rb@example.org", {}),  # Reachback's own sender
    (INTAKE, {}),
])
def test_noise_is_ignored_with_exit_0_and_nothing_stored(app, make_query, sender, headers):
    query = make_query(status="clarification")
    address = sender if "@" in sender else query.requester.email
    before = stored()
    code, line = receive(app, message(address, reply_to(query.requester, "clarif"),
                                      "Out of office until Monday.", headers=headers))
    assert code == 0 and line.startswith("ignored")
    assert stored() == before
    assert db.session.get(FieldQuery, query.id).status == "clarification"


def test_auto_submitted_no_is_a_person_writing(app, make_query):
    query = make_query(status="clarification")
    raw = message(query.requester.email, reply_to(query.requester, "clarif"), "Juba.",
                  headers={"Auto-Submitted": "no"})
    assert receive(app, raw)[0] == 0
    assert db.session.get(FieldQuery, query.id).status == "submitted"


def bounce(recipient: str, action: str = "failed") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: rb@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--B--\r\n").encode()


def test_a_bounce_marks_the_address_and_shows_on_the_outbox(app, make_user, signed_in):
    member = make_user("member")
    code, line = receive(app, bounce(member.email.upper()))
    assert code == 0 and member.email in line
    row = db.session.get(MailBounce, member.email)
    assert row.count == 1 and "550 5.1.1" in row.diagnostic
    assert receive(app, bounce(member.email))[0] == 0
    assert db.session.get(MailBounce, member.email).count == 2
    # A delay is no bounce.
    assert receive(app, bounce("late@example.org", "delayed"))[0] == 0
    assert db.session.get(MailBounce, "late@example.org") is None
    page = signed_in(make_user("admin")).get("/admin/outbox")
    assert page.status_code == 200
    assert "Bouncing addresses" in page.text and member.email in page.text
    assert count(FieldQuery) == 0 and count(User) == 2


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"Subject: no sender\r\n\r\nHello\r\n",
                                 b"\x00\xff\xfe binary garbage"])
def test_an_unparsable_message_exits_65(app, raw):
    code, line = receive(app, raw)
    assert code == 65 and line.startswith("unparsable")


def test_the_envelope_recipient_option_routes_the_message(app, make_query):
    query = make_query(status="clarification")
    raw = message(query.requester.email, "undisclosed-recipients:;", "Juba.")
    code, _line = receive(app, raw, "--recipient", reply_to(query.requester, "clarif"))
    assert code == 0


def test_the_timeline_says_which_actions_came_by_email(app, make_query, signed_in):
    query = make_query(status="clarification")
    receive(app, message(query.requester.email, reply_to(query.requester, "clarif"), "Juba."))
    page = signed_in(query.requester).get(f"/queries/{query.reference}")
    assert page.text.count("(by e-mail)") == 1


def test_a_query_sent_by_mail_shows_and_is_triaged_on_the_site(app, make_user, signed_in):
    """No country and no themes yet: every page shows it, and triage sets them there."""
    member, facilitator = make_user("member"), make_user("facilitator")
    receive(app, message(member.email, INTAKE, "How?", subject="Vetting by mail"))
    query = db.session.scalars(select(FieldQuery)).one()
    staff = signed_in(facilitator)
    for path in (f"/queries/{query.reference}", "/triage", f"/queries/{query.reference}/edit",
                 f"/queries/{query.reference}/route", "/queries/mine"):
        web = signed_in(member) if path == "/queries/mine" else staff
        page = web.get(path)
        assert page.status_code == 200 and "Vetting by mail" in page.text, path
    assert "(by e-mail)" in staff.get(f"/queries/{query.reference}").text
    _token, secret = create_token(facilitator, "test")
    db.session.commit()
    api = app.test_client().get(f"/api/v1/queries/{query.reference}",
                                headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.get_json()["country"] is None
    qs.edit_query(facilitator, query, {"country": "SS", "themes": ["vetting"]})
    db.session.commit()
    assert "South Sudan" in staff.get(f"/queries/{query.reference}").text
