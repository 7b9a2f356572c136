"""E-mails and notices in each recipient's language (their choice, else DEFAULT_LANGUAGE):
the subject and bodies, the dates (their time zone too), the outbox row's language and the
Content-Language header of the message sent."""
from datetime import UTC, datetime, timedelta
from functools import partial
from types import SimpleNamespace

from flask_babel import lazy_gettext

from reachback.extensions import db
from reachback.notify import jobs
from reachback.notify.services import notify, set_preferences, written_for
from reachback.sla.jobs import answer_text
from tests.service.test_outbox import outbox, smtp  # noqa: F401  (smtp: a fixture)


def test_a_french_members_notification_email_is_french_with_its_header(app, make_user, smtp):  # noqa: F811
    smtp.start()
    french, english = make_user(language="fr"), make_user()
    notify([french, english], "closed", lazy_gettext("Your query is closed"))
    db.session.commit()
    [to_french] = outbox(recipient=french.email)
    [to_english] = outbox(recipient=english.email)
    assert (to_french.language, to_english.language) == ("fr", "en")
    assert to_french.subject == "[Reachback] Votre requête est clôturée"
    assert to_english.subject == "[Reachback] Your query is closed"
    assert jobs.deliver_outbox() == 2
    received = {m["To"]: m for m in smtp.sink.messages}
    message = received[french.email]
    assert message["Content-Language"] == "fr"
    assert received[english.email]["Content-Language"] == "en"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Bonjour {french.name}," in text and "Votre requête est clôturée" in text
    assert "L’ouvrir dans Reachback :" in text and "Hello" not in text
    assert '<html lang="fr">' in html and "modifiez-les" in html


def test_a_notice_is_stored_in_its_readers_language(app, make_user):
    from reachback.notify.models import Notification

    spanish = make_user(language="es")
    notify([spanish], "closed", lazy_gettext("Your query is closed"))
    db.session.commit()
    [note] = db.session.query(Notification).filter_by(user_id=spanish.id).all()
    assert note.text == "Su consulta está cerrada"


def test_an_sla_notice_gives_the_due_time_in_the_readers_language_and_zone(app, make_user):
    query = SimpleNamespace(reference="RB-2026-0042")
    due = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    text = partial(answer_text, "breach", query, due)
    french = make_user(language="fr", timezone="Africa/Juba")
    english = make_user(timezone="UTC")
    assert written_for(french, text) == \
        "Votre réponse à RB-2026-0042 est en retard (l’échéance était le 23 nov. 2026, 14:00 CAT)."
    assert written_for(english, text) == \
        "Your answer to RB-2026-0042 is overdue (it was due 23 Nov 2026, 12:00 UTC)."


def test_a_french_digest(app, make_user, clock):
    user = make_user("expert", language="fr")
    set_preferences(user, user, {"assigned": "digest"})
    db.session.commit()
    notify([user], "assigned", lazy_gettext("You are asked to answer a query"))
    db.session.commit()
    clock.advance(timedelta(hours=1))
    assert jobs.send_digests() == 1
    [digest] = outbox(dedupe_key=f"digest:{user.id}:{clock.now.date()}")
    assert digest.language == "fr"
    assert digest.subject == "[Reachback] Votre récapitulatif quotidien : 1 notification"
    assert f"Bonjour {user.name}," in digest.text_body
    assert "Votre récapitulatif Reachback du 23 nov. 2026 : 1 notification non lue." \
        in digest.text_body
    assert "On vous demande de répondre à une requête" in digest.text_body
    assert "modifiez-les ici :" in digest.text_body and "Hello" not in digest.text_body
    assert '<html lang="fr">' in digest.html_body


def test_a_password_reset_for_a_spanish_member_is_written_in_spanish(app, make_user):
    from reachback.accounts.resets import request_reset

    member = make_user(language="es")
    request_reset(member.email)
    [mail] = outbox(recipient=member.email)
    assert mail.language == "es"
    assert f"Hola, {member.name}:" in mail.text_body and "Elíjala aquí" in mail.text_body
    assert '<html lang="es">' in mail.html_body
