"""Whole numbers from forms, query strings and URLs, bounded: a row id is 1..2**31-1 (a 32-bit
INTEGER on PostgreSQL, as IdConverter in web.py), so that 99999999999999999999 is "no such
thing" (400, 404 or a field error) and never a database error (500)."""
from __future__ import annotations

from flask_babel import gettext as _
from wtforms import IntegerField

ID_MAX = 2**31 - 1


def bounded_int(raw, low: int = 1, high: int = ID_MAX) -> int | None:
    """`raw` (text, or an int) as a whole number within [low, high], else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        digits = text.removeprefix("-")
        # Short and ASCII: int() of a long digit string costs time, and "١٢" is a digit too.
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 19):
            return None
        value = int(text)
    return value if low <= value <= high else None


def bounded_id(raw) -> int:
    """The `coerce` of select fields whose values are row ids: ValueError (a field error)
    unless `raw` can be one."""
    value = bounded_int(raw)
    if value is None:
        raise ValueError(_("Not a valid choice."))
    return value


class BoundedIntegerField(IntegerField):
    """An IntegerField whose number must lie within [low, high] (by default a row id)."""

    def __init__(self, *args, low: int = 1, high: int = ID_MAX, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] != "":
            self.data = bounded_int(valuelist[0], self.low, self.high)
            if self.data is None:
                raise ValueError(_("Give a whole number from %(low)s to %(high)s.",
                                   low=self.low, high=self.high))
