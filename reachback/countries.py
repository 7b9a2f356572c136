"""ISO 3166-1 alpha-2 countries with names (pycountry, plus XK for Kosovo as commonly used)."""
from functools import cache

import pycountry


@cache
def countries() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names["XK"] = "Kosovo"
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_name(code: str | None) -> str:
    return countries().get((code or "").upper(), code or "")


def is_country(code: str | None) -> bool:
    return (code or "").upper() in countries()
