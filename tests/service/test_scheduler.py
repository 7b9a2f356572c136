"""The scheduler: one active scheduler across processes (a lease row), jobs only while the
lease is held, a clean takeover, and the `run` and `scheduler` commands."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, text

from reachback import scheduler
from reachback.extensions import db
from reachback.scheduler import (
    Runner,
    acquire_lease,
    lease_status,
    release_lease,
)
from reachback.scheduler.models import SchedulerLease

ROOT = Path(__file__).resolve().parents[2]
TTL = timedelta(seconds=60)


def test_the_lease_belongs_to_one_holder_until_it_expires(app, clock):
    assert acquire_lease("a", TTL)  # the row is created
    assert not acquire_lease("b", TTL)
    clock.advance(timedelta(seconds=50))
    assert acquire_lease("a", TTL)  # renewed: 60 s from now
    clock.advance(timedelta(seconds=50))
    assert not acquire_lease("b", TTL)
    clock.advance(timedelta(seconds=11))
    assert acquire_lease("b", TTL)  # a stopped renewing: b takes over
    assert not acquire_lease("a", TTL)
    status = lease_status()
    assert status["holder"] == "b" and status["active"]
    assert status["heartbeat_at"] == clock.now and status["expires_at"] == clock.now + TTL
    assert db.session.scalar(select(SchedulerLease.renewals)) >= 2


def test_a_released_lease_is_taken_over_at_once(app, clock):
    assert acquire_lease("a", TTL)
    assert not release_lease("b")  # only the holder releases
    assert release_lease("a")
    assert acquire_lease("b", TTL)


def test_jobs_run_only_while_the_lease_is_held_and_a_failure_is_rolled_back(app, clock):
    runs = []
    mine = Runner(app, BackgroundScheduler, holder="mine")
    other = Runner(app, BackgroundScheduler, holder="other")
    assert mine.run_job("count", lambda: runs.append("mine"))
    assert not other.run_job("count", lambda: runs.append("other"))
    assert runs == ["mine"]

    def broken():
        from reachback.notify.services import queue_email

        queue_email("a@example.org", "Never", "body")
        raise RuntimeError("boom")

    assert not mine.run_job("broken", broken)
    from reachback.notify.models import OutboundEmail

    assert db.session.scalars(select(OutboundEmail)).all() == []
    db.session.commit()  # end the read: SQLite lets one writer at a time
    mine.stop()  # never started: just hands the lease over
    assert other.run_job("count", lambda: runs.append("other"))
    assert runs == ["mine", "other"]


def test_every_job_is_scheduled(app):
    runner = Runner(app, BackgroundScheduler, holder="x")
    names = {job.id for job in runner.scheduler.get_jobs()}
    assert {"keep_lease", "evaluate_sla", "mail", "mail-in", "send_digests",
            "expire_invitations", "apply_search_outbox", "refresh_planner_statistics"} <= names


def test_planner_statistics_are_refreshed(app, make_query):
    make_query()
    scheduler.refresh_planner_statistics()
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's autovacuum keeps its own
        tables = db.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
        assert "queries" in tables


def test_the_sla_job_is_skipped_while_the_sla_engine_is_missing(app, monkeypatch):
    monkeypatch.setitem(sys.modules, "reachback.sla.jobs", None)  # import raises ImportError
    scheduler.evaluate_sla()


def test_digests_wait_for_the_digest_hour(app, make_user, clock, monkeypatch):
    sent = []
    monkeypatch.setattr("reachback.notify.jobs.send_digests", lambda: sent.append(1))
    app.config["DIGEST_HOUR_UTC"] = 10
    scheduler.send_digests()  # 09:00 UTC
    clock.advance(timedelta(hours=1))
    scheduler.send_digests()
    assert sent == [1]


def test_run_starts_the_scheduler_in_process_unless_disabled(app, monkeypatch):
    from reachback.cli import main

    calls = []
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # restored after the test
    monkeypatch.setattr("werkzeug.serving.run_simple",
                        lambda *a, **kw: calls.append(("serve", a[:2], kw)))
    monkeypatch.setattr("reachback.scheduler.start_background",
                        lambda a: calls.append(("scheduler", a)))
    info = ScriptInfo(create_app=lambda: app)

    result = CliRunner().invoke(main, ["run"], obj=info)
    assert result.exit_code == 0, result.output
    assert calls == [("serve", ("127.0.0.1", 5000),
                      {"use_reloader": False, "use_debugger": False, "threaded": True})]

    calls.clear()
    app.config["SCHEDULER_IN_RUN"] = True
    result = CliRunner().invoke(main, ["run", "--host", "127.0.0.2", "--port", "8080"], obj=info)
    assert result.exit_code == 0, result.output
    assert calls[0] == ("scheduler", app) and calls[1][1] == ("127.0.0.2", 8080)


# --- two processes ---------------------------------------------------------------------------

def holder_pid(app) -> int | None:
    with db.engine.connect() as conn:
        row = conn.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)).first()
    return int(row.holder.split(":")[1]) if row else None


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


# Under libfaketime (make test-faketime) a thread's timed wait (threading.Event.wait, which
# APScheduler's loop uses) never returns: it waits on CLOCK_MONOTONIC through a call the
# library does not translate. This test is about two processes, not about the hour.
@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                    reason="libfaketime stalls APScheduler's timed waits")
def test_two_scheduler_processes_run_jobs_in_one_and_the_other_takes_over(app, tmp_path):
    env = {**os.environ,
           "REACHBACK_INSTANCE_PATH": app.instance_path,
           "REACHBACK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REACHBACK_SECRET_KEY": app.config["SECRET_KEY"],
           # Short enough for a quick test, long enough that a loaded machine starving the
           # active process for a moment does not hand the lease over.
           "REACHBACK_SCHEDULER_LEASE_SECONDS": "6",
           "REACHBACK_SCHEDULER_OUTBOX_SECONDS": "1",
           "REACHBACK_SCHEDULER_INVITATIONS_SECONDS": "1"}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = []
    for log in logs:
        with log.open("w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "reachback.cli", "scheduler"], cwd=ROOT, env=env,
                stdout=out, stderr=subprocess.STDOUT))
    by_pid = dict(zip((p.pid for p in procs), zip(procs, logs, strict=True), strict=True))
    try:
        first = wait_for(lambda: holder_pid(app), 30)  # start-up is slow on a loaded machine
        assert first in by_pid, [log.read_text() for log in logs]
        active, active_log = by_pid[first]
        (standby, standby_log), = [v for pid, v in by_pid.items() if pid != first]
        assert wait_for(lambda: "Job mail ran" in active_log.read_text(), 10)
        time.sleep(1.5)
        assert "Job " not in standby_log.read_text(), (  # the standby runs nothing
            active_log.read_text() + standby_log.read_text())
        assert standby.poll() is None

        active.send_signal(signal.SIGTERM)
        assert active.wait(timeout=10) == 0
        assert "lease released" in active_log.read_text()
        # Released at stop: the standby takes over at its next renewal (a third of the TTL).
        assert wait_for(lambda: holder_pid(app) == standby.pid, 8), standby_log.read_text()
        assert wait_for(lambda: "Job mail ran" in standby_log.read_text(), 10)

        standby.send_signal(signal.SIGINT)  # Ctrl-C stops it cleanly too, lease released
        assert standby.wait(timeout=10) == 0, standby_log.read_text()
        with db.engine.connect() as conn:
            expires = conn.execute(select(SchedulerLease.expires_at)).scalar_one()
        assert expires <= scheduler.utcnow()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
