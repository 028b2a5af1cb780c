"""Working days: weekends and Greek public holidays skipped (the maintained `holidays` package, which follows the law
as amended: Orthodox Easter Monday, Labour Day moved out of Holy Week or off Easter Monday, Whit Monday).

One home for the arithmetic that service-level targets of every app count in. The core stores no local holidays
(a municipality's patron saint's day lives in appointments' own calendar): given `municipality_id`, the days come
from the apps that registered a source (`portal.registry.register_local_holidays`); a caller may also pass `extra`.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

from portal.registry import local_holidays


@lru_cache(maxsize=64)
def greek_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GR", years=year))


def is_working_day(day: date, *, extra: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in greek_holidays(day.year) and day not in set(extra)


def _skipped(extra: Iterable[date], municipality_id: int | None, first: date, last: date) -> frozenset[date]:
    if municipality_id is None:
        return frozenset(extra)
    return frozenset(extra) | local_holidays(municipality_id=municipality_id, first=first, last=last)


def working_days_add(start: date, days: int, *, extra: Iterable[date] = (), municipality_id: int | None = None) -> date:
    """The day `days` working days after `start` (which itself is not counted: filed on Friday, 1 day → Monday);
    the municipality's own holidays skipped too when `municipality_id` is given (one query)."""
    extra = _skipped(extra, municipality_id, start, start + timedelta(days=2 * days + 30))
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, extra=extra):
            remaining -= 1
    return day


def working_days_between(
    start: date, end: date, *, extra: Iterable[date] = (), municipality_id: int | None = None
) -> int:
    """How many working days from `start` (not counted) up to and including `end`; 0 when `end` is not later."""
    extra = _skipped(extra, municipality_id, start, end)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, extra=extra):
            count += 1
    return count
