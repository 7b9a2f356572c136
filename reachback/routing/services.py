"""Expert suggestions with a transparent score: expertise, country, open load, availability.

The candidate set is the experts (hundreds at most), loaded with a constant number of
statements; the score is computed in Python so that every point can be explained.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions as perm
from ..accounts.models import User, UserRole
from ..countries import country_name
from ..extensions import db
from ..i18n import local_date, theme_name
from ..models_base import utcnow
from ..queries.models import ACTIVE_ASSIGNMENT, Assignment

WEIGHTS = {"theme": 3, "family": 1, "country": 2, "load": -1, "away": -5}


@dataclass
class Suggestion:
    expert: User
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    away: bool = False


def open_loads(expert_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(Assignment.expert_id, func.count(Assignment.id))
        .where(Assignment.expert_id.in_(expert_ids),
               Assignment.status.in_(("invited", "accepted")))
        .group_by(Assignment.expert_id)
    )
    return dict(rows.all())


def suggest_experts(user, query, limit: int = 20, today: date | None = None) -> list[Suggestion]:
    """Experts not yet assigned to the query, best first, each with the reasons of its score."""
    perm.require(perm.can_triage(user, query), _("Only facilitators route queries."))
    today = today or utcnow().date()  # the application's clock, as everywhere
    taken = {a.expert_id for a in query.assignments if a.status in ACTIVE_ASSIGNMENT}
    experts = [
        e for e in db.session.scalars(
            select(User).join(UserRole)
            .where(UserRole.role == "expert", User.active.is_(True))
            .options(joinedload(User.organisation), selectinload(User.themes),
                     selectinload(User.country_rows))
            .order_by(User.name)
        ).unique()
        if e.id not in taken
    ]
    loads = open_loads([e.id for e in experts])
    ranked = [_score(e, query, loads.get(e.id, 0), today) for e in experts]
    ranked.sort(key=lambda s: (-s.score, s.expert.name))
    return ranked[:limit]


def _score(expert, query, load: int, today: date) -> Suggestion:
    s = Suggestion(expert)
    wanted = {t.id for t in query.themes}
    families = {t.parent_id or t.id for t in query.themes}
    for theme in expert.themes:
        if theme.id in wanted:
            s.score += WEIGHTS["theme"]
            s.reasons.append(_("Expertise: %(theme)s", theme=theme_name(theme)))
        elif (theme.parent_id or theme.id) in families:
            s.score += WEIGHTS["family"]
            s.reasons.append(_("Related expertise: %(theme)s", theme=theme_name(theme)))
    if query.country in expert.expertise_countries:
        s.score += WEIGHTS["country"]
        s.reasons.append(_("Knows %(country)s", country=country_name(query.country)))
    if load:
        s.score += WEIGHTS["load"] * load
        s.reasons.append(ngettext("%(num)d open assignment", "%(num)d open assignments", load))
    else:
        s.reasons.append(_("No open assignments"))
    if expert.away_until and expert.away_until >= today:
        s.away = True
        s.score += WEIGHTS["away"]
        s.reasons.append(_("Away until %(date)s", date=local_date(expert.away_until, None)))
    return s
