"""Every field of the request and e-request forms that has an error is marked invalid and described by its error.

The request form draws the address (an input group with a search button) and the files (help text of its own) by
hand around crispy's pieces; the e-request form its delivery radios. Each must still point at ids that exist.
"""

import pytest
from django.urls import reverse

from tests.forms_a11y import alerts, assert_error_described, described_by, invalid_fields
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.fixtures import image_bytes, make_request, upload
from tests.requests_tracker.test_erequests import _post as erequest_post
from tests.requests_tracker.test_erequests import client_for
from tests.requests_tracker.test_views import _form

pytestmark = pytest.mark.django_db

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified


@pytest.fixture
def bad_request_page(client, reporter, categories, geocoder):
    client.force_login(reporter)
    data = _form(
        categories,
        title="",
        files=[upload("evil.png", b"<svg/>")],
    )
    response = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)
    assert response.status_code == 200
    return response


def test_a_missing_title_is_described_by_its_error(bad_request_page):
    (error,) = bad_request_page.context["form"].errors["title"]
    assert_error_described(bad_request_page.content.decode(), "id_title", error)


def test_the_address_in_its_input_group_is_described_by_its_help_and_its_error(client, reporter, categories, geocoder):
    client.force_login(reporter)
    data = _form(categories, latitude=None, longitude=None, address="Οδός που δεν υπάρχει 999")
    response = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)
    form = response.context["form"]
    described = assert_error_described(response.content.decode(), "id_address", form.errors["address"][0])
    assert described.descriptions["id_address_helptext"] == str(form.fields["address"].help_text)


def test_a_refused_file_is_described_by_the_files_help_and_the_error(bad_request_page):
    form = bad_request_page.context["form"]
    described = assert_error_described(bad_request_page.content.decode(), "id_files", form.errors["files"][0])
    assert str(form.fields["files"].help_text) in described.descriptions["id_files_helptext"]


def test_the_summary_and_each_field_error_are_alerts(bad_request_page):
    form = bad_request_page.context["form"]
    summary, *field_alerts = alerts(bad_request_page.content.decode())
    assert summary == "Διορθώστε τα παρακάτω λάθη."
    assert field_alerts == [form.errors["title"][0], form.errors["files"][0]]


def test_a_missing_postal_address_is_described_by_its_help_and_its_error(verified, erequest_types):
    response = erequest_post(client_for(verified), erequest_types["land_use"], delivery_method="post")
    form = response.context["form"]
    described = assert_error_described(response.content.decode(), "id_postal_address", form.errors["postal_address"][0])
    assert set(described.descriptions) == {"id_postal_address_helptext", "id_postal_address_error"}


def test_a_missing_delivery_method_is_described_on_the_radio_group(verified, erequest_types):
    response = erequest_post(client_for(verified), erequest_types["land_use"], delivery_method="")
    form = response.context["form"]
    assert described_by(response.content.decode(), "div_id_delivery_method") == {
        "id_delivery_method_error": form.errors["delivery_method"][0]
    }


def test_an_empty_comment_is_an_alert_and_describes_the_box(client, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(neighbour)
    url = reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code])
    response = client.post(url, {"body": ""}, follow=True)
    page = response.content.decode()
    assert_error_described(page, "id_body", "Γράψτε ένα σχόλιο")
    assert any("Γράψτε ένα σχόλιο" in alert for alert in alerts(page))


def test_only_the_fields_with_errors_are_marked_invalid(client, reporter, categories):
    client.force_login(reporter)
    data = _form(categories, title="", files=[upload("photo.png", image_bytes())])
    page = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data).content.decode()
    assert sorted(invalid_fields(page)) == ["id_title"]
