"""The whole journey by e-mail alone, for the member and the expert: a query sent by mail,
the facilitator's question answered by mail, the expert's invitation answered by mail, and
the published response received by mail. Mail goes out over real SMTP (aiosmtpd) and comes
back through `reachback mail receive`, replying to the Reply-To each e-mail carries. The
facilitator works on the site (the services)."""
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from sqlalchemy import select

from reachback.extensions import db
from reachback.notify import jobs
from reachback.queries import services as qs
from reachback.queries.models import Contribution, Event, FieldQuery
from reachback.synthesis import services as ss
from tests.service.mail_in_helpers import receive
from tests.service.test_outbox import smtp  # noqa: F401  (the fixture)

INTAKE = "ask@reachback.example"


def delivered(smtp, to):  # noqa: F811
    """Deliver the outbox over SMTP; the messages `to` received since last asked."""
    jobs.deliver_outbox()
    mine = [m for m in smtp.sink.messages if parseaddr(m["To"])[1] == to]
    smtp.sink.messages = [m for m in smtp.sink.messages if m not in mine]
    return mine


def answer(received, sender, text) -> bytes:
    """A reply as a mail client writes it: to the Reply-To, quoting the original."""
    original = received.get_body(("plain",)).get_content()
    reply = EmailMessage()
    reply["From"], reply["To"] = sender, received["Reply-To"]
    reply["Subject"] = "Re: " + received["Subject"]
    reply["Message-ID"] = make_msgid(domain="client.example")
    reply["In-Reply-To"] = received["Message-ID"]
    quote = "\n".join("> " + line for line in original.splitlines())
    reply.set_content(f"{text}\n\nOn Monday, Reachback wrote:\n{quote}\n")
    return reply.as_bytes()


def test_the_whole_journey_by_email_alone(app, make_user, smtp, clock):  # noqa: F811
    app.config["MAIL_INTAKE_ADDRESS"] = INTAKE
    smtp.start()
    member, facilitator = make_user("member"), make_user("facilitator")
    expert = make_user("expert")

    # 1. The member asks by mail, and gets the reference back.
    ask = EmailMessage()
    ask["From"], ask["To"], ask["Subject"] = member.email, INTAKE, "Vetting police recruits"
    ask.set_content("How have other missions vetted police recruits?")
    assert receive(app, ask.as_bytes())[0] == 0
    query = db.session.scalars(select(FieldQuery)).one()
    [ack] = delivered(smtp, member.email)
    assert query.reference in ack["Subject"]

    # 2. The facilitator asks for clarification; the member answers by mail.
    qs.ask_clarification(facilitator, query, "Which districts?")
    db.session.commit()
    [question] = delivered(smtp, member.email)
    assert question["Reply-To"]
    assert receive(app, answer(question, member.email, "Juba and Yei."))[0] == 0
    query = db.session.get(FieldQuery, query.id)
    assert query.status == "submitted"

    # 3. Triage sets the country and themes, and routes to the expert, who answers by mail.
    qs.edit_query(facilitator, query, {"country": "SS", "themes": ["vetting"]})
    qs.assign_expert(facilitator, query, expert)
    db.session.commit()
    [invitation] = delivered(smtp, expert.email)
    assert receive(app, answer(invitation, expert.email,
                               "Liberia vetted through community hearings."))[0] == 0
    [contribution] = db.session.scalars(select(Contribution)).all()
    assert contribution.body == "Liberia vetted through community hearings."

    # 4. The facilitator publishes; the member receives the response by mail.
    query = db.session.get(FieldQuery, query.id)
    ss.save_draft(facilitator, query, "Vetting police recruits", "Community hearings work.",
                  "Liberia's experience: community hearings.")
    ss.publish_response(facilitator, query, "community")
    db.session.commit()
    [published] = delivered(smtp, member.email)
    assert query.reference in published["Subject"] and published["Reply-To"]
    assert f"/kb/{query.reference}" in published.get_body(("plain",)).get_content()

    by_mail = {e.kind for e in db.session.scalars(select(Event).where(
        Event.query_id == query.id)) if e.data.get("origin") == "email"}
    assert by_mail == {"submitted", "clarification_answered", "assignment_accepted",
                       "contribution_added"}
