"""The community's rows of the benchmark data set: what the community pages show beside the
queries. At scale 1: 60 groups of 5 to 80 members (a few closed queries and documents of
their own), 3 000 calendar events over the five years (some a group's, some waiting for
approval), 500 blackboard notices, 120 e-discussions with their weekly questions and
20 000 posts, a sent newsletter a month with its items (and this month's draft), 1 500
library documents, and the profiles of most members filled in.

bench/generate.py runs add_community() after the queries (the full reindex then indexes
these rows), or alone on an existing instance (`--community-only`), then index_community()
sends what search reads (documents, discussion summaries, newsletters) through the index
outbox. Rows go in with SQLAlchemy Core executemany, seeded, never through the services.
"""
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from search import COUNTRIES, WORDS  # bench/search.py (generate.py puts bench/ on the path)
from sqlalchemy import bindparam, insert, text, update

FULL = {"groups": 60, "events": 3_000, "notices": 500, "discussions": 120, "posts": 20_000,
        "documents": 1_500}
MINIMUM = {"groups": 3, "events": 30, "notices": 10, "discussions": 5, "posts": 100,
           "documents": 20}
NEWSLETTERS = 60  # one a month over the five years, whatever the scale
YEARS = 5
# The tables this step fills; one holding rows means the step ran already.
TABLES = ("groups", "group_memberships", "community_events", "notices", "discussions",
          "discussion_posts", "newsletters", "documents")
PROFILED = 0.85  # share of members whose profile is filled in
GROUP_QUERIES = 3  # closed queries of each group
GROUP_DOCUMENTS = 2
ZONES = ("UTC", "Europe/Paris", "Europe/Berlin", "Africa/Nairobi", "Africa/Juba",
         "Africa/Bamako", "America/Bogota", "Asia/Kabul", "Asia/Beirut", "America/New_York")
LANGUAGES = ("fr", "es", "ar", "pt", "ru", "sw")
DEPLOYMENTS = (("at_headquarters", 45), ("deployed", 30), ("awaiting_deployment", 10),
               ("between_assignments", 15))
DOCUMENT_KINDS = (("briefing", 35), ("guidance", 30), ("planning", 15), ("other", 20))
DOCUMENT_VISIBILITIES = (("restricted", 10), ("community", 55), ("public", 35))
EVENT_VISIBILITIES = (("community", 55), ("public", 35), ("group", 10))
NOTICE_KINDS = ("announcement", "call_for_contributions", "vacancy", "deployment", "training")
ITEMS_PER_KIND = 8  # what a newsletter presents of each kind (a facilitator picks)
BATCH = 10_000


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def scaled(scale: float) -> dict[str, int]:
    return {name: max(MINIMUM[name], int(round(n * scale))) for name, n in FULL.items()}


def present(db) -> dict[str, int]:
    """The community tables that hold rows already, with their counts."""
    counts = {name: db.session.execute(text(f"SELECT count(*) FROM {name}")).scalar()  # noqa: S608
              for name in TABLES}  # nosec B608 - fixed table names
    return {name: n for name, n in counts.items() if n}


@dataclass
class Members:
    """Who is there, read from the database (so that the step runs on any instance)."""

    everyone: list[int]
    facilitators: list[int]
    experts: list[int]
    organisation: dict[int, int]
    bench: dict[str, int]  # the requester, expert and facilitator the benchmark signs in as


def read_members(db, bench: dict[str, int]) -> Members:
    users = db.session.execute(text("SELECT id, organisation_id FROM users WHERE active"))
    organisation = dict(users.all())
    roles = defaultdict(list)
    for uid, role in db.session.execute(text("SELECT user_id, role FROM user_roles")):
        roles[role].append(uid)
    return Members(sorted(organisation), sorted(roles["facilitator"]), sorted(roles["expert"]),
                   organisation, bench)


class Community:
    """Builds each table's rows; later tables draw on the earlier ones (a group's events,
    a month's newsletter items)."""

    def __init__(self, db, rng, prose, now: datetime, members: Members, counts: dict):
        self.db, self.rng, self.prose, self.now = db, rng, prose, now
        self.members, self.counts = members, counts
        self.tables = db.metadata.tables
        self.today = now.date()
        self.themes = list(db.session.scalars(text(
            "SELECT id FROM themes WHERE parent_id IS NOT NULL")))
        self.ids = {name: (db.session.execute(text(
            f"SELECT max(id) FROM {name}")).scalar() or 0)  # noqa: S608  # nosec B608
            for name in ("groups", "group_memberships", "community_events", "notices",
                         "discussions", "discussion_questions", "discussion_posts",
                         "newsletters", "newsletter_items", "documents")}
        self.written: dict[str, int] = defaultdict(int)
        # What the newsletters present, kept as the rows are made.
        self.documents: list[dict] = []
        self.events: list[dict] = []
        self.notices: list[dict] = []
        self.group_members: dict[int, list[int]] = {}
        self.group_facilitators: dict[int, list[int]] = {}

    # --- helpers -------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def insert(self, table: str, rows: list[dict], markdown: tuple[str, ...] = ()) -> None:
        """Rows in batches, with the <field>_html columns the app fills on every write."""
        from reachback.markdown import render

        for row in rows:
            row.update({f"{f}_html": str(render(row[f])) for f in markdown})
        for start in range(0, len(rows), BATCH):
            self.db.session.execute(insert(self.tables[table]), rows[start:start + BATCH])
        self.written[table] += len(rows)

    def moment_in_five_years(self) -> datetime:
        """A moment of the five years, the recent ones likelier (the community grew)."""
        age = YEARS * 365 * (1 - self.rng.random() ** 0.5)
        return self.now - timedelta(days=age, seconds=self.rng.uniform(0, 86_400))

    def staff(self) -> int:
        return self.rng.choice(self.members.facilitators)

    def member(self) -> int:
        return self.rng.choice(self.members.everyone)

    def themes_of(self, key: str, owner: int, at_most: int) -> list[dict]:
        return [{key: owner, "theme_id": t}
                for t in self.rng.sample(self.themes, self.rng.randint(0, at_most))]

    # --- the tables ----------------------------------------------------------------------

    def profiles(self) -> None:
        """Most members' biography, languages, deployment and e-mail choice; a few away."""
        rng, users = self.rng, self.tables["users"]
        spoken = set(self.db.session.scalars(text("SELECT DISTINCT user_id FROM user_languages")))
        rows, languages = [], []
        for uid in self.members.everyone:
            if rng.random() > PROFILED:
                continue
            status = weighted(rng, DEPLOYMENTS)
            away = rng.random() < 0.03
            rows.append({
                "uid": uid, "p_bio": self.prose.pooled(rng.randint(30, 90)),
                "p_status": status,
                "p_country": rng.choice(COUNTRIES) if status == "deployed" else None,
                "p_show": rng.random() < 0.3,
                "p_away": self.today + timedelta(days=rng.randint(1, 30)) if away else None,
                "p_note": "On leave" if away else ""})
            if uid not in spoken:
                languages += [{"user_id": uid, "language": code} for code in
                              ("en", *rng.sample(LANGUAGES, rng.randint(0, 2)))]
        from reachback.markdown import render

        for row in rows:
            row["p_html"] = str(render(row["p_bio"]))
        statement = update(users).where(users.c.id == bindparam("uid")).values(
            bio=bindparam("p_bio"), bio_html=bindparam("p_html"),
            deployment_status=bindparam("p_status"), deployment_country=bindparam("p_country"),
            show_email=bindparam("p_show"), away_until=bindparam("p_away"),
            away_note=bindparam("p_note"))
        for start in range(0, len(rows), BATCH):
            self.db.session.execute(statement, rows[start:start + BATCH])
        self.written["profiles"] = len(rows)
        self.insert("user_languages", languages)

    def groups(self) -> None:
        """Groups (most open, some closed with a cap per organisation) and their members:
        one or two group facilitators, a few waiting for approval in closed groups. The
        benchmark's member, expert and facilitator belong to some (their pages show them)."""
        rng, words = self.rng, WORDS
        groups, themes, memberships = [], [], []
        bench = self.members.bench
        for n in range(self.counts["groups"]):
            gid = self.next_id("groups")
            a, b = rng.sample(words, 2)
            closed = rng.random() < 0.3
            created = self.moment_in_five_years()
            groups.append({
                "id": gid, "name": f"{a.capitalize()} and {b} practitioners",
                "slug": f"{a}-{b}-{gid}", "description": self.prose.pooled(rng.randint(20, 50)),
                "open": not closed, "max_per_organisation": 2 if closed and rng.random() < 0.5
                else None, "created_at": created,
                "digest_sent_at": self.now - timedelta(days=rng.uniform(0, 7))})
            themes += self.themes_of("group_id", gid, 2)
            people = rng.sample(self.members.everyone,
                                min(len(self.members.everyone), rng.randint(5, 80)))
            # The benchmark's people: the member in a few groups, the expert in some, the
            # staff facilitator facilitating two.
            for who, share in (("requester_id", 4), ("expert_id", 3), ("facilitator_id", 2)):
                uid = bench.get(who)
                if uid and n % max(1, self.counts["groups"] // share) == 0 and uid not in people:
                    people.append(uid)
            leads = {people[0], *(people[1:2] if rng.random() < 0.4 else [])}
            if bench.get("facilitator_id") in people:
                leads.add(bench["facilitator_id"])
            for uid in people:
                pending = closed and uid not in leads and uid not in bench.values() \
                    and rng.random() < 0.08
                memberships.append({
                    "id": self.next_id("group_memberships"), "group_id": gid, "user_id": uid,
                    "role": "facilitator" if uid in leads else "member",
                    "status": "pending" if pending else "active", "digest": rng.random() < 0.9,
                    "created_at": created + timedelta(days=rng.uniform(0, 300))})
            self.group_members[gid] = [m["user_id"] for m in memberships[-len(people):]
                                       if m["status"] == "active"]
            self.group_facilitators[gid] = sorted(leads)
        self.insert("groups", groups)
        self.insert("group_themes", themes)
        self.insert("group_memberships", memberships)
        self.group_queries(memberships)

    def group_queries(self, memberships: list[dict]) -> None:
        """A few closed queries of each group, asked by its members (closed ones: the open
        and published queries are in the search index, which would then be stale)."""
        rng, queries = self.rng, self.tables["queries"]
        closed = list(self.db.session.execute(text(
            "SELECT id, requester_id FROM queries WHERE status = 'closed' AND group_id IS NULL "
            "ORDER BY id")))
        chosen = rng.sample(closed, min(len(closed), GROUP_QUERIES * len(self.group_members)))
        rows, joined = [], []
        members = {(m["group_id"], m["user_id"]) for m in memberships}
        groups = list(self.group_members)
        for i, (qid, requester) in enumerate(chosen):
            gid = groups[i % len(groups)]
            rows.append({"qid": qid, "g": gid})
            if (gid, requester) not in members:  # the asker belongs to the group
                members.add((gid, requester))
                joined.append({"id": self.next_id("group_memberships"), "group_id": gid,
                               "user_id": requester, "role": "member", "status": "active",
                               "digest": True, "created_at": self.now - timedelta(days=400)})
        if rows:
            self.db.session.execute(update(queries).where(queries.c.id == bindparam("qid"))
                                    .values(group_id=bindparam("g"), confidentiality="group"),
                                    rows)
        self.written["group queries"] = len(rows)
        self.insert("group_memberships", joined)

    def library(self) -> None:
        """Library documents over the five years (text extracted from their files, as the
        index reads it; the files themselves are not needed by any page), and a few of each
        group's."""
        rng = self.rng
        specs = [(None, weighted(rng, DOCUMENT_VISIBILITIES))
                 for _ in range(self.counts["documents"])]
        specs += [(gid, "group") for gid in self.group_members for _ in range(GROUP_DOCUMENTS)]
        docs, themes, countries = [], [], []
        for group_id, visibility in specs:
            created = self.moment_in_five_years()
            did = self.next_id("documents")
            author = rng.choice(self.group_facilitators[group_id]) if group_id else self.staff()
            docs.append({
                "id": did, "title": self.prose.title(), "kind": weighted(rng, DOCUMENT_KINDS),
                "summary": self.prose.fresh(rng.randint(30, 70)),
                "date": (created - timedelta(days=rng.randint(0, 60))).date(),
                "visibility": visibility, "created_by_id": author, "group_id": group_id,
                "created_at": created, "updated_at": created,
                "text": self.prose.fresh(rng.randint(150, 450))})
            themes += self.themes_of("document_id", did, 3) or \
                [{"document_id": did, "theme_id": rng.choice(self.themes)}]
            countries += [{"document_id": did, "country": c}
                          for c in rng.sample(COUNTRIES, rng.randint(0, 2))]
        self.documents += docs
        self.insert("documents", docs)
        self.insert("document_themes", themes)
        self.insert("document_countries", countries)

    def calendar(self) -> None:
        """Events over the five years and the next three months: most published, some of a
        group, members' ones approved by a facilitator, the coming ones sometimes still
        proposals, a few cancelled."""
        rng, events, themes = self.rng, [], []
        groups = list(self.group_members)
        for _ in range(self.counts["events"]):
            eid = self.next_id("community_events")
            if rng.random() < 0.06:  # the coming weeks: what the calendar opens on
                starts = self.now + timedelta(days=rng.uniform(0, 90))
            else:
                starts = self.moment_in_five_years()
            starts = starts.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
            visibility = weighted(rng, EVENT_VISIBILITIES)
            group_id = rng.choice(groups) if visibility == "group" else None
            by_member = group_id is None and rng.random() < 0.35
            organiser = rng.choice(self.group_facilitators[group_id]) if group_id \
                else self.member() if by_member else self.staff()
            status = "published"
            if starts > self.now and by_member and rng.random() < 0.4:
                status = "proposed"
            elif rng.random() < 0.03:
                status = "cancelled"
            online = rng.random() < 0.6
            hours = rng.choice((1, 1, 1.5, 2, 3)) if rng.random() > 0.03 else 24 * 3
            events.append({
                "id": eid, "title": self.prose.title(),
                "description": self.prose.pooled(rng.randint(20, 80)),
                "starts_at": starts, "ends_at": starts + timedelta(hours=hours),
                "timezone": rng.choice(ZONES),
                "location": "" if online else f"{rng.choice(WORDS).capitalize()} hall",
                "online_url": f"https://meet.example.org/event-{eid}" if online else "",
                "visibility": visibility, "status": status, "organiser_id": organiser,
                "group_id": group_id,
                "approved_by_id": self.staff() if by_member and status != "proposed" else None,
                "created_at": min(self.now, starts - timedelta(days=rng.uniform(3, 40))),
                "updated_at": min(self.now, starts - timedelta(days=rng.uniform(0, 3)))})
            themes += self.themes_of("event_id", eid, 2)
        self.events += events
        self.insert("community_events", events, ("description",))
        self.insert("community_event_themes", themes)

    def board(self) -> None:
        """Notices over the five years, each on the board for one to eight weeks; the
        members' ones approved by a facilitator, a few current ones waiting for it."""
        rng, notices = self.rng, []
        for _ in range(self.counts["notices"]):
            created = self.moment_in_five_years()
            expires = (created + timedelta(days=rng.randint(7, 56))).date()
            by_member = rng.random() < 0.5
            proposed = by_member and expires >= self.today and rng.random() < 0.3
            notices.append({
                "id": self.next_id("notices"), "kind": rng.choice(NOTICE_KINDS),
                "title": self.prose.title(), "body": self.prose.pooled(rng.randint(20, 70)),
                "expires_on": expires, "status": "proposed" if proposed else "published",
                "author_id": self.member() if by_member else self.staff(),
                "approved_by_id": self.staff() if by_member and not proposed else None,
                "created_at": created})
        self.notices += notices
        self.insert("notices", notices, ("body",))

    def discussions(self) -> None:
        """E-discussions of four to six weeks over the five years (a quarter in a group),
        one coming and two open now; a guiding question a week, released when due; posts
        and replies by members, a facilitator's summary each week; most closed ones with
        their summary published to the library."""
        rng, count = self.rng, self.counts["discussions"]
        starts = sorted(self.today - timedelta(days=rng.randint(45, YEARS * 365))
                         for _ in range(count - 3))
        starts += [self.today - timedelta(days=20), self.today - timedelta(days=9),
                   self.today + timedelta(days=12)]
        weights = [rng.paretovariate(1.5) for _ in starts]
        share = self.counts["posts"] / sum(weights)
        rows = defaultdict(list)
        for starts_on, weight in zip(starts, weights, strict=True):
            self.discussion(rows, starts_on, round(weight * share))
        for table, markdown in (("discussions", ("description",)),
                                ("discussion_questions", ()),
                                ("discussion_posts", ("body",)),
                                ("discussion_participants", ())):
            self.insert(table, rows[table], markdown)

    def discussion(self, rows, starts_on: date, posts: int) -> None:
        rng = self.rng
        did = self.next_id("discussions")
        weeks = rng.randint(4, 6)
        ends_on = starts_on + timedelta(weeks=weeks)
        group_id = rng.choice(list(self.group_members)) if rng.random() < 0.25 else None
        lead = rng.choice(self.group_facilitators[group_id]) if group_id else self.staff()
        created = datetime.combine(starts_on - timedelta(days=10), time(9), UTC)
        closed_at, summary_id = None, None
        if ends_on < self.today and rng.random() < 0.85:
            closed_at = datetime.combine(ends_on + timedelta(days=rng.randint(1, 5)), time(10),
                                         UTC)
            summary_id = self.summary_document(group_id, lead, closed_at)
        rows["discussions"].append({
            "id": did, "title": self.prose.title(),
            "description": self.prose.pooled(rng.randint(30, 80)), "starts_on": starts_on,
            "ends_on": ends_on, "group_id": group_id, "created_by_id": lead,
            "created_at": min(created, self.now), "closed_at": closed_at,
            "summary_document_id": summary_id})
        for position in range(weeks):
            due = starts_on + timedelta(weeks=position)
            rows["discussion_questions"].append({
                "id": self.next_id("discussion_questions"), "discussion_id": did,
                "position": position, "text": self.prose.title() + "?",
                "released_at": datetime.combine(due, time(6), UTC) if due <= self.today
                else None})
        start = datetime.combine(starts_on, time(7), UTC)
        end = min(self.now, datetime.combine(ends_on, time(20), UTC))
        if end <= start:
            posts = 0  # not started yet
        people = self.group_members[group_id] if group_id else self.members.everyone
        authors = set()
        written: list[int] = []
        for at in sorted(start + (end - start) * rng.random() for _ in range(posts)):
            pid = self.next_id("discussion_posts")
            author = rng.choice(people)
            authors.add(author)
            hidden = rng.random() < 0.005
            rows["discussion_posts"].append({
                "id": pid, "discussion_id": did, "author_id": author,
                "reply_to_id": rng.choice(written) if written and rng.random() < 0.35 else None,
                "kind": "post", "body": self.prose.pooled(rng.randint(20, 120)),
                "created_at": at, "hidden_at": at + timedelta(hours=3) if hidden else None,
                "hidden_by_id": lead if hidden else None,
                "hidden_reason": "Off topic." if hidden else None})
            written.append(pid)
        for week in range(1, weeks + 1):  # the facilitator's weekly summary
            at = datetime.combine(starts_on + timedelta(weeks=week) - timedelta(days=1),
                                  time(17), UTC)
            if at < self.now and posts:
                rows["discussion_posts"].append({
                    "id": self.next_id("discussion_posts"), "discussion_id": did,
                    "author_id": lead, "reply_to_id": None, "kind": "summary",
                    "body": self.prose.pooled(rng.randint(60, 150)), "created_at": at,
                    "hidden_at": None, "hidden_by_id": None, "hidden_reason": None})
        invited = set(rng.sample(self.members.experts, min(3, len(self.members.experts))))
        for uid in sorted(invited | authors):
            rows["discussion_participants"].append({
                "discussion_id": did, "user_id": uid, "invited": uid in invited,
                "email_posts": uid in invited or rng.random() < 0.3, "created_at": created})

    def summary_document(self, group_id: int | None, author: int, at: datetime) -> int:
        """A closed discussion's summary, a library document of kind `discussion`."""
        rng = self.rng
        did = self.next_id("documents")
        visibility = "group" if group_id else rng.choice(("community", "public"))
        doc = {"id": did, "title": self.prose.title(), "kind": "discussion",
               "summary": self.prose.fresh(rng.randint(30, 60)), "date": at.date(),
               "visibility": visibility, "created_by_id": author, "group_id": group_id,
               "created_at": at, "updated_at": at,
               "text": self.prose.fresh(rng.randint(200, 400))}
        self.documents.append(doc)
        self.insert("documents", [doc])
        return did

    def newsletters(self) -> None:
        """A newsletter sent on the 2nd of each month for the month before, presenting
        (as a facilitator picks them from the draft) some of the month's published responses
        and library additions, the next month's events and the notices then on the board;
        and this month's, a draft being written."""
        responses = self.responses_by_month()
        first = self.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        letters, items = [], []
        for back in range(NEWSLETTERS, -1, -1):
            start = month_back(first, back)
            end, after = month_back(first, back - 1), month_back(first, back - 2)
            sent = end.replace(day=2, hour=9)
            if back and sent > self.now:
                continue  # last month's goes out tomorrow morning: not sent yet
            moment = min(sent, self.now)
            chosen = [*responses[start.strftime("%Y-%m")], *self.documents_of(start, end),
                      *self.events_of(end, after), *self.notices_on(moment.date())]
            nid = self.next_id("newsletters")
            for position, item in enumerate(chosen):
                items.append({"id": self.next_id("newsletter_items"), "newsletter_id": nid,
                              "position": position, "included": True, **item})
            public = chosen and all(item["visibility"] == "public" for item in chosen)
            facilitator = self.staff()
            letters.append({
                "id": nid, "month": start.strftime("%Y-%m"),
                "title": f"Reachback newsletter: {start:%B %Y}",
                "editorial": self.prose.pooled(self.rng.randint(40, 90)),
                "status": "sent" if back else "draft",
                "visibility": "public" if public else "community",
                "created_by_id": facilitator, "created_at": moment - timedelta(days=1),
                "sent_by_id": facilitator if back else None, "sent_at": sent if back else None,
                "recipients": len(self.members.everyone) if back else 0})
        self.insert("newsletters", letters, ("editorial",))
        self.insert("newsletter_items", items)

    def responses_by_month(self) -> dict[str, list[dict]]:
        """The newest ITEMS_PER_KIND community or public responses published each month
        ("YYYY-MM"), as newsletter items."""
        from reachback.markdown import plain_text

        responses = defaultdict(list)
        for rid, title, summary, visibility, published, reference in self.db.session.execute(
                text("SELECT r.id, r.title, r.summary, r.visibility, r.published_at, "
                     "q.reference FROM responses r JOIN queries q ON q.id = r.query_id "
                     "WHERE r.status = 'published' AND r.visibility IN ('community', 'public') "
                     "ORDER BY r.published_at DESC")):
            month = str(published)[:7]
            if len(responses[month]) < ITEMS_PER_KIND:
                responses[month].append({"kind": "response", "item_id": rid, "title": title,
                                         "blurb": plain_text(summary)[:400],
                                         "url": f"/kb/{reference}", "visibility": visibility})
        return responses

    def documents_of(self, start: datetime, end: datetime) -> list[dict]:
        docs = [d for d in self.documents if start <= d["created_at"] < end
                and d["visibility"] in ("community", "public")][:ITEMS_PER_KIND]
        return [{"kind": "discussion" if d["kind"] == "discussion" else "document",
                 "item_id": d["id"], "title": d["title"], "blurb": d["summary"][:400],
                 "url": f"/library/{d['id']}", "visibility": d["visibility"]} for d in docs]

    def events_of(self, start: datetime, end: datetime) -> list[dict]:
        events = [e for e in self.events if start <= e["starts_at"] < end
                  and e["status"] == "published"
                  and e["visibility"] in ("community", "public")][:ITEMS_PER_KIND]
        return [{"kind": "event", "item_id": e["id"], "title": e["title"],
                 "blurb": f"{e['starts_at']:%Y-%m-%d %H:%M} UTC", "url": f"/calendar/{e['id']}",
                 "visibility": e["visibility"]} for e in events]

    def notices_on(self, day: date) -> list[dict]:
        notices = [n for n in self.notices if n["status"] == "published"
                   and n["created_at"].date() <= day <= n["expires_on"]][:ITEMS_PER_KIND]
        return [{"kind": "notice", "item_id": n["id"], "title": n["title"],
                 "blurb": n["body"][:400], "url": "/notices", "visibility": "community"}
                for n in notices]


def month_back(first: datetime, months: int) -> datetime:
    """The first moment of the month `months` before the month starting at `first`."""
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return first.replace(year=year, month=month + 1)


def add_community(db, prose, seed: int, scale: float, now: datetime,
                  bench: dict[str, int]) -> dict[str, int]:
    """Every community row at `scale`, in one transaction; returns how many of each. Draws
    from a generator of its own, so the rows are the same whether the step runs within the
    full generation or alone."""
    rng = random.Random(seed + 3)
    prose.rng = rng
    community = Community(db, rng, prose, now, read_members(db, bench), scaled(scale))
    for step in (community.profiles, community.groups, community.library, community.calendar,
                 community.board, community.discussions, community.newsletters):
        step()
    db.session.commit()
    return dict(community.written)


def index_community(db) -> int:
    """Queue what search reads of the community (library documents, discussion summaries
    among them, and sent newsletters) in the index outbox and apply it, as the outbox job
    would: minutes less than a full reindex of the responses. Returns the items applied."""
    from reachback.knowledge import search

    keys = [{"key": f"document:{i}", "action": "upsert"}
            for i in db.session.scalars(text("SELECT id FROM documents"))]
    keys += [{"key": f"newsletter:{i}", "action": "upsert"}
             for i in db.session.scalars(text("SELECT id FROM newsletters WHERE status = 'sent'"))]
    now = datetime.now(UTC)
    db.session.execute(insert(db.metadata.tables["search_outbox"]),
                       [{**k, "created_at": now} for k in keys])
    db.session.commit()
    # No duplicate candidates to refresh: documents and newsletters are never candidates.
    return search.apply_outbox(refresh_up_to=0)

