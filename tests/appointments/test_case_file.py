"""«Ο φάκελός μου»: upcoming appointments first, soonest first; then past and cancelled ones as what they became."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from appointments.case_file import appointment_items
from appointments.models import Appointment
from tests.appointments.conftest import make_appointment, make_citizen

pytestmark = pytest.mark.django_db


def book(service, clerk, citizen, start, status=Appointment.Status.BOOKED) -> Appointment:
    return make_appointment(service, clerk, citizen, start, status, code_prefix="C")


def test_upcoming_first_then_past_as_past_newest_first(chania, service, clerk):
    citizen = make_citizen("maria", chania)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    later = book(service, clerk, citizen, now + timedelta(days=9))
    soon = book(service, clerk, citizen, now + timedelta(days=3))
    unmarked = book(service, clerk, citizen, now - timedelta(days=2))
    attended = book(service, clerk, citizen, now - timedelta(days=5), Appointment.Status.ATTENDED)
    missed = book(service, clerk, citizen, now - timedelta(days=7), Appointment.Status.NO_SHOW)
    cancelled = book(service, clerk, citizen, now + timedelta(days=4, hours=1), Appointment.Status.CANCELLED)

    with translation.override("el"):
        items = appointment_items(citizen)
        rows = [(item.url.rstrip("/").rsplit("/", 1)[-1], item.group, item.status) for item in items]
    assert rows == [
        (soon.code, "Προσεχή", "προγραμματισμένο"),
        (later.code, "Προσεχή", "προγραμματισμένο"),
        (cancelled.code, "Παλαιότερα και ακυρωμένα", "ακυρωμένο"),
        (unmarked.code, "Παλαιότερα και ακυρωμένα", "έληξε"),
        (attended.code, "Παλαιότερα και ακυρωμένα", "ολοκληρώθηκε"),
        (missed.code, "Παλαιότερα και ακυρωμένα", "δεν προσήλθε"),
    ]

    client = Client()
    client.force_login(citizen)
    page = client.get("/my/").content.decode()
    section = page[page.index('id="section-appointments"') :]
    assert section.index("Προσεχή") < section.index(soon.code) < section.index("Παλαιότερα και ακυρωμένα")
    past = section[section.index("Παλαιότερα και ακυρωμένα") : section.index("</section>")]
    assert "προγραμματισμένο" not in past and "έληξε" in past
