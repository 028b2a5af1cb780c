"""A broker that is down never turns a saved booking into an error, and the work left undone is redone later."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, Mode
from appointments.tasks import meetings_reconcile
from portal import services as portal_services
from portal.models import OutboundEmail
from tests.appointments.conftest import athens, details, next_weekday
from tests.broker import tasks_sent_to_broker

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _broker_state():
    portal_services._broker_down_until = 0.0
    portal_services.publish_counts.update(tried=0, refused=0, skipped=0)
    yield
    portal_services._broker_down_until = 0.0


def _video_booking_through_the_page(service, citizen):
    client = Client()
    client.force_login(citizen)
    start = athens(next_weekday(1), 10)
    url = reverse("appointments:details", args=[service.municipality.slug, Mode.VIDEO, service.pk])
    return client.post(
        url,
        {
            "slot": start.isoformat(),
            **details(documents_acknowledged="on"),
            "privacy_consent": "on",
        },
    )


def test_a_video_booking_with_the_broker_down_is_saved_and_answered(
    service, clerk, verified, django_capture_on_commit_callbacks
):
    with (
        tasks_sent_to_broker(CLOSED_PORT, max_retries=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _video_booking_through_the_page(service, verified)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:booking", args=[appointment.code])
    assert appointment.status == Appointment.Status.BOOKED and appointment.meeting_url == ""
    # The e-mails wait in the outbox; only the first publish tried the broker, the others were not attempted.
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count() == 2
    # One refused connection bounds the request's wait; the second e-mail and the meeting were not even tried.
    assert portal_services.publish_counts == {"tried": 1, "refused": 1, "skipped": 2}

    # The beat, once the broker is back, creates the meeting the refused publish never asked for.
    assert meetings_reconcile() == {"created": 1, "removed": 0}
    appointment.refresh_from_db()
    assert appointment.meeting_url


def test_a_reschedule_with_the_broker_down_is_saved(service, clerk, verified, django_capture_on_commit_callbacks):
    day = next_weekday(1)
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.VIDEO, start=athens(day, 9), citizen=verified, details=details()
    )
    with (
        tasks_sent_to_broker(CLOSED_PORT, max_retries=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        moved, _ = services.appointment_reschedule(appointment=appointment, start=athens(day, 11))
    moved.refresh_from_db()
    assert moved.start == athens(day, 11)


def test_a_cancelled_meeting_left_open_by_the_outage_is_removed_by_the_beat(
    service, clerk, verified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment, _ = services.appointment_book(
            service=service, mode=Mode.VIDEO, start=athens(next_weekday(1), 9), citizen=verified, details=details()
        )
    appointment.refresh_from_db()
    assert appointment.meeting_id
    with (
        tasks_sent_to_broker(CLOSED_PORT, max_retries=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.appointment_cancel(appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.meeting_deleted_at is None
    assert meetings_reconcile() == {"created": 0, "removed": 1}
    appointment.refresh_from_db()
    assert appointment.meeting_deleted_at is not None
    assert meetings_reconcile() == {"created": 0, "removed": 0}


def test_the_demo_loads_with_the_broker_down(django_capture_on_commit_callbacks):
    with (
        tasks_sent_to_broker(CLOSED_PORT, max_retries=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("load_demo", verbosity=0)
    assert Appointment.objects.exists()
