"""Signed, expiring links sent by e-mail (invitations, password resets).

itsdangerous signs a small payload with the secret key and a salt per kind of link (a reset
token is never a valid invitation). The signature's timestamp comes from the application's
clock (reachback.models_base.utcnow), so that tests can move time. A signature only proves
the link is ours and recent: each kind also checks the database (an invitation row, the
password stamp) so that a link works once.
"""

from flask import current_app
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from ..models_base import utcnow
from ..notify.services import absolute_url, queue_email, render_email

MAX_TOKEN_LENGTH = 400  # ours are under 120 characters; anything longer is not ours


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"reachback-{salt}",
                                  signer=_ClockSigner)


def sign(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def unsign(salt: str, token: str, max_age_seconds: int) -> dict | None:
    """The payload of a token signed with this salt less than max_age_seconds ago; None when
    it is forged, of another kind, too old or malformed."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(salt).loads(token, max_age=max_age_seconds)
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None


def compose(template: str, path: str, **context) -> tuple[str, str]:
    """(text, html) of the e-mail carrying the link to `path` (rendered whether or not it is
    then sent: asking for a reset costs the same time for an unknown address)."""
    return render_email(template, link=absolute_url(path), **context)


def send(user, subject: str, bodies: tuple[str, str]) -> None:
    """Queue the e-mail in the outbox (sent after the commit by the delivery job)."""
    queue_email(user.email, subject, *bodies, user=user)
