"""Step 4's month calendar in the citizen's own days, shared by booking and rescheduling."""

import calendar as pycalendar
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from appointments import availability, selectors


def parse_month(value: str | None) -> date | None:
    """ "2026-12" → 1 December 2026; anything else (including years Python cannot hold) → None."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# No bookable instant lies outside these; the margin keeps every zone's local date and a slot's end in range.
FIRST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(9000, 1, 1, tzinfo=UTC)


def parse_slot(value: str | None) -> datetime | None:
    """A slot's start as sent back by the page: an ISO instant, returned in UTC; None if it is not one."""
    try:
        moment = datetime.fromisoformat(value or "")
        if moment.tzinfo is None:
            return None
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        # Instants at the ends of the calendar (9999-12-31T23:59:59-01:00) have no UTC form.
        return None
    return moment if FIRST_INSTANT <= moment < LAST_INSTANT else None


def _month_end(month: date) -> date:
    return month.replace(day=pycalendar.monthrange(month.year, month.month)[1])


def _month_next(month: date) -> date:
    return _month_end(month) + timedelta(days=1)


def calendar_context(
    *, service, zone, month_value, day_value, clerk=None, exclude=None, initial_day=None, first=False, now=None
) -> dict:
    """The month to show, its days with free times and the selected day's times, all in `zone`'s days.

    Without a month in the address the calendar opens on `initial_day` (a booking being moved) or on the first
    day that has a free time, wherever that is inside the booking horizon. A month outside the bookable range is
    clamped to it, so no address can ask for a month before today or after the horizon. `first`
    («Πρώτη διαθέσιμη ώρα») opens on the earliest free time, found in constant queries, and marks it.
    `stable_until` (UTC; None when `exclude` is given) is when the clock alone would next change the result.
    """
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    _first_open, last_open = selectors.booking_days(service=service, zone=zone, now=now)
    first_month, last_month = today.replace(day=1), max(today, last_open).replace(day=1)
    selected = parse_day(day_value)
    month = None if first else parse_month(month_value) or (selected.replace(day=1) if selected else None)
    searching = month is None and (first or initial_day is None)
    # The first free time in constant queries however far it is (none when cached): appointments/availability.py.
    found = None
    if searching:
        found_start = availability.first_free_start(service=service, clerk=clerk, now=now)
        if found_start is not None:
            found = selectors.Slot(start=found_start, end=found_start + timedelta(minutes=service.duration_minutes))
    if found is not None:
        selected = found.start.astimezone(zone).date()
        month = selected.replace(day=1)
    month = month or (initial_day.replace(day=1) if initial_day else first_month)
    month = min(max(month, first_month), last_month)
    # The next moment the clock alone changes what is shown (None: not worked out, for a booking being moved):
    # the earliest time shown passing its minimum notice, or a new day in the citizen's zone or the municipality's.
    stable_until = None
    if exclude is None:
        # The public view, the same for every citizen in this zone: from the cache (appointments/availability.py).
        seen = availability.month_availability(service=service, zone=zone, month=month, clerk=clerk, now=now)
        free_days = seen.free_days
        day_slots = seen.slots
        municipality_today = now.astimezone(service.municipality.zone).date()
        moments = [
            datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
            datetime.combine(municipality_today + timedelta(days=1), time.min, tzinfo=service.municipality.zone),
        ]
        notice = timedelta(hours=service.minimum_notice_hours)
        moments += [start - notice for start in (seen.first_start, found and found.start) if start is not None]
        stable_until = min(moments)
    else:
        # A booking being moved does not block its own time: this citizen's view, computed and never cached.
        by_day = selectors.slots_by_local_day(
            service=service,
            zone=zone,
            day_from=max(month, today),
            day_to=_month_end(month),
            clerk=clerk,
            now=now,
            exclude_appointment=exclude,
        )
        free_days = list(by_day)
        day_slots = by_day.get
    first_slot = found if first else None
    if selected not in free_days:
        selected = initial_day if initial_day in free_days else next(iter(free_days), None)
    free = set(free_days)

    weeks = [
        [{"date": day, "in_month": day.month == month.month, "free": day in free} for day in week]
        for week in pycalendar.Calendar().monthdatescalendar(month.year, month.month)
    ]
    following = _month_next(month)
    return {
        "month": month,
        "weeks": weeks,
        "selected_day": selected,
        "day_slots": (day_slots(selected) or []) if selected else [],
        "previous_month": (month - timedelta(days=1)).replace(day=1) if month > first_month else None,
        "next_month": following if month < last_month else None,
        # The next month's days open one by one; its first day can be booked from this date on.
        "next_month_opens": following - timedelta(days=service.horizon_days) if month >= last_month else None,
        "following_month": following,
        "last_open_day": last_open,
        "has_slots": bool(free_days),
        "searched_horizon": searching and found is None,
        "weekday_labels": [WEEKDAYS_ABBR[index] for index in range(7)],
        "first_slot": first_slot,
        "stable_until": stable_until,
    }
