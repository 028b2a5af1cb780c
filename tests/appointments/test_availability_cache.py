"""The free-slot page's cache (appointments/availability.py): every kind of change shows at once, nobody's own
view leaks to another, the citizen's zone is part of the key, queries stay flat as data grows, and the version
is shared through Redis by several processes.

The clock is frozen: Monday 30 November 2026, 12:00 in Athens. The clerks work 09:00–13:00 on weekdays; the
service offers 20 minutes every 30 (09:00 … 12:30).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from appointments import availability, services, waitlist
from appointments.models import Appointment, Holiday, Mode, TimeOff, WorkingHours
from appointments.views.calendar import calendar_context
from tests.appointments.conftest import details, make_citizen, make_clerk

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TUESDAY = date(2026, 12, 8)
SATURDAY = date(2026, 12, 12)
ALL_DAY = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]
REDIS = "redis://127.0.0.1:6379/3"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), tick=False):
        yield


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ATHENS).astimezone(UTC)


def times(service, day=TUESDAY, *, clerk=None, zone=ATHENS) -> list[str]:
    """What the page would offer on `day`, read through the cache, as the citizen's wall times."""
    seen = availability.month_availability(service=service, zone=zone, month=day.replace(day=1), clerk=clerk)
    return [slot.start.astimezone(zone).strftime("%H:%M") for slot in seen.slots(day)]


def free_days(service, month=date(2026, 12, 1), *, clerk=None) -> list[date]:
    return availability.month_availability(service=service, zone=ATHENS, month=month, clerk=clerk).free_days


def after_commit():
    """The commit's callbacks run as a commit would run them (the test's transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def book(service, citizen, start, clerk=None) -> Appointment:
    with after_commit():
        appointment, _token = services.appointment_book(
            service=service, mode=Mode.IN_PERSON, start=start, citizen=citizen, clerk=clerk, details=details()
        )
    return appointment


# --- Each kind of change shows at once


def test_a_booking_takes_its_time_from_the_cached_month(service, clerk, verified):
    assert times(service) == ALL_DAY  # now cached
    book(service, verified, at(TUESDAY, 10))
    assert "10:00" not in times(service)
    assert times(service, clerk=clerk) == [t for t in ALL_DAY if t != "10:00"]


def test_a_cancelled_booking_gives_its_time_back(service, clerk, verified):
    booking = book(service, verified, at(TUESDAY, 10))
    assert "10:00" not in times(service)
    with after_commit():
        services.appointment_cancel(appointment=booking, actor=verified)
    assert times(service) == ALL_DAY


def test_a_moved_booking_frees_the_old_time_and_takes_the_new(service, clerk, verified):
    booking = book(service, verified, at(TUESDAY, 10))
    assert "10:00" not in times(service) and "11:00" in times(service)
    with after_commit():
        services.appointment_reschedule(appointment=booking, start=at(TUESDAY, 11), actor=verified)
    assert "10:00" in times(service)
    assert "11:00" not in times(service)


def test_a_booking_marked_attended_no_longer_blocks_a_past_time(service, clerk, verified):
    # Marking needs a started booking: the time is in the past and stays unbookable either way, but the
    # version is replaced all the same (a booking's status is part of availability).
    booking = book(service, verified, at(TUESDAY, 10))
    before = cache.get(availability.version_key(service.municipality_id))
    with time_machine.travel(at(TUESDAY, 10, 5), tick=False):
        assert services.appointment_mark(appointment=booking, status=Appointment.Status.ATTENDED, actor=clerk.user)
    assert cache.get(availability.version_key(service.municipality_id)) != before


def test_time_off_closes_its_hours(service, clerk):
    assert times(service) == ALL_DAY
    TimeOff.objects.create(staff=clerk, start=at(TUESDAY, 9), end=at(TUESDAY, 11))
    assert times(service) == ["11:00", "11:30", "12:00", "12:30"]
    with after_commit():
        services.time_off_remove(staff=clerk, pk=TimeOff.objects.get().pk)
    assert times(service) == ALL_DAY


def test_a_holiday_closes_its_day(service, clerk, chania):
    assert TUESDAY in free_days(service)
    Holiday.objects.create(municipality=chania, date=TUESDAY, name_el="Αργία")
    assert TUESDAY not in free_days(service)
    assert times(service) == []


def test_working_hours_added_and_removed(service, clerk):
    assert SATURDAY not in free_days(service)
    with after_commit():
        services.working_hours_add(staff=clerk, weekday=5, start=time(10), end=time(11))
    assert times(service, SATURDAY) == ["10:00", "10:30"]
    WorkingHours.objects.filter(staff=clerk, weekday=5).delete()  # as the clerks' availability page does
    assert SATURDAY not in free_days(service)


def test_a_change_of_the_service_settings(service, clerk):
    assert times(service) == ALL_DAY
    service.interval_minutes = 60
    service.save()
    assert times(service) == ["09:00", "10:00", "11:00", "12:00"]
    service.duration_minutes = 90
    service.save()
    assert times(service) == ["09:00", "10:00", "11:00"]


def test_the_notice_and_the_horizon_are_applied_when_read(service, clerk):
    service.minimum_notice_hours = 24
    service.save()
    assert free_days(service)[0] == date(2026, 12, 1)
    assert times(service, date(2026, 12, 1)) == ["12:00", "12:30"]  # from Tuesday 12:00 on
    # A quarter of an hour later, the same cached month offers less: the clock is applied on reading.
    with time_machine.travel(datetime(2026, 11, 30, 10, 15, tzinfo=UTC), tick=False):
        assert times(service, date(2026, 12, 1)) == ["12:30"]


def test_a_clerk_leaving_a_service(service, clerk, clerk_two, verified):
    book(service, verified, at(TUESDAY, 10), clerk=clerk)
    assert "10:00" in times(service)  # clerk two is free then
    clerk_two.services.remove(service)
    assert "10:00" not in times(service)


@pytest.mark.django_db(transaction=True)
def test_a_waitlist_hold_takes_its_time_and_its_release_gives_it_back(service, clerk, chania):
    # Real commits, as the waitlist's offers are made after the commit that frees a time.
    booker, waiting = make_citizen("booker", chania), make_citizen("maria", chania)
    bookings = [
        services.appointment_book(service=service, mode=Mode.IN_PERSON, start=start, citizen=booker, details=details())[
            0
        ]
        for start in (at(TUESDAY, 9) + timedelta(minutes=30 * index) for index in range(8))
    ]
    entry = waitlist.waitlist_join(
        service=service,
        citizen=waiting,
        clerk=None,
        mode="",
        first_day=TUESDAY,
        last_day=TUESDAY,
        zone=ATHENS,
        subject="Άδεια δόμησης",
    )
    assert times(service) == []
    services.appointment_cancel(appointment=bookings[2], actor=booker)  # 10:00, offered to Maria and held
    assert Appointment.objects.filter(status=Appointment.Status.HELD, start=at(TUESDAY, 10)).exists()
    assert times(service) == []
    waitlist.waitlist_leave(entry=entry, actor=waiting)
    assert times(service) == ["10:00"]


# --- Nobody's own view in the shared cache; the citizen's zone in the key


def test_a_booking_being_moved_sees_its_own_time_but_does_not_leak_it(service, clerk, verified):
    booking = book(service, verified, at(TUESDAY, 10))
    own = calendar_context(service=service, zone=ATHENS, month_value="2026-12", day_value="2026-12-08", exclude=booking)
    assert "10:00" in [slot.start.astimezone(ATHENS).strftime("%H:%M") for slot in own["day_slots"]]
    public = calendar_context(service=service, zone=ATHENS, month_value="2026-12", day_value="2026-12-08")
    assert "10:00" not in [slot.start.astimezone(ATHENS).strftime("%H:%M") for slot in public["day_slots"]]


def test_each_zone_has_its_own_days(service, clerk):
    assert times(service) == ALL_DAY  # Athens' grouping cached first
    # Athens is ten hours ahead of Los Angeles: a working day there is 23:00 – 02:30 here, across two dates.
    late_night = ["23:00", "23:30"]
    small_hours = ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    assert times(service, date(2026, 12, 7), zone=LOS_ANGELES) == small_hours + late_night
    assert times(service, TUESDAY, zone=LOS_ANGELES) == small_hours + late_night


def test_the_page_shows_a_time_taken_by_another_citizen_at_once(service, clerk, verified, other_citizen):
    client = Client()
    client.force_login(verified)
    url = reverse("appointments:slots", args=["chania", "in_person", service.pk]) + "?month=2026-12&day=2026-12-08"
    assert 'value="2026-12-08T08:00:00+00:00"' in client.get(url).text  # 10:00 Athens
    book(service, other_citizen, at(TUESDAY, 10))
    assert 'value="2026-12-08T08:00:00+00:00"' not in client.get(url).text


# --- The rendered page: the calendar, the clerk list, the service and the first free time are cached too

TEN = 'value="2026-12-08T08:00:00+00:00"'  # Tuesday 10:00 in Athens
ELEVEN = 'value="2026-12-08T09:00:00+00:00"'
TUESDAY_PAGE = "?month=2026-12&day=2026-12-08"


def _page(client, service, query=TUESDAY_PAGE, mode="in_person") -> str:
    response = client.get(reverse("appointments:slots", args=["chania", mode, service.pk]) + query)
    assert response.status_code == 200
    return response.text


def _main(page: str) -> str:
    # The page's own part (the header's logout form carries a fresh CSRF token each time).
    return page.split('<main id="main"')[1].split("</main>")[0]


def _change_booking_made(service, clerk, verified):
    book(service, verified, at(TUESDAY, 10))


def _change_booking_cancelled(service, clerk, verified):
    booking = Appointment.objects.get(start=at(TUESDAY, 11))
    with after_commit():
        services.appointment_cancel(appointment=booking, actor=verified)


def _change_booking_moved(service, clerk, verified):
    booking = Appointment.objects.get(start=at(TUESDAY, 11))
    with after_commit():
        services.appointment_reschedule(appointment=booking, start=at(TUESDAY, 10), actor=verified)


def _change_time_off(service, clerk, verified):
    with after_commit():
        TimeOff.objects.create(staff=clerk, start=at(TUESDAY, 10), end=at(TUESDAY, 10, 30))


def _change_holiday(service, clerk, verified):
    with after_commit():
        Holiday.objects.create(municipality=service.municipality, date=TUESDAY, name_el="Αργία")


def _change_working_hours(service, clerk, verified):
    with after_commit():
        WorkingHours.objects.filter(staff=clerk, weekday=TUESDAY.weekday()).update(start=time(9), end=time(10))
        WorkingHours.objects.filter(staff=clerk, weekday=TUESDAY.weekday()).first().save()


def _change_service_settings(service, clerk, verified):
    service.interval_minutes = 60
    service.duration_minutes = 45
    with after_commit():
        service.save()


def _change_clerk_leaves(service, clerk, verified):
    with after_commit():
        clerk.services.remove(service)


# What each change does to Tuesday: (10:00 offered before, after; 11:00 offered before, after). The one clerk of
# these tests has 11:00 booked first where the change needs a booking to cancel or move.
PAGE_CHANGES = {
    "a booking made": (_change_booking_made, (True, False), (True, True)),
    "a booking cancelled": (_change_booking_cancelled, (True, True), (False, True)),
    "a booking moved": (_change_booking_moved, (True, False), (False, True)),
    "time off": (_change_time_off, (True, False), (True, True)),
    "a holiday": (_change_holiday, (True, False), (True, False)),
    "working hours": (_change_working_hours, (True, False), (True, False)),
    "the service's settings": (_change_service_settings, (True, True), (True, True)),
    "the clerk leaving the service": (_change_clerk_leaves, (True, False), (True, False)),
}


@pytest.mark.parametrize("change", PAGE_CHANGES)
def test_each_change_shows_on_the_cached_page(service, clerk, verified, other_citizen, change):
    run, (ten_before, ten_after), (eleven_before, eleven_after) = PAGE_CHANGES[change]
    if "cancelled" in change or "moved" in change:
        book(service, verified, at(TUESDAY, 11))
    client = Client()
    client.force_login(other_citizen)
    page = _page(client, service)
    assert (TEN in page, ELEVEN in page) == (ten_before, eleven_before)
    assert _main(_page(client, service)) == _main(page)  # from the cache now
    assert 'value="2026-12-08T08:30:00+00:00"' in page  # 10:30
    run(service, clerk, verified)
    page = _page(client, service)
    assert (TEN in page, ELEVEN in page) == (ten_after, eleven_after)
    if change == "the service's settings":
        # 45 minutes every hour: 09:00 … 12:00, so 10:30 is gone.
        assert 'value="2026-12-08T08:30:00+00:00"' not in page


def test_the_clerk_list_follows_clerks_and_their_names(service, clerk, verified):
    client = Client()
    client.force_login(verified)
    assert "Υπάλληλος clerk.one" in _page(client, service) and "Σταύρος" not in _page(client, service)
    with after_commit():
        newcomer = make_clerk("clerk.new", service.municipality, service)
    assert f'<option value="{newcomer.pk}">' in _page(client, service)
    with after_commit():
        newcomer.user.full_name = "Σταύρος Κλάδος"
        newcomer.user.save()
    assert "Σταύρος Κλάδος" in _page(client, service)
    with after_commit():
        newcomer.bookable = False
        newcomer.save()
    assert f'<option value="{newcomer.pk}">' not in _page(client, service)


def test_a_login_does_not_empty_the_cache(service, clerk, verified):
    client = Client()
    client.force_login(verified)
    _page(client, service)
    before = cache.get(availability.version_key(service.municipality_id))
    clerk.user.save(update_fields=["last_login"])
    assert cache.get(availability.version_key(service.municipality_id)) == before


def test_the_first_free_time_follows_bookings(service, clerk, verified, other_citizen):
    # Monday 30 November, 12:00 in Athens with two hours' notice: the first free time is Tuesday 1 December 09:00.
    client = Client()
    client.force_login(other_citizen)
    first = 'value="2026-12-01T07:00:00+00:00"'
    detail_url = reverse("appointments:service", args=["chania", service.pk])
    assert first in _page(client, service, "?first=1") and first in _page(client, service, "")
    assert 'datetime="2026-12-01T07:00:00+00:00"' in client.get(detail_url).text
    book(service, verified, datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    for page in (_page(client, service, "?first=1"), _page(client, service, "")):
        assert first not in page and 'value="2026-12-01T07:30:00+00:00"' in page
    assert 'datetime="2026-12-01T07:30:00+00:00"' in client.get(detail_url).text


def test_the_cached_page_drops_a_time_whose_notice_has_passed(service, clerk, verified):
    # Two hours' notice: at 12:00 Athens on Tuesday 1 December, 14:00 would be the first bookable instant, but the
    # clerks close at 13:00; at 10:00 the first free time is 12:00.
    client = Client()
    client.force_login(verified)
    query = "?month=2026-12&day=2026-12-01"
    with time_machine.travel(at(date(2026, 12, 1), 9, 55), tick=False):
        assert 'value="2026-12-01T10:00:00+00:00"' in _page(client, service, query)  # 12:00
    with time_machine.travel(at(date(2026, 12, 1), 10, 5), tick=False):
        page = _page(client, service, query)
        assert 'value="2026-12-01T10:00:00+00:00"' not in page and 'value="2026-12-01T10:30:00+00:00"' in page
    with time_machine.travel(at(date(2026, 12, 2), 0, 5), tick=False):
        # A new day: the calendar's past days and the horizon's end move; 1 December is gone.
        assert "day=2026-12-01#day-times" not in _page(client, service, query)


def test_nothing_of_one_citizen_reaches_another_through_the_cached_page(service, clerk, verified, other_citizen):
    first, second = Client(), Client()
    first.force_login(verified)
    second.force_login(other_citizen)
    mine = _page(first, service, TUESDAY_PAGE + "&utm=someone-elses")
    theirs = _page(second, service, TUESDAY_PAGE)
    assert str(verified) in mine and str(verified) not in theirs and str(other_citizen) in theirs
    assert "someone-elses" not in theirs
    assert "someone-elses" not in mine.split('id="zone-note"')[1].split("</p>")[0]  # the cached part's link


def test_each_mode_language_and_zone_has_its_own_page(service, clerk, verified):
    client = Client()
    client.force_login(verified)
    in_person, video = _page(client, service), _page(client, service, mode="video")
    assert f"/in_person/{service.pk}/details/" in in_person and f"/video/{service.pk}/details/" in video
    with translation.override("en"):
        url = reverse("appointments:slots", args=["chania", "in_person", service.pk]) + TUESDAY_PAGE
    english = client.get(url).text
    assert "<h1>Choose a date and time</h1>" in english and "<h1>Choose a date and time</h1>" not in in_person
    assert ">10:00</time>" in in_person
    los_angeles = Client()
    los_angeles.force_login(verified)
    los_angeles.cookies["tz"] = "America/Los_Angeles"
    far = _page(los_angeles, service, "?month=2026-12&day=2026-12-08")
    assert TEN in far and ">00:00</time>" in far  # 10:00 in Athens is midnight in Los Angeles


# --- Queries stay flat as data grows


def _page_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    return len(cold), len(warm)


def _bookings(service, clerks, citizen, count, prefix):
    day, hour = TUESDAY, 9
    made = 0
    while made < count:
        for member in clerks:
            if made == count:
                break
            start = at(day, hour)
            Appointment.objects.create(
                code=f"{prefix}{made}",
                service=service,
                clerk=member,
                citizen=citizen,
                mode=Mode.IN_PERSON,
                start=start,
                end=start + timedelta(minutes=20),
                blocked_start=start,
                blocked_end=start + timedelta(minutes=20),
                full_name="Πολίτης",
                email="p@example.gr",
                mobile_phone="+306912345678",
                subject="Μέτρηση",
                consent_at=start,
                manage_token_hash=f"{prefix}{made}",
            )
            made += 1
        hour += 1
        if hour == 13:
            day, hour = day + timedelta(days=1), 9


def test_the_page_costs_the_same_queries_for_1_clerk_and_5_bookings_as_for_10_and_100(service, chania, verified):
    from appointments.models import Service
    from portal.models import Department

    client = Client()
    client.force_login(verified)
    counts = []
    for index, (clerk_count, booking_count) in enumerate(((1, 5), (10, 100))):
        other = Service.objects.create(
            municipality=chania,
            department=Department.objects.get(municipality=chania),
            name_el=f"Υπηρεσία {index}",
            modes=[Mode.IN_PERSON],
            minimum_notice_hours=2,
            horizon_days=500,
        )
        clerks = [make_clerk(f"q{index}.{n}", chania, other) for n in range(clerk_count)]
        _bookings(other, clerks, verified, booking_count, prefix=f"Q{index}X")
        cache.clear()  # both cold from the start (the municipality too)
        for query in ("?month=2026-12&day=2026-12-08", "", "?first=1"):
            url = reverse("appointments:slots", args=["chania", "in_person", other.pk]) + query
            counts.append(_page_queries(client, url))
    assert counts[:3] == counts[3:]
    # Warm, only the session and its user are read: the municipality, the service, its clerks, the first free
    # time and the rendered calendar all come from the cache.
    assert [warm for _cold, warm in counts] == [2] * 6


def test_a_warm_month_reads_no_rows(service, clerk, django_assert_num_queries):
    times(service)
    with django_assert_num_queries(0):
        assert times(service) == ALL_DAY


# --- Several processes: the version lives in the shared Redis cache


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "test-availability",
        }
    }
)
def test_two_processes_see_the_version_replaced_on_commit(service, clerk, verified):
    from django.core.cache import cache as this_process

    other_process = RedisCache(REDIS, {"KEY_PREFIX": "test-availability"})
    key = availability.version_key(service.municipality_id)
    try:
        assert times(service) == ALL_DAY
        version = other_process.get(key)
        assert version is not None  # written by this process, read by the other
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            services.appointment_book(
                service=service, mode=Mode.IN_PERSON, start=at(TUESDAY, 10), citizen=verified, details=details()
            )
        replaced_now = other_process.get(key)
        assert replaced_now != version
        for callback in callbacks:
            callback()
        # The replacement that matters comes after the commit: whatever was cached meanwhile is not read again.
        assert other_process.get(key) not in {version, replaced_now}
        assert "10:00" not in times(service)
    finally:
        this_process.delete_many([key])
        other_process.close()
