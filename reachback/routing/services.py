"""Expert suggestions with a transparent score: expertise, past contributions, country, open
load, availability (each read from the profile the expert edits: members/services.py);
experts who already turned this query down come last, marked as such.

The candidate set is the experts (hundreds at most), loaded with a constant number of
statements; the score is computed in Python so that every point can be explained.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions as perm
from ..accounts.models import User, UserRole
from ..countries import country_name
from ..data.taxonomy import family_code
from ..extensions import db
from ..i18n import local_date, theme_name, user_zone
from ..members.services import is_away
from ..models_base import utcnow
from ..queries.models import ACTIVE_ASSIGNMENT, Assignment, Contribution, query_themes

# Points per reason: each theme of the query the expert knows, each related theme (the same
# parent theme in the taxonomy), each past query on these themes they contributed to (up to
# PAST_CAP), knowing the country, each open assignment, being away.
WEIGHTS = {"theme": 3, "family": 1, "past": 1, "country": 2, "load": -1, "away": -5}
PAST_CAP = 3
# An expert whose assignment on this query ended so is shown last, as such.
TRIED = ("declined", "expired")


@dataclass
class Reason:
    text: str
    points: int = 0


@dataclass
class Suggestion:
    expert: User
    score: int = 0
    parts: list[Reason] = field(default_factory=list)
    away: bool = False
    tried: str | None = None  # "declined" or "expired": this query was already offered them
    tried_at: datetime | None = None
    decline_reason: str | None = None

    @property
    def reasons(self) -> list[str]:
        return [r.text for r in self.parts]

    def add(self, text: str, points: int = 0) -> None:
        self.score += points
        self.parts.append(Reason(text, points))


def open_loads(expert_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(Assignment.expert_id, func.count(Assignment.id))
        .where(Assignment.expert_id.in_(expert_ids),
               Assignment.status.in_(("invited", "accepted")))
        .group_by(Assignment.expert_id)
    )
    return dict(rows.all())


def past_contributions(expert_ids, query) -> dict[int, int]:
    """{expert id: the number of other queries sharing a theme with `query` they contributed
    to}, in one grouped statement."""
    theme_ids = [t.id for t in query.themes]
    if not expert_ids or not theme_ids:
        return {}
    rows = db.session.execute(
        select(Contribution.author_id, func.count(func.distinct(Contribution.query_id)))
        .join(query_themes, query_themes.c.query_id == Contribution.query_id)
        .where(Contribution.author_id.in_(expert_ids), Contribution.query_id != query.id,
               query_themes.c.theme_id.in_(theme_ids))
        .group_by(Contribution.author_id))
    return dict(rows.all())


def suggest_experts(user, query, limit: int = 20, today: date | None = None) -> list[Suggestion]:
    """Experts not currently assigned to the query, best first, each with the reasons of its
    score; those who declined it (or let its invitation expire) last, marked `tried`."""
    perm.require(perm.can_triage(user, query), _("Only facilitators route queries."))
    today = today or utcnow().date()  # the application's clock, as everywhere
    taken = {a.expert_id for a in query.assignments if a.status in ACTIVE_ASSIGNMENT}
    tried = {a.expert_id: a for a in query.assignments if a.status in TRIED}
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
    ids = [e.id for e in experts]
    loads, past = open_loads(ids), past_contributions(ids, query)
    zone = user_zone(user)
    ranked = [_score(e, query, loads.get(e.id, 0), past.get(e.id, 0), today, tried.get(e.id),
                     zone) for e in experts]
    ranked.sort(key=lambda s: (s.tried is not None, -s.score, s.expert.name))
    return ranked[:limit]


def related(theme, wanted) -> bool:
    """Whether `theme` is related to one of the `wanted` themes without being one: they have
    the same parent theme in the taxonomy (a theme and its own parent count too)."""
    families = {family_code(t.code) for t in wanted}
    return theme not in wanted and family_code(theme.code) in families


def _score(expert, query, load: int, past: int, today: date, tried=None,
           zone=None) -> Suggestion:
    s = Suggestion(expert)
    wanted = list(query.themes)
    for theme in expert.themes:
        if theme in wanted:
            s.add(_("Expertise: %(theme)s", theme=theme_name(theme)), WEIGHTS["theme"])
        elif related(theme, wanted):
            s.add(_("Related expertise: %(theme)s", theme=theme_name(theme)), WEIGHTS["family"])
    if past:
        s.add(ngettext("Contributed to %(num)d earlier query on these themes",
                       "Contributed to %(num)d earlier queries on these themes", past),
              WEIGHTS["past"] * min(past, PAST_CAP))
    if query.country in expert.expertise_countries:
        s.add(_("Knows %(country)s", country=country_name(query.country)), WEIGHTS["country"])
    if load:
        s.add(ngettext("%(num)d open assignment", "%(num)d open assignments", load),
              WEIGHTS["load"] * load)
    else:
        s.add(_("No open assignments"))
    if is_away(expert, today):  # the availability the expert sets on their profile
        s.away = True
        s.add(_("Away until %(date)s", date=local_date(expert.away_until, None)), WEIGHTS["away"])
    if tried is not None:
        s.tried, s.decline_reason = tried.status, tried.decline_reason
        s.tried_at = tried.responded_at if tried.status == "declined" else tried.due_at
        day = local_date(s.tried_at, zone) if s.tried_at else ""
        if tried.status == "declined":
            s.add(_("Declined this query on %(date)s: “%(reason)s”", date=day,
                    reason=tried.decline_reason or ""))
        else:
            s.add(_("Did not answer the invitation to this query by %(date)s", date=day))
    return s
