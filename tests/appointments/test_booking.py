from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from appointments import services
from appointments.models import Appointment, Mode
from portal.models import OutboundEmail
from tests.appointments.conftest import athens, details, make_clerk, next_weekday
from tests.emails import calendar_part, last_email_to, link_in

pytestmark = pytest.mark.django_db


def _book(service, citizen, start, **kwargs):
    # E-mails and meetings wait for the commit (on_commit); the test's transaction never commits, so run them
    # as the commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.appointment_book(
            service=service,
            mode=kwargs.pop("mode", Mode.IN_PERSON),
            start=start,
            citizen=citizen,
            details=details(**kwargs),
        )


def test_the_database_refuses_an_overlap_and_the_service_says_slot_taken(service, clerk, verified, other_citizen):
    start = athens(next_weekday(1), 10)
    _book(service, verified, start)
    with pytest.raises(services.SlotUnavailable):
        _book(service, other_citizen, start)  # the slot engine already knows
    # Bypassing the engine, the constraint is what stops it.
    appointment = Appointment.objects.get()
    appointment.pk = None
    appointment.code = "X1"
    appointment.manage_token_hash = "x"
    with pytest.raises(services.SlotTaken):
        services._guarded_insert(appointment)


def test_the_constraint_is_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT contype FROM pg_constraint WHERE conname = 'appointments_no_overlap'")
        assert cursor.fetchone() == ("x",)


def test_any_assigns_the_clerk_with_fewest_bookings_that_day(service, clerk, clerk_two, verified, other_citizen):
    day = next_weekday(1)
    first, _ = _book(service, verified, athens(day, 9))
    assert first.clerk == clerk  # a tie goes to the lower id
    second, _ = _book(service, other_citizen, athens(day, 11))
    assert second.clerk == clerk_two


def test_booking_e_mails_the_citizen_with_an_ics_and_the_clerk_in_athens_time(service, clerk, verified):
    day = next_weekday(1)
    appointment, token = _book(service, verified, athens(day, 10, 30), email="eleni@example.gr")
    message = last_email_to("eleni@example.gr")
    assert appointment.code in message.subject
    assert link_in(message, f"/appointments/manage/{token}/reschedule/")
    assert link_in(message, f"/appointments/manage/{token}/cancel/")
    assert "10:30" in message.body
    _content_type, method, calendar = calendar_part(message)
    assert method == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Athens"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == appointment.start
    assert event.decoded("dtend").astimezone(UTC) == appointment.end
    clerk_message = last_email_to(clerk.user.email)
    assert "10:30" in clerk_message.body and "Αθήνα" in clerk_message.body


def test_video_booking_gets_a_join_link_and_the_third_person_an_invitation(service, clerk, verified):
    appointment, _ = _book(
        service,
        verified,
        athens(next_weekday(2), 9),
        mode=Mode.VIDEO,
        third_party_role="engineer",
        third_party_name="Γιάννης Μηχανικός",
        third_party_email="engineer@example.gr",
        documents_acknowledged=True,
    )
    appointment.refresh_from_db()
    assert appointment.meeting_provider == "dev"
    assert appointment.meeting_url
    join = f"{settings.SITE_URL}/appointments/join/{appointment.code}/"
    confirmation = last_email_to("eleni@example.gr")
    assert join in confirmation.body  # the confirmation itself lets the citizen join (guide step 6)
    assert str(calendar_part(confirmation)[2].walk("VEVENT")[0]["URL"]) == join
    invitation = last_email_to("engineer@example.gr")
    assert join in invitation.body
    # The join page opens the provider's meeting.
    response = Client().get(reverse("appointments:join", args=[appointment.code]))
    assert response.status_code == 302 and response["Location"] == appointment.meeting_url


def test_reschedule_moves_the_booking_and_logs_history(service, clerk, verified):
    day = next_weekday(1)
    appointment, _token = _book(service, verified, athens(day, 9))
    moved, _new_token = services.appointment_reschedule(appointment=appointment, start=athens(day, 9, 30))
    assert moved.start == athens(day, 9, 30)
    assert len(moved.history) == 1


def test_reschedule_rotates_the_manage_token(service, clerk, verified):
    day = next_weekday(1)
    appointment, token = _book(service, verified, athens(day, 9))
    _moved, new_token = services.appointment_reschedule(appointment=appointment, start=athens(day, 9, 30))
    client = Client()
    assert client.get(reverse("appointments:manage", args=[token])).status_code == 404
    assert client.get(reverse("appointments:manage", args=[new_token])).status_code == 200


def test_a_forged_manage_token_finds_nothing(service, clerk, verified):
    _book(service, verified, athens(next_weekday(1), 9))
    assert Client().get(reverse("appointments:manage_cancel", args=["forged-token"])).status_code == 404


def test_a_manage_link_cancels_without_login(service, clerk, verified):
    appointment, token = _book(service, verified, athens(next_weekday(1), 9))
    response = Client().post(reverse("appointments:manage_cancel", args=[token]), {"reason": ""})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_used_manage_link_does_nothing_more(service, clerk, verified):
    _appointment, token = _book(service, verified, athens(next_weekday(1), 9))
    client = Client()
    client.post(reverse("appointments:manage_cancel", args=[token]), {"reason": ""})
    assert client.post(reverse("appointments:manage_cancel", args=[token])).status_code == 404
    assert client.post(reverse("appointments:manage_reschedule", args=[token])).status_code == 404


@pytest.fixture
def started_booking(service, clerk, verified):
    appointment, token = _book(service, verified, athens(next_weekday(1), 9))
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
    return appointment, token


@pytest.mark.parametrize("action", ["manage_cancel", "manage_reschedule"])
def test_manage_links_refuse_after_the_start_and_say_why(started_booking, action):
    appointment, token = started_booking
    response = Client().post(reverse(f"appointments:{action}", args=[token]), {"reason": "", "slot": ""})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.start < timezone.now()
    assert str(services.TooLate.message) in response.content.decode()


def test_manage_links_refuse_cancel_and_reschedule_with_the_same_status(started_booking):
    _appointment, token = started_booking
    client = Client()
    cancel = client.post(reverse("appointments:manage_cancel", args=[token]), {"reason": ""})
    reschedule = client.post(reverse("appointments:manage_reschedule", args=[token]), {"slot": ""})
    assert cancel.status_code == reschedule.status_code == 409


def test_another_citizen_gets_404(service, clerk, verified, other_citizen):
    appointment, _ = _book(service, verified, athens(next_weekday(1), 9))
    client = Client()
    client.force_login(other_citizen)
    for name in ["booking", "booking_reschedule", "booking_cancel"]:
        assert client.get(reverse(f"appointments:{name}", args=[appointment.code])).status_code == 404
    assert client.post(reverse("appointments:booking_cancel", args=[appointment.code])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_an_unverified_citizen_is_sent_to_verification(citizen, service, clerk):
    # The first page is public (what can be booked); the steps after it are for verified citizens.
    assert Client().get(reverse("appointments:start", args=["chania"])).status_code == 200
    client = Client()
    client.force_login(citizen)
    response = client.get(reverse("appointments:services", args=["chania", "in_person"]))
    assert response.status_code == 302
    assert response.url == reverse("identity_verification:start")


def test_details_form_keeps_input_and_explains_errors(service, clerk, verified):
    client = Client()
    client.force_login(verified)
    start = athens(next_weekday(1), 9)
    url = reverse("appointments:details", args=["chania", "video", service.pk])
    response = client.post(
        url,
        {
            "slot": start.isoformat(),
            "full_name": "Ελένη",
            "email": "not-an-email",
            "mobile_phone": "12",
            "subject": "Θέμα που κρατιέται",
            "third_party": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"email", "mobile_phone", "documents_acknowledged", "privacy_consent", "third_party_name"} <= set(errors)
    assert "Θέμα που κρατιέται" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_taken_slot_brings_the_citizen_back_to_the_calendar_with_a_message(service, clerk, verified, other_citizen):
    start = athens(next_weekday(1), 9)
    client = Client()
    client.force_login(other_citizen)
    url = reverse("appointments:details", args=["chania", "in_person", service.pk])
    assert client.get(url, {"slot": start.isoformat()}).status_code == 200
    _book(service, verified, start)
    response = client.post(
        url,
        {
            "slot": start.isoformat(),
            "full_name": "Νίκος",
            "email": "nikos@example.gr",
            "mobile_phone": "6912345678",
            "subject": "Θέμα",
            "privacy_consent": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(
        reverse("appointments:slots", args=["chania", "in_person", service.pk])
    )
    assert (
        str(services.SlotTaken.message) in response.content.decode()
        or str(services.SlotUnavailable.message) in response.content.decode()
    )


def test_reminders_are_sent_once(service, clerk, verified, django_capture_on_commit_callbacks):
    appointment, _ = _book(service, verified, athens(next_weekday(1), 9))
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() + timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 2  # both the 24-hour and the 2-hour one are due
        assert services.reminders_send() == 0
    assert len([m for m in mail.outbox if "eleni@example.gr" in m.to]) == 2


def test_clerk_cancels_with_a_reason_and_the_citizen_is_told(service, clerk, verified):
    appointment, _ = _book(service, verified, athens(next_weekday(1), 9))
    client = Client()
    client.force_login(clerk.user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("appointments:staff_cancel", args=[appointment.code]), {"reason": "Ασθένεια"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert "Ασθένεια" in last_email_to("eleni@example.gr").body


def test_clerk_calendar_shows_athens_time_and_other_clerks_get_404(service, clerk, verified, chania):
    day = next_weekday(1)
    appointment, _ = _book(service, verified, athens(day, 10, 30))
    client = Client()
    client.force_login(clerk.user)
    page = client.get(reverse("appointments:staff_calendar"), {"date": day.isoformat()}).content.decode()
    assert "10:30" in page and appointment.full_name in page
    other = make_clerk("other", chania)
    client.force_login(other.user)
    assert (
        client.post(reverse("appointments:staff_cancel", args=[appointment.code]), {"reason": "x"}).status_code == 404
    )


def test_feed_token_reset_closes_the_old_url(service, clerk, verified):
    _book(service, verified, athens(next_weekday(1), 9))
    first = services.feed_token_reset(staff=clerk)
    client = Client()
    response = client.get(reverse("appointments:feed", args=[first]))
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    services.feed_token_reset(staff=clerk)
    assert client.get(reverse("appointments:feed", args=[first])).status_code == 404


def test_emails_are_sent_by_the_worker_after_the_commit(service, clerk, verified, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        services.appointment_book(
            service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
        )
    # Inside the booking's transaction the e-mails are only rows of the outbox; nothing has been sent.
    queued = OutboundEmail.objects.filter(to__contains=["eleni@example.gr"])
    assert queued.get().status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []
    for callback in after_commit:  # the commit hands them to the worker's task (in-process in tests)
        callback()
    assert queued.get().status == OutboundEmail.Status.SENT
    assert [message.to for message in mail.outbox if "eleni@example.gr" in message.to] == [["eleni@example.gr"]]
