"""The `reachback` command: migrations, accounts, tokens, the demo and the scheduled jobs, as
a user runs them."""
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "reachback.cli"]


@pytest.fixture
def instance(tmp_path):
    env = {**os.environ, "REACHBACK_INSTANCE_PATH": str(tmp_path / "inst"),
           "REACHBACK_ARGON2_TIME_COST": "1", "REACHBACK_ARGON2_MEMORY_KIB": "8",
           "REACHBACK_ARGON2_PARALLELISM": "1"}
    env.pop("REACHBACK_DATABASE_URL", None)

    def run(*args, stdin=None, check=True):
        result = subprocess.run([*CLI, *args], env=env, input=stdin, capture_output=True,
                                text=True, cwd=ROOT, timeout=120)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    run.path = tmp_path / "inst"
    return run


def test_upgrading_a_table_others_refer_to_keeps_their_rows(instance):
    """Migration 0015 rebuilds `users` on SQLite; with foreign keys enforced, dropping the old
    table deleted every member's roles (ON DELETE CASCADE) and unlinked their e-mails (SET
    NULL). Migrations run with them off, and check the references after."""
    instance("db", "upgrade", "0014")
    with closing(sqlite3.connect(instance.path / "reachback.db")) as db:
        db.execute("INSERT INTO users (id, email, name, timezone, language, languages, active, "
                   "created_at) VALUES (1, 'a@example.org', 'A', 'UTC', 'en', '', 1, "
                   "'2026-01-01 00:00:00')")
        db.execute("INSERT INTO user_roles (user_id, role) VALUES (1, 'facilitator')")
        db.execute("INSERT INTO outbound_emails (user_id, recipient, subject, text_body, status, "
                   "attempts, next_attempt_at, created_at) VALUES (1, 'a@example.org', 'Hi', "
                   "'Hello', 'sent', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        db.commit()
    instance("db", "upgrade")
    with closing(sqlite3.connect(instance.path / "reachback.db")) as db:
        assert db.execute("SELECT user_id, role FROM user_roles").fetchall() == [
            (1, "facilitator")]
        assert db.execute("SELECT user_id FROM outbound_emails").fetchall() == [(1,)]
        assert db.execute("SELECT language FROM users").fetchall() == [(None,)]


def test_the_languages_a_member_speaks_become_rows_and_back(instance):
    """Migration 0025: users.languages ("en, FR,x1") becomes rows of user_languages (valid
    ISO 639-1 codes, lower case, once each); a downgrade writes the list back."""
    instance("db", "upgrade", "0023")
    with closing(sqlite3.connect(instance.path / "reachback.db")) as db:
        db.execute("INSERT INTO users (id, email, name, timezone, languages, active, "
                   "created_at) VALUES (1, 'a@example.org', 'A', 'UTC', 'en, FR,x1,en', 1, "
                   "'2026-01-01 00:00:00')")
        db.commit()
    instance("db", "upgrade")
    with closing(sqlite3.connect(instance.path / "reachback.db")) as db:
        assert db.execute("SELECT user_id, language FROM user_languages ORDER BY language"
                          ).fetchall() == [(1, "en"), (1, "fr")]
        assert db.execute("SELECT deployment_status, show_email, bio, away_note FROM users"
                          ).fetchall() == [("at_headquarters", 0, "", "")]
    instance("db", "downgrade", "0023")
    with closing(sqlite3.connect(instance.path / "reachback.db")) as db:
        assert db.execute("SELECT languages FROM users").fetchall() == [("en,fr",)]


def test_upgrade_create_user_token_and_demo(instance):
    instance("db", "upgrade")
    assert (instance.path / "reachback.db").exists()
    secret = (instance.path / "secret_key")
    assert secret.exists() and oct(secret.stat().st_mode)[-3:] == "600"
    assert "No new upgrade operations" in instance("db", "check").stdout + \
        instance("db", "check").stderr

    out = instance("users", "create", "Fac@Example.org", "--name", "Fatou Diallo",
                   "--role", "facilitator", "--role", "expert").stdout
    assert "fac@example.org" in out and "Password: " in out
    piped = instance("users", "create", "m@example.org", "--name", "M", "--password-stdin",
                     stdin="a long enough password\n").stdout
    assert "Password:" not in piped
    again = instance("users", "create", "m@example.org", "--name", "M", check=False)
    assert again.returncode != 0 and "exists" in again.stderr

    token = instance("users", "token", "m@example.org").stdout.strip().splitlines()[-1]
    assert token.startswith("rb_") and len(token) > 30

    first = instance("demo", "--if-empty").stdout
    assert "already has accounts" in first  # users exist: --if-empty leaves it alone
    loaded = instance("demo").stdout
    assert "member@example.org" in loaded and "facilitator@example.org" in loaded
    assert (instance.path / "demo-accounts.txt").exists()
    assert "already loaded" in instance("demo").stdout


def test_demo_into_an_empty_database_prints_one_account_per_role(instance):
    instance("db", "upgrade")
    out = instance("demo", "--if-empty").stdout
    for role in ("member", "expert", "facilitator", "admin"):
        assert f"{role}@example.org" in out
    assert "already has accounts" in instance("demo", "--if-empty").stdout


def test_unknown_role_is_refused(instance):
    instance("db", "upgrade")
    result = instance("users", "create", "x@example.org", "--name", "X", "--role", "king",
                      check=False)
    assert result.returncode != 0


JOBS = ("evaluate_sla", "mail", "mail-in", "send_digests", "send_subscriptions",
        "send_group_digests", "expire_invitations", "apply_search_outbox",
        "refresh_planner_statistics", "forget_spent_counters", "refresh_reports", "remind_to_rate",
        "release_discussion_questions")


def test_jobs_are_listed_with_their_schedule_and_what_they_do(instance):
    listed = instance("jobs", "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == list(JOBS)
    outbox = next(line for line in listed if line.startswith("mail "))
    assert "every 30 s (SCHEDULER_OUTBOX_SECONDS)" in outbox and "e-mails" in outbox
    assert "every 3600 s" in next(line for line in listed if line.startswith("send_digests"))


def test_a_job_runs_once_now_and_not_beside_a_scheduler_holding_the_lease(instance):
    instance("db", "upgrade")
    instance("demo")  # its queries and answers queue e-mails
    mail = instance.path / "mail"
    assert not list(mail.glob("*.eml"))
    out = instance("jobs", "run", "mail").stdout
    assert "mail ran" in out
    assert list(mail.glob("*.eml"))  # the file backend wrote what was queued

    # A scheduler holds the lease (renewing it): the command refuses to run beside it.
    with closing(sqlite3.connect(instance.path / "reachback.db")) as conn, conn:
        conn.execute("UPDATE scheduler_leases SET holder = 'elsewhere:42:abc', "
                     "expires_at = '2999-01-01 00:00:00.000000' WHERE name = 'scheduler'")
    held = instance("jobs", "run", "deliver_outbox", check=False)
    assert held.returncode != 0
    assert "elsewhere:42:abc holds the lease" in held.stderr


def test_an_unknown_job_is_refused(instance):
    result = instance("jobs", "run", "make_coffee", check=False)
    assert result.returncode != 0
    assert "No job is called 'make_coffee'" in result.stderr
    assert "mail, mail-in" in result.stderr  # the names it knows
