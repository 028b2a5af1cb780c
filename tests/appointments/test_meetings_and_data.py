import pytest

from appointments import services
from appointments.meetings import provider
from appointments.models import Appointment, Mode
from tests.appointments.conftest import athens, details, next_weekday

pytestmark = pytest.mark.django_db


def test_jitsi_rooms_are_unguessable_urls_on_the_configured_host(
    settings, service, clerk, verified, django_capture_on_commit_callbacks
):
    settings.MEETING_PROVIDER = "jitsi"
    settings.JITSI_HOST = "meet.example.gr"
    with django_capture_on_commit_callbacks(execute=True):
        appointment, _ = services.appointment_book(
            service=service,
            mode=Mode.VIDEO,
            start=athens(next_weekday(1), 9),
            citizen=verified,
            details=details(documents_acknowledged=True),
        )
    appointment.refresh_from_db()
    assert appointment.meeting_url.startswith("https://meet.example.gr/dimos-")
    assert len(appointment.meeting_url.rsplit("/", 1)[1]) >= 30
    assert provider("jitsi").create(appointment).join_url != appointment.meeting_url


def test_an_unknown_provider_is_an_error(settings):
    settings.MEETING_PROVIDER = "skype"
    with pytest.raises(ValueError, match="skype"):
        provider()


def test_personal_data_is_exported_and_erased(service, clerk, verified):
    from accounts.registry import personal_data_sections

    section = next(s for s in personal_data_sections() if s.key == "appointments")
    services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
    )
    exported = section.export(verified)
    assert exported[0]["subject"] == "Άδεια δόμησης"
    section.erase(verified)
    appointment = Appointment.objects.get()
    assert appointment.citizen is None and appointment.full_name == "" and appointment.email == ""
    assert appointment.status == Appointment.Status.CANCELLED  # the clerk's time is free again
