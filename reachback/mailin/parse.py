"""Reading one RFC 5322 message: who sent it, to which addresses, whether it is noise (an
auto-reply, a list, a bounce), its new text without quotes and signature (mail-parser-reply),
and its attachments. Nothing here touches the database."""
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3

# Quote headers and signatures are recognised in these languages (mail-parser-reply's codes).
REPLY_LANGUAGES = ["en", "fr", "es", "de", "it", "nl", "pt"]
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
DAEMONS = ("mailer-daemon", "postmaster")
NOISY_PRECEDENCE = ("bulk", "list", "junk")


class Unparsable(Exception):
    """Not a message we can read (no headers, no sender address)."""


@dataclass
class Bounce:
    address: str
    diagnostic: str


@dataclass
class Incoming:
    sender: str                      # the From address, lower case
    recipients: list[str]            # every address it was sent to, lower case
    subject: str
    text: str                        # the new text: quotes and signature stripped
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    noise: str | None = None         # why it is ignored (auto-reply, list, daemon)
    bounces: list[Bounce] | None = None  # a delivery status notification's failed recipients


def _address(value) -> str:
    return parseaddr(str(value or ""))[1].strip().lower()


def parse(raw: bytes, recipients=()) -> Incoming:
    """Read `raw`; `recipients`: the envelope's, when the MTA gives them. Raises Unparsable."""
    if not raw or not raw.strip():
        raise Unparsable("empty message")
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        sender = _address(msg.get("From"))
        subject = " ".join(str(msg.get("Subject") or "").split())
    except (MessageError, ValueError, TypeError, IndexError) as e:
        raise Unparsable(f"unreadable headers: {e}") from e
    if not msg.keys() or "@" not in sender:
        raise Unparsable("no sender address (From)")
    found = [a.lower() for _, a in getaddresses(
        [str(v) for h in RECIPIENT_HEADERS for v in msg.get_all(h, [])]) if "@" in a]
    found += [r.strip().lower() for r in recipients if r and "@" in r]
    incoming = Incoming(sender=sender, recipients=list(dict.fromkeys(found)), subject=subject,
                        text="")
    incoming.bounces = _bounces(msg)
    if incoming.bounces is None:
        incoming.noise = _noise(msg, sender)
        if incoming.noise is None:
            incoming.text = new_text(_body(msg))
            incoming.attachments = _attachments(msg)
    return incoming


def _noise(msg: EmailMessage, sender: str) -> str | None:
    auto = str(msg.get("Auto-Submitted") or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(msg.get("Precedence") or "").strip().lower()
    if precedence in NOISY_PRECEDENCE:
        return f"Precedence: {precedence}"
    if sender.partition("@")[0] in DAEMONS:
        return f"from {sender}"
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("List-Id"):
        return "an automatic or list message"
    return None


def _bounces(msg: EmailMessage) -> list[Bounce] | None:
    """The failed recipients of a delivery status notification (RFC 3464: multipart/report;
    report-type=delivery-status), or None for any other message."""
    if msg.get_content_type() != "multipart/report" or \
            str(msg.get_param("report-type", "")).lower() != "delivery-status":
        return None
    bounces = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # Its payload: a per-message block then one block per recipient, as header blocks.
        for block in part.get_payload():
            action = str(block.get("Action") or "").strip().lower()
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient")
                            or "")
            address = recipient.partition(";")[2].strip().strip("<>").lower()
            if action == "failed" and "@" in address:
                diagnostic = " ".join(f"{block.get('Status') or ''} "
                                      f"{block.get('Diagnostic-Code') or ''}".split())
                bounces.append(Bounce(address, diagnostic[:500]))
    return bounces


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return content


BLOCK_ENDS = re.compile(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6]|blockquote)>")


def html_to_text(page: str) -> str:
    """The text of an HTML-only message, paragraphs kept (quoted blocks go with the quote)."""
    page = re.sub(r"(?is)<blockquote.*?</blockquote>", "", page)
    page = BLOCK_ENDS.sub(lambda m: "\n" if m.group(0).lower().startswith("<br") else "\n\n",
                          page)
    text = html.unescape(nh3.clean(page, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines()))


def new_text(body: str) -> str:
    """What the writer added: the quoted message ("On ... wrote:", "> ...") and the
    signature left out, by mail-parser-reply (maintained, many languages)."""
    # Imported here: only the mail-in job parses replies, not every web worker (~3 MB).
    from mailparser_reply import EmailReplyParser

    body = body.replace("\r\n", "\n").replace("\x00", "")
    try:
        replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text=body).replies
    except Exception:  # a parser failure keeps the whole text rather than lose the reply
        return body.strip()
    text = replies[0].body if replies else body
    return (text or "").strip()


def _attachments(msg: EmailMessage) -> list[tuple[str, bytes]]:
    files = []
    for part in msg.iter_attachments():
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        data = part.get_payload(decode=True) or b""
        files.append((part.get_filename() or "attachment", data))
    return files
