"""Calendar messages that calendar programs apply (iTIP, RFC 5546; iMIP, RFC 6047), read from the sent e-mails."""

import pytest
from django.core import mail

from appointments import services
from appointments.models import Appointment, Mode, TimeOff
from tests.appointments.conftest import athens, details, next_weekday
from tests.emails import calendar_part, emails_to

pytestmark = pytest.mark.django_db

CITIZEN, ENGINEER = "eleni@example.gr", "engineer@example.gr"


@pytest.fixture
def video_booking(service, clerk, verified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment, _token = services.appointment_book(
            service=service,
            mode=Mode.VIDEO,
            start=athens(next_weekday(1), 10),
            citizen=verified,
            details=details(
                third_party_role="engineer",
                third_party_name="Γιάννης Μηχανικός",
                third_party_email=ENGINEER,
                documents_acknowledged=True,
            ),
        )
    return appointment


def _messages(address):
    return [calendar_part(message) for message in emails_to(address) if _has_calendar(message)]


def _has_calendar(message) -> bool:
    try:
        calendar_part(message)
    except AssertionError:
        return False
    return True


def _event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_booking_sends_a_request_with_organizer_attendees_and_the_mime_method(video_booking, clerk):
    for address in (CITIZEN, clerk.user.email, ENGINEER):
        content_type, method, calendar = _messages(address)[-1]
        assert method == "REQUEST"
        assert content_type.params["method"] == "REQUEST"
        assert content_type.params["charset"].lower() == "utf-8"
        assert str(calendar["METHOD"]) == "REQUEST"
        event = _event(calendar)
        assert str(event["ORGANIZER"]).lower() == "mailto:info@chania.example.gr"  # the department has no mailbox
        attendees = {str(attendee).lower() for attendee in event.get("ATTENDEE")}
        assert attendees == {f"mailto:{CITIZEN}", f"mailto:{clerk.user.email}", f"mailto:{ENGINEER}"}
        assert int(event["SEQUENCE"]) == 0
        assert str(event["UID"]).startswith(video_booking.code + "@")


def test_the_organizer_is_the_departments_mailbox_and_replies_go_there(
    service, clerk, verified, django_capture_on_commit_callbacks
):
    service.department.email = "building@chania.example.gr"
    service.department.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_book(
            service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
        )
    assert len(mail.outbox) == 2  # the citizen and the clerk
    for message in mail.outbox:
        assert message.extra_headers["Reply-To"] == "building@chania.example.gr"
    _type, _method, calendar = _messages(CITIZEN)[-1]
    assert str(_event(calendar)["ORGANIZER"]).lower() == "mailto:building@chania.example.gr"


def test_sequence_grows_with_every_message_and_the_uid_never_changes(
    video_booking, clerk, django_capture_on_commit_callbacks
):
    day = next_weekday(1)
    with django_capture_on_commit_callbacks(execute=True):
        moved, _ = services.appointment_reschedule(appointment=video_booking, start=athens(day, 11))
        moved, _ = services.appointment_reschedule(appointment=moved, start=athens(day, 12))
        services.appointment_cancel(appointment=moved)
    for address in (CITIZEN, clerk.user.email, ENGINEER):
        messages = _messages(address)
        methods = [method for _type, method, _calendar in messages]
        sequences = [int(_event(calendar)["SEQUENCE"]) for _type, _method, calendar in messages]
        uids = {str(_event(calendar)["UID"]) for _type, _method, calendar in messages}
        assert methods == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"], address
        assert sequences == [0, 1, 2, 3], address
        assert len(uids) == 1
    _type, _method, last = _messages(CITIZEN)[-1]
    assert str(_event(last)["STATUS"]) == "CANCELLED"


def test_the_third_person_is_told_of_a_move_and_of_a_cancellation(video_booking, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(appointment=video_booking, start=athens(next_weekday(1), 11))
        services.appointment_cancel(appointment=Appointment.objects.get(pk=video_booking.pk))
    subjects = [message.subject for message in emails_to(ENGINEER)]
    assert subjects[0].startswith("Πρόσκληση σε τηλεδιάσκεψη")
    assert subjects[1].startswith("Μεταφέρθηκε:")
    assert subjects[2].startswith("Ακυρώθηκε:")


def test_the_confirmation_itself_carries_the_join_link_in_text_and_calendar(video_booking):
    confirmation = emails_to(CITIZEN)[0]
    join = f"/appointments/join/{video_booking.code}/"
    assert join in confirmation.body
    _type, _method, calendar = calendar_part(confirmation)
    assert str(_event(calendar)["URL"]).endswith(join)
    assert str(_event(calendar)["LOCATION"]).endswith(join)
    assert len(emails_to(CITIZEN)) == 1  # no second e-mail for the link


def test_a_move_to_another_clerk_cancels_at_the_old_and_invites_the_new(
    service, clerk, clerk_two, verified, django_capture_on_commit_callbacks
):
    day = next_weekday(1)
    with django_capture_on_commit_callbacks(execute=True):
        appointment, _ = services.appointment_book(
            service=service, mode=Mode.IN_PERSON, start=athens(day, 9), citizen=verified, clerk=clerk, details=details()
        )
    TimeOff.objects.create(staff=clerk, start=athens(day, 9, 30), end=athens(day, 10))
    with django_capture_on_commit_callbacks(execute=True):
        moved, _ = services.appointment_reschedule(appointment=appointment, start=athens(day, 9, 30))
    assert moved.clerk == clerk_two
    assert [method for _type, method, _calendar in _messages(clerk.user.email)] == ["REQUEST", "CANCEL"]
    assert [method for _type, method, _calendar in _messages(clerk_two.user.email)] == ["REQUEST"]
    _type, _method, calendar = _messages(clerk_two.user.email)[-1]
    assert int(_event(calendar)["SEQUENCE"]) == 1
