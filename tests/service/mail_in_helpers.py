"""Helpers of the mail-in tests: messages as a mail client writes them, `reachback mail
receive` run on them, the reply address of a notification's e-mail."""
from email.message import EmailMessage
from email.utils import make_msgid

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from reachback.cli import main
from reachback.extensions import db
from reachback.notify.models import OutboundEmail

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def message(sender, to, body="Thanks.", subject="Re: your query", headers=None,
            attachments=(), html=None) -> bytes:
    """A message as a mail client sends it; attachments: (name, bytes, "type/subtype")."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None and body is None:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def quoted(new_text: str, original: str = "Which districts?") -> str:
    """A reply as clients write it: new text, a signature, then the quoted original."""
    quote = "\n".join(f"> {line}" for line in original.splitlines())
    return (f"{new_text}\n\n-- \nAmina Yusuf\nUNMISS Civil Affairs\n\n"
            f"On Mon, 23 Nov 2026 at 09:00, Reachback <reachback@example.org> wrote:\n"
            f"{quote}\n")


def receive(app, raw: bytes, *options) -> tuple[int, str]:
    """`reachback mail receive` on `raw`: (exit status, the line it printed)."""
    result = CliRunner().invoke(main, ["mail", "receive", *options], input=raw,
                                obj=ScriptInfo(create_app=lambda: app))
    db.session.expire_all()  # the command worked in its own session
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    return result.exit_code, result.output.strip()


def reply_to(user, kind_word: str = "") -> str:
    """The Reply-To of the latest e-mail queued for `user` (whose subject holds kind_word)."""
    rows = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.user_id == user.id).order_by(OutboundEmail.id.desc())).all()
    row = next(r for r in rows if kind_word in r.subject and r.reply_to)
    return row.reply_to
