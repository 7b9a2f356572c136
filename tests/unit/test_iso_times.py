"""Times as the API writes them: UTC, ISO 8601 to the second, whatever zone they come in."""
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from reachback.api.schemas import iso
from reachback.models_base import iso_seconds

MOMENT = datetime(2026, 11, 27, 14, 3, 59, 999_999, tzinfo=UTC)


@pytest.mark.parametrize("moment", [
    MOMENT, MOMENT.replace(microsecond=0),
    MOMENT.astimezone(timezone(timedelta(hours=-5, minutes=-30))),
    MOMENT.astimezone(ZoneInfo("Africa/Juba")), MOMENT.astimezone(ZoneInfo("UTC")),
])
def test_a_time_is_written_in_utc_to_the_second(moment):
    assert iso_seconds(moment) == "2026-11-27T14:03:59+00:00"
    # As it was written before the shortcut for times already in UTC.
    assert iso_seconds(moment) == moment.astimezone(UTC).replace(microsecond=0).isoformat()


def test_iso_reads_a_naive_time_as_utc_and_writes_dates_and_nothing():
    assert iso(MOMENT.replace(tzinfo=None)) == "2026-11-27T14:03:59+00:00"
    assert iso(date(2026, 11, 27)) == "2026-11-27"
    assert iso(None) is None
