"""`/healthz` for load balancers and monitoring: is this node fit to serve?

Four checks, each cheap (one indexed query at most):

    database    reachable (SELECT 1) and how long it took
    scheduler   age of the scheduler's heartbeat (its lease row); stale means no job runs:
                no SLA reminders, no e-mail, no index updates
    outbox      e-mails waiting, and how late the oldest due one is
    search      index changes waiting (the search outbox) and the age of the oldest: the
                index lag

The answer is 200 when every check passes and 503 otherwise, with a small JSON body saying
which check failed. A scheduler that has never run (a fresh install, or tests) is reported
but not a failure: only a heartbeat that stopped is. Nothing secret or internal (host
names, errors) is shown: the endpoint is public.
"""
from datetime import timedelta

from flask import current_app, jsonify
from sqlalchemy import func, select, text

from .config import setting
from .extensions import db
from .models_base import utcnow


def init_health(app) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET", "HEAD"])


def healthz():
    checks = {"database": _run(_database)}
    if checks["database"]["ok"]:
        checks.update((name, _run(check)) for name, check in
                      (("scheduler", _scheduler), ("outbox", _outbox), ("search", _search)))
    ok = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if ok else "fail", checks=checks)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _run(check) -> dict:
    """A check's answer; any error (a database gone or not migrated) is a failed check,
    logged here and never shown."""
    try:
        return check()
    except Exception:
        current_app.logger.exception("Health check %s failed", check.__name__.strip("_"))
        db.session.rollback()
        return {"ok": False}


def _limit(name: str) -> int:
    """A threshold in seconds (HEALTH_* settings in config.py)."""
    return setting(name)


def _age(moment) -> float | None:
    return None if moment is None else round((utcnow() - moment).total_seconds(), 1)


def _database() -> dict:
    started = utcnow()
    db.session.execute(text("SELECT 1"))
    return {"ok": True, "ms": round((utcnow() - started) / timedelta(milliseconds=1), 1)}


def _scheduler() -> dict:
    from .scheduler import lease_status

    lease = lease_status()
    if lease is None:
        return {"ok": True, "state": "never started", "heartbeat_age_s": None}
    age = _age(lease["heartbeat_at"] or lease["expires_at"])
    ok = age is not None and age <= _limit("HEALTH_SCHEDULER_MAX_AGE")
    return {"ok": ok, "state": "running" if ok else "stalled", "heartbeat_age_s": age}


def _outbox() -> dict:
    from .notify.models import OutboundEmail

    waiting, oldest_due = db.session.execute(
        select(func.count(), func.min(OutboundEmail.next_attempt_at))
        .where(OutboundEmail.status == "queued")).one()
    delay = max(0.0, _age(oldest_due) or 0.0)
    return {"ok": delay <= _limit("HEALTH_OUTBOX_MAX_DELAY"), "waiting": waiting,
            "oldest_due_s": delay}


def _search() -> dict:
    from .knowledge.models import SearchOutbox

    waiting, oldest = db.session.execute(
        select(func.count(), func.min(SearchOutbox.created_at))).one()
    lag = _age(oldest) or 0.0
    return {"ok": lag <= _limit("HEALTH_SEARCH_MAX_LAG"), "waiting": waiting, "lag_s": lag}
