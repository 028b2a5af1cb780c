"""Step 4's month calendar, shared by booking and rescheduling."""

import calendar as pycalendar
from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from appointments import selectors


def parse_month(value: str | None, *, today: date) -> date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def parse_slot(value: str | None) -> datetime | None:
    """A slot's start as sent back by the page: an ISO instant in UTC."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def calendar_context(*, service, month_value, day_value, clerk=None, exclude=None) -> dict:
    zone = service.municipality.zone
    today = timezone.now().astimezone(zone).date()
    month = parse_month(month_value, today=today)
    last = date(month.year, month.month, pycalendar.monthrange(month.year, month.month)[1])
    slots = selectors.slots_available(
        service=service, day_from=max(month, today), day_to=last, clerk=clerk, exclude_appointment=exclude
    )
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(month.year, month.month):
        weeks.append([{"date": day, "in_month": day.month == month.month, "free": day in slots} for day in week])
    selected = parse_day(day_value)
    if selected not in slots:
        selected = next(iter(slots), None)
    previous_month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    next_month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return {
        "month": month,
        "weeks": weeks,
        "selected_day": selected,
        "day_slots": slots.get(selected, []) if selected else [],
        "previous_month": previous_month if previous_month >= today.replace(day=1) else None,
        "next_month": next_month,
        "zone_name": str(zone),
        "has_slots": bool(slots),
        "weekday_labels": [WEEKDAYS_ABBR[index] for index in range(7)],
    }
