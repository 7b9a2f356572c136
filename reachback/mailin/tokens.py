"""Reply addresses: reply-<query>-<user>-<purpose>-<signature>@<MAIL_REPLY_DOMAIN>.

The signature is an HMAC-SHA256 of the three numbers and the purpose under the app's
SECRET_KEY (in lower-case base32, since mail servers may fold the case of a local part): it
cannot be guessed or forged, and an address made for one person, query or purpose says
nothing about another. What the address allows is decided when a reply arrives (handle.py):
only from the address it was sent to, only while its action is open."""
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app

from ..config import setting

# The purpose of a reply address: what a reply to it does (handle.py).
PURPOSES = {
    "c": "clarification",  # the requester answers a request for clarification
    "i": "invitation",     # an expert accepts (answers) or declines an invitation
    "n": "note",           # staff add an internal note on a contribution's thread
    "m": "message",        # staff write to the requester on a clarification's thread
    "p": "publication",    # the requester follows up on a published response
    "d": "discussion",     # a participant posts in an e-discussion (its id in the query's place)
}
CODES = {name: code for code, name in PURPOSES.items()}
# The notifications whose e-mail expects an answer, and the purpose of their reply address.
REPLY_KINDS = {
    "clarification_requested": "clarification",
    "assigned": "invitation",
    "contribution_added": "note",
    "assignment_declined": "note",
    "clarification_answered": "message",
    "response_published": "publication",
}
LOCAL = re.compile(r"reply-(\d{1,10})-(\d{1,10})-([a-z])-([a-z2-7]{32})")
SALT = b"reachback-mail-reply-v1"


@dataclass(frozen=True)
class ReplyToken:
    query_id: int
    user_id: int
    purpose: str  # a value of PURPOSES


def reply_domain() -> str:
    """MAIL_REPLY_DOMAIN, else the domain of MAIL_SENDER."""
    domain = (setting("MAIL_REPLY_DOMAIN") or "").strip().lower()
    return domain or parseaddr(setting("MAIL_SENDER"))[1].rpartition("@")[2].lower() \
        or "localhost"


def _signature(query_id: int, user_id: int, code: str) -> str:
    key = hashlib.sha256(SALT + str(current_app.config["SECRET_KEY"]).encode()).digest()
    mac = hmac.new(key, f"{query_id}-{user_id}-{code}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:20]).decode().lower()


def reply_address(query, user, purpose: str) -> str:
    """The Reply-To of an e-mail to `user` about `query` (an object or an id) that expects
    an answer of this purpose (a value of PURPOSES)."""
    query_id = query if isinstance(query, int) else query.id
    user_id = user if isinstance(user, int) else user.id
    code = CODES[purpose]
    return f"reply-{query_id}-{user_id}-{code}-{_signature(query_id, user_id, code)}" \
           f"@{reply_domain()}"


def is_reply_address(address: str) -> bool:
    """Shaped like a reply address (signed or not): mail from one is never handled."""
    return bool(LOCAL.fullmatch(address.rpartition("@")[0].lower()))


def read_reply_address(address: str) -> ReplyToken | None:
    """The token of a genuine reply address, or None (not one, or a signature that does not
    match: forged or altered)."""
    match = LOCAL.fullmatch((address or "").strip().lower().rpartition("@")[0])
    if match is None or match.group(3) not in PURPOSES:
        return None
    query_id, user_id, code, signature = int(match[1]), int(match[2]), match[3], match[4]
    if not hmac.compare_digest(signature, _signature(query_id, user_id, code)):
        return None
    return ReplyToken(query_id, user_id, PURPOSES[code])
