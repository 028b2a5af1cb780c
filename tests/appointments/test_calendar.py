"""Step 4's calendar: where it opens, where it stops, the citizen's own days, and addresses it must survive.

Every test freezes the clock, so the calendar is the same whatever day the suite runs.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from appointments.views.calendar import calendar_context, parse_month, parse_slot

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
# Monday 30 November 2026, 12:00 in Athens: the last day of a month.
LAST_DAY_OF_NOVEMBER = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def notice_24h(service):
    service.minimum_notice_hours = 24
    service.horizon_days = 60
    service.save()
    return service


def _context(service, zone=ATHENS, month=None, day=None, **kwargs):
    return calendar_context(service=service, zone=zone, month_value=month, day_value=day, **kwargs)


def _times(context, zone):
    return [slot.start.astimezone(zone).strftime("%H:%M") for slot in context["day_slots"]]


@time_machine.travel(LAST_DAY_OF_NOVEMBER, tick=False)
def test_on_the_last_day_of_a_month_the_calendar_opens_on_the_first_free_day_of_the_next(notice_24h, clerk):
    context = _context(notice_24h)
    # November has nothing left (24 hours' notice): December 1st is shown and selected, from 12:30 on.
    assert context["month"] == date(2026, 12, 1)
    assert context["selected_day"] == date(2026, 12, 1)
    assert _times(context, ATHENS) == ["12:00", "12:30"]
    assert context["previous_month"] == date(2026, 11, 1)


@time_machine.travel(datetime(2026, 12, 18, 10, 0, tzinfo=UTC), tick=False)
def test_the_first_free_day_may_be_weeks_away(notice_24h, clerk):
    # Friday 18 December: the clerk is on leave until the new year.
    from appointments.models import TimeOff

    TimeOff.objects.create(
        staff=clerk,
        start=datetime(2026, 12, 18, tzinfo=ATHENS),
        end=datetime(2027, 1, 7, tzinfo=ATHENS),
    )
    context = _context(notice_24h)
    assert context["month"] == date(2027, 1, 1)
    assert context["selected_day"] == date(2027, 1, 7)


@time_machine.travel(LAST_DAY_OF_NOVEMBER, tick=False)
def test_next_month_stops_at_the_horizon_and_says_when_bookings_open(notice_24h, clerk):
    # 60 days from 30 November: the last bookable day is Friday 29 January 2027.
    december = _context(notice_24h, month="2026-12")
    assert december["next_month"] == date(2027, 1, 1)
    assert december["next_month_opens"] is None
    january = _context(notice_24h, month="2027-01")
    assert january["next_month"] is None
    assert january["last_open_day"] == date(2027, 1, 29)
    assert january["next_month_opens"] == date(2026, 12, 3)  # 1 February − 60 days
    assert max(day for day in (cell["date"] for week in january["weeks"] for cell in week if cell["free"])) == date(
        2027, 1, 29
    )


@time_machine.travel(LAST_DAY_OF_NOVEMBER, tick=False)
@pytest.mark.parametrize(
    ("month", "day", "shown"),
    [
        ("9999-12", "9999-12-31", date(2027, 1, 1)),  # beyond the horizon: the last bookable month
        ("0001-01", "0001-01-01", date(2026, 11, 1)),  # before today: this month
        ("99999-01", "", date(2026, 12, 1)),  # not a month: the first free day's
        ("2026-13", "", date(2026, 12, 1)),
    ],
)
def test_months_outside_the_bookable_range_are_clamped(notice_24h, clerk, month, day, shown):
    assert _context(notice_24h, month=month, day=day)["month"] == shown


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+14:00",
        "2026-12-01T10:00",
        "x",
        "",
    ],
)
def test_slots_that_no_booking_can_hold_are_refused_not_crashed(value):
    assert parse_slot(value) is None


def test_a_slot_is_read_as_an_instant_in_utc():
    assert parse_slot("2026-12-01T12:00:00+02:00") == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_parse_month_refuses_what_is_not_a_month():
    assert parse_month("2026-12") == date(2026, 12, 1)
    assert parse_month("2026-00") is None
    assert parse_month("12") is None


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), tick=False)
def test_los_angeles_sees_each_time_under_its_own_date_in_ascending_order(notice_24h, chania):
    # Athens hours 08:30–13:00 (UTC+2) are 22:30–03:00 in Los Angeles (UTC−8): one Athens day spans two of theirs.
    from datetime import time

    from tests.appointments.conftest import make_clerk

    make_clerk("early", chania, notice_24h, hours=((time(8, 30), time(13)),))
    thursday = _context(notice_24h, zone=LOS_ANGELES, month="2026-12", day="2026-12-03")
    friday = _context(notice_24h, zone=LOS_ANGELES, month="2026-12", day="2026-12-04")
    # Athens Friday 4 December 08:30–12:30 → Thursday 3 December 22:30–23:30 and Friday 4 December 00:00–02:30.
    assert _times(thursday, LOS_ANGELES)[-3:] == ["22:30", "23:00", "23:30"]
    assert _times(friday, LOS_ANGELES)[:3] == ["00:00", "00:30", "01:00"]
    for context in (thursday, friday):
        starts = [slot.start for slot in context["day_slots"]]
        assert starts == sorted(starts)
        assert {slot.start.astimezone(LOS_ANGELES).date() for slot in context["day_slots"]} == {context["selected_day"]}


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), tick=False)
def test_tokyo_sees_athens_mornings_in_its_afternoon_and_no_weekend_days(notice_24h, clerk):
    # Athens 09:00–13:00 (UTC+2) is 16:00–20:00 in Tokyo (UTC+9), the same date: Saturdays and Sundays stay free
    # of times in Tokyo too.
    context = _context(notice_24h, zone=TOKYO, month="2026-12", day="2026-12-07")
    assert _times(context, TOKYO) == ["16:00", "16:30", "17:00", "17:30", "18:00", "18:30", "19:00", "19:30"]
    free = {cell["date"] for week in context["weeks"] for cell in week if cell["free"]}
    assert date(2026, 12, 5) not in free and date(2026, 12, 6) not in free


@time_machine.travel(LAST_DAY_OF_NOVEMBER, tick=False)
def test_finding_the_first_free_day_costs_the_same_near_or_far(notice_24h, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appointments.models import TimeOff

    with CaptureQueriesContext(connection) as near:
        assert _context(notice_24h)["selected_day"] == date(2026, 12, 1)
    # Leave until late January: the first free day is two months on.
    TimeOff.objects.create(
        staff=clerk, start=datetime(2026, 11, 30, tzinfo=ATHENS), end=datetime(2027, 1, 25, tzinfo=ATHENS)
    )
    with CaptureQueriesContext(connection) as far:
        assert _context(notice_24h)["selected_day"] == date(2027, 1, 25)
    assert len(far) == len(near)
