"""The audit log cannot be flooded (issue 14, item 7): an anonymous visitor's refused
accesses are recorded once per client address and minute, a signed-in user's every time,
and every row stays short however long the URL."""
from datetime import timedelta

from sqlalchemy import select

from reachback.accounts.models import AuditEvent
from reachback.extensions import db

ATTACKER, OTHER = "203.0.113.7", "198.51.100.23"


def get(client, path, address=ATTACKER):
    return client.get(path, environ_base={"REMOTE_ADDR": address})


def anonymous_rows(address=None) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.actor_id.is_(None),
                                    AuditEvent.kind.like("access_refused%"))
    if address:
        stmt = stmt.where(AuditEvent.ip == address)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def test_200_anonymous_404s_in_a_minute_write_one_row(client, clock):
    for n in range(200):
        assert get(client, f"/kb/RB-1999-{n:04d}").status_code == 404
    [row] = anonymous_rows()
    assert (row.ip, row.at, row.detail) == (ATTACKER, clock.now, "status=404; GET /kb/RB-1999-0000")


def test_the_api_and_the_pages_share_the_address_budget(client, clock):
    for n in range(50):
        assert get(client, f"/api/v1/responses/RB-1999-{n:04d}").status_code == 404
        assert get(client, f"/kb/RB-1999-{n:04d}").status_code == 404
    assert len(anonymous_rows()) == 1


def test_each_address_gets_its_own_row(client, clock):
    for n in range(100):
        get(client, f"/kb/RB-1999-{n:04d}", ATTACKER)
        get(client, f"/kb/RB-1999-{n:04d}", OTHER)
    assert len(anonymous_rows(ATTACKER)) == 1 and len(anonymous_rows(OTHER)) == 1


def test_the_next_minute_gets_a_row_again(client, clock):
    for _minute in range(3):
        for n in range(20):
            get(client, f"/kb/RB-1999-{n:04d}")
        clock.advance(timedelta(seconds=60))
    assert len(anonymous_rows()) == 3


def test_a_signed_in_users_refusals_are_each_recorded_in_short_rows(web, make_user, clock):
    user = make_user()
    web.sign_in(user)
    for _n in range(5):
        assert web.get("/queries/RB-1999-0001").status_code == 404
        assert web.get("/queries/RB-" + "9" * 3000).status_code == 404
    rows = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.kind == "access_refused", AuditEvent.actor_id == user.id)).all()
    assert rows[:2] == ["status=404; GET /queries/RB-1999-0001",
                        "status=404; GET /queries/RB-" + "9" * 88 + "…"]
    assert rows == rows[:2] * 5


def test_an_anonymous_row_stays_short_however_long_the_url(client, clock):
    long_ref = "RB-" + "9" * 3000
    get(client, f"/kb/{long_ref}")
    get(client, f"/api/v1/responses/{long_ref}", OTHER)
    assert [len(row.detail) for row in anonymous_rows()] == [117, 117]
