"""`reachback demo` replays every item of its data files (reachback/data/demo/*.yaml)."""
from collections import Counter

from sqlalchemy import func, select

from reachback.accounts.models import Organisation, User
from reachback.data import demo_loader
from reachback.demo import load_demo
from reachback.extensions import db
from reachback.health import healthz
from reachback.knowledge.models import SearchOutbox
from reachback.knowledge.search import search
from reachback.notify.models import OutboundEmail
from reachback.queries.models import Contribution, FieldQuery
from reachback.synthesis.models import ConsolidatedResponse, ResponseTranslation


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_holds_what_its_data_files_say(app):
    content = demo_loader.load()
    assert load_demo(echo=lambda _line: None)

    assert count(User) == len(content.people)
    organisations = db.session.scalars(select(Organisation))
    assert {(o.name, o.kind, o.country, o.south) for o in organisations} == \
        {(o["name"], o["kind"], o["country"], o["south"]) for o in content.organisations}
    assert Counter(db.session.scalars(select(FieldQuery.status))) == \
        Counter(q["status"] for q in content.queries)
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
        Counter(q.get("language", "en") for q in content.queries)
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
    assert not load_demo(echo=lambda _line: None)  # once only


def test_the_demo_is_searchable_and_healthy_as_soon_as_it_is_loaded(app):
    """No scheduler and no request ran: the index holds the demo, nothing waits in the
    search outbox, and the e-mails queued on the replayed clock are not months overdue."""
    load_demo(echo=lambda _line: None)
    public = db.session.scalars(select(ConsolidatedResponse).filter_by(
        status="published", visibility="public").order_by(ConsolidatedResponse.id)).first()
    assert count(SearchOutbox) == 0
    with app.test_request_context("/healthz"):
        found = search(None, f'"{public.title}"')
        answer = healthz()
    assert public.query.reference in {hit.ref for hit in found.items}
    checks = answer.get_json()["checks"]
    assert checks["search"] == {"ok": True, "waiting": 0, "lag_s": 0.0}
    assert checks["outbox"]["ok"] and checks["outbox"]["waiting"] == count(OutboundEmail) > 0
    assert answer.status_code == 200
