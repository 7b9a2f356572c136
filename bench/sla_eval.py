"""Bench of the SLA evaluation job: 100 000 open queries, each with an open assignment.

Builds a throw-away SQLite database in a temporary folder with bulk inserts, then times
evaluate_sla_targets():
  1. catch-up: the first run, recording every threshold already crossed (a one-off);
  2. incremental: five minutes later, as the scheduler would run it;
  3. re-run: at the same moment again, which must record nothing.

    .venv/bin/python bench/sla_eval.py [--queries 100000]
"""
import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

BUDGET_SECONDS = 1.0


def build(db, n: int, now: datetime) -> None:
    from reachback.accounts.models import User, UserRole
    from reachback.queries.models import Assignment, FieldQuery

    rng = random.Random(42)
    people = [{"email": f"user{i}@example.org", "name": f"User {i}", "timezone": "UTC",
               "language": "en", "languages": "", "active": True,
               "created_at": now} for i in range(60)]
    db.session.execute(insert(User), people)
    roles = [{"user_id": 1, "role": "admin"}] + [{"user_id": i, "role": "facilitator"}
                                                 for i in (2, 3, 4)]
    roles += [{"user_id": i, "role": "expert"} for i in range(10, 61)]
    db.session.execute(insert(UserRole), roles)

    def moment(low_days: float, high_days: float) -> datetime:
        return now + timedelta(seconds=rng.uniform(low_days, high_days) * 86400)

    queries, assignments = [], []
    for i in range(1, n + 1):
        created = moment(-40, -1)
        triage_due = moment(-1, 60)
        resolution_due = moment(-1, 60)
        queries.append({
            "id": i, "reference": f"RB-2026-{i:06d}", "title": f"Query {i}", "question": "?",
            "context": "", "purpose": "", "requester_id": 5, "country": "SS",
            "priority": rng.choice(("low", "normal", "high", "urgent")),
            "confidentiality": "restricted", "status": rng.choice(("submitted", "routed",
                                                                   "synthesis")),
            "created_at": created, "updated_at": created, "deadline_driven": False,
            "triage_due_at": triage_due, "triage_warn_at": triage_due - timedelta(hours=2),
            "triage_met_at": None if rng.random() < 0.3 else created + timedelta(hours=3),
            "resolution_due_at": resolution_due,
            "resolution_warn_at": resolution_due - timedelta(days=2),
            "paused_at": now - timedelta(days=1) if rng.random() < 0.05 else None,
            "sla_calendar": "Default",
        })
        due = moment(-1, 60)
        assignments.append({
            "id": i, "query_id": i, "expert_id": rng.randint(10, 60), "assigned_by_id": 2,
            "status": rng.choice(("invited", "accepted")), "created_at": created,
            "due_at": due, "warn_at": due - timedelta(days=1), "remind_at": due - timedelta(days=2),
        })
    for start in range(0, n, 20_000):
        db.session.execute(insert(FieldQuery.__table__), queries[start:start + 20_000])
        db.session.execute(insert(Assignment.__table__), assignments[start:start + 20_000])
    db.session.commit()


def timed(label: str, now: datetime) -> float:
    """Run the job once; prints wall-clock and CPU time (the CPU time is what the job costs
    on an idle machine: a loaded one inflates the wall clock)."""
    from reachback.sla.jobs import evaluate_sla_targets

    wall, cpu = time.perf_counter(), time.process_time()
    result = evaluate_sla_targets(now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<12} {wall * 1000:7.0f} ms wall {cpu * 1000:7.0f} ms CPU   new marks: "
          f"reminders {result['reminders']}, warnings {result['warnings']}, "
          f"breaches {result['breaches']}; targets announced {result['notices']}")
    return wall


def run(folder: str, n: int, evaluate: bool = True) -> None:
    from reachback import create_app
    from reachback.extensions import db
    from reachback.notify.models import Notification
    from reachback.sla.models import SlaMark
    from reachback.sla.services import seed_sla_defaults

    app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                      "SECRET_KEY": "bench-secret-key-bench-secret-key-0123"})
    with app.app_context():
        db.create_all()
        seed_sla_defaults()
        db.session.commit()
        now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        started = time.perf_counter()
        build(db, n, now)
        print(f"built {n} open queries and as many open assignments "
              f"in {time.perf_counter() - started:.1f} s")
        if evaluate:
            timed("catch-up", now - timedelta(minutes=5))
            incremental = timed("incremental", now)
            rerun = timed("re-run", now)
            marks = db.session.scalar(select(func.count(SlaMark.id)))
            notes = db.session.scalar(select(func.count(Notification.id)))
            print(f"sla_marks rows: {marks}; notifications: {notes}")
            verdict = "OK" if max(incremental, rerun) < BUDGET_SECONDS else "OVER BUDGET"
            print(f"budget {BUDGET_SECONDS:.0f} s per scheduled run: {verdict}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--keep", metavar="FOLDER", help="build the database there and keep it")
    parser.add_argument("--build-only", action="store_true", help="build, do not evaluate")
    args = parser.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(args.keep, args.queries, not args.build_only)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(folder, args.queries, not args.build_only)


if __name__ == "__main__":
    main()
