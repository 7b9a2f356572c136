"""The window of dates and times a user may give, in one place: forms, the API, views and
services check here, so that no request stores a year 9999 or computes across centuries.

Due times and needed-by dates lie between now and DUE_YEARS on; filters and other dates
(holidays, availability; documents from 1900) between FIRST_DAY and FILTER_YEARS on. A date outside
its window gets a field message, and one rule everywhere: the API answers 422 naming the
field; a form shows the message beside the field and changes nothing; a page's list filter is
not applied and its field shows why (the pages' rule for every invalid filter).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from .models_base import utcnow

DUE_YEARS = 5
FILTER_YEARS = 10
FIRST_DAY = date(2000, 1, 1)


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def today() -> date:
    return utcnow().astimezone(UTC).date()


def last_due_day() -> date:
    return _years_on(today(), DUE_YEARS)


def last_day() -> date:
    return _years_on(today(), FILTER_YEARS)


def due_time_error(moment: datetime) -> str | None:
    """Why a due time cannot be used (in the past, or beyond the window), or None."""
    if moment.tzinfo is None or moment <= utcnow():
        return _("Must be in the future.")
    # Compared, not converted: 9999-12-31T23:59-05:00 has no UTC datetime.
    if moment >= datetime.combine(last_due_day() + timedelta(days=1), time.min, UTC):
        return _("Must be within %(years)s years, on or before %(day)s.", years=DUE_YEARS,
                 day=last_due_day().isoformat())
    return None


def due_date_error(day: date, first: date | None = None) -> str | None:
    """Why a needed-by day cannot be used (before `first`, by default today), or None."""
    if day < (first or today()):
        return _("This date is in the past.")
    if day > last_due_day():
        return _("Must be within %(years)s years, on or before %(day)s.", years=DUE_YEARS,
                 day=last_due_day().isoformat())
    return None


def date_error(day: date, first: date = FIRST_DAY) -> str | None:
    """Why a filter or other date is outside `first` .. FILTER_YEARS on, or None."""
    if not first <= day <= last_day():
        return _("Give a date between %(first)s and %(last)s.", first=first.isoformat(),
                 last=last_day().isoformat())
    return None


class InWindow:
    """WTForms validator: a DateField's date lies between FIRST_DAY and FILTER_YEARS on."""

    def __call__(self, form, field) -> None:
        if field.data is not None and (message := date_error(field.data)):
            raise ValidationError(message)

