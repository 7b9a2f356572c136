"""The `mail-in` job against a real IMAP server: Debian's dovecot, started by .ci/dovecot.sh
(as PostgreSQL by .ci/postgres.sh). Each test polls folders of its own."""
import imaplib
import os
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from reachback.cli import main
from reachback.extensions import db
from reachback.mailin.jobs import poll_mailbox
from reachback.queries.models import FieldQuery, Message
from reachback.scheduler import LeaseHeld, acquire_lease, find_job, run_once
from tests.service.mail_in_helpers import message, reply_to

ROOT = Path(__file__).resolve().parents[2]
INTAKE = "ask@reachback.example"
UNAVAILABLE = 3  # .ci/dovecot.sh: the package cannot be had on this machine


@pytest.fixture(scope="session")
def imap_url():
    """REACHBACK_TEST_IMAP_URL (`make test` starts the server), else the script's URL. A
    server that does not start fails the tests; only a package that cannot be installed
    here skips them, saying so."""
    url = os.environ.get("REACHBACK_TEST_IMAP_URL")
    if url:
        return url
    done = subprocess.run([str(ROOT / ".ci" / "dovecot.sh")], capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode == UNAVAILABLE:
        pytest.skip(f"NOT TESTED against IMAP: {done.stderr.strip()}")
    if done.returncode != 0:
        pytest.fail(f".ci/dovecot.sh failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def mailbox(app, imap_url):
    """The app polls a folder of this test's own; `mailbox.put(raw)` delivers a message,
    `mailbox.count(folder)` counts one folder's."""
    parts = urlsplit(imap_url)
    suffix = uuid.uuid4().hex[:10]
    folder, done = f"in-{suffix}", f"done-{suffix}"
    app.config.update(MAIL_IMAP_HOST=parts.hostname, MAIL_IMAP_PORT=parts.port,
                      MAIL_IMAP_USER=parts.username, MAIL_IMAP_PASSWORD=parts.password,
                      MAIL_IMAP_USE_SSL=False, MAIL_IMAP_FOLDER=folder,
                      MAIL_IMAP_PROCESSED_FOLDER=done, MAIL_INTAKE_ADDRESS=INTAKE)

    class Box:
        def __init__(self):
            self.conn = imaplib.IMAP4(parts.hostname, parts.port)
            self.conn.login(parts.username, parts.password)
            self.conn.create(folder)
            self.folder, self.done = folder, done

        def put(self, raw: bytes):
            status, _ = self.conn.append(folder, None, None, raw.replace(b"\n", b"\r\n")
                                         if b"\r\n" not in raw else raw)
            assert status == "OK"

        def count(self, name: str) -> int:
            status, data = self.conn.status(name, "(MESSAGES)")
            if status != "OK":
                return 0
            return int(data[0].decode().rsplit("MESSAGES", 1)[1].strip(" )"))

    box = Box()
    yield box
    for name in (folder, done):
        box.conn.delete(name)
    box.conn.logout()


def run_mail_in():
    """`reachback jobs run mail-in`: under the lease, which is taken on a connection of its
    own (the test's session ends its transaction first, as a fresh command has none)."""
    db.session.commit()
    return run_once(find_job("mail-in"))


def jobs_run(app, name) -> str:
    db.session.commit()
    result = CliRunner().invoke(main, ["jobs", "run", name],
                                obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_the_job_does_nothing_without_a_host(app):
    assert jobs_run(app, "mail-in") == \
        "mail-in ran: no IMAP mailbox (MAIL_IMAP_HOST is empty)."


def test_jobs_run_mail_sends_the_queued_email_and_says_how_many(app, make_query):
    make_query(status="clarification")  # the requester is asked: one e-mail queued
    assert jobs_run(app, "mail") == "mail ran: 1 e-mail(s) sent."
    assert jobs_run(app, "mail") == "mail ran: 0 e-mail(s) sent."


def test_the_job_handles_each_message_once_and_moves_it(app, mailbox, make_user, make_query):
    member = make_user("member")
    query = make_query(status="clarification")
    mailbox.put(message(member.email, INTAKE, "How did others do it?", subject="Vetting"))
    mailbox.put(message(query.requester.email, reply_to(query.requester, "clarif"), "Juba."))
    mailbox.put(message("stranger@elsewhere.example", INTAKE, "Hello", subject="Hi"))
    mailbox.put(message(member.email, INTAKE, "Away", subject="Out of office",
                        headers={"Auto-Submitted": "auto-replied"}))

    result = run_mail_in()
    assert result == f"3 handled or ignored, 1 refused; moved to {mailbox.done}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(FieldQuery.id))) == 2
    assert db.session.get(FieldQuery, query.id).status == "submitted"
    assert (mailbox.count(mailbox.folder), mailbox.count(mailbox.done)) == (0, 4)

    # A restart (or another run) finds nothing left: nothing is handled twice.
    assert run_mail_in() == f"no message in {mailbox.folder}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(FieldQuery.id))) == 2
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.purpose == "reply")) == 1


def test_a_second_scheduler_does_not_poll_while_the_first_holds_the_lease(
        app, mailbox, make_user):
    member = make_user("member")
    mailbox.put(message(member.email, INTAKE, "Q?", subject="Q"))
    db.session.commit()
    assert acquire_lease("the-other-scheduler", timedelta(minutes=5))
    with pytest.raises(LeaseHeld):
        run_mail_in()
    assert mailbox.count(mailbox.folder) == 1
    assert db.session.scalar(select(func.count(FieldQuery.id))) == 0


def test_a_failure_of_ours_leaves_the_message_for_the_next_run(app, mailbox, make_user,
                                                               monkeypatch):
    member = make_user("member")
    mailbox.put(message(member.email, INTAKE, "Q?", subject="Q"))

    def broken(raw, recipients=()):
        raise RuntimeError("database down")

    monkeypatch.setattr("reachback.mailin.jobs.receive", broken)
    with pytest.raises(RuntimeError):
        poll_mailbox()
    assert (mailbox.count(mailbox.folder), mailbox.count(mailbox.done)) == (1, 0)
    monkeypatch.undo()
    time.sleep(0.05)
    assert poll_mailbox().startswith("1 handled")
    assert (mailbox.count(mailbox.folder), mailbox.count(mailbox.done)) == (0, 1)
