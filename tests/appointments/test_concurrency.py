"""Many citizens press «Κράτηση» for one slot at the same moment, against the live server over real HTTP.

Each citizen has a logged-in session of their own and posts from a thread of their own. Exactly one booking
may win; the others must land on the calendar with the friendly "just taken" message, and nobody sees a 5xx.
`hold_at_insert` makes the overlap certain: every request passes the slot check first and only then do all
of them insert together, so nothing but the exclusion constraint can stop them. The control run drops that
constraint and shows the same test then lets several bookings in.
"""

import contextlib
import re
import threading

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, Mode
from tests.appointments.conftest import athens, details, make_citizen, next_weekday
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)
N = 12
TAKEN = "μόλις κρατήθηκε"  # «this time was just taken», in the citizens' Greek


def _session(live_server, user, url: str) -> tuple[requests.Session, str]:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    page = session.get(live_server.url + url, timeout=10)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session, token


@pytest.fixture
def hold_at_insert(monkeypatch):
    real = services._guarded_insert
    holder = {}

    def held(appointment):
        barrier = holder.get("barrier")
        if barrier is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return real(appointment)

    monkeypatch.setattr(services, "_guarded_insert", held)
    return holder


def _book_all(live_server, service, citizens, start, holder=None):
    url = reverse("appointments:details", args=["chania", "in_person", service.pk])
    query = f"?slot={start.isoformat().replace('+', '%2B')}"
    sessions = [_session(live_server, citizen, url + query) for citizen in citizens]
    if holder is not None:
        holder["barrier"] = threading.Barrier(len(citizens), timeout=15)

    def post(session, token, citizen):
        return lambda: session.post(
            live_server.url + url,
            data={
                "csrfmiddlewaretoken": token,
                "slot": start.isoformat(),
                "full_name": citizen.full_name,
                "email": citizen.email,
                "mobile_phone": "6912345678",
                "subject": "Θέμα",
                "privacy_consent": "on",
            },
            headers={"Referer": live_server.url + url},
            timeout=60,
        )

    return run_at_once(
        [post(session, token, citizen) for (session, token), citizen in zip(sessions, citizens, strict=False)]
    )


def _outcomes(responses):
    assert all(isinstance(r, requests.Response) for r in responses), responses
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    won = [r for r in responses if "/appointments/booking/" in r.url]
    friendly = [r for r in responses if TAKEN in r.text or "δεν είναι διαθέσιμη" in r.text]
    return won, friendly


@pytest.fixture
def citizens(chania):
    return [make_citizen(f"c{index}", chania) for index in range(N)]


def test_one_slot_many_bookers_exactly_one_wins(live_server, service, clerk, citizens, hold_at_insert):
    start = athens(next_weekday(1), 10)
    won, friendly = _outcomes(_book_all(live_server, service, citizens, start, hold_at_insert))
    assert len(won) == 1
    assert len(friendly) == N - 1
    assert Appointment.objects.filter(start=start).count() == 1


def test_one_slot_many_bookers_without_holding(live_server, service, clerk, citizens):
    start = athens(next_weekday(1), 11)
    won, friendly = _outcomes(_book_all(live_server, service, citizens, start))
    assert len(won) == 1 and len(friendly) == N - 1


@pytest.fixture
def without_the_constraint():
    """Drop the exclusion constraint for one test; put it back after (the schema outlives the test's data)."""
    constraint = next(c for c in Appointment._meta.constraints if c.name == "appointments_no_overlap")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Appointment, constraint)
    yield
    Appointment.objects.all().delete()
    with connection.schema_editor() as editor:
        editor.add_constraint(Appointment, constraint)


def test_control_without_the_constraint_double_books(
    live_server, service, clerk, citizens, hold_at_insert, without_the_constraint
):
    start = athens(next_weekday(1), 12)
    won, _friendly = _outcomes(_book_all(live_server, service, citizens, start, hold_at_insert))
    assert len(won) > 1  # the test can fail: only the constraint makes it pass


def test_two_reschedules_into_one_slot(live_server, service, clerk, chania, hold_at_insert):
    day = next_weekday(1)
    first, second = make_citizen("r1", chania), make_citizen("r2", chania)
    a, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(day, 9), citizen=first, details=details()
    )
    b, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(day, 9, 30), citizen=second, details=details()
    )
    target = athens(day, 12)
    calls = []
    hold_at_insert["barrier"] = threading.Barrier(2, timeout=15)
    for citizen, appointment in ((first, a), (second, b)):
        url = reverse("appointments:booking_reschedule", args=[appointment.code])
        confirm = reverse("appointments:booking_reschedule_details", args=[appointment.code])
        session, token = _session(live_server, citizen, url)
        calls.append(
            lambda session=session, token=token, confirm=confirm: session.post(
                live_server.url + confirm,
                data={"csrfmiddlewaretoken": token, "slot": target.isoformat(), **details()},
                headers={"Referer": live_server.url + confirm},
                timeout=60,
            )
        )
    responses = run_at_once(calls)
    assert all(isinstance(r, requests.Response) and r.status_code < 500 for r in responses), responses
    assert Appointment.objects.filter(start=target).count() == 1
    assert sum(TAKEN in r.text for r in responses) == 1, [
        (r.url, r.status_code, re.findall(r"alert[^>]*>([^<]*)<", r.text)) for r in responses
    ]
