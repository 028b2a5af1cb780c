from datetime import UTC, date, datetime, time, timedelta

import pytest

from appointments import selectors, services
from appointments.holidays import greek_holidays
from appointments.models import Holiday, Mode, TimeOff
from tests.appointments.conftest import athens, details, make_clerk, next_weekday

pytestmark = pytest.mark.django_db


def _times(slots_by_day, day):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Athens")
    return [slot.start.astimezone(zone).strftime("%H:%M") for slot in slots_by_day.get(day, [])]


def test_a_working_day_has_slots_every_interval_within_the_hours(service, clerk):
    day = next_weekday(1)
    slots = selectors.slots_available(service=service, day_from=day, day_to=day)
    # 09:00–13:00, 20 minutes every 30: the last start is 12:30 (ends 12:50).
    assert _times(slots, day) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]
    assert all(slot.end - slot.start == timedelta(minutes=20) for slot in slots[day])


def test_weekend_has_no_slots(service, clerk):
    saturday = next_weekday(5)
    assert selectors.slots_available(service=service, day_from=saturday, day_to=saturday + timedelta(days=1)) == {}


@pytest.mark.parametrize(
    ("friday", "monday", "offset_before", "offset_after"),
    [
        # Last Sunday of March 2027 (28th): +02:00 → +03:00.
        (date(2027, 3, 26), date(2027, 3, 29), 2, 3),
        # Last Sunday of October 2027 (31st): +03:00 → +02:00.
        (date(2027, 10, 29), date(2027, 11, 1), 3, 2),
    ],
)
def test_slots_keep_their_wall_time_across_the_dst_change(service, clerk, friday, monday, offset_before, offset_after):
    slots = selectors.slots_available(service=service, day_from=friday, day_to=monday)
    assert slots[friday][0].start == datetime.combine(friday, time(9 - offset_before), tzinfo=UTC)
    assert slots[monday][0].start == datetime.combine(monday, time(9 - offset_after), tzinfo=UTC)
    assert _times(slots, friday) == _times(slots, monday)


def test_a_sunday_shift_on_the_day_of_the_change(service, chania):
    make_clerk("sunday", chania, service, hours=((time(1), time(6)),), weekdays=[6])
    day = date(2027, 3, 28)  # 03:00 becomes 04:00
    slots = selectors.slots_available(service=service, day_from=day, day_to=day)[day]
    starts = [slot.start for slot in slots]
    assert len(starts) == len(set(starts))
    # The day is an hour short: 01:00–06:00 local is 4 real hours, 23:00–03:00 UTC.
    assert starts[0] == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    assert slots[-1].end <= datetime(2027, 3, 28, 3, 0, tzinfo=UTC)


def test_no_slots_on_a_holiday(service, clerk, chania):
    day = next_weekday(2)
    Holiday.objects.create(municipality=chania, date=day, name_el="Αργία")
    assert day not in selectors.slots_available(service=service, day_from=day, day_to=day)


def test_time_off_removes_the_slots_it_covers(service, clerk):
    day = next_weekday(3)
    TimeOff.objects.create(staff=clerk, start=athens(day, 10), end=athens(day, 11, 30))
    assert _times(selectors.slots_available(service=service, day_from=day, day_to=day), day) == [
        "09:00",
        "09:30",
        "11:30",
        "12:00",
        "12:30",
    ]


def test_buffers_keep_bookings_apart(service, clerk, verified):
    service.buffer_before_minutes = 10
    service.buffer_after_minutes = 15
    service.save()
    day = next_weekday(1)
    services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(day, 10), citizen=verified, details=details()
    )
    # Booked 10:00–10:20, blocking 09:50–10:35. A new slot blocks 10 minutes before and 15 after itself:
    # 09:30 (09:20–10:05) and 10:30 (10:20–11:05) clash; 09:00 and 11:00 do not.
    assert _times(selectors.slots_available(service=service, day_from=day, day_to=day), day) == [
        "09:00",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
    ]


def test_minimum_notice_and_horizon(service, clerk):
    now = athens(next_weekday(1), 10, 5)
    service.minimum_notice_hours = 2
    service.horizon_days = 1
    service.save()
    day = now.date()
    slots = selectors.slots_available(service=service, day_from=day, day_to=day + timedelta(days=10), now=now)
    assert _times(slots, day) == ["12:30"]
    assert set(slots) <= {day, day + timedelta(days=1)}


def test_any_is_the_union_of_the_clerks(service, clerk, chania):
    make_clerk("afternoon", chania, service, hours=((time(12), time(14)),))
    day = next_weekday(1)
    slots = selectors.slots_available(service=service, day_from=day, day_to=day)[day]
    assert [len(slot.clerk_ids) for slot in slots if slot.start == athens(day, 12)] == [2]
    assert _times({day: slots}, day)[-1] == "13:30"


@pytest.mark.parametrize("clerks", [1, 10])
def test_a_constant_number_of_queries(service, chania, clerks, django_assert_num_queries, verified):
    for index in range(clerks):
        make_clerk(f"c{index}", chania, service)
    day = next_weekday(1)
    services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(day, 9), citizen=verified, details=details()
    )
    service.refresh_from_db()
    service.municipality  # noqa: B018 - loaded once, like the view does
    with django_assert_num_queries(5):
        result = selectors.slots_available(service=service, day_from=day, day_to=day + timedelta(days=30))
    assert result


def test_greek_holidays_follow_orthodox_easter():
    days = {name_el: day for day, name_el, _ in greek_holidays(2027)}
    assert days["Μεγάλη Παρασκευή"] == date(2027, 4, 30)  # Orthodox Easter 2027 is 2 May
    assert days["Δευτέρα του Πάσχα"] == date(2027, 5, 3)
    assert days["Καθαρά Δευτέρα"] == date(2027, 3, 15)
    assert days["Δευτέρα του Αγίου Πνεύματος"] == date(2027, 6, 21)


def test_labour_day_in_holy_week_is_moved():
    # 1 May 2027 is Holy Saturday: the law moves Labour Day's rest day to the first working day after Easter Monday.
    days = {day: (name_el, name_en) for day, name_el, name_en in greek_holidays(2027)}
    assert date(2027, 5, 4) in days
    assert "Πρωτομαγιά" in days[date(2027, 5, 4)][0]
    assert "Labor Day" in days[date(2027, 5, 4)][1]


def test_greek_holidays_in_an_ordinary_year():
    holidays = greek_holidays(2026)
    assert [day for day, _, _ in holidays] == sorted(day for day, _, _ in holidays)
    assert (date(2026, 5, 1), "Εργατική Πρωτομαγιά", "Labor Day") in holidays
    assert len(holidays) == 12
