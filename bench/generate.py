"""Generate the benchmark's data set in its own instance folder (default bench/instance/).

A large community after five years: 100 000 queries in every status, 250 000 contributions,
20 000 published responses, 5 000 users of whom 300 experts, with what a real system holds
beside them (themes, assignments, timeline events, SLA due times, messages, notifications
and e-mails), and the community around them (bench/community.py: groups, calendar,
blackboard, e-discussions, newsletters, library, profiles). Rows go in with SQLAlchemy Core
executemany in batches, seeded (the same seed gives the same data relative to the moment of
generation), never through the services: minutes, not hours. Then the search index is built
through `reachback reindex` in a child process, which measures the reindex rate and its peak
memory (bench/run.py reports them).

    .venv/bin/python bench/generate.py [--scale 0.05] [--seed 7] [--instance bench/instance]
    .venv/bin/python bench/generate.py --community-only [--instance bench/instance]

The instance folder is wiped first, except with --community-only, which adds the community
rows to an instance made before they existed (and indexes them through the outbox). What the
benchmark needs to know (who the busy requester, facilitator and expert are, the counts, the
reindex measures) is written to <instance>/bench.json.
"""
import argparse
import json
import os
import random
import resource
import shutil
import subprocess  # nosec B404 - runs our own CLI with a fixed argument list
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy import insert, text

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from community import add_community, index_community, present  # noqa: E402
from search import COUNTRIES, TITLE_FRAMES, VOCAB, WORDS, vocabulary  # noqa: E402
from search import text as fresh_text  # noqa: E402

FULL = {"queries": 100_000, "contributions": 250_000, "published": 20_000, "users": 5_000,
        "experts": 300}
FACILITATORS = 8
ADMINS = 2
YEARS = 5
BATCH = 2_000  # queries per transaction, with all their rows
MAX_PER_ANSWER = 4  # contributions of one expert to one query: an answer and follow-ups
PRIORITIES = (("low", 15), ("normal", 60), ("high", 18), ("urgent", 7))
TRIAGE_DAYS = {"urgent": 0.5, "high": 1, "normal": 1, "low": 2}
RESOLUTION_DAYS = {"urgent": 6, "high": 9, "normal": 14, "low": 21}
ANSWER_DAYS = 5
CLOSE_REASONS = (("declined", 30), ("out_of_scope", 25), ("withdrawn", 25), ("duplicate", 20))
VISIBILITY = (("public", 35), ("community", 40), ("restricted", 25))
CHANNELS = (("web", 80), ("email", 12), ("api", 8))
SEARCH_TERMS_PER_DAY = 30  # distinct search texts a day (the reports' search_terms rows)
ORG_KINDS = ("government", "multilateral", "implementing_partner", "ngo", "academic")


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def zipf_weights(n: int, power: float = 0.5) -> list[float]:
    """A few very active people and a long tail (rank r weighs 1/r^power)."""
    return [1 / (rank ** power) for rank in range(1, n + 1)]


class Prose:
    """Text for the rows. Indexed text (responses) is fresh Zipf-distributed prose; the rest
    (questions, contributions, messages) is drawn from a pool of sentences, ten times
    faster and just as heavy in the database."""

    def __init__(self, rng, pool_size: int = 20_000):
        self.rng = rng
        VOCAB[0][:], VOCAB[1][:] = vocabulary(rng)
        self.pool = [fresh_text(rng, rng.randint(8, 20)) for _ in range(pool_size)]

    def fresh(self, words: int) -> str:
        return fresh_text(self.rng, words)

    def pooled(self, words: int) -> str:
        out, count = [], 0
        while count < words:
            sentence = self.rng.choice(self.pool)
            out.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(out)

    def title(self) -> str:
        a, b, c = self.rng.sample(WORDS, 3)
        return self.rng.choice(TITLE_FRAMES).format(a=a, b=b, c=c, A=a.capitalize())[:200]


@dataclass
class People:
    admins: list[int]
    facilitators: list[int]
    experts: list[int]
    members: list[int]
    names: dict[int, str]
    requester_weights: list[float] = field(default_factory=list)
    expert_weights: list[float] = field(default_factory=list)


@dataclass
class Ids:
    """The next id of every table we fill (explicit ids: events point at contributions)."""

    assignment: int = 0
    contribution: int = 0
    message: int = 0
    event: int = 0
    response: int = 0
    notification: int = 0
    email: int = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


class Batch:
    """Rows of one transaction, per table, inserted together."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {}

    def add(self, table: str, **row) -> None:
        self.rows.setdefault(table, []).append(row)

    def flush(self, db, tables) -> int:
        count = 0
        for name in ("queries", "query_themes", "responses", "response_revisions",
                     "response_views", "assignments", "contributions", "messages", "events",
                     "notifications", "outbound_emails"):
            rows = self.rows.pop(name, [])
            if rows:
                render_markdown(name, rows)
                db.session.execute(insert(tables[name]), rows)
                count += len(rows)
        return count


def render_markdown(table: str, rows: list[dict]) -> None:
    """The <field>_html columns, as the app fills them on every write (markdown.Rendered)."""
    from reachback.markdown import render
    from reachback.queries.models import Contribution, FieldQuery, Message
    from reachback.synthesis.models import ConsolidatedResponse

    for model in (FieldQuery, Contribution, Message, ConsolidatedResponse):
        if model.__tablename__ == table:
            for row in rows:
                row.update({f"{f}_html": str(render(row.get(f, ""))) for f in model.__markdown__})


# --- people ---------------------------------------------------------------------------------

def create_people(db, tables, counts, rng, prose, now) -> People:
    """Organisations, users with roles, experts' themes and countries."""
    theme_ids = list(db.session.scalars(text("SELECT id FROM themes WHERE parent_id IS NOT NULL")))
    orgs = [{"id": i, "name": f"Organisation {i}", "kind": ORG_KINDS[i % 5],
             "country": rng.choice(COUNTRIES), "south": i % 3 == 0} for i in range(1, 201)]
    db.session.execute(insert(tables["organisations"]), orgs)
    n_users, n_experts = counts["users"], counts["experts"]
    users, roles, names = [], [], {}
    for uid in range(1, n_users + 1):
        name = f"{prose.rng.choice(WORDS).capitalize()} {uid}"
        names[uid] = name
        created = now - timedelta(days=rng.uniform(30, YEARS * 365))
        users.append({"id": uid, "email": f"user{uid}@bench.example", "name": name,
                      "organisation_id": rng.randint(1, len(orgs)),
                      "country": rng.choice(COUNTRIES), "timezone": "UTC", "language": "en",
                      "languages": "en", "active": True, "created_at": created})
    admins = list(range(1, ADMINS + 1))
    facilitators = list(range(ADMINS + 1, ADMINS + FACILITATORS + 1))
    experts = list(range(facilitators[-1] + 1, facilitators[-1] + n_experts + 1))
    members = list(range(experts[-1] + 1, n_users + 1))
    roles = [{"user_id": u, "role": "member"} for u in range(1, n_users + 1)]
    roles += [{"user_id": u, "role": "admin"} for u in admins]
    roles += [{"user_id": u, "role": "facilitator"} for u in facilitators]
    roles += [{"user_id": u, "role": "expert"} for u in experts]
    expertise = [{"user_id": u, "theme_id": t} for u in experts
                 for t in rng.sample(theme_ids, rng.randint(2, 5))]
    countries = [{"user_id": u, "country": c} for u in experts
                 for c in rng.sample(COUNTRIES, rng.randint(1, 4))]
    for name, rows in (("users", users), ("user_roles", roles), ("user_themes", expertise),
                       ("user_countries", countries)):
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(tables[name]), rows[start:start + 10_000])
    db.session.commit()
    return People(admins, facilitators, experts, members, names,
                  zipf_weights(len(members)), zipf_weights(len(experts)))


# --- the life of one query ------------------------------------------------------------------

def plan_statuses(rng, n: int, published: int, now: datetime) -> list[tuple[datetime, str]]:
    """(created_at, status) of every query, oldest first. The community grew (recent years
    hold more queries); the last two months are mostly open, and a few old queries were
    forgotten open (the stale backlog every helpdesk has); exactly `published` of the
    finished ones are published, the rest closed."""
    span = YEARS * 365
    ages = sorted((span * (1 - rng.random() ** 0.5) for _ in range(n)), reverse=True)
    plan = []
    for age in ages:
        created = now - timedelta(days=age, seconds=rng.uniform(0, 3600))
        if age < 60 and rng.random() < 0.85:
            status = open_status(rng, age)
        elif age >= 60 and rng.random() < 0.01:
            status = rng.choice(("routed", "synthesis"))
        else:
            status = "finished"
        plan.append([created, status])
    finished = [i for i, (_c, s) in enumerate(plan) if s == "finished"]
    chosen = set(rng.sample(finished, min(published, len(finished))))
    for i in finished:
        plan[i][1] = "published" if i in chosen else "closed"
    return [tuple(p) for p in plan]


def open_status(rng, age_days: float) -> str:
    if age_days < 3:
        weights = (("submitted", 70), ("clarification", 10), ("routed", 20))
    elif age_days < 20:
        weights = (("submitted", 10), ("clarification", 10), ("routed", 65), ("synthesis", 15))
    else:
        weights = (("submitted", 3), ("clarification", 5), ("routed", 50), ("synthesis", 42))
    return weighted(rng, weights)


class Generator:
    def __init__(self, db, tables, rng, prose, people, counts, now):
        self.db, self.tables, self.rng, self.prose = db, tables, rng, prose
        self.people, self.counts, self.now = people, counts, now
        self.ids = Ids()
        self.theme_ids = list(db.session.scalars(text("SELECT id FROM themes")))
        self.published_ids: list[int] = []
        self.sequence: dict[int, int] = {}
        self.contributions_left = counts["contributions"]
        self.queries_seen = self.answered_seen = 0  # to spread the contributions evenly
        # The reports' rows (channels, reads) draw from a generator of their own, so that
        # every other row is what the same seed gave before the reports existed.
        self.usage = random.Random(0)  # generate() seeds it

    def cap(self, moment: datetime) -> datetime:
        """Nothing happens in the future."""
        return min(moment, self.now - timedelta(minutes=1))

    def query(self, batch: Batch, qid: int, created: datetime, status: str) -> None:
        rng = self.rng
        self.queries_seen += 1
        year = created.year
        self.sequence[year] = self.sequence.get(year, 0) + 1
        reference = f"RB-{year}-{self.sequence[year]:04d}"
        requester = rng.choices(self.people.members, self.people.requester_weights)[0]
        priority = weighted(rng, PRIORITIES)
        needed_by = (created + timedelta(days=rng.randint(5, 40))).date() \
            if rng.random() < 0.2 else None
        title = self.prose.title()
        row = {
            "id": qid, "reference": reference, "title": title,
            "question": self.prose.pooled(rng.randint(40, 120)),
            "context": self.prose.pooled(rng.randint(20, 80)),
            "purpose": self.prose.pooled(rng.randint(10, 30)),
            "requester_id": requester, "country": rng.choice(COUNTRIES), "priority": priority,
            "needed_by": needed_by,
            "confidentiality": "community" if rng.random() < 0.4 else "restricted",
            "status": status, "created_at": created, "deadline_driven": False,
            "sla_calendar": "Default", "paused_at": None, "resolution_met_at": None,
            "close_reason": None, "closed_at": None, "duplicate_of_id": None,
            "channel": weighted(self.usage, CHANNELS),
        }
        row.update(self.sla_times(created, priority, needed_by))
        for theme in rng.sample(self.theme_ids, rng.randint(1, 3)):
            batch.add("query_themes", query_id=qid, theme_id=theme)
        facilitator = rng.choice(self.people.facilitators)
        self.event(batch, qid, requester, "submitted", created, title=title)
        last = self.conversation(batch, row, facilitator)
        if status in ("routed", "synthesis", "published") or \
                (status == "closed" and rng.random() < 0.3):
            last = self.route(batch, row, facilitator, last)
        if status in ("synthesis", "published"):
            last = self.respond(batch, row, facilitator, last)
        if status == "closed":
            last = self.close(batch, row, facilitator, last)
        elif status in ("submitted", "clarification"):
            row["triage_met_at"] = None
        row["updated_at"] = last
        if status == "published":
            self.published_ids.append(qid)
        batch.add("queries", **row)

    def sla_times(self, created, priority, needed_by) -> dict:
        triage_due = created + timedelta(days=TRIAGE_DAYS[priority])
        resolution_due = created + timedelta(days=RESOLUTION_DAYS[priority])
        driven = False
        if needed_by is not None:
            deadline = datetime.combine(needed_by, datetime.min.time(), tzinfo=UTC)
            if deadline < resolution_due:
                resolution_due, driven = deadline, True
        return {
            "triage_due_at": triage_due, "triage_warn_at": created + (triage_due - created) * 0.75,
            "resolution_due_at": resolution_due,
            "resolution_warn_at": created + (resolution_due - created) * 0.75,
            "deadline_driven": driven,
            "triage_met_at": self.cap(created + timedelta(hours=self.rng.uniform(0.5, 40))),
        }

    def conversation(self, batch, row, facilitator) -> datetime:
        """A clarification asked (and answered unless still waiting), internal notes."""
        rng, qid = self.rng, row["id"]
        last = row["created_at"]
        if row["status"] == "clarification" or rng.random() < 0.15:
            asked = self.cap(last + timedelta(hours=rng.uniform(1, 20)))
            self.message(batch, qid, facilitator, "public", "clarification", asked)
            self.event(batch, qid, facilitator, "clarification_requested", asked,
                       from_status="submitted", to_status="clarification")
            last = asked
            if row["status"] == "clarification":
                row["paused_at"] = asked
                return last
            replied = self.cap(asked + timedelta(hours=rng.uniform(2, 60)))
            self.message(batch, qid, row["requester_id"], "public", "reply", replied)
            self.event(batch, qid, row["requester_id"], "clarification_answered", replied,
                       from_status="clarification", to_status="submitted")
            last = replied
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 2)):
                last = self.cap(last + timedelta(hours=rng.uniform(1, 30)))
                self.message(batch, qid, facilitator, "internal", "note", last)
                self.event(batch, qid, facilitator, "note_added", last, internal=True)
        return last

    def route(self, batch, row, facilitator, last) -> datetime:
        rng, qid, status = self.rng, row["id"], row["status"]
        routed = self.cap(max(last, row["triage_met_at"]))
        self.event(batch, qid, facilitator, "routed", routed, from_status="submitted",
                   to_status="routed")
        size = {"published": (2, 9), "synthesis": (2, 8), "routed": (1, 4)}.get(status, (1, 3))
        experts = set()
        while len(experts) < rng.randint(*size):
            experts.add(rng.choices(self.people.experts, self.people.expert_weights)[0])
        last = routed
        for expert in sorted(experts):
            last = max(last, self.assignment(batch, row, expert, facilitator, routed))
        return last

    def assignment(self, batch, row, expert, facilitator, routed) -> datetime:
        rng, qid = self.rng, row["id"]
        state = weighted(rng, {
            "published": (("answered", 90), ("declined", 5), ("withdrawn", 5)),
            "synthesis": (("answered", 80), ("accepted", 10), ("declined", 10)),
            "routed": (("invited", 40), ("accepted", 30), ("answered", 20), ("declined", 10)),
        }.get(row["status"], (("withdrawn", 50), ("answered", 50))))
        aid = self.ids.next("assignment")
        due = routed + timedelta(days=ANSWER_DAYS)
        responded = self.cap(routed + timedelta(hours=rng.uniform(2, 48)))
        answered = self.cap(routed + timedelta(days=rng.uniform(0.5, 6)))
        batch.add("assignments", id=aid, query_id=qid, expert_id=expert,
                  assigned_by_id=facilitator, status=state, created_at=routed,
                  responded_at=None if state == "invited" else responded,
                  answered_at=answered if state == "answered" else None, due_at=due,
                  remind_at=routed + timedelta(days=ANSWER_DAYS / 2),
                  warn_at=routed + timedelta(days=ANSWER_DAYS * 0.75),
                  decline_reason=self.prose.pooled(12) if state == "declined" else None)
        name = self.people.names[expert]
        self.event(batch, qid, facilitator, "expert_assigned", routed, internal=True,
                   expert=name)
        self.notify(batch, expert, "assigned", row, routed,
                    f"You are asked to answer {row['reference']}: {row['title']}")
        if state == "declined":
            self.event(batch, qid, expert, "assignment_declined", responded, internal=True,
                       reason="")
            return responded
        if state != "answered":
            return routed
        for _ in range(self.contributions_for_one()):
            self.contribution(batch, row, expert, answered)
        return answered

    def contributions_for_one(self) -> int:
        """Contributions of one answered assignment: one, often a follow-up or more, as many
        as the answered assignments still to come need to reach the target count, but never
        more than MAX_PER_ANSWER (uncapped, the last queries took up to 359 each)."""
        if self.contributions_left <= 0:
            return 0
        self.answered_seen += 1
        per_query = self.answered_seen / max(1, self.queries_seen)
        coming = per_query * (self.counts["queries"] - self.queries_seen) + 1
        mean = max(1.0, self.contributions_left / coming)
        count = min(self.contributions_left, MAX_PER_ANSWER,
                    int(mean) + (self.rng.random() < mean % 1))
        self.contributions_left -= count
        return count

    def contribution(self, batch, row, expert, at) -> None:
        cid = self.ids.next("contribution")
        at = self.cap(at + timedelta(hours=self.rng.uniform(0, 30)))
        batch.add("contributions", id=cid, query_id=row["id"], author_id=expert,
                  body=self.prose.pooled(self.rng.randint(50, 140)),
                  used_in_synthesis=row["status"] == "published" and self.rng.random() < 0.7,
                  created_at=at, updated_at=at)
        self.event(batch, row["id"], expert, "contribution_added", at, internal=True,
                   contribution=cid)

    def respond(self, batch, row, facilitator, last) -> datetime:
        rng, qid = self.rng, row["id"]
        started = self.cap(last + timedelta(hours=rng.uniform(2, 72)))
        self.event(batch, qid, facilitator, "synthesis_started", started,
                   from_status="routed", to_status="synthesis")
        rid = self.ids.next("response")
        title, summary = row["title"], self.prose.fresh(rng.randint(60, 120))
        body = self.prose.fresh(rng.randint(250, 550))
        published = row["status"] == "published"
        at = self.cap(started + timedelta(days=rng.uniform(0.5, 6)))
        visibility = weighted(rng, VISIBILITY) if published else "restricted"
        batch.add("responses", id=rid, query_id=qid, title=title, summary=summary, body=body,
                  visibility=visibility, status="published" if published else "draft",
                  revision=1, created_at=started, updated_at=at if published else started,
                  published_at=at if published else None,
                  published_by_id=facilitator if published else None)
        batch.add("response_revisions", response_id=rid, number=1, author_id=facilitator,
                  created_at=started, title=title, summary=summary, body=body,
                  note="First draft")
        if not published:
            return started
        row["resolution_met_at"] = at
        self.reads(batch, rid, at)
        self.event(batch, qid, facilitator, "published", at, from_status="synthesis",
                   to_status="published", visibility=visibility, revision=1)
        self.notify(batch, row["requester_id"], "response_published", row, at,
                    f"The response to {row['reference']} is published")
        return at

    def reads(self, batch, rid: int, published: datetime) -> None:
        """Reads of a published response on a few days after publication (the reports' most
        read): most responses are read a little, a few a lot."""
        usage, days = self.usage, (self.now - published).days
        for offset in sorted(usage.sample(range(days + 1), min(days + 1, usage.randint(1, 6)))):
            batch.add("response_views", response_id=rid,
                      day=(published + timedelta(days=offset)).date(),
                      views=max(1, int(usage.paretovariate(1.2))))

    def close(self, batch, row, facilitator, last) -> datetime:
        rng = self.rng
        reason = weighted(rng, CLOSE_REASONS)
        if reason == "duplicate" and not self.published_ids:
            reason = "out_of_scope"
        at = self.cap(last + timedelta(hours=rng.uniform(1, 200)))
        row.update(close_reason=reason, closed_at=at)
        data = {"reason": reason}
        if reason == "duplicate":
            row["duplicate_of_id"] = rng.choice(self.published_ids[-2_000:])
        actor = row["requester_id"] if reason == "withdrawn" else facilitator
        self.event(batch, row["id"], actor, "closed", at, from_status="submitted",
                   to_status="closed", **data)
        self.notify(batch, row["requester_id"], "closed", row, at,
                    f"Your query {row['reference']} is closed")
        return at

    # --- the rows beside a query --------------------------------------------------------

    def event(self, batch, qid, actor, kind, at, internal=False, **data) -> None:
        batch.add("events", id=self.ids.next("event"), query_id=qid, actor_id=actor,
                  kind=kind, at=at, data=data, internal=internal)

    def message(self, batch, qid, author, visibility, purpose, at) -> None:
        batch.add("messages", id=self.ids.next("message"), query_id=qid, author_id=author,
                  visibility=visibility, purpose=purpose,
                  body=self.prose.pooled(self.rng.randint(15, 60)), created_at=at)

    def notify(self, batch, user_id, kind, row, at, note) -> None:
        """An in-app notice (read unless recent) and, for the last two months, its e-mail."""
        nid = self.ids.next("notification")
        recent = self.now - at < timedelta(days=60)
        batch.add("notifications", id=nid, user_id=user_id, kind=kind, query_id=row["id"],
                  text=note[:300], url=f"/queries/{row['reference']}", created_at=at,
                  read_at=None if recent and self.rng.random() < 0.6 else at + timedelta(hours=5))
        if recent:
            batch.add("outbound_emails", id=self.ids.next("email"), user_id=user_id,
                      recipient=f"user{user_id}@bench.example",
                      subject=f"[Reachback] {note}"[:300], text_body=note, html_body=None,
                      status="sent", attempts=1, next_attempt_at=at, created_at=at,
                      sent_at=at + timedelta(seconds=30), dedupe_key=f"notification:{nid}")


# --- putting it together --------------------------------------------------------------------

def scaled(scale: float) -> dict[str, int]:
    counts = {name: max(1, int(round(n * scale))) for name, n in FULL.items()}
    counts["experts"] = max(20, counts["experts"])
    counts["users"] = max(counts["experts"] + FACILITATORS + ADMINS + 50, counts["users"])
    return counts


def generate(db, counts, seed, echo, scale: float) -> dict:
    from reachback.accounts.taxonomy import seed_taxonomy
    from reachback.sla.services import seed_sla_defaults

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    seed_taxonomy()
    seed_sla_defaults()
    db.session.commit()
    tables = db.metadata.tables
    prose = Prose(rng)
    people = create_people(db, tables, counts, rng, prose, now)
    echo(f"{counts['users']} users ({len(people.experts)} experts, "
         f"{len(people.facilitators)} facilitators, {len(people.admins)} admins)")
    plan = plan_statuses(rng, counts["queries"], counts["published"], now)
    gen = Generator(db, tables, rng, prose, people, counts, now)
    gen.usage = random.Random(seed + 1)
    rows = 0
    with click.progressbar(length=len(plan), label="Queries and their rows",
                           show_pos=True, show_eta=True) as bar:
        for start in range(0, len(plan), BATCH):
            batch = Batch()
            for offset, (created, status) in enumerate(plan[start:start + BATCH]):
                gen.query(batch, start + offset + 1, created, status)
            rows += batch.flush(db, tables)
            db.session.commit()
            bar.update(min(BATCH, len(plan) - start))
    db.session.execute(insert(tables["reference_counters"]),
                       [{"year": y, "last": n} for y, n in gen.sequence.items()])
    rows += search_terms(db, tables, random.Random(seed + 2), now)
    db.session.commit()
    info = {"now": now.isoformat(), **busiest(db, people)}
    started = time.perf_counter()
    written = add_community(db, prose, seed, scale, now, info)
    echo(f"Community rows in {time.perf_counter() - started:.1f} s: "
         + ", ".join(f"{n} {k}" for k, n in written.items()))
    return {**info, "rows": rows + sum(written.values())}


def search_terms(db, tables, rng, now: datetime) -> int:
    """The reports' counted searches: SEARCH_TERMS_PER_DAY texts a day over the five years,
    of one to three domain words (frequent ones often), a few finding nothing."""
    rows = []
    for age in range(YEARS * 365):
        day = (now - timedelta(days=age)).date()
        terms = {" ".join(rng.choices(WORDS, k=rng.randint(1, 3)))
                 for _ in range(SEARCH_TERMS_PER_DAY)}
        for term in terms:
            searches = max(1, int(rng.paretovariate(1.5)))
            results = 0 if rng.random() < 0.15 else rng.randint(1, 200)
            rows.append({"day": day, "term": term[:100], "searches": searches,
                         "empty": searches if results == 0 else 0, "results": results})
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(tables["search_terms"]), rows[start:start + 10_000])
    return len(rows)


def busiest(db, people: People) -> dict:
    """The people the benchmark signs in as: the requester with the most queries, the expert
    with the most open assignments, a facilitator and an admin."""
    requester = db.session.execute(text(
        "SELECT requester_id FROM queries GROUP BY requester_id ORDER BY count(*) DESC LIMIT 1"
    )).scalar()
    expert = db.session.execute(text(
        "SELECT expert_id FROM assignments WHERE status IN ('invited', 'accepted') "
        "GROUP BY expert_id ORDER BY count(*) DESC LIMIT 1")).scalar()
    return {"requester_id": requester, "expert_id": expert,
            "facilitator_id": people.facilitators[0], "admin_id": people.admins[0]}


def table_counts(db) -> dict[str, int]:
    names = ("users", "queries", "contributions", "assignments", "events", "messages",
             "responses", "notifications", "outbound_emails", "groups", "community_events",
             "notices", "discussions", "discussion_posts", "newsletters", "documents")
    counts = {n: db.session.execute(text(f"SELECT count(*) FROM {n}")).scalar()  # noqa: S608
              for n in names}  # nosec B608 - fixed table names
    counts["published"] = db.session.execute(text(
        "SELECT count(*) FROM responses WHERE status = 'published'")).scalar()
    counts["open queries"] = db.session.execute(text(
        "SELECT count(*) FROM queries WHERE status IN "
        "('submitted', 'clarification', 'routed', 'synthesis')")).scalar()
    return counts


def reindex(instance: Path) -> dict:
    """`reachback reindex` in a child process (its progress bar shows): wall time, rate, and
    the child's peak resident memory."""
    env = {**os.environ, "REACHBACK_INSTANCE_PATH": str(instance)}
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/reachback"), "reindex"], env=env,  # noqa: S603
                   check=True)  # nosec B603
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(wall, 1), "peak_mb": round(peak_mb)}


def upgrade(app) -> None:
    """The schema through the app's own migrations (`reachback db upgrade`)."""
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade()


def community_only(instance: Path) -> None:
    """The community rows (groups, calendar, blackboard, discussions, newsletters, library,
    profiles) added to an instance generated before they existed, with its own seed and
    scale, then indexed through the outbox (a full reindex would take many minutes more).
    Refuses an instance that has them already: the instance stays as it was."""
    path = instance / "bench.json"
    if not path.exists():
        sys.exit(f"{instance} holds no benchmark data set (no bench.json): generate one with "
                 f"bench/generate.py --instance {instance}")
    info = json.loads(path.read_text())
    os.environ["REACHBACK_INSTANCE_PATH"] = str(instance)
    from reachback import create_app, init_migrations
    from reachback.extensions import db, refresh_planner_statistics

    app = init_migrations(create_app())
    upgrade(app)
    started = time.perf_counter()
    with app.app_context():
        there = present(db)
        if there:
            sys.exit(f"{instance} has its community rows already ("
                     + ", ".join(f"{n} {name}" for name, n in there.items())
                     + "): nothing was added. Generate a new instance to make them again.")
        prose = Prose(random.Random(info["seed"]))  # the vocabulary of the first generation
        now = datetime.now(UTC).replace(microsecond=0)
        written = add_community(db, prose, info["seed"], info["scale"], now, info)
        click.echo(f"Community rows in {time.perf_counter() - started:.1f} s: "
                   + ", ".join(f"{n} {k}" for k, n in written.items()))
        indexed = index_community(db)
        info["counts"] = table_counts(db)
        refresh_planner_statistics()
        db.session.remove()
    seconds = round(time.perf_counter() - started, 1)
    info["community"] = {"rows": sum(written.values()), "indexed": indexed, "seconds": seconds}
    path.write_text(json.dumps(info, indent=1))
    click.echo(f"{indexed} documents and newsletters indexed; {seconds} s in all.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the full data set (0.05 for a quick run)")
    parser.add_argument("--queries", type=int, help="set the scale from a number of queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--instance", type=Path, default=BENCH / "instance")
    parser.add_argument("--no-index", action="store_true", help="skip building the index")
    parser.add_argument("--community-only", action="store_true",
                        help="add the community rows to the existing instance (and index them)")
    args = parser.parse_args()
    if args.community_only:
        community_only(args.instance.resolve())
        return
    scale = args.queries / FULL["queries"] if args.queries else args.scale
    counts = scaled(scale)
    instance = args.instance.resolve()
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir(parents=True)
    os.environ["REACHBACK_INSTANCE_PATH"] = str(instance)
    from reachback import create_app, init_migrations
    from reachback.extensions import db, refresh_planner_statistics

    app = init_migrations(create_app())
    upgrade(app)
    started = time.perf_counter()
    with app.app_context():
        info = generate(db, counts, args.seed, click.echo, scale)
        info["counts"] = table_counts(db)
        refresh_planner_statistics()  # as the scheduler's hourly job does on a real site
        db.session.remove()
    info["generated_seconds"] = round(time.perf_counter() - started, 1)
    info.update(scale=scale, seed=args.seed, generated_on=date.today().isoformat())
    click.echo(f"Generated {info['rows']} rows in {info['generated_seconds']} s: "
               + ", ".join(f"{n} {k}" for k, n in info["counts"].items()))
    if not args.no_index:
        info["reindex"] = reindex(instance)
        # The rebuild also indexes the open queries (duplicate candidates at triage), the
        # library's documents and the sent newsletters.
        counts = info["counts"]
        items = counts["published"] + counts["open queries"] + counts["documents"] \
            + counts["newsletters"]
        info["reindex"]["items_per_s"] = round(items / info["reindex"]["seconds"], 1)
        info["reindex"]["responses_per_s"] = round(
            info["counts"]["published"] / info["reindex"]["seconds"], 1)
        click.echo(f"Reindex: {info['reindex']['seconds']} s for {items} items "
                   f"({info['reindex']['items_per_s']:.0f}/s), "
                   f"peak {info['reindex']['peak_mb']} MB")
    (instance / "bench.json").write_text(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
