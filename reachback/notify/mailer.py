"""Mail backends: `file` (.eml files under <instance>/mail/, the development default) and
`smtp`. Only the delivery job (reachback.notify.jobs.deliver_outbox) calls them."""
import html
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app

from ..config import setting  # the MAIL_* settings: see reachback/settings.toml


class DeliveryError(Exception):
    """A message could not be handed over; `permanent` ones are not retried."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class ConnectError(DeliveryError):
    """The mail server cannot be reached: every other message of the batch would fail too."""


def has_line_break(value: str) -> bool:
    return any(c in (value or "") for c in "\r\n")


# The headers an outbox row may carry beside the ones build_message writes itself.
# (Reply-To has a column of its own: outbound_emails.reply_to.)
EXTRA_HEADERS = ("In-Reply-To", "References", "List-Id", "List-Unsubscribe",
                 "List-Unsubscribe-Post", "Auto-Submitted", "Precedence",
                 "X-Auto-Response-Suppress")


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def text_as_html(text: str) -> str:
    """An HTML part for a message that has only text: the text, escaped, lines kept."""
    return ('<!doctype html><html><body><div style="font-family:sans-serif;'
            'white-space:pre-wrap">' + html.escape(text or "") + "</div></body></html>")


def build_message(email, sender: str) -> EmailMessage:
    """A multipart/alternative MIME message: the plain text and its HTML (made from the
    text when the row has none); the Message-ID fixed when the row was queued; the row's
    extra headers (threading, List-Unsubscribe...). Content-Language names the language
    the outbox row was written in."""
    headers = dict(getattr(email, "headers", None) or {})
    unknown = [name for name in headers if name not in EXTRA_HEADERS]
    if unknown or any(has_line_break(str(v)) for v in headers.values()):
        raise DeliveryError(f"header not allowed: {unknown or 'line break'}", permanent=True)
    if has_line_break(email.recipient) or has_line_break(sender):
        raise DeliveryError("line break in an address header", permanent=True)
    message_id = getattr(email, "message_id", None)
    if not message_id or has_line_break(message_id):
        message_id = make_msgid(f"outbox{email.id}", domain=sender_domain(sender))
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = email.recipient
    msg["Subject"] = " ".join((email.subject or "").split())
    msg["Date"] = format_datetime(email.created_at)
    msg["Message-ID"] = message_id
    for name in EXTRA_HEADERS:
        if headers.get(name):
            msg[name] = str(headers[name])
    reply_to = getattr(email, "reply_to", None)  # an answer by e-mail: reachback.mailin
    if reply_to and not has_line_break(reply_to):
        msg["Reply-To"] = reply_to
    msg.set_content(email.text_body or "")
    msg.add_alternative(email.html_body or text_as_html(email.text_body), subtype="html")
    language = getattr(email, "language", None)
    if language and not has_line_break(language):  # after the content: set_content clears
        msg["Content-Language"] = language           # the Content-* headers
    return msg


class FileBackend:
    """Writes one `.eml` file per message (named by outbox id, so a retry overwrites)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, email, message: EmailMessage) -> None:
        path = self.folder / f"{email.created_at:%Y%m%d-%H%M%S}-{email.id:08d}.eml"
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_bytes(message.as_bytes())
            os.replace(tmp, path)
        except OSError as e:
            raise DeliveryError(f"cannot write {path.name}: {e}") from e


class SmtpBackend:
    """One SMTP connection per batch, opened on the first message."""

    def __init__(self, host, port, use_tls=False, use_ssl=False, username="", password="",
                 timeout=10):
        self.host, self.port, self.timeout = host, int(port), timeout
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _connect(self):
        try:
            if self.use_ssl:
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.use_tls and not self.use_ssl:
                    conn.starttls(context=ssl.create_default_context())
                if self.username:
                    conn.login(self.username, self.password)
            except BaseException:
                conn.close()
                raise
        except (OSError, smtplib.SMTPException) as e:
            raise ConnectError(f"cannot connect to {self.host}:{self.port}: {e}") from e
        return conn

    def send(self, email, message: EmailMessage) -> None:
        if self.conn is None:
            self.conn = self._connect()
        try:
            refused = self.conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as e:
            raise DeliveryError(f"recipient refused: {e.recipients}", permanent=True) from e
        except smtplib.SMTPResponseException as e:
            permanent = 500 <= e.smtp_code < 600
            if not permanent:
                self.close()
            raise DeliveryError(f"{e.smtp_code} {e.smtp_error!r}", permanent=permanent) from e
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            raise DeliveryError(str(e) or e.__class__.__name__) from e
        if refused:
            raise DeliveryError(f"recipient refused: {refused}", permanent=True)

    def close(self):
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def get_backend():
    """The backend named by MAIL_BACKEND (`file` or `smtp`)."""
    name = setting("MAIL_BACKEND")
    if name == "file":
        return FileBackend(Path(current_app.instance_path) / "mail")
    if name == "smtp":
        return SmtpBackend(
            setting("MAIL_SERVER"), setting("MAIL_PORT"), use_tls=setting("MAIL_USE_TLS"),
            use_ssl=setting("MAIL_USE_SSL"), username=setting("MAIL_USERNAME"),
            password=setting("MAIL_PASSWORD"), timeout=setting("MAIL_TIMEOUT"),
        )
    raise RuntimeError(f"Unknown MAIL_BACKEND {name!r}: use 'file' or 'smtp'")
