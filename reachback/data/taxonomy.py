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


def N_(name: str) -> str:  # noqa: N802 - pybabel's default keyword for "translate later"
    """Marks a theme name for the catalogues (make translations); the name stays English
    here and in the database: templates show it with the `theme_name` filter."""
    return name


THEMES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("T01", N_("Political processes and governance"), [
        ("T01.1", N_("Political settlements")),
        ("T01.2", N_("Constitution-making")),
        ("T01.3", N_("Public administration")),
        ("T01.4", N_("Local governance")),
        ("T01.5", N_("Anti-corruption and public finance")),
    ]),
    ("T02", N_("Elections and democratic processes"), [
        ("T02.1", N_("Electoral administration")),
        ("T02.2", N_("Electoral security")),
        ("T02.3", N_("Parties and parliaments")),
        ("T02.4", N_("Observation")),
    ]),
    ("T03", N_("Mediation, dialogue and peace processes"), [
        ("T03.1", N_("Negotiation support")),
        ("T03.2", N_("Agreement implementation")),
        ("T03.3", N_("Ceasefires")),
        ("T03.4", N_("Local mediation")),
        ("T03.5", N_("Inclusion")),
    ]),
    ("T04", N_("Security sector reform and governance"), [
        ("T04.1", N_("Defence reform")),
        ("T04.2", N_("Police reform and community policing")),
        ("T04.3", N_("Oversight")),
        ("T04.4", N_("Border management")),
    ]),
    ("T05", N_("DDR, arms control and mine action"), [
        ("T05.1", N_("Disarmament and weapons management")),
        ("T05.2", N_("Demobilisation")),
        ("T05.3", N_("Reintegration")),
        ("T05.4", N_("Children associated with armed forces")),
        ("T05.5", N_("Mine action")),
        ("T05.6", N_("Community violence reduction")),
    ]),
    ("T06", N_("Rule of law and justice"), [
        ("T06.1", N_("Courts")),
        ("T06.2", N_("Prosecution")),
        ("T06.3", N_("Corrections")),
        ("T06.4", N_("Access to justice")),
        ("T06.5", N_("Customary justice")),
        ("T06.6", N_("Organised crime")),
    ]),
    ("T07", N_("Transitional justice and reconciliation"), [
        ("T07.1", N_("Truth-seeking")),
        ("T07.2", N_("Accountability")),
        ("T07.3", N_("Reparations")),
        ("T07.4", N_("Vetting")),
        ("T07.5", N_("Memorialisation")),
    ]),
    ("T08", N_("Human rights and protection of civilians"), [
        ("T08.1", N_("Protection of civilians")),
        ("T08.2", N_("Monitoring")),
        ("T08.3", N_("Conflict-related sexual violence")),
        ("T08.4", N_("Child protection")),
        ("T08.5", N_("Displacement and returns")),
    ]),
    ("T09", N_("Gender, women, peace and security"), [
        ("T09.1", N_("Gender analysis")),
        ("T09.2", N_("National action plans")),
        ("T09.3", N_("Women's participation")),
        ("T09.4", N_("GBV prevention")),
    ]),
    ("T10", N_("Economic recovery and livelihoods"), [
        ("T10.1", N_("Employment and youth")),
        ("T10.2", N_("Markets")),
        ("T10.3", N_("Natural resources and land")),
        ("T10.4", N_("Reconstruction")),
        ("T10.5", N_("Revenue")),
    ]),
    ("T11", N_("Basic services and social well-being"), [
        ("T11.1", N_("Health")),
        ("T11.2", N_("Education")),
        ("T11.3", N_("Water and sanitation")),
        ("T11.4", N_("Psycho-social recovery")),
        ("T11.5", N_("The humanitarian\u2013development\u2013peace nexus")),
    ]),
    ("T12", N_("Violent extremism and transnational threats"), [
        ("T12.1", N_("Prevention")),
        ("T12.2", N_("Disengagement and rehabilitation")),
        ("T12.3", N_("Justice responses")),
        ("T12.4", N_("Transnational crime")),
    ]),
    ("T13", N_("Strategic communications and media"), [
        ("T13.1", N_("Public information")),
        ("T13.2", N_("Mis- and disinformation")),
        ("T13.3", N_("Media support")),
    ]),
    ("T14", N_("Conflict analysis, assessment and early warning"), [
        ("T14.1", N_("Context analysis")),
        ("T14.2", N_("Political economy")),
        ("T14.3", N_("Early warning")),
        ("T14.4", N_("Conflict sensitivity")),
        ("T14.5", N_("Needs assessment")),
    ]),
    ("T15", N_("Planning, programming, monitoring and evaluation"), [
        ("T15.1", N_("Integrated planning")),
        ("T15.2", N_("Theory of change")),
        ("T15.3", N_("Metrics and indicators")),
        ("T15.4", N_("Evaluation")),
        ("T15.5", N_("Funding instruments")),
    ]),
    ("T16", N_("Coordination: civil\u2013military and multi-actor"), [
        ("T16.1", N_("Civil\u2013military coordination")),
        ("T16.2", N_("Integrated missions")),
        ("T16.3", N_("Humanitarian coordination")),
        ("T16.4", N_("Host-government relations")),
    ]),
    ("T17", N_("Civilian capacity, deployment and duty of care"), [
        ("T17.1", N_("Rosters and recruitment")),
        ("T17.2", N_("Pre-deployment training")),
        ("T17.3", N_("Deployment logistics and security")),
        ("T17.4", N_("Staff welfare")),
        ("T17.5", N_("Handover")),
    ]),
    ("T18", N_("Knowledge management and lessons learned"), [
        ("T18.1", N_("Lessons capture")),
        ("T18.2", N_("Guidance products")),
        ("T18.3", N_("Community facilitation")),
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


__all__ = ["THEMES", "theme_rows", "slugify", "slug_by_code"]
