"""The booking details form and the clerk's forms, drawn by crispy-forms: errors described, summaries announced."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.appointments.conftest import athens, next_weekday
from tests.forms_a11y import alerts, assert_error_described, invalid_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def details_page(service, clerk, verified):
    client = Client()
    client.force_login(verified)
    url = reverse("appointments:details", args=["chania", "video", service.pk])
    data = {"slot": athens(next_weekday(1), 9).isoformat(), "full_name": "Ελένη", "email": "not-an-email"}
    data |= {"mobile_phone": "12", "subject": "Θέμα", "third_party": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "name", ["email", "mobile_phone", "third_party_name", "documents_acknowledged", "privacy_consent"]
)
def test_each_details_field_with_an_error_is_described_by_it(details_page, name):
    error = details_page.context["form"].errors[name][0]
    assert_error_described(details_page.content.decode(), f"id_{name}", error)


def test_the_application_number_is_described_by_its_help_only_and_not_marked_invalid(details_page):
    page = details_page.content.decode()
    assert "id_application_number" not in invalid_fields(page)
    assert 'aria-describedby="id_application_number_helptext"' in page and 'id="id_application_number_helptext"' in page


def test_the_details_summary_is_one_alert_above_the_fields(details_page):
    form = details_page.context["form"]
    summary, *field_alerts = alerts(details_page.content.decode())
    assert summary == "Διορθώστε τα παρακάτω λάθη."
    assert len(field_alerts) == len(form.errors) and form.errors["mobile_phone"][0] in field_alerts


def test_overlapping_working_hours_are_an_alert_that_describes_the_form(clerk):
    client = Client()
    client.force_login(clerk.user)
    url = reverse("appointments:staff_availability")
    data = {"action": "hours", "hours-weekday": "0", "hours-start": "13:00", "hours-end": "09:00"}
    page = client.post(url, data).content.decode()
    (summary,) = alerts(page)
    assert "13:00–09:00" in summary and "Διορθώστε" not in summary
    assert 'aria-describedby="hours-errors"' in page and 'id="hours-errors"' in page


def test_a_clerks_cancellation_without_a_reason_is_described(service, clerk, verified):
    from tests.appointments.test_booking import _book

    booking, _token = _book(service, verified, athens(next_weekday(1), 9))
    client = Client()
    client.force_login(clerk.user)
    response = client.post(reverse("appointments:staff_cancel", args=[booking.code]), {"reason": ""})
    assert_error_described(response.content.decode(), "id_reason", response.context["form"].errors["reason"][0])
