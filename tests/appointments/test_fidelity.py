"""Issue 9's examples at the level of pages and services: bad input, lost races, clerks' forms, account deletion."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import registry
from appointments import services
from appointments.forms import DetailsForm
from appointments.models import Appointment, Mode, StaffMember, WorkingHours
from tests.appointments.conftest import athens, details, next_weekday
from tests.emails import calendar_part, emails_to

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _slots_url(service, mode=Mode.IN_PERSON):
    return reverse("appointments:slots", args=[service.municipality.slug, mode, service.pk])


def _details_url(service, mode=Mode.IN_PERSON):
    return reverse("appointments:details", args=[service.municipality.slug, mode, service.pk])


# §6 Bad input that gave 500


@pytest.mark.parametrize(
    "query",
    ["?month=9999-12&day=9999-12-31", "?month=0001-01&day=0001-01-01", "?month=99999-99", "?day=not-a-day"],
)
def test_calendar_addresses_outside_the_calendar_are_clamped(service, clerk, verified, query):
    response = _client(verified).get(_slots_url(service) + query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "slot", ["9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00", "garbage"]
)
def test_details_with_a_slot_no_calendar_holds_goes_back_with_a_message(service, clerk, verified, slot):
    response = _client(verified).get(_details_url(service), {"slot": slot}, follow=True)
    assert response.status_code == 200
    assert "Αυτή η ώρα δεν είναι διαθέσιμη" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
@pytest.mark.parametrize("view", ["week", "day"])
def test_the_clerks_calendar_survives_any_date(clerk, day, view):
    response = _client(clerk.user).get(reverse("appointments:staff_calendar"), {"date": day, "view": view})
    assert response.status_code == 200


# §3 Losing a race keeps the citizen's place


def test_a_lost_race_returns_to_the_same_day_with_the_typed_details_kept(service, clerk, verified, other_citizen):
    day = next_weekday(2)
    start = athens(day, 10)
    client = _client(verified)
    typed = {"slot": start.isoformat(), **details(subject="Αυθαίρετο στο οικόπεδο"), "privacy_consent": "on"}
    # Someone else takes the time between the citizen's choice and their submit.
    services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=start, citizen=other_citizen, details=details()
    )
    response = client.post(_details_url(service), typed)
    assert response.status_code == 302
    assert response["Location"] == f"{_slots_url(service)}?month={day:%Y-%m}&day={day.isoformat()}"
    page = client.get(response["Location"]).content.decode()
    assert "Αυτή η ώρα δεν είναι διαθέσιμη" in page
    assert f'value="{athens(day, 10, 30).isoformat()}"' in page  # the day's remaining times
    # Choosing another time brings back what was typed.
    again = client.get(_details_url(service), {"slot": athens(day, 10, 30).isoformat()}).content.decode()
    assert "Αυθαίρετο στο οικόπεδο" in again


# §7 Details


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("2821012345", False),  # Chania landline
        ("+302821012345", False),
        ("210 1234567", False),  # Athens landline
        ("6912345678", True),
        ("+30 697 123 4567", True),
        ("+447911123456", True),  # UK mobile
        ("+442071234567", False),  # London landline
        ("+14155550123", True),  # USA: the plan cannot tell mobile from fixed
    ],
)
def test_the_mobile_phone_must_be_a_mobile(number, accepted):
    form = DetailsForm(
        {**details(mobile_phone=number), "privacy_consent": "on"},
        video=False,
    )
    assert form.is_valid() is accepted, form.errors
    if not accepted:
        assert form.errors["mobile_phone"]


def test_the_details_are_prefilled_from_the_account(service, clerk, verified):
    page = _client(verified).get(_details_url(service), {"slot": athens(next_weekday(1), 9).isoformat()})
    content = page.content.decode()
    assert 'value="+306912345678"' in content
    assert f'value="{verified.full_name}"' in content


# §7 Clerks


def test_working_hours_that_end_before_they_start_are_refused_with_a_reason(clerk):
    client = _client(clerk.user)
    url = reverse("appointments:staff_availability")
    response = client.post(url, {"action": "hours", "hours-weekday": "5", "hours-start": "12:00", "hours-end": "10:00"})
    assert (
        "Οι ώρες εργασίας πρέπει να τελειώνουν μετά την έναρξή τους: το 12:00–10:00 όχι." in response.content.decode()
    )
    assert not WorkingHours.objects.filter(staff=clerk, weekday=5).exists()


def test_time_off_that_ends_before_it_starts_is_refused_with_a_reason(clerk):
    client = _client(clerk.user)
    url = reverse("appointments:staff_availability")
    response = client.post(
        url, {"action": "off", "off-start": "2030-01-02T12:00", "off-end": "2030-01-02T09:00", "off-reason": ""}
    )
    assert "Η άδεια πρέπει να τελειώνει μετά την έναρξή της." in response.content.decode()


def test_a_clerk_cancels_only_after_a_confirmation_with_a_reason(
    service, clerk, verified, django_capture_on_commit_callbacks
):
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
    )
    client = _client(clerk.user)
    url = reverse("appointments:staff_cancel", args=[appointment.code])
    assert "Ναι, ακύρωση του ραντεβού" in client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Δώστε αιτιολογία για την ακύρωση" in refused.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Ασθένεια υπαλλήλου"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by == clerk.user and appointment.cancelled_at is not None
    assert "Ασθένεια υπαλλήλου" in emails_to("eleni@example.gr")[-1].body


def test_cancelled_bookings_stay_in_the_clerks_calendar_struck_through(service, clerk, verified):
    day = next_weekday(1)
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(day, 9), citizen=verified, details=details()
    )
    services.appointment_cancel(appointment=appointment, actor=clerk.user, reason="Ασθένεια", by_clerk=True)
    page = _client(clerk.user).get(reverse("appointments:staff_calendar"), {"date": day.isoformat()})
    content = page.content.decode()
    assert "appointment-cancelled" in content
    assert '<del><span class="staff-time">09:00–09:20</span>' in content
    assert f"Ακυρώθηκε από {clerk.user.full_name}" in content
    assert "Ασθένεια" in content


def test_the_demo_has_past_bookings_a_clerk_can_mark_at_once():
    call_command("load_demo", verbosity=0)
    now = timezone.now()
    past = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, start__lt=now, start__gt=now - timedelta(days=7)
    )
    assert past.count() == 2
    clerk = StaffMember.objects.get(pk=past.first().clerk_id)
    day = past.first().start.astimezone(clerk.municipality.zone).date()
    page = _client(clerk.user).get(reverse("appointments:staff_calendar"), {"date": day.isoformat()})
    assert "Προσήλθε" in page.content.decode()


# §7 Accounts


def test_the_delete_page_lists_upcoming_bookings_and_deletion_cancels_them_with_notices(
    service, clerk, verified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment, _ = services.appointment_book(
            service=service,
            mode=Mode.VIDEO,
            start=athens(next_weekday(1), 9),
            citizen=verified,
            details=details(
                third_party_role="lawyer", third_party_name="Νίκος Δικηγόρος", third_party_email="lawyer@example.gr"
            ),
        )
    lines = registry.erase_consequences(verified)
    assert len(lines) == 1 and "θα ακυρωθεί" in lines[0] and service.name_el in lines[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.citizen_data_erase(verified)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.full_name == "" and appointment.citizen is None
    clerk_notice = emails_to(clerk.user.email)[-1]
    assert calendar_part(clerk_notice)[1] == "CANCEL"
    assert "διέγραψε τον λογαριασμό" in clerk_notice.body
    assert calendar_part(emails_to("lawyer@example.gr")[-1])[1] == "CANCEL"
    assert emails_to("eleni@example.gr") == []  # the address being deleted is not written to


# Found by trying it as a new user


def test_a_change_of_details_only_is_not_called_a_move(service, clerk, verified, django_capture_on_commit_callbacks):
    start = athens(next_weekday(1), 9)
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=start, citizen=verified, details=details()
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed, _ = services.appointment_reschedule(
            appointment=appointment, start=start, details=details(subject="Νέο θέμα")
        )
    assert changed.history == [] and changed.subject == "Νέο θέμα"
    assert emails_to("eleni@example.gr")[-1].subject.startswith("Τα στοιχεία του ραντεβού σας άλλαξαν")
    assert emails_to(clerk.user.email)[-1].subject.startswith("Αλλαγή στοιχείων ραντεβού")


def test_a_replaced_third_person_gets_a_cancellation(service, clerk, verified, django_capture_on_commit_callbacks):
    start = athens(next_weekday(1), 9)
    third = {"third_party_role": "engineer", "third_party_name": "Α. Μηχανικός", "third_party_email": "a@example.gr"}
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.VIDEO, start=start, citizen=verified, details=details(**third)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            appointment=appointment,
            start=start,
            details=details(**{**third, "third_party_name": "Β. Μηχανικός", "third_party_email": "b@example.gr"}),
        )
    withdrawn = emails_to("a@example.gr")[-1]
    assert calendar_part(withdrawn)[1] == "CANCEL"
    assert "αποσύρεται" in withdrawn.body
    assert calendar_part(emails_to("b@example.gr")[-1])[1] == "REQUEST"


def test_a_used_up_manage_link_says_why(service, clerk, verified):
    appointment, token = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
    )
    services.appointment_reschedule(appointment=appointment, start=athens(next_weekday(1), 10))
    for name in ["manage", "manage_reschedule", "manage_cancel"]:
        response = Client().get(reverse(f"appointments:{name}", args=[token]))
        assert response.status_code == 404
        assert "Αυτός ο σύνδεσμος δεν λειτουργεί πλέον" in response.content.decode()


def test_a_bookings_pages_are_never_cached(service, clerk, verified):
    appointment, token = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
    )
    for response in (
        Client().get(reverse("appointments:manage", args=[token])),
        _client(verified).get(reverse("appointments:booking", args=[appointment.code])),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("code", ["AB\x00CD", "x" * 500, "AB-CD", "NOSUCHCODE"])
@pytest.mark.parametrize(
    "address",
    [
        "/appointments/join/{}/",
        "/appointments/booking/{}/",
        "/appointments/waitlist/{}/",
        "/appointments/staff/{}/cancel/",
    ],
)
def test_a_code_that_is_not_one_is_not_found_never_a_server_error(verified, clerk, code, address):
    client = _client(clerk.user if "staff" in address else verified)
    assert client.get(address.format(code)).status_code == 404
