"""Profile the benchmark's pages in process: server time, SQL statements and SQL time per page.

Runs each path of bench/run.py's scenarios through Flask's test client against the generated
instance (no gunicorn, no loopback, no other client), so a before/after of one change is
steady even on a busy machine. With --pyinstrument PATH, prints a call profile of that path.

    .venv/bin/python bench/profile.py [--only "expert queue"] (a row name or its start) [--repeat 20]
    .venv/bin/python bench/profile.py --pyinstrument /kb
    .venv/bin/python bench/profile.py --path /groups --who expert (any path, timed as a row)
    .venv/bin/python bench/profile.py --statements /sla --who facilitator (its slowest SQL)
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from run import USER_AGENT, Scenario, prepare, scenarios  # noqa: E402


class Statements:
    """Counts SQL statements and the time the database took for them."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.count, self.seconds, self._started = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self._started = time.perf_counter()

    def _after(self, *_args):
        self.count += 1
        self.seconds += time.perf_counter() - self._started


def client_for(app, prep, who):
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT}
    if who == "api":
        headers["Authorization"] = f"Bearer {prep['api_token']}"
    else:
        client.set_cookie("session", prep["cookies"][who])
    return client, headers


def print_statements(app, prep, path, who, shown=12) -> None:
    """One request of `path` (after a warming one): its time, then its slowest statements."""
    from sqlalchemy import event

    from reachback.extensions import db
    client, headers = client_for(app, prep, who)
    client.get(path, headers=headers)
    timed = []

    def before(_conn, _cursor, _statement, _params, context, _many):
        context.bench_started = time.perf_counter()

    def after(_conn, _cursor, statement, _params, context, _many):
        timed.append((time.perf_counter() - context.bench_started, statement))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    started = time.perf_counter()
    status = client.get(path, headers=headers).status_code
    total = (time.perf_counter() - started) * 1000
    print(f"{path}: status {status}, {total:.1f} ms, {len(timed)} statements, "
          f"{sum(t for t, _ in timed) * 1000:.1f} ms SQL")
    for seconds, statement in sorted(timed, key=lambda row: -row[0])[:shown]:
        print(f"{seconds * 1000:7.1f} ms  {' '.join(statement.split())[:700]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=BENCH / "instance")
    parser.add_argument("--only", help="the scenarios whose name starts so")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pyinstrument", metavar="PATH", help="profile this path instead")
    parser.add_argument("--path", action="append",
                        help="measure this path (repeatable) as --who instead of the scenarios")
    parser.add_argument("--statements", metavar="PATH",
                        help="print the slowest SQL statements of one request of this path")
    parser.add_argument("--who", default="requester",
                        help="with --path, --pyinstrument or --statements: requester (a member), "
                             "expert, facilitator or admin")
    args = parser.parse_args()
    os.environ["REACHBACK_INSTANCE_PATH"] = str(args.instance.resolve())
    import json

    from reachback import create_app
    from reachback.extensions import db

    info = json.loads((args.instance / "bench.json").read_text())
    app = create_app({"RATELIMIT_ENABLED": False})
    prep = prepare(app, info)
    with app.app_context():
        stats = Statements(db.engine)
    if args.statements:
        print_statements(app, prep, args.statements, args.who)
        return
    if args.pyinstrument:
        from pyinstrument import Profiler
        client, headers = client_for(app, prep, args.who)
        client.get(args.pyinstrument, headers=headers)
        with Profiler(interval=0.0005) as profiler:
            for _ in range(args.repeat):
                client.get(args.pyinstrument, headers=headers)
        profiler.print(short_mode=True, show_all=bool(os.environ.get("SHOW_ALL")))
        return
    print(f"{'path':<48} {'ms p50':>7} {'ms max':>7} {'SQL':>4} {'SQL ms':>7}")
    chosen = [Scenario(f"{args.who} {' '.join(args.path)}", args.who, args.path)] \
        if args.path else scenarios(prep)
    for scenario in chosen:
        if args.only and not scenario.name.startswith(args.only):
            continue
        client, headers = client_for(app, prep, scenario.who)
        every, cpu = [], 0.0
        for path in scenario.paths:
            status = client.get(path, headers=headers).status_code  # warm
            times, counts, sql = [], [], []
            for _ in range(args.repeat):
                stats.count, stats.seconds = 0, 0.0
                started, cpu_started = time.perf_counter(), time.process_time()
                client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                cpu += time.process_time() - cpu_started
                counts.append(stats.count)
                sql.append(stats.seconds * 1000)
            every += times
            print(f"{path[:48]:<48} {statistics.median(times):7.1f} {max(times):7.1f} "
                  f"{max(counts):4d} {statistics.median(sql):7.1f}"
                  + ("" if status == 200 else f"  status {status}"), flush=True)
        # The scenario as a whole, as bench/run.py judges it (p95 of every request), and its
        # CPU time per request: the steadier number on a shared machine.
        every.sort()
        p95 = every[min(len(every) - 1, round(0.95 * (len(every) - 1)))]
        print(f"{'= ' + scenario.name[:46]:<48} {statistics.median(every):7.1f} {every[-1]:7.1f}"
              f"  p95 {p95:.1f} ms, CPU {cpu * 1000 / len(every):.1f} ms a request", flush=True)


if __name__ == "__main__":
    main()
