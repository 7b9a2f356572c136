"""The `mail-in` job: poll an IMAP mailbox (when MAIL_IMAP_HOST is set), hand each message
to handle.receive, exactly as `reachback mail receive` does, and move it to
MAIL_IMAP_PROCESSED_FOLDER once its outcome is committed.

Nothing is handled twice: a handled message leaves the polled folder (UID MOVE, or COPY +
\\Deleted + EXPUNGE of that UID alone on a server without MOVE), so a restart finds only
what is left; two scheduler processes never poll together (the scheduler's lease); and a
message whose handling fails on an error of ours stays in the folder for the next run."""
import imaplib
import logging
import ssl

from ..config import setting
from .handle import receive

log = logging.getLogger(__name__)
BATCH = 50  # messages per run: a flood waits for the next runs rather than hold the lease


class ImapError(RuntimeError):
    pass


def _check(result, what: str):
    status, data = result
    if status != "OK":
        raise ImapError(f"IMAP {what} failed: {data!r}")
    return data


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect() -> imaplib.IMAP4:
    host, port = setting("MAIL_IMAP_HOST"), setting("MAIL_IMAP_PORT")
    timeout = setting("MAIL_TIMEOUT")
    if setting("MAIL_IMAP_USE_SSL"):
        conn = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(),
                                 timeout=timeout)
    else:
        conn = imaplib.IMAP4(host, port, timeout=timeout)
        if "STARTTLS" in conn.capabilities:
            conn.starttls(ssl_context=ssl.create_default_context())
    try:
        _check(conn.login(setting("MAIL_IMAP_USER"), setting("MAIL_IMAP_PASSWORD")), "LOGIN")
    except BaseException:
        conn.shutdown()
        raise
    return conn


def poll_mailbox() -> str:
    """Handle what waits in the folder; returns what was done, in one line."""
    if not setting("MAIL_IMAP_HOST"):
        return "no IMAP mailbox (MAIL_IMAP_HOST is empty)"
    folder, done_folder = setting("MAIL_IMAP_FOLDER"), setting("MAIL_IMAP_PROCESSED_FOLDER")
    conn = connect()
    counts: dict[int, int] = {}
    try:
        conn.create(_quote(done_folder))  # "already exists" is fine
        _check(conn.select(_quote(folder)), f"SELECT {folder}")
        uids = _check(conn.uid("SEARCH", None, "ALL"), "SEARCH")[0].split()[:BATCH]
        can_move = "MOVE" in conn.capabilities
        for uid in uids:
            data = _check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:  # gone meanwhile
                continue
            outcome = receive(raw)
            counts[outcome.code] = counts.get(outcome.code, 0) + 1
            log.info("IMAP message %s: %s", uid.decode(), outcome.line)
            _move(conn, uid, done_folder, can_move)
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    if not counts:
        return f"no message in {folder}"
    handled = counts.get(0, 0)
    refused = sum(n for code, n in counts.items() if code != 0)
    return f"{handled} handled or ignored, {refused} refused; moved to {done_folder}"


def _move(conn, uid: bytes, folder: str, can_move: bool) -> None:
    if can_move:
        _check(conn.uid("MOVE", uid, _quote(folder)), "MOVE")
        return
    _check(conn.uid("COPY", uid, _quote(folder)), "COPY")
    _check(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
    if "UIDPLUS" in conn.capabilities:
        _check(conn.uid("EXPUNGE", uid), "UID EXPUNGE")
    else:
        _check(conn.expunge(), "EXPUNGE")
