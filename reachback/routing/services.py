"""Expert suggestions with a transparent score: expertise, past contributions, country, open
load, availability (each read from the profile the expert edits: members/services.py);
experts who already turned this query down come last, marked as such.

Every candidate's score is computed set-wise, in one statement (candidate_scores: theme and
related-theme points, past contributions, country, open load, absence); only the experts
shown are then loaded, and their reasons put in words by _score from the same figures, so
that every point can be explained and the two sums agree.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from .. import permissions as perm
from ..accounts.models import Theme, User, UserCountry, UserRole, user_themes
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
# The assignments that count in an expert's open load.
OPEN = ("invited", "accepted")


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


def suggest_experts(user, query, limit: int = 20, today: date | None = None) -> list[Suggestion]:
    """Experts not currently assigned to the query, best first, each with the reasons of its
    score; those who declined it (or let its invitation expire) last, marked `tried`.

    Every candidate is scored in one statement (candidate_scores); only the `limit` shown
    are loaded, and _score puts their points in words from the same figures."""
    perm.require(perm.can_triage(user, query), _("Only facilitators route queries."))
    today = today or utcnow().date()  # the application's clock, as everywhere
    taken = {a.expert_id for a in query.assignments if a.status in ACTIVE_ASSIGNMENT}
    tried = {a.expert_id: a for a in query.assignments if a.status in TRIED}
    scored = [row for row in candidate_scores(query, today) if row.id not in taken]
    scored.sort(key=lambda r: (r.id in tried, -r.score, r.name, r.id))
    shown = scored[:limit]
    experts = {e.id: e for e in db.session.scalars(
        select(User).where(User.id.in_([r.id for r in shown]))
        # What the page, the API and _score read of them.
        .options(load_only(User.name, User.email, User.away_until, User.organisation_id),
                 joinedload(User.organisation), selectinload(User.themes)))}
    zone = user_zone(user)
    return [_score(experts[r.id], query, r.load, r.past, bool(r.knows), today, tried.get(r.id),
                   zone)
            for r in shown]


def candidate_scores(query, today: date):
    """Every active expert's id, name, score and the figures it is made of (past: the other
    queries on the query's themes they contributed to; load: their open assignments; knows:
    1 when the query's country is among theirs), in one statement: the points of WEIGHTS,
    as _score counts them."""
    wanted = [t.id for t in query.themes]
    families = {family_code(t.code) for t in query.themes}
    related_ids = [] if not families else list(db.session.scalars(
        select(Theme.id).where(
            Theme.id.notin_(wanted),
            or_(Theme.code.in_(families), *[Theme.code.like(f"{f}.%") for f in families]))))
    themed = wanted + related_ids
    theme_points = (
        select(user_themes.c.user_id.label("user_id"),
               func.sum(case((user_themes.c.theme_id.in_(wanted), WEIGHTS["theme"]),
                             else_=WEIGHTS["family"])).label("points"))
        .where(user_themes.c.theme_id.in_(themed))
        .group_by(user_themes.c.user_id).subquery())
    # From the query's themes to their queries' contributions (not from each expert's
    # contributions): a few thousand rows, whatever the experts' history.
    past = (
        select(Contribution.author_id.label("user_id"),
               func.count(func.distinct(Contribution.query_id)).label("n"))
        .select_from(query_themes)
        .join(Contribution, Contribution.query_id == query_themes.c.query_id)
        .where(query_themes.c.theme_id.in_(wanted or [-1]), Contribution.query_id != query.id)
        .group_by(Contribution.author_id).subquery())
    # Per expert, from the (expert, status) index: a few thousand open assignments in all.
    load_n = (select(func.count()).select_from(Assignment)
              .where(Assignment.expert_id == User.id, Assignment.status.in_(OPEN))
              .scalar_subquery())
    knows = (select(literal(1)).where(UserCountry.user_id == User.id,
                                      UserCountry.country == query.country).exists())
    figures = (
        select(User.id, User.name,
               func.coalesce(theme_points.c.points, 0).label("themes"),
               func.coalesce(past.c.n, 0).label("past"), load_n.label("load"),
               case((knows, 1), else_=0).label("knows"),
               case((User.away_until >= today, 1), else_=0).label("away"))
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "expert"))
        .outerjoin(theme_points, theme_points.c.user_id == User.id)
        .outerjoin(past, past.c.user_id == User.id)
        .where(User.active.is_(True))
        # Computed once per expert, then summed (inlined, the load would be counted twice).
        .cte("figures").prefix_with("MATERIALIZED"))
    f = figures.c
    score = (f.themes + case((f.past > PAST_CAP, PAST_CAP), else_=f.past) * WEIGHTS["past"]
             + f.knows * WEIGHTS["country"] + f.load * WEIGHTS["load"]
             + f.away * WEIGHTS["away"])
    return db.session.execute(
        select(f.id, f.name, score.label("score"), f.past, f.load, f.knows)).all()


def related(theme, wanted) -> bool:
    """Whether `theme` is related to one of the `wanted` themes without being one: they have
    the same parent theme in the taxonomy (a theme and its own parent count too)."""
    families = {family_code(t.code) for t in wanted}
    return theme not in wanted and family_code(theme.code) in families


def _score(expert, query, load: int, past: int, knows: bool, today: date, tried=None,
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
    if knows:  # the query's country is among the expert's (candidate_scores)
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
