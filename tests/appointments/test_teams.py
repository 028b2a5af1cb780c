"""The Teams provider against a stand-in token endpoint and Graph over real HTTPS: nothing is patched away."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from appointments import services
from appointments.meetings import RetryLater
from appointments.meetings.teams import TeamsProvider
from appointments.models import Appointment, Mode
from tests.appointments.conftest import athens, details, next_weekday
from tests.emails import last_email_to
from tests.stubs.graph import GraphStub

pytestmark = pytest.mark.django_db(transaction=True)
ORGANIZER = "00000000-0000-0000-0000-00000000c1e4"


@pytest.fixture
def graph(settings, monkeypatch):
    with GraphStub() as stub:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stub.cert_path))  # trust the stand-in's own certificate
        settings.MEETING_PROVIDER = "teams"
        settings.TEAMS_AUTHORITY_HOST = stub.origin
        settings.TEAMS_TENANT_ID = stub.tenant
        settings.TEAMS_CLIENT_ID = stub.client_id
        settings.TEAMS_CLIENT_SECRET = stub.client_secret
        settings.GRAPH_BASE_URL = stub.graph_url
        settings.TEAMS_ORGANIZER_ID = ORGANIZER
        yield stub


def _video(service, citizen, start):
    return services.appointment_book(
        service=service,
        mode=Mode.VIDEO,
        start=start,
        citizen=citizen,
        details=details(
            third_party_role="lawyer",
            third_party_name="Δικηγόρος",
            third_party_email="lawyer@example.gr",
            documents_acknowledged=True,
        ),
    )


def test_booking_creates_a_lobbied_teams_meeting_and_mails_its_link(graph, service, clerk, verified):
    appointment, _ = _video(service, verified, athens(next_weekday(1), 10))
    appointment.refresh_from_db()
    assert appointment.meeting_provider == "teams"
    meeting = graph.meetings[appointment.meeting_id]
    assert meeting["externalId"] == appointment.code
    assert meeting["lobbyBypassSettings"]["scope"] == "organizer"
    assert meeting["organizer"] == ORGANIZER
    assert meeting["startDateTime"] == appointment.start.isoformat().replace("+00:00", "Z")
    assert appointment.meeting_url == meeting["joinWebUrl"]
    join = f"{django_settings.SITE_URL}/appointments/join/{appointment.code}/"
    assert join in last_email_to("lawyer@example.gr").body
    response = Client().get(reverse("appointments:join", args=[appointment.code]))
    assert response.status_code == 302 and response["Location"] == meeting["joinWebUrl"]


def test_create_or_get_is_idempotent(graph, service, clerk, verified):
    appointment, _ = _video(service, verified, athens(next_weekday(1), 10))
    appointment.refresh_from_db()
    again = TeamsProvider().create(appointment)
    assert again.id == appointment.meeting_id
    assert len(graph.meetings) == 1


def test_reschedule_patches_and_cancel_deletes(graph, service, clerk, verified):
    day = next_weekday(1)
    appointment, _ = _video(service, verified, athens(day, 10))
    appointment.refresh_from_db()
    moved, _ = services.appointment_reschedule(appointment=appointment, start=athens(day, 11))
    assert graph.meetings[appointment.meeting_id]["startDateTime"] == moved.start.isoformat().replace("+00:00", "Z")
    services.appointment_cancel(appointment=moved)
    assert graph.meetings == {}
    moved.refresh_from_db()
    assert moved.meeting_deleted_at is not None
    assert [method for method, _, _ in graph.calls] == ["POST", "PATCH", "DELETE"]


def test_throttling_is_reported_with_retry_after(graph, service, clerk, verified, settings):
    settings.MEETING_PROVIDER = "dev"  # book without Teams, then call the provider by hand
    appointment, _ = _video(service, verified, athens(next_weekday(1), 10))
    graph.throttle, graph.retry_after = 1, 7
    with pytest.raises(RetryLater) as raised:
        TeamsProvider().create(appointment)
    assert raised.value.after == 7.0
    assert TeamsProvider().create(appointment).join_url.startswith("https://teams.microsoft.com/")


def test_a_failing_graph_never_loses_the_booking(graph, service, clerk, verified):
    graph.down = True
    appointment, _ = _video(service, verified, athens(next_weekday(1), 10))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.meeting_url == ""
    assert any(verified.email in m.to or "eleni@example.gr" in m.to for m in mail.outbox)  # the confirmation went
    graph.down = False
    from appointments.tasks import meetings_reconcile

    assert meetings_reconcile() == {"created": 1, "removed": 0}  # the beat, later
    appointment.refresh_from_db()
    assert appointment.meeting_url.startswith("https://teams.microsoft.com/")
