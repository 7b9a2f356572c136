"""Member profiles and the directory: each member edits their own profile (biography,
organisation, expertise, countries, languages, availability, deployment); signed-in members
find one another at /members. Who sees whom, and whose e-mail address, is decided in
permissions.py. Routing (routing/services.py) reads the same expertise and availability."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import (
    DEPLOYMENT_STATUSES,
    Organisation,
    Theme,
    User,
    UserCountry,
    UserLanguage,
    user_themes,
)
from ..audit import like_pattern
from ..countries import is_country
from ..errors import Invalid, NotFound
from ..extensions import db
from ..i18n import is_content_language
from ..models_base import utcnow
from ..pagination import paginate_ids
from ..queries.models import Contribution, FieldQuery
from ..synthesis.models import ConsolidatedResponse

PER_PAGE = 25
CONTRIBUTIONS_SHOWN = 50
UNSET = object()  # a field not given: left as it is


def today() -> date:
    """The application's clock (models_base.utcnow: frozen in tests), as routing reads it."""
    return utcnow().date()


def is_away(member, on: date | None = None) -> bool:
    """Away on `on` (today by default): `away_until` is the last day away. Routing ranks
    experts by this too."""
    on = on or today()
    return member.away_until is not None and member.away_until >= on


def is_available(member, on: date | None = None) -> bool:
    return not is_away(member, on)


# --- the member's own profile -------------------------------------------------------

def update_member_profile(actor, member, *, bio=UNSET, organisation=UNSET, expertise=UNSET,
                          countries=UNSET, languages=UNSET, away_until=UNSET,
                          away_note=UNSET, deployment_status=UNSET,
                          deployment_country=UNSET, show_email=UNSET) -> User:
    """The member's own profile: only the fields given change. Every field is checked
    first; one refused field refuses the whole change (Invalid, nothing written).

    `organisation` names an existing organisation (case-insensitive; "" or None: none);
    `expertise` theme slugs; `countries` ISO 3166-1 alpha-2 codes; `languages` ISO 639-1
    codes; `away_until` a date or YYYY-MM-DD ("" or None: available); `deployment_status`
    one of DEPLOYMENT_STATUSES; `deployment_country` a country code ("" or None: none)."""
    perm.require(perm.can_edit_profile(actor, member), _("You may edit your own profile only."))
    errors: dict[str, str] = {}
    changes: dict = {}
    if bio is not UNSET:
        changes["bio"] = _text(bio, "bio", lengths.SUMMARY, errors)
    if away_note is not UNSET:
        changes["away_note"] = _text(away_note, "away_note", lengths.TITLE, errors)
    if organisation is not UNSET:
        changes["organisation"] = find_organisation(organisation, errors)
    if expertise is not UNSET:
        changes["themes"] = _themes(expertise, errors)
    if countries is not UNSET:
        codes = _codes(countries, "countries", errors, upper=True)
        if unknown := [c for c in codes if not is_country(c)]:
            errors["countries"] = _("Unknown countries: %(codes)s", codes=", ".join(unknown))
        changes["country_rows"] = [UserCountry(country=c) for c in codes]
    if languages is not UNSET:
        codes = _codes(languages, "languages", errors, upper=False)
        if unknown := [c for c in codes if not is_content_language(c)]:
            errors["languages"] = _("Unknown languages: %(codes)s (use ISO 639-1 codes such "
                                    "as en, fr, ar)", codes=", ".join(unknown))
        changes["language_rows"] = [UserLanguage(language=c) for c in codes]
    if away_until is not UNSET:
        changes["away_until"] = _day(away_until, errors)
    if deployment_status is not UNSET:
        if deployment_status not in DEPLOYMENT_STATUSES:
            errors["deployment_status"] = _("Choose one of: %(values)s.",
                                            values=", ".join(DEPLOYMENT_STATUSES))
        changes["deployment_status"] = deployment_status
    if deployment_country is not UNSET:
        code = deployment_country.strip().upper() if isinstance(deployment_country, str) \
            else deployment_country
        if code and not (isinstance(code, str) and is_country(code)):
            errors["deployment_country"] = _("Unknown country.")
        changes["deployment_country"] = code or None
    if show_email is not UNSET:
        if not isinstance(show_email, bool):
            errors["show_email"] = _("Use true or false.")
        changes["show_email"] = show_email
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    for name, value in changes.items():
        setattr(member, name, value)
    db.session.flush()
    return member


def _text(value, field: str, cap: int, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = _("Must be text.")
        return ""
    value = value.strip()
    lengths.check(errors, **{field: (value, cap)})
    return value


def _codes(values, field: str, errors: dict, *, upper: bool) -> list[str]:
    """The codes of a list (None: none), trimmed, in one case, without repeats, sorted."""
    if values is None:
        return []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors[field] = _("Must be a list of codes.")
        return []
    codes = {v.strip().upper() if upper else v.strip().lower() for v in values}
    return sorted(c for c in codes if c)


def _themes(slugs, errors: dict) -> list[Theme]:
    if slugs is None:
        return []
    if not isinstance(slugs, list | tuple) or not all(isinstance(s, str) for s in slugs):
        errors["expertise"] = _("Must be a list of theme slugs.")
        return []
    wanted = set(slugs)
    found = db.session.scalars(select(Theme).where(Theme.slug.in_(wanted))).all() \
        if wanted else []
    if unknown := sorted(wanted - {t.slug for t in found}):
        errors["expertise"] = _("Unknown themes: %(themes)s", themes=", ".join(unknown))
    return sorted(found, key=lambda t: t.code)


def find_organisation(name, errors: dict, field: str = "organisation") -> Organisation | None:
    """The existing organisation of this name (case-insensitive); None for no name. A
    member chooses among the organisations Reachback knows (admins add them): an unknown
    name is refused, never created, so that one organisation is not listed under several
    spellings."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    if not isinstance(name, str):
        errors[field] = _("Must be text.")
        return None
    org = db.session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == name.strip().lower()))
    if org is None:
        errors[field] = _("Unknown organisation: choose one Reachback knows.")
    return org


def _day(value, errors: dict) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors["away_until"] = _("Give a date as YYYY-MM-DD.")
    return None


# --- the directory --------------------------------------------------------------------

def organisations() -> list:
    """The organisations a member may name, by name: rows of (id, name), what a choice of
    them shows (the profile form lists 200 of them on each view)."""
    return db.session.execute(select(Organisation.id, Organisation.name)
                              .order_by(Organisation.name)).all()


def _with_profile(ids):
    """The users of `ids` with what a directory entry shows, in a fixed number of
    statements whatever their number."""
    return (select(User).where(User.id.in_(ids))
            .options(joinedload(User.organisation), selectinload(User.themes),
                     selectinload(User.country_rows), selectinload(User.language_rows)))


def list_members(viewer, *, q: str | None = None, theme: str | None = None,
                 country: str | None = None, language: str | None = None,
                 organisation: int | str | None = None, status: str | None = None,
                 page: int = 1, per_page: int = PER_PAGE):
    """The members the viewer may see (permissions.visible_members), by name: `q` found in
    their name, organisation or biography; with the expertise `theme` (a parent theme takes
    in its sub-themes); knowing or deployed in `country`; speaking `language`; of
    `organisation` (its id, or its name); with the deployment `status`. A Flask-SQLAlchemy
    Pagination of users."""
    ids = select(User.id).where(perm.visible_members(viewer))
    if (q and q.strip()) or organisation not in (None, ""):  # they read the organisation
        ids = ids.outerjoin(Organisation, User.organisation_id == Organisation.id)
    if q and q.strip():
        pattern = like_pattern(q[:lengths.SEARCH])
        ids = ids.where(or_(*(func.lower(column).like(pattern, escape="\\")
                              for column in (User.name, Organisation.name, User.bio))))
    if theme:
        parent = select(Theme.id).where(Theme.slug == theme).scalar_subquery()
        themes = select(Theme.id).where(or_(Theme.slug == theme, Theme.parent_id == parent))
        ids = ids.where(User.id.in_(select(user_themes.c.user_id)
                                    .where(user_themes.c.theme_id.in_(themes))))
    if country:
        code = country.strip().upper()
        ids = ids.where(or_(User.deployment_country == code, User.id.in_(
            select(UserCountry.user_id).where(UserCountry.country == code))))
    if language:
        ids = ids.where(User.id.in_(select(UserLanguage.user_id).where(
            UserLanguage.language == language.strip().lower())))
    if organisation not in (None, ""):
        ids = ids.where(Organisation.id == organisation if isinstance(organisation, int)
                        else func.lower(Organisation.name) == str(organisation).strip().lower())
    if status:
        ids = ids.where(User.deployment_status == status)
    ids = ids.order_by(func.lower(User.name), User.id)
    return paginate_ids(ids, _with_profile, page, per_page)


def get_member(viewer, member_id: int) -> User:
    """A member's profile (NotFound unless the viewer may see it)."""
    member = db.session.scalar(_with_profile([member_id]))
    if not perm.can_view_member(viewer, member):
        raise NotFound(_("No such member."))
    return member


def published_contributions(viewer, member) -> list[ConsolidatedResponse]:
    """The published responses `member` contributed to that `viewer` may read
    (permissions.visible_responses), newest first."""
    contributed = select(Contribution.query_id).where(Contribution.author_id == member.id)
    return list(db.session.scalars(
        select(ConsolidatedResponse).join(FieldQuery)
        .where(ConsolidatedResponse.query_id.in_(contributed), perm.visible_responses(viewer))
        .options(joinedload(ConsolidatedResponse.query))
        .order_by(ConsolidatedResponse.published_at.desc(), ConsolidatedResponse.id.desc())
        .limit(CONTRIBUTIONS_SHOWN)))
