"""Helpers of the security suite: the session cookie and database snapshots."""

from reachback.extensions import db

# Tables a refused request may legitimately write: the audit log records the refusal (and
# anonymous_refusals that an address's refusal of this minute is in it), the session table
# the session's use, and the search outbox is emptied into the search index (a derived
# copy, in tables of its own with the PostgreSQL backend) after any request, with the
# duplicate candidates it stores for open queries (query_duplicates, duplicate_candidates).
# Rate-limit counters count refused attempts by design (a wrong link is a failure to count);
# the reports count searches and reads of responses (reports.usage: how many, never who),
# and keep the monthly figures a report page computed (report_months: a derived copy of
# the counts, like the search index, rebuilt from the rows whenever they change).
NOISE_TABLES = {"audit_events", "anonymous_refusals", "user_sessions", "alembic_version",
                "search_outbox", "search_documents", "search_words", "search_index_state",
                "query_duplicates", "duplicate_candidates", "report_months",
                "rate_limit_counters", "search_terms", "response_views"}
# Bookkeeping columns: when a user last signed in, the last code step they passed (signing
# in writes it), when an API token was last used.
NOISE_COLUMNS = {"last_login_at", "totp_last_step", "last_used_at"}


def snapshot() -> dict:
    """Every row of every table but the noise ones: equal before and after means a request
    changed nothing."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOISE_TABLES:
            continue
        columns = [c for c in table.columns if c.name not in NOISE_COLUMNS]
        rows = db.session.execute(db.select(*columns)).all()
        state[table.name] = sorted(map(repr, rows))
    db.session.rollback()
    return state


def session_cookie(web):
    cookie = web.client.get_cookie("session")
    return cookie.value if cookie else None


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and \
        response.headers["Location"].split("?")[0].endswith("/login")
