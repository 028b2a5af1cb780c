from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment, Mode, Service, StaffMember, TimeOff, WorkingHours
from tests.appointments.conftest import athens, details, make_clerk, next_weekday

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


AVAILABILITY = reverse("appointments:staff_availability")


def test_clerk_adds_working_hours(clerk):
    client = _client(clerk.user)
    assert client.get(AVAILABILITY).status_code == 200
    client.post(AVAILABILITY, {"action": "hours", "hours-weekday": "5", "hours-start": "10:00", "hours-end": "12:00"})
    assert WorkingHours.objects.filter(staff=clerk, weekday=5).exists()


def test_working_hours_that_end_before_they_start_are_refused_with_the_reason(clerk):
    response = _client(clerk.user).post(
        AVAILABILITY, {"action": "hours", "hours-weekday": "5", "hours-start": "12:00", "hours-end": "10:00"}
    )
    assert response.status_code == 200
    assert response.context["hours_form"].errors
    assert not WorkingHours.objects.filter(staff=clerk, weekday=5).exists()


def test_time_off_is_typed_in_the_municipalitys_time(clerk):
    _client(clerk.user).post(
        AVAILABILITY,
        {"action": "off", "off-start": "2030-01-02T09:00", "off-end": "2030-01-02T12:00", "off-reason": "Άδεια"},
    )
    off = TimeOff.objects.get(staff=clerk)
    assert off.start.astimezone(clerk.municipality.zone).hour == 9


def test_clerk_makes_a_feed_url(clerk):
    response = _client(clerk.user).post(AVAILABILITY, {"action": "feed"})
    assert "/appointments/feed/" in response.content.decode()


def test_a_citizen_has_no_clerk_pages(verified):
    client = _client(verified)
    assert client.get(reverse("appointments:staff_calendar")).status_code == 404
    assert client.get(reverse("appointments:staff_availability")).status_code == 404


def test_clerk_marks_attended_only_after_the_start(service, clerk, verified):
    appointment, _ = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=athens(next_weekday(1), 9), citizen=verified, details=details()
    )
    client = _client(clerk.user)
    url = reverse("appointments:staff_mark", args=[appointment.code])
    client.post(url, {"status": "attended"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED  # not started yet
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=5))
    client.post(url, {"status": "no_show"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_admin_lists_only_the_admins_municipality(service, clerk, thessaloniki, admin_client):
    from accounts.models import User

    other_service = Service.objects.create(
        municipality=thessaloniki,
        department=thessaloniki.departments.create(name_el="Δόμηση"),
        name_el="Άλλη",
        modes=["in_person"],
    )
    make_clerk("thess", thessaloniki, other_service)
    staff_admin = User.objects.create_user(
        "chania.admin", password="x", municipality=service.municipality, is_staff=True, is_superuser=False
    )
    from django.contrib.auth.models import Permission

    staff_admin.user_permissions.set(Permission.objects.filter(content_type__app_label="appointments"))
    client = _client(staff_admin)
    page = client.get(reverse("admin:appointments_service_changelist")).content.decode()
    assert "Οικοδομικές Άδειες" in page and "Άλλη" not in page
    page = client.get(reverse("admin:appointments_staffmember_changelist")).content.decode()
    assert StaffMember.objects.count() == 2
    assert "thess" not in page
