"""The scheduler: APScheduler decides when jobs run; a lease row in the database makes sure
that only one scheduler (process or host) runs them at a time.

The lock is a row in `scheduler_leases` (name, holder, expires_at, heartbeat_at). A scheduler
acquires or renews it with one conditional UPDATE (`holder = me OR expires_at < now`) and,
when the row is missing, an INSERT whose unique-key violation means someone else won. Both
work alike on SQLite and PostgreSQL. A lease keeper renews the lease every third of its TTL;
each job renews it again just before it runs and is skipped unless the lease is ours. A
scheduler that stops releases the lease; one that dies loses it when its TTL runs out.
Jobs are idempotent, so even the rare overlap at a takeover sends nothing twice.

The jobs are listed once, in JOBS (name, how often, what it does); each is a plain function
of its feature. `reachback jobs list` prints the table, `reachback jobs run NAME` runs one
job now, under the same lease (run_once).
"""
import logging
import os
import signal
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.jobs import forget_spent_counters
from ..config import setting
from ..extensions import db, refresh_planner_statistics
from ..knowledge.jobs import apply_search_outbox
from ..models_base import utcnow
from .models import SchedulerLease

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


def make_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- the lease ------------------------------------------------------------------------------

def acquire_lease(holder: str, ttl: timedelta, name: str = LEASE_NAME, now=None) -> bool:
    """Take or renew the lease for `ttl`; True when `holder` has it. Runs in its own short
    transactions on the engine, whatever the caller's session is doing."""
    now = now or utcnow()
    table = SchedulerLease.__table__
    with db.engine.begin() as conn:
        taken = conn.execute(
            update(table)
            .where(table.c.name == name,
                   or_(table.c.holder == holder, table.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl, heartbeat_at=now,
                    renewals=table.c.renewals + 1)
        ).rowcount
        if taken:
            return True
        if conn.execute(select(table.c.name).where(table.c.name == name)).first():
            return False
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(table).values(name=name, holder=holder, expires_at=now + ttl,
                                              heartbeat_at=now, acquired_at=now, renewals=0))
    except IntegrityError:
        return False  # another scheduler inserted it first
    return True


def release_lease(holder: str, name: str = LEASE_NAME, now=None) -> bool:
    """Give the lease up at once (so another scheduler takes over without waiting)."""
    now = now or utcnow()
    table = SchedulerLease.__table__
    with db.engine.begin() as conn:
        return bool(conn.execute(
            update(table).where(table.c.name == name, table.c.holder == holder)
            .values(expires_at=now - timedelta(seconds=1))
        ).rowcount)


def lease_status(name: str = LEASE_NAME) -> dict | None:
    """{holder, expires_at, heartbeat_at, active} of the lease, for health checks."""
    lease = db.session.get(SchedulerLease, name)
    if lease is None:
        return None
    return {"holder": lease.holder, "expires_at": lease.expires_at,
            "heartbeat_at": lease.heartbeat_at, "active": lease.expires_at >= utcnow()}


# --- jobs ---------------------------------------------------------------------------------

def evaluate_sla() -> None:
    """The SLA engine's job (reminders and escalations included), when it is installed; then
    the SLA dashboard's figures, which it shows while they are fresh."""
    try:
        from ..sla.jobs import evaluate_sla_targets, refresh_dashboard
    except ImportError:
        log.debug("SLA engine not installed: nothing to evaluate")
        return
    evaluate_sla_targets()
    refresh_dashboard()


def deliver_outbox() -> str:
    """Then the newsletters whose e-mails have all left the outbox are `sent`."""
    from ..newsletters.services import finish_sending
    from ..notify.jobs import deliver_outbox as deliver

    sent = deliver()
    finish_sending()
    return f"{sent} e-mail(s) sent"


def poll_mailbox() -> str:
    from ..mailin.jobs import poll_mailbox as poll

    return poll()


def send_digests() -> None:
    """Digests go out once the UTC day reaches DIGEST_HOUR_UTC (run hourly; the per-day
    dedupe key makes every later run of the day a no-op, whatever DST does)."""
    from ..notify.jobs import send_digests as send

    if utcnow().hour >= setting("DIGEST_HOUR_UTC", current_app):
        send()


def send_subscriptions() -> int:
    """The listserv: daily digests from DIGEST_HOUR_UTC, weekly ones from Monday at that
    hour (a dedupe key per day or ISO week, as the digests), and any `immediately` e-mail a
    publication did not queue; a response goes to a subscriber once, whatever runs."""
    from ..notify.subscriptions import send_subscriptions as send

    return send()


def send_group_digests() -> int:
    """Each group's weekly digest to its members (a week after the last; nothing when
    nothing is new)."""
    from ..groups.digest import send_group_digests as send

    return send()


def expire_invitations() -> None:
    from ..notify.jobs import expire_invitations as expire

    expire()


def release_discussion_questions() -> str:
    from ..discussions.jobs import release_questions

    return f"{release_questions()} question(s) released"


def refresh_reports() -> str:
    from ..reports.months import refresh

    return f"{refresh()} report month(s) computed"


def remind_to_rate() -> None:
    from ..synthesis.feedback import remind_to_rate as remind

    remind()


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name, its function, how often it runs (seconds, or the name of
    the setting that holds them) and what it does, in one line."""

    name: str
    func: Callable[[], object]
    every: int | str
    doc: str

    def seconds(self, app=None) -> int:
        return self.every if isinstance(self.every, int) else setting(self.every, app)

    def schedule(self, app=None) -> str:
        where = "" if isinstance(self.every, int) else f" ({self.every})"
        return f"every {self.seconds(app)} s{where}"


JOBS = (
    Job("evaluate_sla", evaluate_sla, "SCHEDULER_SLA_SECONDS",
        "Record SLA reminders, warnings and breaches once each, and tell who must act."),
    Job("mail", deliver_outbox, "SCHEDULER_OUTBOX_SECONDS",
        "Send the queued e-mails that are due (a failure is retried with back-off)."),
    Job("mail-in", poll_mailbox, "SCHEDULER_MAIL_IN_SECONDS",
        "Handle the mail waiting in the IMAP mailbox, when MAIL_IMAP_HOST is set."),
    Job("send_digests", send_digests, 3600,
        "Queue the daily digests, once the UTC day reaches DIGEST_HOUR_UTC."),
    Job("send_subscriptions", send_subscriptions, 3600,
        "Queue the subscribers' daily and weekly digests of newly published responses."),
    Job("send_group_digests", send_group_digests, 3600,
        "Queue each group's weekly digest of its new items to its members, a week after "
        "the last one."),
    Job("expire_invitations", expire_invitations, "SCHEDULER_INVITATIONS_SECONDS",
        "Expire the experts' invitations nobody answered by their due time."),
    Job("apply_search_outbox", apply_search_outbox, 10,  # searchable within 10 s
        "Apply the queued changes to the search index."),
    Job("refresh_planner_statistics", refresh_planner_statistics, 3600,
        "Refresh SQLite's planner statistics (ANALYZE); nothing on PostgreSQL."),
    Job("forget_spent_counters", forget_spent_counters, 3600,
        "Delete spent rate-limit windows and sign-in failures quiet long enough."),
    Job("refresh_reports", refresh_reports, 900,
        "Compute the reports' monthly figures that are missing, and the current month's "
        "again (the report pages say when their figures were computed)."),
    Job("remind_to_rate", remind_to_rate, 3600,
        "Ask requesters who have not rated their response 14 days after it was published "
        "to rate it (once)."),
    Job("release_discussion_questions", release_discussion_questions, 3600,
        "Release each e-discussion's question of the week when due, e-mailing its "
        "participants (once)."),
)


def jobs(app) -> list[tuple[str, object, int]]:
    """(name, function, interval in seconds) of every scheduled job."""
    return [(job.name, job.func, job.seconds(app)) for job in JOBS]


# Former names, still understood by `reachback jobs run`.
ALIASES = {"deliver_outbox": "mail"}


def find_job(name: str) -> Job | None:
    name = ALIASES.get(name, name)
    return next((job for job in JOBS if job.name == name), None)


class LeaseHeld(Exception):
    """Another process (a running scheduler) holds the lease."""


def run_once(job: Job, holder: str | None = None) -> object:
    """`reachback jobs run NAME` (in an app context): run one job now, in its own
    transaction, under the scheduler's lease (so never beside a scheduler running jobs), then
    hand the lease back. Raises LeaseHeld (naming the holder) when a scheduler has it; a
    failing job's error propagates after the rollback. Returns what the job returned."""
    holder = holder or make_holder()
    ttl = timedelta(seconds=setting("SCHEDULER_LEASE_SECONDS"))
    if not acquire_lease(holder, ttl):
        status = lease_status() or {}
        raise LeaseHeld(f"the scheduler {status.get('holder', '?')} holds the lease (until "
                        f"{status.get('expires_at', '?')}) and runs {job.name} "
                        f"{job.schedule()}: stop it, or wait for its next run")
    try:
        result = job.func()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        release_lease(holder)
    log.info("Job %s ran once (holder %s)", job.name, holder)
    return result


# --- the runner ----------------------------------------------------------------------------

class Runner:
    """An APScheduler scheduler whose jobs run only while this process holds the lease."""

    def __init__(self, app, scheduler_class, holder: str | None = None):
        from apscheduler.schedulers.base import BaseScheduler

        self.app = app
        self.holder = holder or make_holder()
        self.ttl = timedelta(seconds=setting("SCHEDULER_LEASE_SECONDS", app))
        self.stopping = False
        self.scheduler: BaseScheduler = scheduler_class(timezone="UTC")
        keep = max(self.ttl.total_seconds() / 3, 0.5)
        now = datetime.now(UTC)
        self.scheduler.add_job(self.keep_lease, "interval", seconds=keep, id="keep_lease",
                               next_run_time=now, max_instances=1, coalesce=True)
        # Every job runs once soon after start (they are idempotent), so that frequent
        # restarts never starve the hourly ones.
        for name, func, seconds in jobs(app):
            self.scheduler.add_job(self.run_job, "interval", args=(name, func), id=name,
                                   seconds=seconds, max_instances=1, coalesce=True,
                                   misfire_grace_time=max(seconds, 30),
                                   next_run_time=now + timedelta(seconds=2))

    def holds_lease(self) -> bool:
        with self.app.app_context():
            return acquire_lease(self.holder, self.ttl)

    def keep_lease(self) -> None:
        if self.stopping:
            return
        try:
            held = self.holds_lease()
        except Exception:
            log.exception("Cannot renew the scheduler lease")
            return
        log.debug("Lease %s by %s", "held" if held else "not held", self.holder)

    def run_job(self, name: str, func) -> bool:
        """Run one job in its own app context and transaction, if the lease is ours."""
        if self.stopping:
            return False
        with self.app.app_context():
            try:
                if not acquire_lease(self.holder, self.ttl):
                    return False
                func()
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("Job %s failed", name)
                return False
        log.info("Job %s ran (holder %s)", name, self.holder)
        return True

    def start(self) -> None:
        log.info("Scheduler %s starting", self.holder)
        self.scheduler.start()

    def stop(self) -> None:
        """Stop running jobs, wait for the running ones, and hand the lease over."""
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        with self.app.app_context():
            released = release_lease(self.holder)
        log.info("Scheduler %s stopped%s", self.holder, " (lease released)" if released else "")


class _Shutdown(Exception):
    pass


def run_blocking(app) -> None:
    """`reachback scheduler`: run until SIGTERM or SIGINT, then stop cleanly."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    runner = Runner(app, BlockingScheduler)

    def _stop(signum, _frame):
        raise _Shutdown(signal.Signals(signum).name)

    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, _stop) for sig in signals}
    try:
        runner.start()
    except _Shutdown as e:
        log.info("Received %s", e)
    finally:
        for sig in signals:  # a second signal must not interrupt the clean stop
            signal.signal(sig, signal.SIG_IGN)
        runner.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def start_background(app) -> Runner:
    """`reachback run`: the same jobs in a background thread of the development server."""
    import atexit

    from apscheduler.schedulers.background import BackgroundScheduler

    runner = Runner(app, BackgroundScheduler)
    runner.start()
    atexit.register(runner.stop)
    return runner
