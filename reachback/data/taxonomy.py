"""Theme taxonomy for stabilization and peacebuilding reach-back queries.

Pure data module (stdlib only). Codes are stable and must never be reused:
top-level themes are "T01".."T18", sub-themes "T01.1", "T01.2", ...
Slugs are derived from names by :func:`slugify` and are unique across the
whole taxonomy (on collision a sub-theme slug is prefixed with its parent's
short slug).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

THEMES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("T01", "Political processes and governance", [
        ("T01.1", "Political settlements"),
        ("T01.2", "Constitution-making"),
        ("T01.3", "Public administration"),
        ("T01.4", "Local governance"),
        ("T01.5", "Anti-corruption and public finance"),
    ]),
    ("T02", "Elections and democratic processes", [
        ("T02.1", "Electoral administration"),
        ("T02.2", "Electoral security"),
        ("T02.3", "Parties and parliaments"),
        ("T02.4", "Observation"),
    ]),
    ("T03", "Mediation, dialogue and peace processes", [
        ("T03.1", "Negotiation support"),
        ("T03.2", "Agreement implementation"),
        ("T03.3", "Ceasefires"),
        ("T03.4", "Local mediation"),
        ("T03.5", "Inclusion"),
    ]),
    ("T04", "Security sector reform and governance", [
        ("T04.1", "Defence reform"),
        ("T04.2", "Police reform and community policing"),
        ("T04.3", "Oversight"),
        ("T04.4", "Border management"),
    ]),
    ("T05", "DDR, arms control and mine action", [
        ("T05.1", "Disarmament and weapons management"),
        ("T05.2", "Demobilisation"),
        ("T05.3", "Reintegration"),
        ("T05.4", "Children associated with armed forces"),
        ("T05.5", "Mine action"),
        ("T05.6", "Community violence reduction"),
    ]),
    ("T06", "Rule of law and justice", [
        ("T06.1", "Courts"),
        ("T06.2", "Prosecution"),
        ("T06.3", "Corrections"),
        ("T06.4", "Access to justice"),
        ("T06.5", "Customary justice"),
        ("T06.6", "Organised crime"),
    ]),
    ("T07", "Transitional justice and reconciliation", [
        ("T07.1", "Truth-seeking"),
        ("T07.2", "Accountability"),
        ("T07.3", "Reparations"),
        ("T07.4", "Vetting"),
        ("T07.5", "Memorialisation"),
    ]),
    ("T08", "Human rights and protection of civilians", [
        ("T08.1", "Protection of civilians"),
        ("T08.2", "Monitoring"),
        ("T08.3", "Conflict-related sexual violence"),
        ("T08.4", "Child protection"),
        ("T08.5", "Displacement and returns"),
    ]),
    ("T09", "Gender, women, peace and security", [
        ("T09.1", "Gender analysis"),
        ("T09.2", "National action plans"),
        ("T09.3", "Women's participation"),
        ("T09.4", "GBV prevention"),
    ]),
    ("T10", "Economic recovery and livelihoods", [
        ("T10.1", "Employment and youth"),
        ("T10.2", "Markets"),
        ("T10.3", "Natural resources and land"),
        ("T10.4", "Reconstruction"),
        ("T10.5", "Revenue"),
    ]),
    ("T11", "Basic services and social well-being", [
        ("T11.1", "Health"),
        ("T11.2", "Education"),
        ("T11.3", "Water and sanitation"),
        ("T11.4", "Psycho-social recovery"),
        ("T11.5", "The humanitarian\u2013development\u2013peace nexus"),
    ]),
    ("T12", "Violent extremism and transnational threats", [
        ("T12.1", "Prevention"),
        ("T12.2", "Disengagement and rehabilitation"),
        ("T12.3", "Justice responses"),
        ("T12.4", "Transnational crime"),
    ]),
    ("T13", "Strategic communications and media", [
        ("T13.1", "Public information"),
        ("T13.2", "Mis- and disinformation"),
        ("T13.3", "Media support"),
    ]),
    ("T14", "Conflict analysis, assessment and early warning", [
        ("T14.1", "Context analysis"),
        ("T14.2", "Political economy"),
        ("T14.3", "Early warning"),
        ("T14.4", "Conflict sensitivity"),
        ("T14.5", "Needs assessment"),
    ]),
    ("T15", "Planning, programming, monitoring and evaluation", [
        ("T15.1", "Integrated planning"),
        ("T15.2", "Theory of change"),
        ("T15.3", "Metrics and indicators"),
        ("T15.4", "Evaluation"),
        ("T15.5", "Funding instruments"),
    ]),
    ("T16", "Coordination: civil\u2013military and multi-actor", [
        ("T16.1", "Civil\u2013military coordination"),
        ("T16.2", "Integrated missions"),
        ("T16.3", "Humanitarian coordination"),
        ("T16.4", "Host-government relations"),
    ]),
    ("T17", "Civilian capacity, deployment and duty of care", [
        ("T17.1", "Rosters and recruitment"),
        ("T17.2", "Pre-deployment training"),
        ("T17.3", "Deployment logistics and security"),
        ("T17.4", "Staff welfare"),
        ("T17.5", "Handover"),
    ]),
    ("T18", "Knowledge management and lessons learned", [
        ("T18.1", "Lessons capture"),
        ("T18.2", "Guidance products"),
        ("T18.3", "Community facilitation"),
    ]),
]

# Words dropped when building a parent's "short slug" (collision prefix only).
_SHORT_STOPWORDS = {"and", "of", "the", "for", "to", "in", "on"}


def slugify(text: str) -> str:
    """Return a url-safe lowercase ASCII slug ("Civil–military" -> "civil-military")."""
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)  # hyphens and dashes
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub("['\u2018\u2019]", "", text)  # women's -> womens
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


def _short_slug(name: str) -> str:
    """First two significant words of a parent's name, slugified."""
    words = [w for w in slugify(name).split("-") if w not in _SHORT_STOPWORDS]
    return "-".join(words[:2])


def theme_rows() -> Iterator[dict]:
    """Yield {"code", "slug", "name", "parent_code"} in order, parents first.

    Each top-level theme is followed by its sub-themes. Slugs are unique
    across the whole taxonomy.
    """
    used: set[str] = set()
    for code, name, subs in THEMES:
        slug = slugify(name)
        if slug in used:  # pragma: no cover - top-level names are distinct
            slug = f"{code.lower()}-{slug}"
        used.add(slug)
        yield {"code": code, "slug": slug, "name": name, "parent_code": None}
        for sub_code, sub_name in subs:
            sub_slug = slugify(sub_name)
            if sub_slug in used:
                sub_slug = f"{_short_slug(name)}-{sub_slug}"
            if sub_slug in used:  # pragma: no cover - last resort
                sub_slug = f"{sub_code.lower().replace('.', '-')}-{slugify(sub_name)}"
            used.add(sub_slug)
            yield {"code": sub_code, "slug": sub_slug, "name": sub_name,
                   "parent_code": code}


def slug_by_code() -> dict[str, str]:
    """Map every theme code to its slug."""
    return {row["code"]: row["slug"] for row in theme_rows()}


def extract_theme_names(fileobj, keywords, comment_tags, options):  # noqa: ARG001 - babel's
    """A pybabel extraction method (babel.cfg): every theme name, for the catalogues. The
    names stay English here and in the database; templates show them with the
    `theme_name` filter, in the reader's language."""
    for code, name, subs in THEMES:
        yield 0, None, name, [f"Theme {code}"]
        for sub_code, sub_name in subs:
            yield 0, None, sub_name, [f"Theme {sub_code}"]


def family_code(code: str) -> str:
    """The code of a theme's top-level theme ("T07.4" -> "T07", "T07" -> "T07"): two themes
    are related when they share it."""
    return code.split(".", 1)[0]


__all__ = ["THEMES", "theme_rows", "slugify", "slug_by_code", "extract_theme_names",
           "family_code"]
