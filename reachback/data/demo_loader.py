"""The demo content (reachback/data/demo/*.yaml), read and checked before `reachback demo`
writes anything: a missing, misspelt or repeated key, a value of the wrong type or a
reference to no one fails here and names the file and the item, instead of surfacing as a
KeyError halfway through the replay. The conventions of each file are at its head."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import NoneType

import yaml

# libyaml's safe loader when PyYAML has it (the demo's 170 KB in tens of milliseconds,
# not a few hundred), else the pure-Python one: both build plain data (mappings, lists,
# strings, numbers, booleans, null), never Python objects.
try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader

FOLDER = Path(__file__).with_name("demo")


class DemoDataError(ValueError):
    """A demo file that cannot be loaded as it stands; the message says where."""


class _Loader(SafeLoader):
    """A safe loader that refuses a key repeated in one mapping (plain YAML keeps the
    last one silently, so a copied and edited item could lose text unnoticed)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"repeated key {key.value!r}", key.start_mark)
            seen.add(key.value if isinstance(key, yaml.ScalarNode) else id(key))
        return super().construct_mapping(node, deep)


@dataclass(frozen=True)
class DemoContent:
    organisations: list[dict]
    staff: list[dict]
    experts: list[dict]
    members: list[dict]
    queries: list[dict]
    library: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)

    @property
    def people(self) -> list[dict]:
        return [*self.staff, *self.experts, *self.members]


# For each kind of item: its keys and the types their values may have; `required` ones
# must be present. Nested items (a query's clarification, contributions...) have their own.
@dataclass(frozen=True)
class _Kind:
    name: str
    required: dict
    optional: dict


# Lists whose entries are strings (slugs, codes, e-mail addresses, notes); the entries of
# a query's other lists (declined, contributions) are items, checked as such.
_STRING_LISTS = {"roles", "themes", "countries", "languages", "experts", "accepted",
                 "internal_notes"}
_ORGANISATION = _Kind("organisation", {"name": str, "kind": str, "country": str, "south": bool}, {})
_PERSON_KEYS = {"organisation": str, "country": str, "themes": list, "countries": list,
                "languages": list, "language": str, "away_days": (int, NoneType),
                "away_note": str, "bio": str, "deployment_status": str,
                "deployment_country": str, "show_email": bool}
_STAFF = _Kind("person", {"email": str, "name": str, "roles": list}, _PERSON_KEYS)
_PERSON = _Kind("person", {"email": str, "name": str}, _PERSON_KEYS)
_CLARIFICATION = _Kind("clarification", {"question": str}, {"reply": (str, NoneType)})
_DECLINED = _Kind("declined", {"expert": str, "reason": str}, {})
_CONTRIBUTION = _Kind("contribution", {"expert": str, "body": str}, {"language": str})
_TRANSLATION = _Kind("translation", {"language": str, "title": str, "summary": str, "body": str},
                     {})
_RESPONSE = _Kind("response", {"title": str, "summary": str, "body": str}, {
    "visibility": str, "language": str, "translations": list})
_QUERY = _Kind("query", {"title": str, "question": str, "themes": list, "requester": str}, {
    "language": str, "context": str, "purpose": str, "country": str, "priority": str,
    "confidentiality": str, "status": str, "age_days": int, "needed_in_days": (int, NoneType),
    "clarification": (dict, NoneType), "experts": list, "accepted": list, "declined": list,
    "contributions": list, "response": (dict, NoneType), "internal_notes": list,
    "close_reason": str, "close_note": (str, NoneType), "duplicate_of_index": int,
    "slow": int, "lifecycle": (dict, NoneType)})
_DOCUMENT = _Kind("document", {"title": str, "kind": str, "summary": str, "age_days": int,
                                "text": str},
                  {"dated_days": int, "themes": list, "countries": list, "visibility": str})
_EVENT = _Kind("event", {"title": str, "description": str, "in_days": int, "at": str,
                         "hours": (int, float), "timezone": str, "organiser": str,
                         "visibility": str},
               {"location": str, "online_url": str, "themes": list, "approved": bool})
_NOTICE = _Kind("notice", {"kind": str, "title": str, "body": str, "expires_in_days": int,
                           "author": str}, {"approved": bool})
# After publication (synthesis.lifecycle and .feedback): a correction ({note, append}: a
# paragraph added to the body), a newer response that supersedes it (by the query's index),
# the requester's rating ({score, used_for}), readers' feedback ({reader, useful, comment,
# outdated}), annexes ({name, text}: a text file attached to the response) and "See also"
# links to other published responses (by the queries' indexes).
_LIFECYCLE = _Kind("lifecycle", {}, {"correction": dict, "superseded_by_index": int,
                                     "rating": dict, "feedback": list, "annexes": list,
                                     "see_also_indexes": list})
_NESTED = {"clarification": _CLARIFICATION, "response": _RESPONSE, "lifecycle": _LIFECYCLE}
_NESTED_LISTS = {"declined": _DECLINED, "contributions": _CONTRIBUTION}
# `language` (a person's interface language; what a query, contribution, response or
# translation is written in): absent, the person follows their browser, a query is in
# English and a contribution or response is in its query's language.
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def load(folder: Path = FOLDER) -> DemoContent:
    """Read and check the files; raises DemoDataError naming the file and item."""
    organisations = _read(folder / "organisations.yaml", list)
    people = _read(folder / "people.yaml", dict)
    queries = _read(folder / "queries.yaml", list)
    documents = _read(folder / "library.yaml", list)
    community = _read(folder / "community.yaml", dict)
    _check_keys("people.yaml", people, _Kind("people file", {
        "staff": list, "experts": list, "members": list}, {}))
    _check_keys("community.yaml", community, _Kind("community file", {
        "events": list, "notices": list}, {}))
    content = DemoContent(organisations, people["staff"], people["experts"],
                          people["members"], queries, documents, community["events"],
                          community["notices"])
    _check_items("organisations.yaml", "", content.organisations, _ORGANISATION)
    _check_items("people.yaml", "staff", content.staff, _STAFF)
    _check_items("people.yaml", "experts", content.experts, _PERSON)
    _check_items("people.yaml", "members", content.members, _PERSON)
    _check_items("queries.yaml", "", content.queries, _QUERY)
    _check_items("library.yaml", "", content.library, _DOCUMENT)
    _check_items("community.yaml", "events", content.events, _EVENT)
    _check_items("community.yaml", "notices", content.notices, _NOTICE)
    _check_references(content)
    return content


def parse(path: Path):
    """One file's data, unchecked (what yaml.safe_load gives, faster, repeated keys
    refused); raises DemoDataError naming the file, and the line for a YAML error."""
    try:
        with open(path, "rb") as stream:
            loader = _Loader(stream)
            try:
                return loader.get_single_data()
            finally:
                loader.dispose()
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path.name}: {exc}") from exc


def _read(path: Path, shape: type):
    data = parse(path)
    if not isinstance(data, shape):
        raise DemoDataError(f"{path.name}: expected a {'list' if shape is list else 'mapping'}"
                            f" at the top, found {type(data).__name__}")
    return data


def _where(file: str, section: str, index: int, item) -> str:
    label = next((item[k] for k in ("title", "email", "name")
                  if isinstance(item, dict) and isinstance(item.get(k), str)), None)
    place = f"{section}[{index}]" if section else f"item {index}"
    return f"{file}, {place}" + (f" ({label})" if label else "")


def _check_items(file: str, section: str, items: list, kind: _Kind) -> None:
    for index, item in enumerate(items):
        where = _where(file, section, index, item)
        _check_keys(where, item, kind)
        if kind is not _QUERY:
            continue
        for key, nested in _NESTED.items():
            if item.get(key) is not None:
                _check_keys(f"{where}, {key}", item[key], nested)
        for key, nested in _NESTED_LISTS.items():
            for number, entry in enumerate(item.get(key, [])):
                _check_keys(f"{where}, {key}[{number}]", entry, nested)
        if item.get("response") is not None:
            _check_translations(f"{where}, response", item)


def _check_translations(where: str, query: dict) -> None:
    """A response's translations: each complete, each in its own language, none in the
    language the response is written in (its own `language`, else its query's, else English)."""
    response = query["response"]
    seen = {response.get("language", query.get("language", "en"))}
    for number, entry in enumerate(response.get("translations", [])):
        place = f"{where}, translations[{number}]"
        _check_keys(place, entry, _TRANSLATION)
        if entry["language"] in seen:
            raise DemoDataError(f"{place}: language {entry['language']!r} is the response's own"
                                " or another translation's")
        seen.add(entry["language"])


def _check_keys(where: str, item, kind: _Kind) -> None:
    if not isinstance(item, dict):
        raise DemoDataError(f"{where}: a {kind.name} must be a mapping of keys to values")
    missing = [key for key in kind.required if key not in item]
    if missing:
        raise DemoDataError(f"{where}: missing required key {', '.join(map(repr, missing))}")
    allowed = {**kind.required, **kind.optional}
    unknown = [key for key in item if key not in allowed]
    if unknown:
        raise DemoDataError(f"{where}: unknown key {', '.join(map(repr, unknown))} (a {kind.name}"
                            f" has {', '.join(allowed)})")
    for key, value in item.items():
        types = allowed[key] if isinstance(allowed[key], tuple) else (allowed[key],)
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            names = " or ".join("null" if t is NoneType else t.__name__ for t in types)
            raise DemoDataError(f"{where}: {key!r} must be {names}, not {_short(value)}")
        if kind in (_PERSON, _STAFF, _QUERY, _DOCUMENT) and key in _STRING_LISTS \
                and not all(isinstance(entry, str) for entry in value):
            raise DemoDataError(f"{where}: {key!r} must be a list of strings, not {_short(value)}")
        if key == "language" and not _LANGUAGE_CODE.fullmatch(value):
            raise DemoDataError(f"{where}: 'language' must be an ISO 639-1 code (two lower-case"
                                f" letters, such as 'fr'), not {_short(value)}")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_references(content: DemoContent) -> None:
    """Names and e-mail addresses that point at another item point at one that exists."""
    organisations = {org["name"] for org in content.organisations}
    emails = [person["email"] for person in content.people]
    repeated = sorted({email for email in emails if emails.count(email) > 1})
    if repeated:
        raise DemoDataError(f"people.yaml: e-mail address listed twice: {', '.join(repeated)}")
    experts = {p["email"] for p in content.staff if "expert" in p["roles"]} | \
        {p["email"] for p in content.experts}
    for section, key in (("events", "organiser"), ("notices", "author")):
        for index, item in enumerate(getattr(content, section)):
            if item[key] not in emails:
                raise DemoDataError(f"{_where('community.yaml', section, index, item)}: "
                                    f"{key} {item[key]!r} is not in people.yaml")
    for section in ("staff", "experts", "members"):
        for index, person in enumerate(getattr(content, section)):
            if person.get("organisation", "") not in {"", *organisations}:
                raise DemoDataError(f"{_where('people.yaml', section, index, person)}: "
                                    f"organisation {person['organisation']!r} is not in "
                                    "organisations.yaml")
    for index, query in enumerate(content.queries):
        where = _where("queries.yaml", "", index, query)
        if query["requester"] not in emails:
            raise DemoDataError(f"{where}: requester {query['requester']!r} is not in people.yaml")
        named = [*query.get("experts", []),
                 *(entry["expert"] for entry in query.get("declined", [])),
                 *(entry["expert"] for entry in query.get("contributions", []))]
        for email in named:
            if email not in experts:
                raise DemoDataError(f"{where}: {email!r} is not an expert in people.yaml")
        both = {e["expert"] for e in query.get("declined", [])} & set(query.get("experts", []))
        if both:
            raise DemoDataError(f"{where}: {', '.join(sorted(both))} both declined and in experts")
        for email in query.get("accepted", []):
            if email not in query.get("experts", []):
                raise DemoDataError(f"{where}: accepted {email!r} is not one of its experts")
        if query.get("close_reason") == "duplicate":
            _check_duplicate(where, query, content.queries)


def _check_duplicate(where: str, query: dict, queries: list[dict]) -> None:
    """A duplicate names the query it duplicates; that one is replayed first, so it must
    not be closed itself (closed queries are replayed last)."""
    original = query.get("duplicate_of_index")
    if original is None:
        raise DemoDataError(f"{where}: close_reason duplicate needs duplicate_of_index")
    if not 0 <= original < len(queries) or queries[original].get("status") == "closed":
        raise DemoDataError(f"{where}: duplicate_of_index {original} is not the position of a "
                            "query that is not closed (counted from 0)")
