"""/healthz: 200 while the node is fit to serve, 503 with the failing check otherwise."""
from datetime import timedelta

from sqlalchemy.exc import OperationalError, ProgrammingError

from reachback.extensions import db
from reachback.knowledge.search import enqueue, take_committed_flag
from reachback.notify.models import OutboundEmail
from reachback.scheduler import acquire_lease


def health(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return response.status_code, response.get_json()


def test_a_fresh_node_is_healthy_without_signing_in(client, clock):
    status, body = health(client)
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "scheduler", "outbox", "search"}
    assert body["checks"]["scheduler"]["state"] == "never started"
    assert body["checks"]["outbox"] == {"ok": True, "waiting": 0, "oldest_due_s": 0.0}
    assert body["checks"]["search"] == {"ok": True, "waiting": 0, "lag_s": 0.0}
    assert client.head("/healthz").status_code == 200


def test_a_stalled_scheduler_makes_the_node_unhealthy(client, clock):
    assert acquire_lease("worker-1", timedelta(seconds=60))
    db.session.commit()
    clock.advance(timedelta(seconds=100))
    status, body = health(client)
    assert status == 200 and body["checks"]["scheduler"] == {
        "ok": True, "state": "running", "heartbeat_age_s": 100.0}
    clock.advance(timedelta(seconds=81))
    status, body = health(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["scheduler"]["state"] == "stalled"
    assert "worker-1" not in str(body)  # no host names on a public endpoint


def test_search_lag_and_a_late_email_outbox_are_reported(client, clock):
    enqueue("response:RB-2026-0001")
    db.session.add(OutboundEmail(recipient="a@example.org", subject="s", text_body="t",
                                 next_attempt_at=clock.now))
    db.session.commit()
    take_committed_flag()  # as if the request that queued it died before applying it
    clock.advance(timedelta(seconds=60))
    status, body = health(client)
    assert status == 200
    assert body["checks"]["search"] == {"ok": True, "waiting": 1, "lag_s": 60.0}
    assert body["checks"]["outbox"]["waiting"] == 1
    clock.advance(timedelta(seconds=61))
    status, body = health(client)
    assert status == 503 and not body["checks"]["search"]["ok"]
    assert body["checks"]["outbox"]["ok"]
    clock.advance(timedelta(hours=1))
    assert not health(client)[1]["checks"]["outbox"]["ok"]


def test_an_unreachable_database_answers_503_without_detail(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused by 10.0.0.5"))

    monkeypatch.setattr(db.session, "execute", refuse)
    status, body = health(client)
    assert status == 503 and body == {"status": "fail", "checks": {"database": {"ok": False}}}


def test_a_check_that_errs_fails_instead_of_a_500(client, monkeypatch):
    def missing_table():  # a database not migrated yet
        raise ProgrammingError("SELECT ... FROM scheduler_leases", {}, Exception("no table"))

    monkeypatch.setattr("reachback.scheduler.lease_status", missing_table)
    status, body = health(client)
    assert status == 503 and body["checks"]["scheduler"] == {"ok": False}
    assert body["checks"]["database"]["ok"] and body["checks"]["search"]["ok"]
