"""The appointments' section of the statistics equals a hand count on a small fixture."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from appointments.models import Appointment
from appointments.statistics import appointments_statistics_compute, appointments_statistics_table
from portal.statistics import StatisticsFilters
from tests.appointments.conftest import athens, make_appointment, make_citizen

pytestmark = pytest.mark.django_db

# A Monday; the clerk works Monday–Friday 09:00–13:00 and the service asks for 2 hours' notice.
MONDAY = date(2026, 3, 2)


def book(service, clerk, citizen, start, status=Appointment.Status.BOOKED) -> Appointment:
    return make_appointment(service, clerk, citizen, start, status, code_prefix="S")


@pytest.fixture
def bookings(chania, service, clerk):
    """March: attended, no-show, cancelled, booked (Monday 09:00–10:30); April: one attended. Held offers do not
    count. Monday 2 March is fully booked until 10:30, so at 08:00 the next free time is 10:30."""
    citizen = make_citizen("maria", chania)
    S = Appointment.Status
    for minutes, status in ((0, S.ATTENDED), (30, S.NO_SHOW), (60, S.CANCELLED), (90, S.BOOKED)):
        book(service, clerk, citizen, athens(MONDAY, 9) + timedelta(minutes=minutes), status)
    book(service, clerk, citizen, athens(date(2026, 4, 6), 9), S.ATTENDED)
    book(service, clerk, citizen, athens(date(2026, 4, 7), 9), S.RELEASED)
    return citizen


def test_the_figures_equal_a_hand_count(chania, service, bookings):
    now = athens(MONDAY, 8)
    with time_machine.travel(now, tick=False):
        figures = appointments_statistics_compute(chania, None, now=now)
    (row,) = figures["services"]
    assert row["bookings"] == 5
    assert row["cancelled_share"] == pytest.approx(1 / 5)
    assert row["no_show_share"] == pytest.approx(1 / 3)  # one missed of the three that took place or were missed
    # 08:00 now, 2 hours' notice → 10:00; 09:00 and 09:30 are taken, 10:00 is cancelled (free again).
    assert row["wait_hours"] == 2.0
    assert figures["median_wait_hours"] == 2.0
    assert [(m["month"], m["bookings"]) for m in figures["months"]] == [(date(2026, 3, 1), 4), (date(2026, 4, 1), 1)]
    header, *rows = appointments_statistics_table(figures)
    assert header[:3] == ["service", "month", "bookings"]
    assert rows[0][:3] == ["Οικοδομικές Άδειες", "2026-03", 4]
    assert rows[-1][:3] == ["Οικοδομικές Άδειες", None, 5]  # the service's totals: no month, null in the JSON


def test_a_date_range_narrows_the_bookings(chania, service, bookings):
    now = datetime.combine(MONDAY, time(6), tzinfo=UTC)
    figures = appointments_statistics_compute(
        chania, StatisticsFilters(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)), now=now
    )
    assert figures["services"][0]["bookings"] == 1
