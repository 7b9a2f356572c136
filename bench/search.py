"""Bench of the knowledge-base search: index N generated published responses, then time
searches as members, staff and anonymous visitors make them.

Builds a throw-away database and index (bulk inserts), then:
  1. rebuild: `reachback reindex`'s path (database -> index documents -> index), as a rate;
  2. outbox: 100 responses re-queued and applied, as after publishing;
  3. search: --searches searches through the service (index + permission filter + rows
     loaded from the database), p50 and p95 latency; then the same for similar().

Then (unless --no-relevance) the relevance suite (tests/data/relevance_corpus.py: 1,050
responses, 183 searches with their expected answers) in another throw-away database: mean
reciprocal rank overall and by kind of search (plain, misspelt, acronym, synonym), the
similar-answers panel's precision, and its searches' p50/p95 (the figures the suite's test,
tests/service/test_relevance_suite.py, requires: MRR >= 0.95, precision >= 0.8).

--backend whoosh (the default): a SQLite database and a whoosh index in a temporary folder.
--backend postgresql: PostgreSQL's full-text search, in a throw-away database created on the
server of --database-url (default: $REACHBACK_TEST_DATABASE_URL; .ci/postgres.sh starts one)
and dropped at the end.

    .venv/bin/python bench/search.py [--n 20000] [--searches 500] [--body-words 400]
    .venv/bin/python bench/search.py --backend postgresql --n 20000 --searches 50
"""
import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, make_url, select
from sqlalchemy import text as sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_P95_MS = 100.0
WORDS = """
ceasefire monitoring verification mediation negotiation agreement implementation dialogue
police vetting recruits training oversight parliament defence budget reform governance
disarmament demobilisation reintegration combatants cantonment weapons ammunition stockpile
elections polling stations electoral security observers tallying disputes courts petition
justice prosecution corrections prisons detention customary elders reconciliation truth
commission hearings reparations victims compensation memorial accountability tribunal
women participation gender violence survivors protection civilians displacement returns
refugees camps shelter land disputes property livelihoods markets employment youth jobs
revenue budget procurement corruption transparency audit municipalities local councils
decentralisation services health education water sanitation infrastructure roads bridges
radio media disinformation rumours hate speech journalists messaging campaign outreach
extremism radicalisation defectors rehabilitation prevention community resilience
analysis assessment early warning indicators baseline survey perception evaluation
theory change planning programming funding donors coordination mission peacekeepers
humanitarian development nexus integrated civil military liaison deconfliction escorts
roster deployment recruitment induction welfare security evacuation handover lessons
border smuggling trafficking customs patrols intelligence organised crime networks
children armed groups release tracing schooling psychosocial support counselling
landmines clearance explosive ordnance risk education survey hazardous farmland villages
constitution referendum federalism parties coalition settlement inclusion minorities
""".split()
TITLE_FRAMES = [
    "How to approach {a} and {b} in {c}", "Lessons on {a} from {c}",
    "{A} and {b}: what worked", "Options for {a} after {b}", "Comparative experiences of {a}",
    "Designing {a} with {b}", "{A} in a fragile context: {b}",
]
COUNTRIES = ["SS", "SD", "CF", "CD", "ML", "NE", "BF", "SO", "YE", "SY", "LY", "IQ", "AF",
             "CO", "HT", "UA", "LR", "SL", "NG", "KE", "MM", "PH", "BI", "TN", "LB"]


STOP = """the of and to in a is that for on with as by be this are from at or an it was which
have has not their were but its they been more these other can also may when where how who
""".split()
SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "da", "pe", "zu", "ri", "ga", "ho"]


def vocabulary(rng, size: int = 40_000) -> tuple[list[str], list[float]]:
    """Words with Zipf frequencies (the r-th most frequent word has weight 1/r), as in real
    prose: stop words first, then other words with the domain's words spread between ranks
    100 and 5 000, as "police" or "ceasefire" rank in a library about peacebuilding."""
    others = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 5)))
                     for _ in range(size * 2)} - set(WORDS))
    rng.shuffle(others)
    words = STOP + others[:size - len(STOP) - len(WORDS)]
    for word in WORDS:
        words.insert(rng.randint(100, 5_000), word)
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    total, cum = 0.0, []
    for w in weights:
        total += w
        cum.append(total)
    return words, cum


VOCAB: tuple[list[str], list[float]] = ([], [])


def text(rng, words: int) -> str:
    vocab, cum = VOCAB
    out = []
    while len(out) < words:
        sentence = rng.choices(vocab, cum_weights=cum, k=rng.randint(8, 20))
        sentence[0] = sentence[0].capitalize()
        out += sentence
        out[-1] += "."
    return " ".join(out[:words])


def build(db, n: int, body_words: int, rng) -> dict:
    """Users, n published responses (a third each public, community, restricted), themes."""
    from reachback.accounts.models import Theme, User, UserRole
    from reachback.queries.models import Assignment, FieldQuery, query_themes
    from reachback.synthesis.models import ConsolidatedResponse

    now = datetime.now(UTC)
    db.session.execute(insert(User), [
        {"email": f"user{i}@example.org", "name": f"User {i}", "timezone": "UTC",
         "language": "en", "languages": "", "active": True,
         "created_at": now} for i in range(1, 201)])
    db.session.execute(insert(UserRole), [{"user_id": 1, "role": "facilitator"}]
                       + [{"user_id": i, "role": "expert"} for i in range(100, 201)])
    theme_ids = list(db.session.scalars(select(Theme.id)))
    for start in range(0, n, 2000):
        queries, responses, links, assignments = [], [], [], []
        for i in range(start + 1, min(n, start + 2000) + 1):
            a, b, c = rng.sample(WORDS, 3)
            title = rng.choice(TITLE_FRAMES).format(a=a, b=b, c=c, A=a.capitalize())
            when = now - timedelta(days=rng.uniform(0, 5 * 365))
            queries.append({
                "id": i, "reference": f"RB-2026-{i:06d}", "title": title[:200],
                "question": text(rng, 60), "context": text(rng, 40), "purpose": "",
                "requester_id": rng.randint(2, 99), "country": rng.choice(COUNTRIES),
                "priority": "normal", "confidentiality": "restricted", "status": "published",
                "created_at": when, "updated_at": when, "deadline_driven": False})
            responses.append({
                "id": i, "query_id": i, "title": title[:200], "summary": text(rng, 80),
                "body": text(rng, body_words), "status": "published", "revision": 1,
                "visibility": ("public", "community", "restricted")[i % 3],
                "created_at": when, "updated_at": when, "published_at": when})
            links += [{"query_id": i, "theme_id": t} for t in rng.sample(theme_ids, 2)]
            assignments.append({"query_id": i, "expert_id": rng.randint(100, 200),
                                "status": "answered", "created_at": when})
        db.session.execute(insert(FieldQuery.__table__), queries)
        db.session.execute(insert(ConsolidatedResponse.__table__), responses)
        db.session.execute(insert(query_themes), links)
        db.session.execute(insert(Assignment.__table__), assignments)
    db.session.commit()
    return {"staff": db.session.get(User, 1), "member": db.session.get(User, 5),
            "expert": db.session.get(User, 150)}


def percentile(values, p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed_searches(label: str, fn, count: int) -> None:
    """Wall-clock p50/p95 and the CPU time per call (on a busy machine the wall clock
    includes waiting for a core; the CPU time is what a call costs)."""
    times, cpu = [], time.process_time()
    for _ in range(count):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / count
    p50, p95 = statistics.median(times), percentile(times, 95)
    verdict = "ok" if p95 <= BUDGET_P95_MS else f"OVER the {BUDGET_P95_MS:.0f} ms budget"
    print(f"{label:<28} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   CPU {cpu:5.1f} ms/call   "
          f"({count} calls; {verdict})")


@contextmanager
def throwaway_database(backend: str, server: str | None):
    """The DATABASE_URL to bench on: "" (SQLite in the instance folder) for whoosh, or a
    fresh PostgreSQL database on `server`, dropped afterwards."""
    if backend == "whoosh":
        yield ""
        return
    if not server:
        sys.exit("--backend postgresql needs --database-url or REACHBACK_TEST_DATABASE_URL")
    name = f"reachback_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def index_size_mb(svc, db) -> float:
    index = svc.get_index()
    if hasattr(index, "path"):
        return sum(f.stat().st_size for f in Path(index.path).iterdir()) / 2**20
    return db.session.scalar(sql(
        "SELECT pg_total_relation_size('search_documents') "
        "+ pg_total_relation_size('search_words')")) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="published responses (max 20000)")
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--body-words", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--backend", choices=("whoosh", "postgresql"), default="whoosh")
    parser.add_argument("--database-url", default=os.environ.get("REACHBACK_TEST_DATABASE_URL"),
                        help="PostgreSQL server for --backend postgresql")
    parser.add_argument("--no-relevance", action="store_true",
                        help="skip the relevance suite (MRR and precision)")
    parser.add_argument("--relevance-only", action="store_true",
                        help="only the relevance suite")
    args = parser.parse_args()
    if not args.relevance_only:
        with throwaway_database(args.backend, args.database_url) as url:
            bench(args, url)
    if not args.no_relevance:
        with throwaway_database(args.backend, args.database_url) as url:
            relevance(args, url)


def relevance(args, database_url: str) -> None:
    """The relevance suite's figures, and its searches' timings, on `args.backend`."""
    folder = tempfile.mkdtemp(prefix="reachback-bench-relevance-")
    os.environ["REACHBACK_INSTANCE_PATH"] = folder
    from reachback import create_app
    from reachback.accounts.services import create_user
    from reachback.accounts.taxonomy import seed_taxonomy
    from reachback.extensions import db
    from reachback.knowledge import search as svc
    from tests.data.relevance_corpus import SEARCHES, SIMILAR
    from tests.relevance import load_corpus, measure

    app = create_app({"SECRET_KEY": "bench-secret-key-0123456789-0123456789-abcdef",
                      "SERVER_NAME": "bench.local", "DATABASE_URL": database_url,
                      "SEARCH_BACKEND": args.backend})
    with app.app_context(), app.test_request_context():
        db.create_all()
        seed_taxonomy()
        admin = create_user(None, "admin@example.org", "Admin", roles=["admin"],
                            password=uuid.uuid4().hex)
        requester = create_user(admin, "requester@example.org", "Requester",
                                password=uuid.uuid4().hex)
        reader = create_user(admin, "reader@example.org", "Reader", password=uuid.uuid4().hex)
        db.session.commit()
        start = time.perf_counter()
        refs = load_corpus(requester)
        print(f"\nRelevance suite on {args.backend}: {len(refs)} responses loaded and indexed "
              f"in {time.perf_counter() - start:.1f} s")
        measure(reader, refs)  # warm up: each clause read once, as after any commit
        figures = measure(reader, refs)
        kinds = ", ".join(f"{kind} {mrr:.3f}" for kind, mrr in figures["by_kind"].items())
        times = [t * 1000 for t in figures["timings"]]
        print(f"MRR {figures['mrr']:.3f} over {len(SEARCHES)} searches ({kinds})")
        print(f"similar answers: precision {figures['precision']:.3f} ({figures['shown']} "
              f"offered for {len(SIMILAR)} new queries, the duplicate among them for "
              f"{figures['found']})")
        print(f"its searches: p50 {statistics.median(times):.1f} ms, "
              f"p95 {percentile(times, 95):.1f} ms")
        svc.get_index().close()


def bench(args, database_url: str) -> None:
    n = max(1, min(args.n, 20_000))
    rng = random.Random(args.seed)
    VOCAB[0][:], VOCAB[1][:] = vocabulary(rng)

    folder = tempfile.mkdtemp(prefix="reachback-bench-search-")
    os.environ["REACHBACK_INSTANCE_PATH"] = folder
    from reachback import create_app
    from reachback.accounts.taxonomy import seed_taxonomy
    from reachback.extensions import db
    from reachback.knowledge import search as svc

    app = create_app({"SECRET_KEY": "bench-secret-key-0123456789-0123456789-abcdef",
                      "SERVER_NAME": "bench.local", "DATABASE_URL": database_url,
                      "SEARCH_BACKEND": args.backend})
    with app.app_context():
        db.create_all()
        seed_taxonomy()
        db.session.commit()
        start = time.perf_counter()
        users = build(db, n, args.body_words, rng)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sql("ANALYZE"))  # as autovacuum would after such a load
            db.session.commit()
        print(f"Generated {n} published responses of ~{args.body_words} words "
              f"in {time.perf_counter() - start:.1f} s ({folder})")

        start, cpu = time.perf_counter(), time.process_time()
        counts = svc.rebuild()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rebuild (DB -> {args.backend:<10})  {wall:6.1f} s wall {cpu:6.1f} s CPU   "
              f"{counts['response'] / wall:5.0f} responses/s ({counts['response'] / cpu:.0f} "
              f"per CPU second); peak memory so far {peak:.0f} MB")
        print(f"index size                   {index_size_mb(svc, db):6.1f} MB")

        start = time.perf_counter()
        docs = sum(1 for _ in svc.sources()["response"].iter_all())
        print(f"  of which reading the DB    {time.perf_counter() - start:6.1f} s "
              f"for {docs} documents")

        from reachback.queries.models import FieldQuery

        refs = list(db.session.scalars(select(FieldQuery.reference).limit(100)))
        for ref in refs:
            svc.enqueue(f"response:{ref}")
        db.session.commit()
        start = time.perf_counter()
        applied = svc.apply_outbox()
        print(f"outbox: {applied} re-indexed      {(time.perf_counter() - start) * 1000:6.0f} ms")

        def query_text():  # what people type: one to three topic words
            return " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 2, 2, 3))))

        who = [None, users["member"], users["expert"], users["staff"]]
        with app.test_request_context():
            svc.search(users["member"], "warm up")
            timed_searches("index only (mixed users)", lambda: svc.get_index().search(
                query_text(), svc.principals_for(rng.choice(who)), exclude_kinds=["query"]),
                args.searches)
            timed_searches("search (mixed users)", lambda: svc.search(
                rng.choice(who), query_text(), page=rng.choice((1, 1, 1, 2))), args.searches)
            timed_searches("search, sorted by date", lambda: svc.search(
                users["member"], query_text(), sort="date"), args.searches // 2)
            timed_searches("search, one facet filter", lambda: svc.search(
                users["member"], query_text(), {"country": rng.choice(COUNTRIES)}),
                args.searches // 2)
            timed_searches("similar (new-query box)", lambda: svc.similar(
                users["member"], text(rng, 40)), args.searches // 2)
        svc.get_index().close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run)      {peak:6.0f} MB")


if __name__ == "__main__":
    main()
