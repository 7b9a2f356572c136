"""Countries: the ISO 3166-1 alpha-2 codes (pycountry, plus XK for Kosovo as commonly used),
named in the current language by Babel's locale data (CLDR) and sorted by that name.

A query may also be about the whole world or a region: the UN M49 codes of REGIONS ("001"
World, "011" Western Africa...), named by CLDR too. Only a query's place takes them
(is_place); people, organisations and documents have countries.

English, the source language, keeps pycountry's names (the ones stored and searched so far);
French, Spanish and any other language take Babel's."""
import unicodedata
from functools import cache

import pycountry
from babel import Locale

SOURCE = "en"


@cache
def codes() -> frozenset[str]:
    """Every valid code: pycountry's alpha-2 codes and XK."""
    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})


@cache
def _english() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names["XK"] = "Kosovo"
    return names


# UN M49 regions a question may be about, in the order offered: the world, then by continent.
REGIONS = ("001", "002", "202", "015", "011", "017", "014", "018", "019", "419", "029",
           "142", "145", "143", "034", "035", "030", "150", "009")


@cache
def regions_in(lang: str) -> dict[str, str]:
    """{M49 code: name} in `lang`, in REGIONS' order (CLDR writes English "world" lower-case)."""
    territories = Locale.parse(lang).territories
    return {code: territories[code][:1].upper() + territories[code][1:] for code in REGIONS}


def regions(lang: str | None = None) -> dict[str, str]:
    from .i18n import current_language

    return regions_in(lang or current_language())


def is_place(code: str | None) -> bool:
    """A country, or one of the REGIONS (what a query may be about)."""
    return is_country(code) or code in REGIONS


def sort_key(name: str) -> str:
    """Accents folded, case ignored: "Égypte" sorts with "Egypte", before "Érythrée"."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


@cache
def countries_in(lang: str) -> dict[str, str]:
    """{code: name} in `lang`, sorted by the name."""
    english = _english()
    if lang == SOURCE:
        names = english
    else:
        territories = Locale.parse(lang).territories
        names = {code: territories.get(code) or english[code] for code in codes()}
    return dict(sorted(names.items(), key=lambda item: sort_key(item[1])))


def countries(lang: str | None = None) -> dict[str, str]:
    """{code: name} in `lang`, else the current language (the request's, or the one forced
    for an e-mail), sorted by the name."""
    from .i18n import current_language

    return countries_in(lang or current_language())


def country_name(code: str | None, lang: str | None = None) -> str:
    """The name of a country, or of a region (REGIONS); the code itself when unknown."""
    if code in REGIONS:
        return regions(lang)[code]
    return countries(lang).get((code or "").upper(), code or "")


def is_country(code: str | None) -> bool:
    return (code or "").upper() in codes()


def names_everywhere(codes_: list[str]) -> list[str]:
    """The countries' names in every interface language, for a search index: a document is
    found by "Soudan du Sud" and "South Sudan" alike, whoever's request (re)indexes it."""
    from .i18n import supported

    return list(dict.fromkeys(country_name(code, lang) for code in codes_
                              for lang in supported()))
