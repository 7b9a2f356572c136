"""The SLA evaluation job: record and announce the thresholds that open targets crossed.

Set-wise: one INSERT ... SELECT per target and threshold records every newly crossed one in
sla_marks (whose unique key makes a re-run harmless); only the rows just recorded are then
loaded, to notify the people concerned and write the query's timeline.
"""
from datetime import datetime
from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, String, exists, func, insert, literal, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User, UserRole
from ..config import setting
from ..extensions import db
from ..i18n import local_time, user_zone
from ..models_base import UTCDateTime, utcnow
from ..notify.services import Notice, notify_many, staff_recipients
from ..queries.models import OPEN_STATUSES, Assignment, FieldQuery
from ..queries.states import record
from . import compliance
from .models import SlaMark
from .services import OPEN_ASSIGNMENT, REMINDER_SHARE, likely, store_dashboard

CHUNK = 500


def _record_crossings(kind: str, target: str, threshold: float, id_col, moment_col,
                      conditions, now: datetime) -> int:
    """INSERT INTO sla_marks SELECT the open targets whose `moment_col` has passed and that
    have no mark for this threshold yet."""
    mark = SlaMark.__table__.alias("seen")
    already = exists().where(mark.c.kind == kind, mark.c.object_id == id_col,
                             mark.c.target == target, mark.c.threshold == threshold)
    rows = select(
        literal(kind, String), id_col, literal(target, String), literal(threshold, Float),
        literal(now, UTCDateTime),
    ).where(*conditions, moment_col <= now, ~already)
    stmt = insert(SlaMark.__table__).from_select(
        ["kind", "object_id", "target", "threshold", "at"], rows)
    return db.session.execute(stmt).rowcount or 0


def _levels(share: float) -> dict[float, str]:
    return {REMINDER_SHARE: "reminder", share: "warning", 1.0: "breach"}


def evaluate_sla_targets(now: datetime | None = None) -> dict:
    """Evaluate every open target at `now` (default: the clock), record each warning and
    breach once, notify (the expert for an answer; the facilitators for triage and
    resolution, and the admins too on a breach), and commit. Returns what it found."""
    now = now or utcnow()
    share = setting("SLA_WARNING_SHARE")
    last_id = db.session.scalar(select(func.max(SlaMark.id))) or 0
    open_query = (FieldQuery.status.in_(OPEN_STATUSES), FieldQuery.paused_at.is_(None))
    # The earliest point of each target (warn <= due, remind <= warn) is in every condition,
    # so that the indexes (status, paused_at, met_at, warn_at, due_at) and (status,
    # answered_at, remind_at, warn_at, due_at) find the few candidates and hold what is read.
    for target in ("triage", "resolution"):
        conditions = (*open_query, likely(getattr(FieldQuery, f"{target}_met_at").is_(None)),
                      getattr(FieldQuery, f"{target}_warn_at") <= now)
        for threshold, column in ((share, f"{target}_warn_at"), (1.0, f"{target}_due_at")):
            _record_crossings("query", target, threshold, FieldQuery.id,
                              getattr(FieldQuery, column), conditions, now)
    conditions = (Assignment.status.in_(OPEN_ASSIGNMENT), Assignment.answered_at.is_(None),
                  Assignment.remind_at <= now)
    for threshold, column in ((REMINDER_SHARE, Assignment.remind_at), (share, Assignment.warn_at),
                              (1.0, Assignment.due_at)):
        _record_crossings("assignment", "answer", threshold, Assignment.id, column,
                          conditions, now)
    new = list(db.session.scalars(select(SlaMark).where(SlaMark.id > last_id)))
    result = {"reminders": 0, "warnings": 0, "breaches": 0, "notices": 0}
    levels = _levels(share)
    plural = {"reminder": "reminders", "warning": "warnings", "breach": "breaches"}
    for mark in new:
        result[plural[levels.get(mark.threshold, "warning")]] += 1
    result["notices"] = _announce(new, levels)
    compliance.refresh(now)  # the dashboard's daily figures (the days not counted yet)
    db.session.commit()
    return {"at": now.isoformat(), **result}


def refresh_dashboard(now: datetime | None = None) -> None:
    """The SLA dashboard's figures as of `now`, kept for the page (services.store_dashboard),
    and commit. The scheduled SLA job runs it after evaluate_sla_targets, in a transaction
    of its own: recording and announcing the crossings does not wait for the figures."""
    store_dashboard(now or utcnow())
    db.session.commit()


def _announce(marks: list[SlaMark], levels: dict[float, str]) -> int:
    """Notify once per target: for the highest threshold it crossed in this run."""
    highest: dict[tuple, float] = {}
    for m in marks:
        key = (m.kind, m.object_id, m.target)
        highest[key] = max(highest.get(key, 0.0), m.threshold)
    if not highest:
        return 0
    queries = _load(FieldQuery, [k[1] for k in highest if k[0] == "query"])
    assignments = _load(Assignment, [k[1] for k in highest if k[0] == "assignment"],
                        selectinload(Assignment.query), joinedload(Assignment.expert))
    staff, admins = staff_recipients(), _admins()
    notices = []
    for (kind, object_id, target), threshold in highest.items():
        level = levels.get(threshold, "warning")
        if kind == "query" and object_id in queries:
            notices.append(_announce_query(queries[object_id], target, level, staff, admins))
        elif kind == "assignment" and object_id in assignments:
            notices.append(_announce_assignment(assignments[object_id], level))
    notify_many(notices)  # set-wise: a catch-up can announce thousands of targets
    db.session.flush()
    return len(highest)


def _load(model, ids: list[int], *options) -> dict:
    found = {}
    for i in range(0, len(ids), CHUNK):
        stmt = select(model).where(model.id.in_(ids[i:i + CHUNK])).options(*options)
        found.update({o.id: o for o in db.session.scalars(stmt)})
    return found


def _admins() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "admin", User.active.is_(True))))


# The targets as a notice names them, in its reader's language.
TARGETS = {"triage": _l("triage"), "answer": _l("answer"), "resolution": _l("resolution")}


def _when(moment: datetime, user) -> str:
    """The due time in the reader's time zone and language."""
    return local_time(moment, user_zone(user))


def _query_text(level: str, query, target: str, due: datetime, user) -> str:
    """Written for each reader (see notify.services.Notice): their language, their zone."""
    names = {"ref": query.reference, "target": str(TARGETS.get(target, target)),
             "when": _when(due, user)}
    if level == "breach":
        return _("%(ref)s: the %(target)s target is breached (it was due %(when)s).", **names)
    return _("%(ref)s: the %(target)s target is at risk (due %(when)s).", **names)


def answer_text(level: str, query, due: datetime, user) -> str:
    ref, when = query.reference, _when(due, user)
    if level == "breach":
        return _("Your answer to %(ref)s is overdue (it was due %(when)s).", ref=ref, when=when)
    if level == "warning":
        return _("Your answer to %(ref)s is due soon: %(when)s.", ref=ref, when=when)
    return _("Reminder: your answer to %(ref)s is due %(when)s.", ref=ref, when=when)


def _announce_query(query, target: str, level: str, staff, admins) -> Notice:
    due = getattr(query, f"{target}_due_at")
    text = partial(_query_text, level, query, target, due)
    recipients = [*staff, *admins] if level == "breach" else staff
    record(query, None, f"sla_{level}", internal=True, target=target,
           due_at=due.isoformat())
    return Notice(recipients, f"sla_{level}", text, query)


def _announce_assignment(assignment, level: str) -> Notice:
    query, due = assignment.query, assignment.due_at
    text = partial(answer_text, level, query, due)
    if level != "reminder":
        record(query, None, f"sla_{level}", internal=True, target="answer",
               expert=assignment.expert.name, due_at=due.isoformat())
    return Notice([assignment.expert], f"sla_{level}", text, query)
