"""Loading the relevance suite's corpus (tests/data/relevance_corpus.py) as published
responses and measuring search on it: shared by tests/service/test_relevance_suite.py and
bench/search.py."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from reachback.accounts.models import Theme
from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.queries.models import FieldQuery, query_themes
from reachback.synthesis.models import ConsolidatedResponse
from tests.data.relevance_corpus import SEARCHES, SIMILAR, documents

DEPTH = 10


def load_corpus(requester) -> dict[str, str]:
    """The corpus as community responses of `requester`, in three bulk statements, and the
    index rebuilt; {query reference: document id}."""
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    start = datetime(2020, 1, 1, tzinfo=UTC)
    queries, responses, links, refs = [], [], [], {}
    base = (db.session.scalar(select(db.func.max(FieldQuery.id))) or 0) + 1
    for n, doc in enumerate(documents()):
        when = start + timedelta(hours=n)
        ref = f"RB-2020-{n + 1:05d}"
        qid = base + n
        queries.append(dict(id=qid, reference=ref, title=doc["title"],
                            question=f"About: {doc['title']}", requester_id=requester.id,
                            country=doc["country"], confidentiality="community",
                            status="published", created_at=when, updated_at=when))
        responses.append(dict(query_id=qid, title=doc["title"], summary=doc["summary"],
                              body=doc["body"], visibility="community", status="published",
                              revision=1, published_at=when))
        links += [dict(query_id=qid, theme_id=themes[slug]) for slug in doc["themes"]]
        refs[ref] = doc["id"]
    db.session.execute(insert(FieldQuery), queries)
    db.session.execute(insert(ConsolidatedResponse), responses)
    db.session.execute(insert(query_themes), links)
    db.session.commit()
    svc.rebuild()
    return refs


def measure(reader, refs: dict[str, str], verbose: bool = False) -> dict:
    """MRR of SEARCHES (overall and by kind of search), the similar-answers panel's
    precision over SIMILAR, and the time each search took (seconds)."""
    ranks, by_kind, timings = [], {}, []
    for text, expected, kind in SEARCHES:
        began = time.perf_counter()
        result = svc.search(reader, text, per_page=DEPTH)
        timings.append(time.perf_counter() - began)
        found = [refs.get(item.ref) for item in result.items]
        rank = next((i for i, d in enumerate(found, start=1) if d in expected), None)
        ranks.append(1 / rank if rank else 0.0)
        by_kind.setdefault(kind, []).append(ranks[-1])
        if verbose and rank != 1:
            print(f"  {('#' + str(rank)) if rank else 'miss':>5} {kind:9} {text!r} -> "
                  f"{found[:3]}")
    shown = right = found_ = 0
    for text, expected in SIMILAR:
        items = [refs.get(item.ref) for item in svc.similar(reader, text)]
        shown += len(items)
        right += items.count(expected)
        found_ += expected in items
        if verbose and items and items != [expected]:
            print(f"  similar {expected}: {items}")
    timings.sort()
    return dict(mrr=sum(ranks) / len(ranks),
                by_kind={k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
                precision=right / shown if shown else 0.0, found=found_, shown=shown,
                timings=timings)
