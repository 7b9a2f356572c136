"""Demo data: a living system for newcomers, built through the same services as real use.

The content is data, in reachback/data/demo/*.yaml (read and checked by
reachback/data/demo_loader.py). Every query is replayed step by step with the clock set in
the past, so the timeline, notifications and timestamps look like months of real work.
"""
import io
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from .accounts.models import Organisation, User, find_user_by_email
from .accounts.passwords import generate_password
from .accounts.services import create_user
from .accounts.taxonomy import seed_taxonomy
from .accounts.twofactor import set_secret
from .data import demo_loader
from .discussions import services as discussions
from .extensions import db
from .groups import services as groups
from .knowledge.library import add_document
from .knowledge.search import rebuild
from .members.services import update_member_profile
from .models_base import set_clock, utcnow
from .notify.models import OutboundEmail
from .queries import services as qs
from .reports.models import ResponseView, SearchTerm
from .sla.calendar import add_business_time
from .sla.services import HOUR, seed_sla_defaults, targets_for
from .synthesis import annexes, feedback, lifecycle
from .synthesis import services as ss
from .synthesis.models import ConsolidatedResponse
from .synthesis.translations import save_translation

MARKER = "facilitator@example.org"


def load_demo(echo=print, only_if_empty: bool = False) -> bool:
    """Load the demo once; returns True when it loaded something."""
    if only_if_empty and db.session.scalar(select(func.count(User.id))):
        echo("The database already has accounts: demo data not loaded.")
        return False
    seed_taxonomy()
    seed_sla_defaults()
    if find_user_by_email(MARKER) is not None:
        db.session.commit()
        echo("Demo data is already loaded.")
        return False
    content = demo_loader.load()  # checked whole before anything is written
    _create_organisations(content)
    passwords, keys = _create_people(content)
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        references: dict[int, str] = {}
        for pair in _in_dependency_order(content.queries):
            _replay(pair, now, references)
        _add_documents(content, now)
        _add_community(content, now)
        _create_groups(now)
        _create_discussions(now)
        _send_newsletters(now)
        for index, item in enumerate(content.queries):
            if item.get("lifecycle"):
                _live_on(item["lifecycle"], references[index], references, now)
    finally:
        set_clock(None)
    _reports_activity(now)
    db.session.commit()
    _ready_to_serve()
    _announce(echo, content, passwords, keys)
    return True


def _ready_to_serve() -> None:
    """What lets /healthz answer 200 as soon as the site serves the demo: its e-mails, queued
    on the replayed clock months ago, fall due now (not months late: the scheduler sends
    them within a minute), and the search index holds every demo text, built as `reachback
    reindex` builds it (not left in the search outbox, dated months ago, for the
    scheduler's job). Commits."""
    now = utcnow()
    db.session.execute(update(OutboundEmail)
                       .where(OutboundEmail.status == "queued", OutboundEmail.next_attempt_at < now)
                       .values(next_attempt_at=now))
    db.session.commit()
    rebuild()


def _create_organisations(content: demo_loader.DemoContent) -> None:
    """The organisations with their kind, country and Global South flag (people name them;
    create_user would otherwise make bare ones)."""
    known = set(db.session.scalars(select(Organisation.name)))
    for org in content.organisations:
        if org["name"] not in known:
            db.session.add(Organisation(**org))
    db.session.flush()


# What a demo person's profile says beside their expertise (members/services.py).
PROFILE_KEYS = ("bio", "away_note", "deployment_status", "deployment_country", "show_email")


def _create_people(content: demo_loader.DemoContent) -> tuple[dict[str, str], dict[str, str]]:
    """Every demo account; returns ({e-mail: password}, {e-mail: two-factor key}) (the keys
    of the staff accounts, which must sign in with a code)."""
    shared = os.environ.get("REACHBACK_DEMO_PASSWORD")
    passwords, keys = {}, {}
    today = datetime.now(UTC).date()
    people = [*content.staff, *({**p, "roles": ["expert"]} for p in content.experts),
              *({**p, "roles": ["member"]} for p in content.members)]
    for person in people:
        roles = person["roles"]
        password = shared or generate_password()
        away = person.get("away_days")
        user = create_user(
            None, person["email"], person["name"], roles=roles, password=password,
            organisation=person.get("organisation", ""), country=person.get("country", ""),
            themes=person.get("themes", []), countries=person.get("countries", []),
            languages=person.get("languages", []),
            language=person.get("language", ""),
            away_until=today + timedelta(days=away) if away else None,
        )
        profile = {key: person[key] for key in PROFILE_KEYS if key in person}
        if profile:  # as the member would write it on their profile page
            update_member_profile(user, user, **profile)
        passwords[person["email"]] = password
        if user.is_staff:
            keys[person["email"]] = set_secret(user)
    db.session.flush()
    return passwords, keys


def _in_dependency_order(items):
    """Originals before the duplicates that point at them."""
    return sorted(enumerate(items), key=lambda pair: pair[1].get("status") == "closed")


class _Clock:
    """The replay's clock, from the submission time forward, never past `limit` (now). Each
    step of the journey comes a share of the query's targets later, counted in business
    hours as the SLA counts them: the facilitator's first action within half the triage
    target, then each further step (an answer, the draft, the publication) an eighth of the
    resolution target later, or `slow` times that (a query whose answers and response came
    late). So the demo's service mostly meets its targets, and misses some."""

    def __init__(self, start, limit, priority, slow=1):
        targets = targets_for(priority)
        self.calendar, self.now, self.limit = targets.calendar, start, limit
        self.first = targets.triage_hours * HOUR / 2
        self.step = targets.resolution_hours * HOUR / 8 * slow
        self.started = False

    def __call__(self):
        return self.now

    def tick(self, share=1.0):
        seconds = self.step * share if self.started else self.first
        self.started = True
        self.now = min(add_business_time(self.calendar, self.now, seconds),
                       self.limit - timedelta(minutes=1))


def _replay(pair, now, references) -> None:
    index, item = pair
    user = find_user_by_email
    facilitator = user(MARKER)
    start = now - timedelta(days=item.get("age_days", 1), hours=3)
    clock = _Clock(start, now, item.get("priority", "normal"), item.get("slow", 1))
    set_clock(clock)
    needed = item.get("needed_in_days")
    query = qs.submit_query(user(item["requester"]), {
        **{k: item.get(k, "") for k in ("title", "question", "context", "purpose", "country")},
        "themes": item["themes"], "priority": item.get("priority", "normal"),
        "confidentiality": item.get("confidentiality", "restricted"),
        "needed_by": (start + timedelta(days=needed)).date() if needed else None,
        "language": item.get("language", "en"),  # the data's, not the requester's choice
    }, channel=_channel(index))
    references[index] = query.reference
    clarification = item.get("clarification")
    if clarification:
        clock.tick(0.5)
        qs.ask_clarification(facilitator, query, clarification["question"])
        if clarification.get("reply"):
            clock.tick(0.5)
            qs.reply_to_clarification(query.requester, query, clarification["reply"])
    _route(item, query, facilitator, clock)
    for note in item.get("internal_notes", []):
        qs.add_internal_note(facilitator, query, note)
    _respond(item, query, facilitator, clock)
    if item.get("status") == "closed":
        _close(item, query, facilitator, clock, references)
    db.session.flush()


def _channel(index: int) -> str:
    """How the demo's queries came in: mostly the pages, some by e-mail, a few by the API."""
    return "email" if index % 6 == 2 else "api" if index % 9 == 4 else "web"


# The reports' year of searches: (text, how often on a day it is searched, results found).
# Well-covered subjects find answers; the gaps find nothing, or next to nothing.
SEARCHES = (
    ("police vetting", 0.9, 6), ("ceasefire monitoring", 0.7, 4), ("ddr", 0.6, 5),
    ("elections security", 0.5, 3), ("transitional justice", 0.5, 4),
    ("local mediation", 0.4, 3), ("community policing", 0.4, 5),
    ("land restitution", 0.35, 0), ("hate speech radio", 0.3, 1),
    ("climate security sahel", 0.25, 0), ("prison overcrowding", 0.2, 0),
    ("women mediators", 0.3, 2), ("border management", 0.2, 1),
    ("reintegration of child soldiers", 0.15, 0), ("budget transparency", 0.15, 2),
    ("early warning indicators", 0.2, 3), ("customary courts", 0.1, 0),
)


def _reports_activity(now: datetime) -> None:
    """A believable year for the reports: the knowledge base's searches per day (counted
    as reports.usage counts them: the text, never who) and reads of each published
    response from its publication on."""
    rng, today = random.Random(2026), now.date()  # noqa: S311 - demo data, not a secret
    searches = []
    for age in range(365):
        day = today - timedelta(days=age)
        weekday = day.weekday() < 5
        for term, rate, found in SEARCHES:
            n = sum(rng.random() < rate * (1 if weekday else 0.3) for _ in range(3))
            if n:
                results = found if found <= 2 or age < 120 else max(found - 2, 0)
                searches.append({"day": day, "term": term, "searches": n,
                                 "empty": n if results == 0 else 0, "results": results})
    db.session.execute(SearchTerm.__table__.insert(), searches)
    reads = []
    for response_id, published in db.session.execute(
            select(ConsolidatedResponse.id, ConsolidatedResponse.published_at)
            .where(ConsolidatedResponse.status == "published")):
        popularity = rng.uniform(0.3, 3)
        for age in range((today - published.date()).days + 1):
            views = int(rng.expovariate(1 / popularity) * (2 if age < 14 else 1))
            if views:
                reads.append({"response_id": response_id,
                              "day": published.date() + timedelta(days=age), "views": views})
    if reads:
        db.session.execute(ResponseView.__table__.insert(), reads)


def _route(item, query, facilitator, clock) -> None:
    if not item.get("experts") and not item.get("declined"):
        return
    clock.tick()
    for declined in item.get("declined", []):
        expert = find_user_by_email(declined["expert"])
        assignment = qs.assign_expert(facilitator, query, expert)
        clock.tick(0.3)
        qs.decline_assignment(expert, assignment, declined["reason"])
    assignments = {}
    for email in item.get("experts", []):
        expert = find_user_by_email(email)
        assignments[email] = qs.assign_expert(facilitator, query, expert)
    for email in item.get("accepted", []):  # accepted, still writing
        clock.tick(0.2)
        qs.accept_assignment(find_user_by_email(email), assignments[email])
    for contribution in item.get("contributions", []):
        clock.tick()
        expert = find_user_by_email(contribution["expert"])
        if contribution["expert"] not in assignments:
            assignments[contribution["expert"]] = qs.assign_expert(facilitator, query, expert)
        if assignments[contribution["expert"]].status == "invited":
            qs.accept_assignment(expert, assignments[contribution["expert"]])
        qs.add_contribution(expert, query, contribution["body"],
                            language=contribution.get("language", query.language))


def _add_documents(content: demo_loader.DemoContent, now) -> None:
    """The library: each document added by the facilitator as a text file, on its day."""
    facilitator = find_user_by_email(MARKER)
    for number, doc in enumerate(content.library):
        added = now - timedelta(days=doc["age_days"], hours=5)
        set_clock(lambda added=added: added)
        dated = (now - timedelta(days=doc.get("dated_days", doc["age_days"]))).date()
        add_document(facilitator, {
            "title": doc["title"], "kind": doc["kind"], "summary": doc["summary"],
            "date": dated.isoformat(), "themes": doc.get("themes", []),
            "countries": doc.get("countries", []),
            "visibility": doc.get("visibility", "community")},
            FileStorage(io.BytesIO(doc["text"].encode()), f"document-{number + 1}.txt",
                        content_type="text/plain"))
    db.session.flush()


def _add_community(content: demo_loader.DemoContent, now) -> None:
    """The calendar (a month of events, one of them still a proposal) and the blackboard
    (one notice expired), each submitted by its organiser or author a week ago, and the
    members' ones approved by the facilitator where the file says so."""
    from .community import services as community

    facilitator = find_user_by_email(MARKER)
    set_clock(lambda: now - timedelta(days=7))
    for item in content.events:
        zone = ZoneInfo(item["timezone"])
        day = (now + timedelta(days=item["in_days"])).astimezone(zone).date()
        hour, minute = (int(part) for part in item["at"].split(":"))
        starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        event = community.submit_event(find_user_by_email(item["organiser"]), {
            **{key: item.get(key, "") for key in ("title", "description", "location",
                                                   "online_url", "visibility", "timezone")},
            "themes": item.get("themes", []), "starts_at": starts,
            "ends_at": starts + timedelta(hours=item["hours"])})
        if item.get("approved"):
            community.approve_event(facilitator, event)
    for item in content.notices:
        expires = (now + timedelta(days=item["expires_in_days"])).date()
        if expires < (now - timedelta(days=7)).date():  # expired before it was posted
            set_clock(lambda expires=expires: datetime.combine(expires, datetime.min.time(),
                                                               UTC))
        notice = community.submit_notice(find_user_by_email(item["author"]), {
            **{key: item[key] for key in ("kind", "title", "body")}, "expires_on": expires})
        if item.get("approved"):
            community.approve_notice(facilitator, notice)
        set_clock(lambda: now - timedelta(days=7))
    db.session.flush()


# The editorials of the two newsletters sent before the demo's "now" (the older first).
NEWSLETTER_EDITORIALS = [
    "Welcome to the monthly newsletter of Reachback. This month: what the experts answered, "
    "the notes added to the library and the coming events. Your **queries** keep it going: "
    "ask, and tell us what helped.",
    "A busy month for the community: new responses on security sector reform and "
    "community policing, and calls on the blackboard. Thank you to every expert who "
    "answered.",
]


def _send_newsletters(now) -> None:
    """The newsletters of the two months before `now`, each sent by the facilitator on the
    2nd of the next month, their e-mails delivered (sent in the outbox) that morning."""
    from .newsletters import services as newsletters

    facilitator = find_user_by_email(MARKER)
    first = now.replace(day=1, hour=0, minute=0, second=0)
    months = [(first - timedelta(days=1)).replace(day=1)]
    months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    for month, editorial in zip(months, NEWSLETTER_EDITORIALS, strict=True):
        sent_on = (month + timedelta(days=32)).replace(day=2, hour=9)
        set_clock(lambda sent_on=sent_on: sent_on)
        newsletter = newsletters.draft(facilitator, month.strftime("%Y-%m"))
        newsletters.edit(facilitator, newsletter, {"editorial": editorial})
        newsletters.send(facilitator, newsletter)
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.dedupe_key.like(f"newsletter:{newsletter.id}:%"))
            .values(status="sent", attempts=1, sent_at=sent_on + timedelta(minutes=5)))
        newsletter.status = "sent"
    db.session.flush()


# Two sub-groups: an open one, and a closed one taking at most two members per organisation
# (the concept note's rule), each with its facilitator and members, and a few queries.
DEMO_GROUPS = [
    {"name": "Community policing practitioners", "slug": "community-policing", "open": True,
     "description": "Police advisers and community liaison officers comparing what works "
                    "in community policing after conflict.",
     "themes": ["police-reform-and-community-policing"],
     "facilitator": "o.shevchenko@example.org",
     "members": ["member@example.org", "g.achieng@example.org", "r.fernandes@example.org"]},
    {"name": "Local mediation in the Sahel", "slug": "sahel-mediation", "open": False,
     "max_per_organisation": 2,
     "description": "Representatives of member organisations working on local mediation "
                    "and dialogue in the Sahel: at most two per organisation.",
     "themes": ["local-mediation"],
     "facilitator": "c.dembele@example.org",
     "members": ["m.benali@example.org", "member@example.org"],
     "pending": ["l.xicara@example.org"]},
]
DEMO_GROUP_QUERIES = [
    ("community-policing", "group", "member@example.org",
     "Neighbourhood watch committees and the police: who chairs them?",
     "In three districts the committees are chaired by police station commanders and "
     "residents stopped coming. Where has a civilian chair worked better?"),
    ("community-policing", "restricted", "g.achieng@example.org",
     "Complaints against police officers from committee members",
     "Two committee members filed complaints and then faced harassment. How have other "
     "missions protected complainants?"),
    ("sahel-mediation", "group", "m.benali@example.org",
     "Herder-farmer mediation committees after the rainy season",
     "Which mediation committees kept working once the transhumance season began, and "
     "who paid for their meetings?"),
]

# A library document and an event of each group, read by its members only.
DEMO_GROUP_DOCUMENTS = [
    ("community-policing", "Terms of reference for a civilian-chaired committee",
     "A model the group drafted: who sits on a neighbourhood committee, who chairs it, how "
     "often it meets and what the police commander reports to it."),
    ("sahel-mediation", "Mediation committee costs through one transhumance season",
     "What three committees spent on meetings, travel and refreshments, month by month, and "
     "who paid."),
]
DEMO_GROUP_EVENTS = [
    ("community-policing", "Group call: civilian chairs, what changed", 5),
    ("sahel-mediation", "Group call: before the rainy season", 9),
]


def _create_groups(now) -> None:
    """DEMO_GROUPS with their facilitators, members (one waiting for approval) and
    DEMO_GROUP_QUERIES, asked in the last hours and left for triage (by the group's
    facilitator or the staff)."""
    admin = find_user_by_email("admin@example.org")
    for spec in DEMO_GROUPS:
        group = groups.create_group(admin, {k: v for k, v in spec.items()
                                            if k not in ("facilitator", "members", "pending")})
        facilitator = find_user_by_email(spec["facilitator"])
        for email in [spec["facilitator"], *spec["members"]]:
            groups.join_group(find_user_by_email(email), group)
            groups.approve_member(admin, group, find_user_by_email(email).id)
        groups.set_role(admin, group, facilitator.id, "facilitator")
        for email in spec.get("pending", ()):
            groups.join_group(find_user_by_email(email), group)
    for hours, (slug, confidentiality, asker, title, question) in enumerate(DEMO_GROUP_QUERIES):
        # Asked this morning: within the triage target (8 business hours), due later.
        set_clock(lambda hours=hours: now - timedelta(hours=hours + 1))
        qs.submit_query(find_user_by_email(asker), {
            "title": title, "question": question, "language": "en",
            "country": "ML" if "sahel" in slug else "SS",
            "themes": [next(s["themes"][0] for s in DEMO_GROUPS if s["slug"] == slug)],
            "confidentiality": confidentiality, "group": slug})
    _add_group_items(now)
    set_clock(None)


def _add_group_items(now) -> None:
    """DEMO_GROUP_DOCUMENTS and DEMO_GROUP_EVENTS, added yesterday by the staff facilitator
    (the groups' first weekly digest will tell their members)."""
    from .community import services as community

    facilitator = find_user_by_email(MARKER)
    set_clock(lambda: now - timedelta(days=1))
    for number, (slug, title, summary) in enumerate(DEMO_GROUP_DOCUMENTS):
        add_document(facilitator, {
            "title": title, "kind": "planning", "summary": summary,
            "date": (now - timedelta(days=2)).date().isoformat(), "visibility": "group",
            "group": slug},
            FileStorage(io.BytesIO(f"{title}\n\n{summary}\n".encode()),
                        f"group-document-{number + 1}.txt", content_type="text/plain"))
    for slug, title, in_days in DEMO_GROUP_EVENTS:
        starts = (now + timedelta(days=in_days)).replace(hour=13, minute=0, second=0,
                                                        microsecond=0)
        community.submit_event(facilitator, {
            "title": title, "starts_at": starts, "ends_at": starts + timedelta(hours=1),
            "visibility": "group", "group": slug, "online_url": "https://meet.example.org/"
            + slug})
# E-discussions, one in each state: closed with its published summary (the community's),
# open in a group with replies, a weekly summary and a hidden post, and one to come.
# (days from now it starts, its length in weeks, its group, its title, framing, questions,
# posts: (author, day after the start, body, the index of the post it replies to or None,
# hidden reason or None))
DEMO_DISCUSSIONS = [
    (-56, 5, None, "Community policing after ceasefires",
     "Five weeks to pool what members have seen work when police return to areas a "
     "ceasefire has reopened. The summary goes to the library.",
     ["Who did residents trust first, and why?", "What did police stations change first?",
      "Where did joint patrols help, and where did they hurt?"],
     [("member@example.org", 1, "In Bentiu, residents trusted the chiefs' courts first; "
       "police came through them.", None, None),
      ("g.achieng@example.org", 2, "Same in Kakuma: station open days only worked once a "
       "chief attended.", 0, None),
      ("r.fernandes@example.org", 9, "Joint patrols with community watch groups cut "
       "complaints by half in two districts.", None, None)],
     {"title": "Community policing after ceasefires: what members saw work",
      "summary": "Trust came through local authorities first; joint patrols helped where "
                 "watch groups chose their members.",
      "body": "## Findings\n\n1. Residents trusted customary authorities before the "
              "police.\n2. Station open days worked when a chief attended.\n3. Joint "
              "patrols helped where watch groups chose their own members."}),
    (-10, 5, "community-policing", "Neighbourhood watch committees: who should chair?",
     "A group discussion on the chairing of neighbourhood watch committees.",
     ["Who chairs your committees today?", "What changed when the chair changed?",
      "What would you advise a new mission?"],
     [("member@example.org", 0, "Police station commanders chair ours; attendance "
       "dropped.", None, None),
      ("o.shevchenko@example.org", 1, "Has anyone tried a rotating civilian chair?", 0,
       None),
      ("g.achieng@example.org", 2, "Buy cheap phones at the market stall next door!", None,
       "Advertising, not about the discussion.")],
     None),
    (14, 4, None, "Local mediation and the transhumance season",
     "Four weeks on keeping local mediation committees working through the season.",
     ["Which committees kept meeting?", "Who paid for their meetings?"], [], None),
]


def _create_discussions(now) -> None:
    """DEMO_DISCUSSIONS, each post written on its day (the clock set back), the questions
    due by now released, the past one summarised and closed."""
    facilitator = find_user_by_email(MARKER)
    for start, weeks, group, title, framing, questions, posts, summary in DEMO_DISCUSSIONS:
        starts_on = now.date() + timedelta(days=start)
        set_clock(lambda starts_on=starts_on: datetime.combine(
            starts_on, datetime.min.time(), UTC) - timedelta(days=7))
        discussion = discussions.create_discussion(facilitator, {
            "title": title, "description": framing, "questions": questions, "group": group,
            "starts_on": starts_on, "ends_on": starts_on + timedelta(weeks=weeks)})
        for question in discussion.questions:
            due = starts_on + timedelta(days=7 * question.position)
            if due <= now.date():
                question.released_at = datetime.combine(due, datetime.min.time(), UTC) \
                    + timedelta(hours=6)
        written = []
        for author, day, body, reply_to, hidden in posts:
            set_clock(lambda day=day, starts_on=starts_on: datetime.combine(
                starts_on + timedelta(days=day), datetime.min.time(), UTC)
                + timedelta(hours=10))
            post = discussions.add_post(find_user_by_email(author), discussion, {
                "body": body, "reply_to": written[reply_to].id if reply_to is not None
                else None})
            if hidden:
                discussions.hide_post(facilitator, post, hidden)
            written.append(post)
        if summary is not None:
            set_clock(lambda starts_on=starts_on, weeks=weeks: datetime.combine(
                starts_on + timedelta(weeks=weeks), datetime.min.time(), UTC)
                + timedelta(hours=9))
            discussions.add_post(facilitator, discussion, {
                "body": "Thank you all: the summary follows in the library."}, kind="summary")
            discussions.publish_summary(facilitator, discussion,
                                        {**summary, "visibility": "community"})
    set_clock(None)


def _respond(item, query, facilitator, clock) -> None:
    response = item.get("response")
    if not response or item.get("status") not in ("synthesis", "published"):
        return
    clock.tick()
    ss.save_draft(facilitator, query, response["title"], response["summary"],
                  response["body"], note="First draft",
                  language=response.get("language", query.language))
    if item["status"] == "published":
        clock.tick(0.5)
        ss.publish_response(facilitator, query, response.get("visibility", "community"))
        for translation in response.get("translations", []):
            clock.tick(0.2)
            save_translation(facilitator, query.reference, translation["language"],
                             translation["title"], translation["summary"], translation["body"])


def _live_on(steps: dict, reference: str, references: dict, now) -> None:
    """What happened to a published response afterwards (the data's `lifecycle`): a
    correction, readers' feedback, the requester's rating, annexes and "See also" links, a
    newer response superseding it; a day apart, ending a day ago."""
    facilitator = find_user_by_email(MARKER)
    query = qs.get_query(facilitator, reference)
    moment = now - timedelta(days=4)
    set_clock(lambda: moment)
    correction = steps.get("correction")
    if correction:
        r = query.response
        ss.save_draft(facilitator, query, r.title, r.summary,
                      f"{r.body}\n\n{correction['append']}", note="Correction")
        ss.publish_response(facilitator, query, change_note=correction["note"])
    moment += timedelta(days=1)
    for given in steps.get("feedback", []):
        feedback.give_feedback(find_user_by_email(given["reader"]), query.response,
                               given["useful"], given.get("comment"), given.get("outdated"))
    rating = steps.get("rating")
    if rating:
        feedback.rate(query.requester, query, rating["score"], rating.get("used_for"))
    for annex in steps.get("annexes", []):
        annexes.add_annex(facilitator, query, FileStorage(
            io.BytesIO(annex["text"].encode()), annex["name"], content_type="text/plain"))
    for index in steps.get("see_also_indexes", []):
        lifecycle.link_response(facilitator, reference, references[index])
    moment += timedelta(days=1)
    if "superseded_by_index" in steps:
        lifecycle.supersede(facilitator, reference, references[steps["superseded_by_index"]])
    db.session.flush()


def _close(item, query, facilitator, clock, references) -> None:
    clock.tick()
    reason = item.get("close_reason", "declined")
    actor = query.requester if reason == "withdrawn" else facilitator
    original = None
    if reason == "duplicate":
        original = references.get(item["duplicate_of_index"])
    qs.close_query(actor, query, reason, duplicate_of=original, note=item.get("close_note"))


CODE_HINT = ("Facilitators and admins sign in with a code after the password. Without a "
             "phone: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\" "
             "(KEY: the account's two-factor key, written after its password).")


def _announce(echo, content: demo_loader.DemoContent, passwords: dict[str, str],
              keys: dict[str, str]) -> None:
    lines = ["Demo data loaded. Demo accounts (one per role; e-mail, password, two-factor key):"]
    for person in content.staff:
        email = person["email"]
        lines.append(f"  {person['roles'][0]:<12} {email:<28} {passwords[email]}  "
                     f"{keys.get(email, '')}".rstrip())
    lines.append("Experts and members (e.g. a.mensah@...) share the scheme; see "
                 "instance/demo-accounts.txt.")
    lines.append(CODE_HINT)
    path = Path(current_app.instance_path) / "demo-accounts.txt"
    # A PostgreSQL deployment may have no instance folder yet: nothing else needed one.
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
        fh.write(f"# {CODE_HINT}\n")
        fh.write("\n".join(f"{email}\t{pw}\t{keys.get(email, '')}".rstrip()
                           for email, pw in passwords.items()) + "\n")
    for line in lines:
        echo(line)
