"""The API's objects, each declared once as a pydantic model that serialises it, checks what a
client sends, and describes it in the OpenAPI document (api/openapi.py generates it from here).

Answers: `Model.dump(obj, **context)` reads each field from the domain object's attribute of
that name (or alias); the few fields that are computed, or that depend on who asks, come from
the model's `_computed`. Permission decisions stay in reachback.permissions.

Requests: `Model.parse(body)` and `Args.parse(request.args)` check what only a client of the
API can get wrong (JSON types, ISO times, numbers and choices in the query string) with the
messages the API has always given, the first refused field named. The rules every caller
shares (caps, text left blank, known themes and countries, dates in their window) are the
services', with the messages the pages show: these models describe them (maxLength from
reachback/lengths.py, minLength, enum) and leave the deciding to the one place that decides.
"""
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter, itemgetter
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Self, Union, get_args, get_origin

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticUseDefault

from .. import lengths
from .. import permissions as perm
from ..accounts.models import DEPLOYMENT_STATUSES, ROLES
from ..community.models import (
    EVENT_STATUSES,
    EVENT_VISIBILITIES,
    NOTICE_KINDS,
    NOTICE_STATUSES,
)
from ..countries import is_place
from ..discussions.models import DISCUSSION_STATUSES
from ..discussions.models import POST_KINDS as DISCUSSION_POST_KINDS
from ..errors import DomainError, Invalid
from ..groups.models import MEMBERSHIP_ROLES, MEMBERSHIP_STATUSES
from ..i18n import current_language
from ..knowledge.search import SORTS
from ..members.services import is_available
from ..models_base import iso_seconds, utcnow
from ..newsletters.models import ITEM_KINDS, NEWSLETTER_STATUSES
from ..notify.models import SUBSCRIPTION_FREQUENCIES
from ..queries import lists
from ..queries.lists import contributors_of
from ..queries.models import (
    ASSIGNMENT_STATUSES,
    CLOSE_REASONS,
    CONFIDENTIALITY,
    PRIORITIES,
    STATUSES,
)
from ..sla.services import STATES as SLA_STATES
from ..sla.services import assignment_state, sla_summary
from ..synthesis.models import RESPONSE_STATUSES, REVIEW_STATUSES, VISIBILITIES

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100
CORRECT = _l("Please correct the highlighted fields.")
TIMESTAMP = _l("Use an ISO 8601 time with its offset, such as 2026-12-01T12:00:00+00:00.")


def iso(value: datetime | date | None) -> str | None:
    """`2026-11-27T14:03:00+00:00` for a time, `2026-11-27` for a date, None for nothing."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return iso_seconds(value)
    return value.isoformat()


def enum(values) -> Any:
    """One of `values` (a tuple of the domain's constants)."""
    return Literal[tuple(values)]


# --- what the API answers ---------------------------------------------------------------

TIME_SCHEMA = {"type": "string", "format": "date-time",
               "description": "UTC, ISO 8601 with offset, e.g. 2026-11-27T14:03:00+00:00"}
DATE_SCHEMA = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
REF_SCHEMA = {"type": "string", "description": "Query reference, e.g. RB-2026-0042"}

Time = Annotated[datetime, PlainSerializer(iso), WithJsonSchema(TIME_SCHEMA)]
Day = Annotated[date, PlainSerializer(iso), WithJsonSchema(DATE_SCHEMA)]
TimeText = Annotated[str, WithJsonSchema(TIME_SCHEMA)]  # already ISO (sla_summary)
Ref = Annotated[str, WithJsonSchema(REF_SCHEMA)]
Html = Annotated[str, BeforeValidator(str), Field(description="The Markdown as safe HTML")]
# What a query is about: a country, a region or the world (countries.is_place).
PLACE = ("ISO 3166-1 alpha-2 country code (e.g. SS), or a UN M49 region code: 001 for the "
         "world, 011 Western Africa, 002 Africa...")
Country = Annotated[str, Field(description=PLACE)]
LANGUAGE_SCHEMA = {"type": "string", "pattern": "^[a-z]{2}$",
                   "description": "ISO 639-1 code of the language the text is written in"}
Language = Annotated[str, WithJsonSchema(LANGUAGE_SCHEMA)]
Slugs = Annotated[list[str], BeforeValidator(lambda themes: [t.slug for t in themes]),
                  Field(description="Theme slugs")]
SlaState = enum(SLA_STATES)


class With:
    """An object read as `obj`, except for the attributes given (pydantic's own path)."""

    __slots__ = ("obj", "values")

    def __init__(self, obj, **values):
        self.obj, self.values = obj, values

    def __getattr__(self, name):
        values = self.values
        return values[name] if name in values else getattr(self.obj, name)


class Computed:
    """`Computed[T]`: a field the model's `_computed` gives, not an attribute of the object."""

    def __class_getitem__(cls, tp):
        return Annotated[tp, cls]


class Answer(BaseModel):
    """An object the API answers with. Each field is read from the domain object's attribute
    of its name (or its validation alias), or from a dict's key; `_computed` gives the
    fields declared `Computed`.

    `dump` writes the answer in one pass, each field as its annotation says (its
    BeforeValidator conversions, then its PlainSerializer; a nested model by its own dump):
    what pydantic's `model_validate(obj, context=...).model_dump(mode="json")` gives (a test
    holds them equal), without building and copying a model per object: pydantic's way cost
    the page of 100 queries 70 % more than hand-written dicts, this way 15 %."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.model_fields
        read = {name: field.validation_alias or name for name, field in fields.items()
                if Computed not in field.metadata}
        writers = [(name, write) for name, field in fields.items()
                   if (write := _writer(Annotated[(field.annotation, *field.metadata)]
                                        if field.metadata else field.annotation))]
        computed = cls._computed if len(read) < len(fields) else None
        cls._write = staticmethod(_compile(tuple(read), _getter(attrgetter, read.values()),
                                           _getter(itemgetter, read.values()), computed,
                                           writers))

    @classmethod
    def _computed(cls, obj, context: dict) -> dict:
        """The fields declared `Computed`: derived, or decided by who asks."""
        return {}

    @classmethod
    def dump(cls, obj, **context) -> dict:
        """`obj` as this model's JSON-ready dict; `context` reaches every `_computed`
        (`user`: the caller; `now`, taken once for the whole answer)."""
        context.setdefault("now", utcnow())
        return cls._write(obj, context)

    @model_validator(mode="before")
    @classmethod
    def _read(cls, obj, info: ValidationInfo):
        """pydantic's own path reads what `dump` reads."""
        computed = cls._computed(obj, info.context)
        return {**obj, **computed} if isinstance(obj, dict) else With(obj, **computed)


def _compile(names, attributes, keys, computed, writers) -> Callable[[Any, dict], dict]:
    """A model's writer: the read fields in one C call per object (an attrgetter, or an
    itemgetter for a dict), the computed ones, then each field that has a writer of its
    own converted."""
    if computed is None and not writers:  # Person and the like: nothing but reading
        return lambda obj, _context: dict(zip(
            names, (keys if type(obj) is dict else attributes)(obj), strict=True))

    def write(obj, context: dict) -> dict:
        answer = dict(zip(names, (keys if type(obj) is dict else attributes)(obj),
                          strict=True))
        if computed is not None:
            answer.update(computed(obj, context))
        for name, convert in writers:
            answer[name] = convert(answer[name], context)
        return answer
    return write


def _getter(make, sources) -> Callable[[Any], tuple]:
    """`make(*sources)` (attrgetter or itemgetter: one C call per object), always giving a
    tuple."""
    sources = tuple(sources)
    if len(sources) > 1:
        return make(*sources)
    if sources:
        get = make(*sources)
        return lambda obj: (get(obj),)
    return lambda obj: ()


def _writer(tp) -> Callable[[Any, dict], Any] | None:
    """How a value of the declared type `tp` is written into an answer, or None when as it
    is: a nested model by its own dump; a list's items and a dict's values by theirs; an
    Annotated type through its BeforeValidator functions, then its PlainSerializer."""
    if isinstance(tp, type) and issubclass(tp, Answer):
        return tp._write
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        inner = _writer(args[0])
        before = [m.func for m in args[1:] if isinstance(m, BeforeValidator)]
        serialise = next((m.func for m in args[1:] if isinstance(m, PlainSerializer)), None)
        if not before and serialise is None:
            return inner
        if not before:  # Time, Day
            return lambda value, _context: serialise(value)
        if len(before) == 1 and serialise is None and inner is None:  # Html, Slugs
            convert = before[0]
            return lambda value, _context: convert(value)

        def write(value, context):
            for convert in before:
                value = convert(value)
            if serialise is not None:
                return serialise(value)
            return value if inner is None else inner(value, context)
        return write
    if origin in (Union, UnionType):
        written = [_writer(arg) for arg in args if arg is not NoneType]
        if len(written) != 1 or NoneType not in args:
            raise TypeError(f"Only `X | None` unions are written: {tp}")
        inner = written[0]
        return None if inner is None else (
            lambda value, context: None if value is None else inner(value, context))
    if origin is list:
        inner = _writer(args[0])
        return (lambda value, _context: list(value)) if inner is None else (
            lambda value, context: [inner(item, context) for item in value])
    if origin is dict:
        inner = _writer(args[1])
        return None if inner is None else (
            lambda value, context: {key: inner(item, context) for key, item in value.items()})
    return None


class Person(Answer):
    email: str
    name: str


def _organisation_name(organisation) -> str | None:
    return organisation.name if organisation is not None else None


OrganisationName = Annotated[str | None, BeforeValidator(_organisation_name),
                             Field(description="The organisation's name")]
Codes = Annotated[list[str], BeforeValidator(list)]


class MemberFields(Answer):
    """What the directory and the caller's own profile both say of a member."""

    organisation: OrganisationName
    expertise: Slugs = Field(validation_alias="themes")
    countries: Codes = Field(validation_alias="expertise_countries",
                             description="Countries known: ISO 3166-1 alpha-2 codes")
    languages: Codes = Field(description="Languages spoken: ISO 639-1 codes")
    deployment_status: enum(DEPLOYMENT_STATUSES)


class ProfileDetails(Answer):
    """What a profile says beyond the directory's line."""

    bio: str = Field(description="Markdown")
    away_until: Day | None = Field(description="The last day away")
    away_note: str
    deployment_country: str | None = Field(description="ISO 3166-1 alpha-2")


class MemberItem(MemberFields):
    """A member as the directory lists them."""

    id: int
    name: str
    available: Computed[bool] = Field(description="Not away today (away_until is the last "
                                                  "day away)")
    url: Computed[str] = Field(description="The member's address in this API")

    @classmethod
    def _computed(cls, member, context):
        return {"available": is_available(member, context["now"].date()),
                "url": url_for("api.member", member_id=member.id)}


class MemberPage(Answer):
    items: list[MemberItem]
    total: int


class Member(MemberItem, ProfileDetails):
    """A member's profile; `email` only when the member shows it (or to staff and to the
    member), else null."""

    bio_html: Computed[Html]
    email: Computed[str | None]

    @classmethod
    def _computed(cls, member, context):
        return {**MemberItem._computed.__func__(cls, member, context),
                "bio_html": member.html("bio"),
                "email": member.email if perm.can_see_email(context.get("user"), member)
                else None}


class Me(MemberFields, ProfileDetails, Person):
    """The caller, with their member profile."""

    roles: Annotated[list[enum(sorted(ROLES))], BeforeValidator(sorted)]
    language: Annotated[str, BeforeValidator(lambda code: code or current_language()),
                        Field(description="The interface language: the caller's choice, "
                              "else the one this request was served in (Accept-Language)")]
    id: int
    show_email: bool


class Subscriptions(Answer):
    """The caller's subscriptions: newly published responses they may read, on one of these
    themes (sub-themes included) and about one of these countries (an empty list: any; both
    empty: none), sent by e-mail as `frequency` says."""

    themes: list[str] = Field(description="Theme slugs")
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes")
    frequency: enum(SUBSCRIPTION_FREQUENCIES)


class Theme(Answer):
    slug: str
    name: str
    parent: Annotated[str | None, BeforeValidator(lambda t: t.slug if t else None),
                      Field(description="The parent theme's slug")]


class QueryAssignment(Answer):
    """An expert's assignment, as a query shows it to staff and assigned experts."""

    id: int
    expert: Person
    status: enum(ASSIGNMENT_STATUSES)
    due_at: Time | None
    sla_state: Computed[SlaState | None] = Field(
        description="The answer target's state; null without a due time, or once declined or "
                    "withdrawn")

    @classmethod
    def _computed(cls, a, context):
        return {"sla_state": assignment_state(a, context["now"])}


class QueryContribution(Answer):
    """An expert's answer, as a query shows it."""

    id: int
    author: Person
    body: str
    body_html: Computed[Html]
    language: Language
    created_at: Time

    @classmethod
    def _computed(cls, c, _context):
        return {"body_html": c.html("body")}


class SlaTarget(Answer):
    due_at: TimeText | None
    state: SlaState | None
    met_at: TimeText | None


class Sla(Answer):
    """The query's response-time targets: due times in business time of the calendar."""

    policy: enum(PRIORITIES)
    calendar: str | None
    deadline_driven: bool = Field(description="The requester's needed-by date sets the "
                                              "resolution due time")
    triage: SlaTarget
    resolution: SlaTarget


class Query(Answer):
    """A query as the caller may see it."""

    ref: Ref = Field(validation_alias="reference")
    title: str
    question: str
    question_html: Computed[Html]
    context: str
    purpose: str
    language: Language
    country: Country | None  # none until triage sets it (a query sent by e-mail)
    themes: Slugs
    priority: enum(PRIORITIES)
    needed_by: Day | None
    confidentiality: enum(CONFIDENTIALITY)
    group: str | None = Field(validation_alias="group_slug",
                              description="The slug of the query's group, if any")
    status: enum(STATUSES)
    requester: Person
    created_at: Time
    updated_at: Time
    follows: Ref | None = Field(validation_alias="follows_reference",
                                description="The query this one follows up")
    assignments: Computed[list[QueryAssignment]] = Field(
        description="Empty unless the caller is staff or an assigned expert")
    contributions: Computed[list[QueryContribution]] = Field(
        description="Only the contributions the caller may read")
    sla: Computed[Sla]

    @classmethod
    def _computed(cls, q, context):
        """Assignments for staff and assigned experts only; contributions as
        queries.lists.contributions allows (a list passes them in batch: `contributions`,
        a dict by query id)."""
        user, batch = context["user"], context.get("contributions")
        return {"question_html": q.html("question"),
                "assignments": q.assignments if perm.can_see_internal(user, q) else [],
                "contributions": batch[q.id] if batch is not None
                else lists.contributions(user, q),
                "sla": sla_summary(q, context["now"])}


class QueryPage(Answer):
    items: list[Query]
    total: int
    page: int
    per_page: int


class Assignment(Answer):
    id: int
    query: Computed[Ref]
    expert: Person
    status: enum(ASSIGNMENT_STATUSES)
    due_at: Time | None
    sla_state: Computed[SlaState | None]
    decline_reason: str | None

    @classmethod
    def _computed(cls, a, context):
        return {"query": a.query.reference, "sla_state": assignment_state(a, context["now"])}


class Contribution(QueryContribution):
    query: Computed[Ref]
    updated_at: Time

    @classmethod
    def _computed(cls, c, _context):
        return {"body_html": c.html("body"), "query": c.query.reference}


class Contributor(Answer):
    name: str
    organisation: str


class TranslationLink(Answer):
    language: Language
    url: str = Field(description="The translated version's address in this API")


class Correction(Answer):
    """A correction published on a published response."""

    revision: int
    at: Time
    note: str


class Annex(Answer):
    """A file attached to a response: downloaded by the response's readers."""

    id: int
    name: str = Field(validation_alias="filename")
    size: int = Field(description="In bytes")
    url: Computed[str] = Field(description="Its download address (always a download)")

    @classmethod
    def _computed(cls, a, _context):
        return {"url": url_for("library.download", attachment_id=a.id)}


class SeeAlso(Answer):
    """A related published response the caller may read."""

    reference: Ref
    title: str
    url: str = Field(description="Its address in this API")


def see_also_items(user, response) -> list[dict]:
    """The response's "See also" (lifecycle.see_also: only what `user` may read), as the API
    gives it; none for a draft or a retracted response."""
    from ..synthesis.lifecycle import see_also
    from ..synthesis.models import READABLE_STATUSES

    if response.status not in READABLE_STATUSES:
        return []
    return [{"reference": other.query.reference, "title": other.title,
             "url": url_for("api.response", ref=other.query.reference)}
            for other in see_also(user, response)]


class Response(Answer):
    """A consolidated response: a draft to staff, published to those who may read it."""

    ref: Computed[Ref]
    title: str
    summary: str
    body: str
    body_html: Computed[Html]
    language: Language
    translations: Computed[list[TranslationLink]] = Field(
        description="Its versions in other languages, read by its readers")
    visibility: enum(VISIBILITIES)
    status: enum(RESPONSE_STATUSES)
    published_at: Time | None
    revision: Computed[int] = Field(
        description="The latest revision to staff (a correction's draft included); the "
                    "published one to other readers")
    corrections: list[Correction] = Field(
        description="The corrections published since the first publication, oldest first")
    superseded_by: Computed[Ref | None] = Field(
        description="The newer response that replaces it (status `superseded`)")
    country: Computed[Country]
    themes: Computed[Slugs]
    group: Computed[str | None] = Field(description="The slug of its query's group, if any")
    contributors: Computed[list[Contributor]]
    annexes: Computed[list[Annex]] = Field(description="The files attached to it")
    see_also: Computed[list[SeeAlso]] = Field(
        description="Up to five related published responses the caller may read: those the "
                    "facilitators linked first, then the most similar")

    @classmethod
    def _computed(cls, r, context):
        q = r.query
        newer = r.superseded_by
        user = context.get("user")
        staff = perm.can_triage(user, q)
        return {"ref": q.reference, "body_html": r.html("body"), "country": q.country,
                "themes": q.themes, "group": q.group_slug, "contributors": contributors_of(q),
                "revision": r.revision if staff or r.published_revision is None
                else r.published_revision,
                "superseded_by": newer.query.reference if newer is not None else None,
                "translations": [{"language": t.language,
                                  "url": translation_url(q.reference, t.language)}
                                 for t in r.translations],
                "annexes": r.annexes, "see_also": see_also_items(user, r)}


class GroupMember(Answer):
    """One person's membership of a group."""

    id: int = Field(validation_alias="user_id", description="The member's user id (the "
                                                            "`{id}` of the member paths)")
    group: Computed[str] = Field(description="The group's slug")
    name: Computed[str]
    organisation: Computed[str | None]
    role: enum(MEMBERSHIP_ROLES)
    status: enum(MEMBERSHIP_STATUSES) = Field(description="pending until a group "
                                                          "facilitator approves")
    created_at: Time

    @classmethod
    def _computed(cls, m, _context):
        org = m.user.organisation
        return {"group": m.group.slug, "name": m.user.name,
                "organisation": org.name if org is not None else None}


class Group(Answer):
    """A sub-group: its members read its `group` queries and responses."""

    slug: str
    name: str
    description: str
    open: bool = Field(description="Open: joining makes a member at once; closed: a group "
                                   "facilitator approves")
    max_per_organisation: int | None = Field(description="The most active members one "
                                                         "organisation may have")
    themes: Slugs
    members: Computed[int] = Field(description="Its active members")
    membership: Computed[GroupMember | None] = Field(description="The caller's own, if any")

    @classmethod
    def _computed(cls, g, _context):
        # Counted by groups.services.with_member_figures (list_groups, a new group).
        return {"members": g.member_count, "membership": g.mine}


class ReviewRequest(Answer):
    """A request to review one revision of a draft response."""

    id: int
    query: Computed[Ref]
    reviewer: Person
    revision: int
    status: enum(REVIEW_STATUSES)
    note: str = Field(description="The facilitator's note to the reviewer")
    answer_note: str = Field(description="The reviewer's note with the answer")

    @classmethod
    def _computed(cls, review, _context):
        return {"query": review.query.reference}


class Rating(Answer):
    """The requester's rating of the response to their query."""

    query: Computed[Ref]
    score: int = Field(ge=1, le=5)
    used_for: str
    created_at: Time
    updated_at: Time

    @classmethod
    def _computed(cls, rating, _context):
        return {"query": rating.query.reference}


class Feedback(Answer):
    """The caller's feedback on a response, with what readers made of it so far."""

    ref: Computed[Ref]
    useful: bool
    comment: str
    outdated: bool
    useful_count: Computed[int] = Field(description="Readers who found it useful")
    feedback_count: Computed[int] = Field(description="Readers who said whether it was")

    @classmethod
    def _computed(cls, item, context):
        counts = context["counts"]
        return {"ref": context["ref"], "useful_count": counts["useful"],
                "feedback_count": counts["total"]}


class Watching(Answer):
    """Whether the caller watches the query (told of its response's publication and
    corrections)."""

    query: Ref
    watching: bool


def translation_url(ref: str, language: str) -> str:
    return url_for("api.response_translation", ref=ref, language=language)


class Translation(Answer):
    """A published response in another language: read by the readers of the original."""

    ref: Computed[Ref]
    language: Language
    title: str
    summary: str
    body: str
    body_html: Computed[Html]
    original: Computed[TranslationLink] = Field(
        description="The response it translates: its language and address in this API")
    created_at: Time
    updated_at: Time

    @classmethod
    def _computed(cls, t, _context):
        r = t.response
        ref = r.query.reference
        return {"ref": ref, "body_html": t.html("body"),
                "original": {"language": r.language, "url": url_for("api.response", ref=ref)}}


class Suggestion(Answer):
    """An expert ranked for a query, with the reasons of the score."""

    email: Computed[str]
    name: Computed[str]
    score: int
    reasons: list[str]
    away: bool

    @classmethod
    def _computed(cls, s, _context):
        return {"email": s.expert.email, "name": s.expert.name}


class Event(Answer):
    """An entry of the query's timeline."""

    kind: str
    actor: Person | None
    at: Time
    data: Annotated[dict[str, Any], BeforeValidator(lambda data: data or {}), Field(
        description="What happened. `duplicate_of` (of `closed`) and `duplicate` (of "
                    "`duplicate_linked`) name the other query, or are null when the caller "
                    "may not see it")]


class SearchItem(Answer):
    kind: str = Field(description="response, or a library document's kind")
    ref: str = Field(description="The query reference of a response, the id of a document")
    title: str
    summary: str
    url: str | None
    score: float
    highlights: str = Field(description="Escaped text; matched words in <mark>")


class FacetValue(Answer):
    value: str
    label: str
    count: int


class SearchResults(Answer):
    items: list[SearchItem]
    total: int
    page: int
    per_page: int
    facets: Computed[dict[str, list[FacetValue]]] = Field(
        description="theme, country, year, kind and language")
    suggestion: str | None = Field(description="The text with mistyped words corrected")
    message: str | None
    rebuilding: bool = Field(description="True while the index is rebuilt (then no items)")

    @classmethod
    def _computed(cls, result, _context):
        return {"facets": {
            name: [{"value": value, "label": result.label(name, value), "count": count}
                   for value, count in values]
            for name, values in result.facets.items()}}


class CalendarEvent(Answer):
    """An event of the community calendar (times in UTC; `timezone` is where it is held)."""

    id: int
    title: str
    starts_at: Time
    ends_at: Time
    timezone: str = Field(description="IANA name of the event's time zone")
    location: str
    online_url: str
    description_html: Computed[Html]
    url: Computed[str] = Field(description="The event's page")
    ics_url: Computed[str] = Field(description="The event's iCalendar file")
    visibility: enum(EVENT_VISIBILITIES)
    group: str | None = Field(validation_alias="group_slug",
                              description="The slug of the event's group, if any")
    status: enum(EVENT_STATUSES) = Field(description="proposed: waiting for a facilitator, "
                                                     "not listed until approved")
    themes: Slugs

    @classmethod
    def _computed(cls, e, _context):
        return {"description_html": e.html("description"),
                "url": url_for("community.event", event_id=e.id),
                "ics_url": url_for("community.event_ics", event_id=e.id)}


class Notice(Answer):
    """A notice of the blackboard."""

    id: int
    kind: enum(NOTICE_KINDS)
    title: str
    body_html: Computed[Html]
    expires_on: Day = Field(description="The last day it is on the board")
    status: enum(NOTICE_STATUSES) = Field(description="proposed: waiting for a facilitator")

    @classmethod
    def _computed(cls, n, _context):
        return {"body_html": n.html("body")}


class NewsletterItem(Answer):
    """One thing a newsletter presents (a snapshot, edited by the facilitators)."""

    id: int
    position: int
    kind: enum(ITEM_KINDS)
    item_id: int = Field(description="The id of the response, document, event or notice")
    title: str
    blurb: str
    url: str = Field(description="Its page")
    visibility: enum(("community", "public"))
    included: bool = Field(description="false: left out by the facilitators (drafts only)")


class Newsletter(Answer):
    """A monthly newsletter: a draft (facilitators only), or sent (`sending` while its
    e-mails wait in the outbox, then `sent`). Readers see the items it includes."""

    id: int
    month: str = Field(description="YYYY-MM")
    title: str
    status: enum(NEWSLETTER_STATUSES)
    visibility: enum(("community", "public")) = Field(
        description="public when every item is public: anyone reads it")
    editorial: str = Field(description="Markdown")
    editorial_html: Computed[Html]
    sent_at: Time | None
    recipients: int = Field(description="The e-mails queued when it was sent")
    url: Computed[str] = Field(description="Its web version")
    items: Computed[list[NewsletterItem]]

    @classmethod
    def _computed(cls, n, context):
        editor = perm.can_manage_newsletters(context.get("user"))
        return {"editorial_html": n.html("editorial"),
                "url": url_for("newsletters.view", newsletter_id=n.id),
                "items": n.items if editor else n.included}


class DiscussionQuestion(Answer):
    """A guiding question, shown once released (one a week)."""

    position: int = Field(description="From 0: due on starts_on + 7 * position days")
    text: str
    released_at: Time


class Discussion(Answer):
    """A thematic e-discussion: the community's (`group` null) or one group's."""

    id: int
    title: str
    status: Computed[enum(DISCUSSION_STATUSES)] = Field(
        description="scheduled before starts_on; open from starts_on through ends_on; closed "
                    "after ends_on or once its summary is published")
    starts_on: Day
    ends_on: Day
    group: Computed[str | None] = Field(description="The group's slug; null: the community")
    description_html: Computed[Html]
    questions: Computed[list[DiscussionQuestion]] = Field(description="The released ones")
    summary_url: Computed[str | None] = Field(description="The published summary, once "
                                                          "closed with one")
    url: Computed[str] = Field(description="The discussion's page")

    @classmethod
    def _computed(cls, d, context):
        return {"status": d.status_on(context["now"].date()), "group": d.group_slug,
                "description_html": d.html("description"),
                "questions": [q for q in d.questions if q.released_at is not None],
                "summary_url": url_for("library.document", doc_id=d.summary_document_id)
                if d.summary_document_id is not None else None,
                "url": url_for("discussions.detail", discussion_id=d.id)}


class DiscussionList(Answer):
    items: Computed[list[Discussion]]
    total: Computed[int]

    @classmethod
    def _computed(cls, items, _context):
        return {"items": items, "total": len(items)}


class DiscussionPost(Answer):
    """A post, a reply (`reply_to`) or a facilitator's weekly summary (`kind`). A hidden
    post's body is shown to the discussion's moderators only (null for others)."""

    id: int
    kind: enum(DISCUSSION_POST_KINDS)
    author: Computed[str] = Field(description="The author's name")
    reply_to: int | None = Field(validation_alias="reply_to_id")
    body: Computed[str | None] = Field(description="Markdown; null when hidden from the caller")
    body_html: Computed[str | None] = Field(description="The Markdown as safe HTML")
    hidden: bool
    hidden_reason: Computed[str | None] = Field(description="Moderators only")
    created_at: Time

    @classmethod
    def _computed(cls, p, context):
        shown = context.get("moderator") or not p.hidden
        return {"author": p.author.name, "body": p.body if shown else None,
                "body_html": str(p.html("body")) if shown else None,
                "hidden_reason": p.hidden_reason if context.get("moderator") else None}


class DiscussionPostList(Answer):
    items: Computed[list[DiscussionPost]]
    total: Computed[int]

    @classmethod
    def _computed(cls, items, _context):
        return {"items": items, "total": len(items)}


class DiscussionSummary(Answer):
    """The summary product published to the library (kind `discussion`)."""

    id: int
    title: str
    kind: str
    visibility: str = Field(description="As published (by default the discussion's "
                                        "audience: community, or group for a group's)")
    url: Computed[str] = Field(description="The published summary's page in the library")

    @classmethod
    def _computed(cls, doc, _context):
        return {"url": url_for("library.document", doc_id=doc.id)}


class ErrorDetail(Answer):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="One message per invalid "
                                                                     "field (422 only)")


class Error(Answer):
    """Every refusal: 4xx and 5xx answers alike (reachback.web.api_error)."""

    error: ErrorDetail


def items_of(model: type[Answer]) -> type[Answer]:
    """The `{"items": [...]}` list of `model`, named `<model>List`: its dump takes the
    items."""
    return type(f"{model.__name__}List", (Answer,), {
        "__annotations__": {"items": Computed[list[model]]}, "__module__": __name__,
        "_computed": classmethod(lambda cls, items, _context: {"items": items})})


ThemeList, SuggestionList, EventList = items_of(Theme), items_of(Suggestion), items_of(Event)
CalendarEventList, NoticeList = items_of(CalendarEvent), items_of(Notice)
GroupList = items_of(Group)
NewsletterList = items_of(Newsletter)


# --- what a client sends ----------------------------------------------------------------

class BadRequest(DomainError):
    """The body is not a JSON object."""
    status, code = 400, "bad_request"


def request_body(required: bool = True) -> dict:
    """The request body as a JSON object; raises BadRequest (400) otherwise. With
    required=False an empty body is an empty object."""
    raw = request.get_data(cache=True)  # raises 413 beyond MAX_CONTENT_LENGTH
    if not raw.strip() and not required:
        return {}
    try:  # request.get_json strips NUL characters (web.CleanRequest), as forms do
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly deep nesting
        raise BadRequest(_("The body must be a JSON object.")) from None
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    if not _valid_unicode(body):
        raise BadRequest(_("The body contains text that is not valid Unicode."))
    return body


def _valid_unicode(value) -> bool:
    """False when any string holds a lone surrogate (\\ud800 in JSON), which no database
    column can store. Iterative: the nesting depth is whatever json.loads accepted."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def refused(field: str, message: str, summary: str = CORRECT) -> PydanticCustomError:
    """A field's refusal: `message` beside the field, `summary` as the error's message (both
    in the request's language; the `field` code stays as it is)."""
    return PydanticCustomError(field, str(message), {"summary": str(summary)})


class Checked(BaseModel):
    """What a client sends. A null counts as absent (the field's default). A field that
    the services require is described as required and refused by them, after the
    permission check, so that a caller who may not act learns only that (403)."""

    model_config = ConfigDict(json_schema_extra=lambda schema, _model: _lift_required(schema))

    @classmethod
    def parse(cls, values: dict) -> Self:
        """The model of `values` (a request body from request_body()); Invalid (422)
        naming the first refused field."""
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
            raise Invalid(first["ctx"]["summary"], {first["loc"][0]: first["msg"]}) from None


def required(default=None, **described) -> Any:
    """A field the services require (they answer 422 "This field is required.")."""
    return Field(default, json_schema_extra={"x-required": True}, **described)


def _lift_required(schema: dict) -> None:
    """The fields marked by required() into the schema's `required` list (what a
    field is read as when absent serves no client that must send it)."""
    names = [name for name, field in schema["properties"].items()
             if field.pop("x-required", False)]
    for name in names:
        schema["properties"][name].pop("default", None)
    if names:
        schema["required"] = names


def _json(kind: type, message: str) -> Callable[[Any], Any]:
    """A check that a value is of the JSON type `kind`; null counts as absent."""
    def check(value):
        if value is None:
            raise PydanticUseDefault
        if not isinstance(value, kind):
            raise refused(kind.__name__, message)
        return value
    return check


_text, _list = _json(str, _l("Must be text.")), _json(list, _l("Must be a list."))


NOT_BLANK = {"minLength": 1, "pattern": r"\S"}  # the services refuse it empty or blank


def Text(cap: int | None = None, *, blank: bool = True, **described) -> Any:  # noqa: N802
    """Text: a string, or null. Described with its cap (the services count it as a browser
    does) and, unless `blank`, as not empty."""
    schema = {"type": "string", **({"maxLength": cap} if cap else {}),
              **({} if blank else NOT_BLANK), **described}
    return Annotated[str | None, PlainValidator(_text), WithJsonSchema(schema)]


def Choice(values, **described) -> Any:  # noqa: N802
    """Text naming one of `values`; the service refuses any other."""
    return Annotated[str | None, PlainValidator(_text),
                     WithJsonSchema({"enum": list(values), **described})]


def _timestamp(value) -> datetime:
    """An ISO 8601 timestamp with its UTC offset, converted to UTC."""
    value = _text(value)
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:00-05:00 in UTC
        raise refused("timestamp", TIMESTAMP, TIMESTAMP) from None


Timestamp = Annotated[datetime | None, PlainValidator(_timestamp), WithJsonSchema(
    {**TIME_SCHEMA, "description": "In the future, ISO 8601 with its offset"})]


def AsSent(schema: dict) -> Any:  # noqa: N802
    """A value handed to the service as sent: submit_query checks every field of a query,
    type included, and names each refused field at once, as the page's form does."""
    return Annotated[Any, WithJsonSchema(schema)]


LANGUAGE_INPUT = {**LANGUAGE_SCHEMA, "description": "ISO 639-1 code of the language it is "
                  "written in; by default the caller's language, else the request's "
                  "(Accept-Language); 422 for a code that names none"}


class QueryInput(Checked):
    title: AsSent({"type": "string", "maxLength": lengths.TITLE, **NOT_BLANK}) = required()
    question: AsSent({"type": "string", "maxLength": lengths.TEXT, **NOT_BLANK}) = required()
    context: AsSent({"type": "string", "maxLength": lengths.TEXT}) = None
    purpose: AsSent({"type": "string", "maxLength": lengths.TEXT}) = None
    country: AsSent({"type": "string", "description": PLACE,
                     **NOT_BLANK}) = required()
    themes: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3,
         "description": "Theme slugs"})] = required()
    priority: AsSent({"enum": list(PRIORITIES), "default": "normal"}) = None
    needed_by: AsSent(DATE_SCHEMA) = None
    confidentiality: AsSent({"enum": list(CONFIDENTIALITY), "default": "restricted",
                             "description": "`group`: read by the members of `group` (and "
                                            "staff); 422 without a group"}) = None
    language: AsSent(LANGUAGE_INPUT) = None
    group: AsSent({"type": "string", "description": "The slug of a group the caller is an "
                   "active member of (422 otherwise): the query belongs to it"}) = None


class QueryEdit(Checked):
    """A facilitator's triage corrections: any of these fields (others are ignored); each is
    checked as at submission. Changing the confidentiality needs a `reason`."""

    title: AsSent({"type": "string", "maxLength": lengths.TITLE, **NOT_BLANK}) = None
    themes: AsSent({"type": "array", "items": {"type": "string"}, "minItems": 1,
                    "maxItems": 3, "description": "Theme slugs"}) = None
    country: AsSent({"type": "string", "description": PLACE,
                     **NOT_BLANK}) = None
    priority: AsSent({"enum": list(PRIORITIES), "description": "A change recomputes the "
                      "response-time targets"}) = None
    confidentiality: AsSent({"enum": list(CONFIDENTIALITY)}) = None
    reason: AsSent({"type": "string", "maxLength": lengths.NOTE, "description": "Why the "
                    "confidentiality changes (required then); shown to staff only"}) = None

    def changes(self) -> dict:
        """The fields sent (a null counts as absent), as edit_query takes them."""
        return {name: value for name, value in self.model_dump(exclude={"reason"}).items()
                if value is not None}


CODES = {"type": "array", "items": {"type": "string"}}
CLEARED = "; an empty string clears it"


class MeInput(Checked):
    """The caller's settings and member profile: only the fields sent change (a null
    counts as absent); 422 for an unknown value, and then nothing changes."""

    language: AsSent({"type": "string", "description": "A language code the site speaks "
                      "(en, fr, es); 422 for another"}) = None
    bio: AsSent({"type": "string", "maxLength": lengths.SUMMARY,
                 "description": "Markdown"}) = None
    organisation: AsSent({"type": "string", "description": "The name of an organisation "
                          "Reachback knows (case-insensitive; 422 for another)" + CLEARED}
                         ) = None
    expertise: AsSent({**CODES, "description": "Theme slugs (422 for an unknown one)"}) = None
    countries: AsSent({**CODES, "description": "Countries known: ISO 3166-1 alpha-2 codes "
                       "(422 for an unknown one)"}) = None
    languages: AsSent({**CODES, "description": "Languages spoken: ISO 639-1 codes (422 for "
                       "an unknown one)"}) = None
    away_until: AsSent({**DATE_SCHEMA, "description": "The last day away, YYYY-MM-DD"
                        + CLEARED}) = None
    away_note: AsSent({"type": "string", "maxLength": lengths.TITLE}) = None
    deployment_status: AsSent({"enum": list(DEPLOYMENT_STATUSES)}) = None
    deployment_country: AsSent({"type": "string", "description": "ISO 3166-1 alpha-2"
                                + CLEARED}) = None
    show_email: AsSent({"type": "boolean", "description": "Show the e-mail address to other "
                        "members (false by default)"}) = None

    def profile(self) -> dict:
        """The profile fields sent, as members.services.update_member_profile takes them."""
        return {name: value for name, value in self.model_dump(exclude={"language"}).items()
                if value is not None}


class SubscriptionsInput(Checked):
    """The whole subscription (a field left out: an empty list, `immediately`); 422 for an
    unknown theme slug, country code or frequency."""

    themes: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string"}, "description": "Theme slugs"})] = None
    countries: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string"},
         "description": "ISO 3166-1 alpha-2 codes, e.g. SS"})] = None
    frequency: Choice(SUBSCRIPTION_FREQUENCIES, default="immediately") = None


class MessageInput(Checked):
    message: Text(lengths.TEXT, blank=False) = required()


class AssignmentInput(Checked):
    expert: Text(format="email", blank=False, description="The expert's e-mail") = required("")
    due_at: Timestamp = None
    message: Text(lengths.NOTE, description="The facilitator's message, sent with the "
                                            "invitation") = None


class DeclineInput(Checked):
    reason: Text(lengths.NOTE, blank=False) = required()


class ContributionInput(Checked):
    body: Text(lengths.BODY, blank=False) = required()
    language: AsSent(LANGUAGE_INPUT) = None


class TranslationInput(Checked):
    title: Text(lengths.TITLE, blank=False) = required("")
    summary: Text(lengths.SUMMARY) = ""
    body: Text(lengths.BODY, blank=False) = required("")


class ResponseInput(TranslationInput):
    note: Text(lengths.TITLE, description="What changed in this revision") = ""
    language: AsSent({**LANGUAGE_INPUT, "description": "ISO 639-1 code of the language it is "
                      "written in; by default the draft's, else the caller's, else the "
                      "request's; 422 for a code that names none"}) = None


class PublishInput(Checked):
    visibility: Choice(VISIBILITIES, description="Defaults to the query's readers: community for a community query, group for a group one, else restricted (a correction keeps the response's); `group` only for a query of a group") = None
    change_note: Text(lengths.TITLE, description="What a correction changes: required to "
                      "publish a correction of a published response (422 without)") = None


class GroupInput(Checked):
    name: AsSent({"type": "string", "maxLength": lengths.NAME, **NOT_BLANK}) = required()
    slug: AsSent({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60,
                  "description": "The group's address (422 otherwise; 409 when taken)"}
                 ) = required()
    description: AsSent({"type": "string", "maxLength": lengths.TEXT}) = None
    open: AsSent({"type": "boolean", "default": True}) = None
    max_per_organisation: AsSent({"type": ["integer", "null"], "minimum": 1,
                                  "description": "The most active members one organisation "
                                                 "may have"}) = None
    themes: AsSent({"type": "array", "items": {"type": "string"},
                    "description": "Theme slugs"}) = None


class ReviewRequestInput(Checked):
    reviewer: Text(format="email", blank=False, description="The e-mail of a facilitator or "
                   "an expert") = required()
    note: Text(lengths.NOTE, description="Told to the reviewer") = None


class ReviewAnswerInput(Checked):
    note: Text(lengths.NOTE, description="Told to the facilitator who asked") = None


class ChangesInput(Checked):
    note: Text(lengths.NOTE, blank=False, description="What should change") = required()


class SupersedeInput(Checked):
    by: Text(lengths.REFERENCE, blank=False, description="The reference of the newer, "
             "published response, e.g. RB-2026-0042") = required()


class LinkInput(Checked):
    ref: Text(lengths.REFERENCE, blank=False, description="The reference of a published "
              "response to show under \"See also\", e.g. RB-2026-0042") = required()


class AnnexInput(Checked):
    """multipart/form-data: the file to attach (described here for the OpenAPI document)."""

    file: AsSent({"type": "string", "format": "binary", "description": "The file: PDF, Word "
                  "(.docx), text, Markdown, PNG or JPEG, checked by its content"}) = required()


class RatingInput(Checked):
    score: AsSent({"type": "integer", "minimum": 1, "maximum": 5}) = required()
    used_for: AsSent({"type": "string", "maxLength": lengths.NOTE,
                      "description": "What the response was used for"}) = None


class FeedbackInput(Checked):
    useful: AsSent({"type": "boolean"}) = required()
    comment: AsSent({"type": "string", "maxLength": lengths.NOTE,
                     "description": "Seen by the facilitators only"}) = None
    outdated: AsSent({"type": "boolean", "description": "Flag it as outdated"}) = None


class RetractInput(Checked):
    reason: Text(lengths.NOTE, blank=False, description="Why: told to its readers (410)"
                 ) = required()


class CloseInput(Checked):
    reason: Choice(CLOSE_REASONS) = required()
    duplicate_of: Text(lengths.REFERENCE, description="The original's reference, e.g. "
                                                      "RB-2026-0042; required for `duplicate`"
                       ) = None
    note: Text(lengths.NOTE, description="Told to the requester") = None


class EventInput(Checked):
    """An event: published at once when a facilitator sends it (201); a member's is a
    proposal (202, `status` proposed), listed once a facilitator approves it. 422 for an end
    not after the start, a link that is not http(s), an unknown theme or time zone."""

    title: Text(lengths.TITLE, blank=False) = required()
    description: Text(lengths.TEXT, description="Markdown") = None
    starts_at: AsSent({**TIME_SCHEMA, "description": "ISO 8601 with its offset"}) = required()
    ends_at: AsSent({**TIME_SCHEMA, "description": "ISO 8601 with its offset; after "
                     "starts_at"}) = required()
    timezone: Text(64, description="IANA name of the zone it is held in (shown with its "
                   "times); UTC by default") = None
    location: Text(lengths.TITLE, description="Where it is held") = None
    online_url: Text(500, format="uri", description="An http or https link") = None
    visibility: Choice(EVENT_VISIBILITIES, default="community",
                       description="public: anyone, even signed out; group: the members of "
                                   "`group` (and staff), 422 without one") = None
    themes: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string"}, "maxItems": 5,
         "description": "Theme slugs"})] = None
    group: AsSent({"type": "string", "description": "The slug of a group the caller is an "
                   "active member of (staff: any group; 422 otherwise): the event belongs "
                   "to it"}) = None


class NoticeInput(Checked):
    """A notice: on the board at once when a facilitator posts it (201), a member's waits
    for approval (202)."""

    kind: Choice(NOTICE_KINDS, default="announcement") = None
    title: Text(lengths.TITLE, blank=False) = required()
    body: Text(lengths.NOTE, description="Markdown") = None
    expires_on: AsSent({**DATE_SCHEMA, "description": "The last day it is on the board: "
                        "today or later, within a year"}) = required()


class NewsletterInput(Checked):
    """The month of a newsletter to draft (facilitators): 409 when it has one already, 422
    for anything but YYYY-MM."""

    month: Text(lengths.TITLE, description="YYYY-MM, e.g. 2026-11") = required()


class DiscussionInput(Checked):
    """A new discussion (facilitators; a group's facilitators for their own group)."""

    title: Text(lengths.TITLE, blank=False) = required()
    description: Text(lengths.TEXT, description="The framing, Markdown") = None
    questions: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string", "maxLength": lengths.NOTE},
         "maxItems": 12, "description": "The guiding questions, one a week, in order"})] = None
    starts_on: AsSent(DATE_SCHEMA) = required()
    ends_on: AsSent({**DATE_SCHEMA, "description": "Not before starts_on (422); by default "
                     "starts_on + 5 weeks"}) = None
    group: AsSent({"type": ["string", "null"], "description": "The audience: a group's slug; "
                   "null or absent: the community"}) = None
    invite: Annotated[list | None, PlainValidator(_list), WithJsonSchema(
        {"type": "array", "items": {"type": "string", "format": "email"},
         "description": "E-mail addresses of invited resource people (members)"})] = None


class DiscussionPostInput(Checked):
    body: Text(lengths.BODY, blank=False, description="Markdown") = required()
    reply_to: AsSent({"type": ["integer", "null"], "description": "The id of a post of the "
                      "same discussion (422 otherwise)"}) = None


class DiscussionSummaryInput(Checked):
    title: Text(lengths.TITLE, blank=False) = required()
    summary: Text(lengths.SUMMARY, blank=False, description="A short abstract") = required()
    body: Text(lengths.BODY, blank=False, description="The summary product, Markdown; the "
               "contributors are acknowledged after it") = required()
    visibility: Choice(("restricted", "group", "community", "public"),
                       description="Who reads it in the library; by default community for "
                       "the community's discussion, group for a group's (`group`: 422 for "
                       "the community's)") = None


# --- the query string -------------------------------------------------------------------

def _word(value):
    if not value:  # absent or empty: not given
        raise PydanticUseDefault
    return value


def Word(**described) -> Any:  # noqa: N802
    """A filter's text, or nothing when absent or empty."""
    return Annotated[str | None, PlainValidator(_word),
                     WithJsonSchema({"type": "string", **described})]


def Pick(values, **described) -> Any:  # noqa: N802
    """One of `values`, or nothing when absent or empty."""
    def pick(value):
        if _word(value) not in values:
            raise refused("choice", _("Choose one of: %(values)s.", values=", ".join(values)),
                          _("Invalid filter."))
        return value
    return Annotated[str | None, PlainValidator(pick),
                     WithJsonSchema({"enum": list(values), **described})]


def _flag(value) -> bool:
    raw = (value or "0").lower()
    if raw not in ("0", "1", "true", "false"):
        raise refused("flag", _("Use 1 or 0."), _("Invalid filter."))
    return raw in ("1", "true")


def _country(value):
    if not is_place(_word(value)):
        raise refused("country", _("Unknown country code."), _("Invalid filter."))
    return value


def Count(low: int = 1, high: int = MAX_PAGE, **described) -> Any:  # noqa: N802
    """A whole number of at least `low`; values above `high` are clamped to it."""
    def count(value) -> int:
        if value is None or value == "":
            raise PydanticUseDefault
        if not value.isascii() or not value.isdigit() or int(value[:18]) < low:
            raise refused("number", _("Give a whole number of at least %(low)s.", low=low),
                          _("Invalid number."))
        return min(int(value[:18]) if len(value) <= 18 else high, high)
    return Annotated[int, PlainValidator(count),
                     WithJsonSchema({"type": "integer", "minimum": low, **described})]


class Args(Checked):
    """Query-string arguments: each the first value given under its name."""

    @classmethod
    def parse(cls, args) -> Self:
        return super().parse({name: args.get(name) for name in cls.model_fields})


CLAMPED = f"Larger values are clamped to {MAX_PER_PAGE}"


class QueryListArgs(Args):
    # In the order they are checked: the first refused one is named.
    country: Annotated[str | None, PlainValidator(_country), WithJsonSchema(
        {"type": "string", "description": "ISO 3166-1 alpha-2"})] = None
    status: Pick(STATUSES) = None
    theme: Word(description="Theme slug") = None
    mine: Annotated[bool, PlainValidator(_flag), WithJsonSchema(
        {"enum": ["0", "1"], "description": "1: only the caller's own queries"})] = Field(
        "0", validate_default=True)
    page: Count() = 1
    per_page: Count(high=MAX_PER_PAGE, description=CLAMPED) = 25


class SearchArgs(Args):
    q: Word(description="Words; \"a phrase\", AND, OR, NOT and (grouping) are understood; "
                        f"longer than {lengths.SEARCH} characters, the text is shortened") = ""
    theme: Word(description="Theme slug (a parent theme takes in its sub-themes)") = None
    country: Word(description="ISO 3166-1 alpha-2") = None
    year: Word() = None
    kind: Word(description="response, or a document kind") = None
    language: Word(description="A language code (en, fr, es, ...): only the items written in "
                               "it") = None
    page: Count() = 1
    sort: Pick(SORTS) = "relevance"
    per_page: Count(high=MAX_PER_PAGE, description=CLAMPED) = 10


def _moment_arg(value, end: bool = False):
    """A day (YYYY-MM-DD: its start, UTC; as an `end`, the next day's start, so that the
    day is included) or an ISO 8601 time with its offset."""
    value = _word(value)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value) + (timedelta(days=1) if end else timedelta())
            return datetime.combine(day, datetime.min.time(), UTC)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(value)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise refused("date", _("Use a date such as 2026-12-31, or a time with its offset."),
                      _("Invalid filter.")) from None


class CalendarArgs(Args):
    from_: Annotated[datetime | None, PlainValidator(_moment_arg), WithJsonSchema(
        {"type": "string", "description": "Events that end after this: YYYY-MM-DD (that "
         "day's start, UTC) or an ISO 8601 time with its offset; now by default"})] = Field(
        None, alias="from")
    to: Annotated[datetime | None, PlainValidator(lambda v: _moment_arg(v, end=True)),
                  WithJsonSchema({"type": "string", "description": "Events that start before "
                                  "this: YYYY-MM-DD (that day included) or an ISO 8601 time "
                                  "with its offset"})] = None

    @classmethod
    def parse(cls, args) -> Self:
        return Checked.parse.__func__(cls, {"from": args.get("from"), "to": args.get("to")})


class MemberListArgs(Args):
    q: Word(description="Words found in the name, organisation or biography") = None
    theme: Word(description="Theme slug (a parent theme takes in its sub-themes)") = None
    country: Annotated[str | None, PlainValidator(_country), WithJsonSchema(
        {"type": "string", "description": "ISO 3166-1 alpha-2: members who know the "
                                          "country or are deployed there"})] = None
    language: Word(description="ISO 639-1 code") = None
    organisation: Word(description="An organisation's name") = None
    status: Pick(DEPLOYMENT_STATUSES, description="Deployment status") = None
    page: Count() = 1


# --- reports (staff) ----------------------------------------------------------------------

REPORT_NAMES = ("demand", "response-times", "experts", "use", "search-gaps")
GROUP_BY = ("demand: month (default), theme (parent themes rolled up), country, "
            "organisation, priority or channel; response-times: priority (default), theme or "
            "month; experts: expert; use: response (default), score or used_for; search-gaps: term (default: the terms whose searches "
            "found 2 results at most) or month; 422 for another")


class ReportArgs(Args):
    from_: Word(format="date", description="The period's first day, YYYY-MM-DD; by default "
                "the first day of the month eleven months back") = Field(None, alias="from")
    to: Word(format="date", description="The period's last day, YYYY-MM-DD; today by "
             "default") = None
    group_by: Word(description=GROUP_BY) = None
    theme: Word(description="demand and response-times: a theme slug (a parent theme "
                "takes in its sub-themes)") = None
    country: Word(description="demand and response-times: ISO 3166-1 alpha-2") = None

    @classmethod
    def parse(cls, args) -> Self:
        return Checked.parse.__func__(cls, {field.alias or name: args.get(field.alias or name)
                                            for name, field in cls.model_fields.items()})

    def values(self) -> dict:
        """The arguments sent, by their names in the query string."""
        return {k: v for k, v in self.model_dump(by_alias=True).items() if v is not None}


class SatisfactionSummary(Answer):
    """The requesters' ratings and the readers' feedback given (or last changed) in a period,
    of the responses still readable."""

    ratings: int
    average_score: float | None = Field(description="Null without ratings")
    distribution: dict[str, int] = Field(description="Ratings per score, \"1\" to \"5\"")
    useful: int
    not_useful: int
    outdated: int = Field(description="Readers who flagged a response as outdated")


class ReportPage(Answer):
    """A report's rows under the filters in force (the defaults applied)."""

    rows: list[dict[str, Any]] = Field(description=(
        "demand: key, label, queries, responses (published in the period), documents "
        "(library documents added; null for organisation, priority and channel); "
        "response-times: key, label, queries, and triage_, contribution_ (the first) and "
        "publication_ median_hours and p90_hours (business hours), with "
        "triage_/answer_/resolution_target_hours by priority (else null); experts: expert, "
        "email, invitations, acceptances, declines, decline_reasons (the latest), "
        "contributions, median_answer_hours, open_assignments (now); search-gaps: term, "
        "searches, empty_searches, results (the most found), commission_url (by month: "
        "key, label, searches, empty_searches); use: by response, ref, title, url, views "
        "(reads in the period), ratings, average_score (null without ratings), useful, "
        "not_useful, outdated (the readers' feedback); by score, key (1-5), label, ratings; "
        "by used_for, ref, title, url, score, used_for, rated_on (YYYY-MM-DD), newest first"))
    from_: Day = Field(alias="from")
    to: Day
    group_by: str
    summary: SatisfactionSummary | None = Field(
        None, description="use only (absent from the other reports): the period's totals")

    @classmethod
    def dump(cls, obj, **context) -> dict:
        answer = super().dump(obj, **context)
        answer["from"] = answer.pop("from_")
        if answer.get("summary") is None:  # the other reports answer as they always did
            answer.pop("summary", None)
        return answer
