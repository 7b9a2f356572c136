"""`reachback demo` replays every item of its data files (reachback/data/demo/*.yaml)."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import Organisation, User
from reachback.data import demo_loader
from reachback.demo import DEMO_GROUP_DOCUMENTS, DEMO_GROUP_EVENTS, DEMO_GROUP_QUERIES, load_demo
from reachback.extensions import db
from reachback.groups.models import Group
from reachback.health import healthz
from reachback.knowledge.models import Document, SearchOutbox
from reachback.knowledge.search import search
from reachback.models_base import utcnow
from reachback.notify.models import OutboundEmail
from reachback.queries.models import Assignment, Contribution, FieldQuery
from reachback.sla import services as sla
from reachback.synthesis.models import ConsolidatedResponse, ResponseTranslation


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _load(*_factories) -> bool:
    return load_demo(echo=lambda _line: None)


@pytest.fixture
def database_template(scenes):
    """The demo is loaded once per test worker, and each test reads a copy of it."""
    return scenes("demo", _load)


@pytest.fixture
def loaded(app, database_template) -> bool:
    """What load_demo answered when it loaded this test's demo (True: it loaded)."""
    return database_template.ids if database_template.folder else _load()


def test_the_demo_holds_what_its_data_files_say(app, loaded):
    content = demo_loader.load()
    assert loaded

    assert count(User) == len(content.people)
    organisations = db.session.scalars(select(Organisation))
    assert {(o.name, o.kind, o.country, o.south) for o in organisations} == \
        {(o["name"], o["kind"], o["country"], o["south"]) for o in content.organisations}
    # The data files' queries, and the sub-groups' (reachback/demo.py), left for triage.
    assert Counter(db.session.scalars(select(FieldQuery.status))) == \
        Counter(q["status"] for q in content.queries) + \
        Counter({"submitted": len(DEMO_GROUP_QUERIES)})
    groups = {g.slug: g for g in db.session.scalars(select(Group))}
    assert {(g.open, g.max_per_organisation) for g in groups.values()} == {(True, None),
                                                                          (False, 2)}
    assert all(any(m.role == "facilitator" for m in g.memberships) for g in groups.values())
    assert db.session.scalar(select(func.count()).where(
        FieldQuery.group_id.is_not(None))) == len(DEMO_GROUP_QUERIES)
    assert count(Contribution) == sum(len(q.get("contributions", [])) for q in content.queries)
    assert count(ConsolidatedResponse) == sum(
        q["status"] in ("synthesis", "published") and bool(q.get("response")) for q in content.queries)
    # Markdown is stored as the file reads (the block scalars, flush left)
    bodies = set(db.session.scalars(select(Contribution.body)))
    assert {c["body"] for q in content.queries for c in q.get("contributions", [])} == bodies
    # Languages: people's choices, what each text is written in, translations of responses.
    assert {u.email: u.language for u in db.session.scalars(select(User))} == {
        p["email"]: p.get("language") for p in content.people}
    assert Counter(db.session.scalars(select(FieldQuery.language))) == \
        Counter(q.get("language", "en") for q in content.queries) + \
        Counter({"en": len(DEMO_GROUP_QUERIES)})
    translated = {(t.response.query.title, t.language, t.title)
                  for t in db.session.scalars(select(ResponseTranslation))}
    assert translated == {(q["title"], t["language"], t["title"]) for q in content.queries
                          for t in (q.get("response") or {}).get("translations", [])}
    assert len(translated) >= 1 and "fr" in {q.get("language") for q in content.queries}
    # The lifecycle: a corrected response, a superseded one, ratings and feedback.
    from reachback.synthesis.models import ResponseCorrection, ResponseFeedback, ResponseRating

    steps = [q.get("lifecycle") or {} for q in content.queries]
    assert count(ResponseCorrection) == sum("correction" in s for s in steps) >= 1
    assert count(ResponseRating) == sum("rating" in s for s in steps) >= 1
    assert count(ResponseFeedback) == sum(len(s.get("feedback", [])) for s in steps) >= 1
    superseded = list(db.session.scalars(select(ConsolidatedResponse).filter_by(
        status="superseded")))
    assert len(superseded) == sum("superseded_by_index" in s for s in steps) >= 1
    assert all(r.superseded_by.status == "published" for r in superseded)
    # Member profiles: as the files say, with varied statuses, some away, some awaiting
    # deployment.
    people = {u.email: u for u in db.session.scalars(select(User))}
    for person in content.people:
        user = people[person["email"]]
        assert user.bio == person.get("bio", "")
        assert user.deployment_status == person.get("deployment_status", "at_headquarters")
        assert user.deployment_country == person.get("deployment_country")
        assert user.show_email == person.get("show_email", False)
        assert user.languages == sorted(person.get("languages", []))
    statuses = Counter(u.deployment_status for u in people.values())
    assert statuses["awaiting_deployment"] >= 3 and len(statuses) == 4
    assert sum(u.away_until is not None for u in people.values()) >= 2

    # A response with an annex and a "See also" link (issue 18).
    from reachback.files.models import Attachment
    from reachback.synthesis.models import ResponseLink

    annexed = list(db.session.scalars(select(Attachment).where(
        Attachment.response_id.is_not(None))))
    assert len(annexed) == sum(len(s.get("annexes", [])) for s in steps) >= 1
    assert count(ResponseLink) == sum(len(s.get("see_also_indexes", [])) for s in steps) >= 1
    assert not load_demo(echo=lambda _line: None)  # once only


def test_the_demo_is_searchable_and_healthy_as_soon_as_it_is_loaded(app, loaded):
    """No scheduler and no request ran: the index holds the demo, nothing waits in the
    search outbox, and the e-mails queued on the replayed clock are not months overdue."""
    assert loaded
    public = db.session.scalars(select(ConsolidatedResponse).filter_by(
        status="published", visibility="public").order_by(ConsolidatedResponse.id)).first()
    assert count(SearchOutbox) == 0
    with app.test_request_context("/healthz"):
        found = search(None, f'"{public.title}"')
        answer = healthz()
    assert public.query.reference in {hit.ref for hit in found.items}
    checks = answer.get_json()["checks"]
    assert checks["search"] == {"ok": True, "waiting": 0, "lag_s": 0.0}
    # Every e-mail waits but the two newsletters', delivered when they were sent.
    queued = db.session.scalar(select(func.count()).where(OutboundEmail.status == "queued"))
    assert checks["outbox"]["ok"] and checks["outbox"]["waiting"] == queued > 0
    assert count(OutboundEmail) - queued == db.session.scalar(select(func.count()).where(
        OutboundEmail.dedupe_key.like("newsletter:%")))
    assert answer.status_code == 200


def test_the_demo_looks_like_a_community_that_has_worked_for_a_year(app, loaded):
    """A library, a knowledge base of 20 or more responses over a year, every expert with
    something open in their queue, assignments as the internal notes tell them, and a
    service that mostly meets its targets (not every one, not one in two)."""
    content = demo_loader.load()
    assert loaded
    now = utcnow()

    from reachback.discussions.models import Discussion

    summaries = select(Discussion.summary_document_id).where(
        Discussion.summary_document_id.is_not(None))
    documents = db.session.scalars(select(Document).where(Document.id.not_in(summaries))).all()
    assert len(documents) == len(content.library) + len(DEMO_GROUP_DOCUMENTS)
    assert len(content.library) >= 8  # and a discussion's summary, left out above
    assert {d.title for d in documents} == {d["title"] for d in content.library} | \
        {title for _slug, title, _summary in DEMO_GROUP_DOCUMENTS}
    assert {d.group.slug for d in documents if d.group_id} == {"community-policing",
                                                              "sahel-mediation"}
    assert all(d.text for d in documents)  # the file's text, for search
    published = db.session.scalars(select(ConsolidatedResponse).filter_by(
        status="published")).all()
    assert len(published) >= 20
    oldest = min(r.published_at for r in published)
    assert (now - oldest).days >= 300  # a year's work, not a week's

    experts = [u for u in db.session.scalars(select(User)) if u.has_role("expert")]
    open_by = Counter(a.expert_id for a in db.session.scalars(
        select(Assignment).where(Assignment.status.in_(("invited", "accepted")))))
    assert len(experts) >= 14
    assert [u.email for u in experts if not open_by[u.id]] == []

    # What the data (and its internal notes) say of each expert of an open query.
    by_title = {q.title: q for q in db.session.scalars(select(FieldQuery))}
    for item in content.queries:
        query = by_title[item["title"]]
        status = {a.expert.email: a.status for a in query.assignments}
        written = {c["expert"] for c in item.get("contributions", [])}
        for email in item.get("experts", []):
            expected = ("answered" if email in written else
                        "accepted" if email in item.get("accepted", []) else "invited")
            assert status[email] == expected, (item["title"], email)
        for declined in item.get("declined", []):
            assert status[declined["expert"]] == "declined"

    rates = sla.compliance(now)["by_priority"]
    for days in (30, 90):
        met = sum(row["rates"][days]["all"].met for row in rates)
        decided = sum(row["rates"][days]["all"].total for row in rates)
        assert decided >= 20, days
        assert 0.8 <= met / decided <= 0.97, (days, met, decided)


def test_the_demo_gives_the_reports_a_year_of_activity(app, loaded):
    from reachback.reports import services as reports

    assert loaded
    staff = db.session.scalar(select(User).where(User.email == "facilitator@example.org"))
    with app.test_request_context():
        channels = reports.report(staff, "demand", {"group_by": "channel"}).rows
        gaps = reports.report(staff, "search-gaps", {})
        use = reports.report(staff, "use", {})
        read = use.rows
    assert all(row["queries"] for row in channels)  # web, e-mail and API each
    assert gaps.rows and gaps.extra["frequent"] and all(r["results"] <= 2 for r in gaps.rows)
    months = reports.report(staff, "search-gaps", {"group_by": "month"}).rows
    assert len(months) == 12 and all(row["searches"] for row in months)
    # Most read first; responses only rated or given feedback come after, with no reads.
    views = [row["views"] for row in read]
    assert views and views[0] > 0 and views == sorted(views, reverse=True)
    assert use.extra["summary"]["ratings"] >= 1 and use.extra["summary"]["useful"] >= 1


def test_the_demo_has_a_month_of_events_and_a_blackboard(app, loaded):
    from reachback.community import services as community
    from reachback.community.models import CommunityEvent, Notice

    content = demo_loader.load()
    assert loaded
    events = list(db.session.scalars(select(CommunityEvent)))
    assert len(events) == len(content.events) + len(DEMO_GROUP_EVENTS)
    statuses = Counter(e.status for e in events)
    assert statuses["proposed"] == 1 and statuses["published"] == len(events) - 1
    assert {e.visibility for e in events} == {"public", "community", "group"}
    assert {e.group.slug for e in events if e.group_id} == {"community-policing",
                                                           "sahel-mediation"}
    upcoming = community.upcoming_events(None)
    assert upcoming and all(e.visibility == "public" for e in upcoming)
    assert max(e.starts_at for e in events) - utcnow() < timedelta(days=32)
    assert count(Notice) == len(content.notices)
    member = db.session.scalar(select(User).filter_by(email="member@example.org"))
    on_board = community.board(member)
    assert 0 < len(on_board) == len(content.notices) - 1  # the expired one has left


def test_the_demo_has_two_sent_newsletters_with_their_emails_sent(app, loaded):
    from reachback.newsletters import services as newsletters
    from reachback.newsletters.models import Newsletter

    assert loaded
    sent = list(db.session.scalars(select(Newsletter).order_by(Newsletter.month)))
    first = utcnow().replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    assert [n.month for n in sent] == [(before - timedelta(days=1)).strftime("%Y-%m"),
                                       before.strftime("%Y-%m")]
    members = count(User)
    for newsletter in sent:
        assert newsletter.status == "sent" and newsletter.editorial
        assert newsletter.included and newsletter.recipients == members
        mails = db.session.scalars(select(OutboundEmail.status).where(
            OutboundEmail.dedupe_key.like(f"newsletter:{newsletter.id}:%"))).all()
        assert mails == ["sent"] * members
    member = db.session.scalar(select(User).filter_by(email="member@example.org"))
    assert newsletters.latest_for(member).month == before.strftime("%Y-%m")
    with app.test_request_context():
        assert search(member, "", {"kind": "newsletter"}).total == 2


def test_the_demo_has_a_discussion_in_each_state(app, loaded):
    from reachback.discussions.models import Discussion, DiscussionPost

    assert loaded
    rows = list(db.session.scalars(select(Discussion).order_by(Discussion.starts_on)))
    assert [d.status for d in rows] == ["closed", "open", "scheduled"]
    closed, running, coming = rows
    summary = db.session.get(Document, closed.summary_document_id)
    assert (summary.kind, summary.visibility) == ("discussion", "community")
    member = db.session.scalar(select(User).filter_by(email="member@example.org"))
    assert [i.kind for i in search(member, "joint patrols").items][:1] == ["discussion"]
    assert running.group.slug == "community-policing"
    posts = db.session.scalars(select(DiscussionPost).where(
        DiscussionPost.discussion_id == running.id)).all()
    assert any(p.hidden for p in posts) and any(p.reply_to_id for p in posts)
    assert [q.released_at is not None for q in running.questions] == [True, True, False]
    assert not any(q.released_at for q in coming.questions)
