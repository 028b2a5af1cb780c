from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from requests_tracker import services, uploads
from requests_tracker.models import Request
from tests.requests_tracker.fixtures import image_bytes, make_request, upload

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
J = {"jurisdiction_id": "thessaloniki"}


def parse_xml(content: bytes):
    return ElementTree.fromstring(content)  # noqa: S314 - our own server's responses


@pytest.fixture
def filed(reporter, categories, clerk):
    open_one = make_request(reporter, categories["potholes"], title="Ανοιχτό")
    closed = make_request(reporter, categories["bins"], title="Κλειστό")
    services.status_change(citizen_request=closed, to_status="closed", clerk=clerk, resolution="resolved", note="Έγινε")
    return open_one, closed


@pytest.fixture
def api_key(thessaloniki):
    return services.api_key_create(municipality=thessaloniki, name="Εφαρμογή")[1]


def test_discovery_in_json(client, thessaloniki):
    assert client.get(f"{BASE}/discovery.json").json()["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_discovery_in_xml(client, thessaloniki):
    root = parse_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/specification") is not None


def test_services_in_json(client, categories):
    assert {row["service_code"] for row in client.get(f"{BASE}/services.json", J).json()} == {
        "potholes",
        "bins",
        "other",
    }


def test_services_in_xml(client, categories):
    assert len(parse_xml(client.get(f"{BASE}/services.xml", J).content).findall("service")) == 3


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition(client, categories, fmt):
    response = client.get(f"{BASE}/services/potholes.{fmt}", J)
    assert response.status_code == 200 and b"potholes" in response.content


def test_unknown_service_definition_is_a_404_error(client, categories):
    missing = client.get(f"{BASE}/services/nope.json", J)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def _ids(client, **query) -> list[str]:
    return [row["service_request_id"] for row in client.get(f"{BASE}/requests.json", {**J, **query}).json()]


def test_requests_list_all(client, filed):
    open_one, closed = filed
    assert set(_ids(client)) == {open_one.code, closed.code}


def test_requests_list_by_status(client, filed):
    open_one, _closed = filed
    assert _ids(client, status="open") == [open_one.code]


def test_requests_list_shows_the_last_note_of_a_closed_one(client, filed):
    (row,) = client.get(f"{BASE}/requests.json", {**J, "status": "closed"}).json()
    assert (row["status"], row["status_notes"]) == ("closed", "Έγινε")


def test_requests_list_by_service_code(client, filed):
    _open_one, closed = filed
    assert _ids(client, service_code="bins") == [closed.code]


def test_requests_list_ids_override_the_other_filters(client, filed):
    _open_one, closed = filed
    assert _ids(client, service_request_id=closed.code, status="open") == [closed.code]


def test_requests_list_in_xml(client, filed):
    root = parse_xml(client.get(f"{BASE}/requests.xml", J).content)
    assert root.tag == "service_requests" and len(root.findall("request")) == 2


def _window(days_back: int, days_ahead: int = 0) -> dict:
    now = timezone.now()
    return {
        **J,
        "start_date": (now - timedelta(days=days_back)).isoformat(),
        "end_date": (now + timedelta(days=days_ahead)).isoformat(),
    }


def test_a_date_window_over_90_days_is_refused(client, filed):
    response = client.get(f"{BASE}/requests.json", _window(100))
    assert response.status_code == 400 and "90" in response.json()[0]["description"]


def test_a_refusal_in_xml_is_an_xml_error(client, filed):
    xml = client.get(f"{BASE}/requests.xml", _window(100))
    assert xml.status_code == 400 and parse_xml(xml.content).find("error/code").text == "400"


def test_a_date_window_within_90_days(client, filed):
    assert len(client.get(f"{BASE}/requests.json", _window(30, days_ahead=1)).json()) == 2


def test_an_end_date_alone_looks_back_from_it(client, filed):
    past = {**J, "end_date": (timezone.now() - timedelta(days=10)).isoformat()}
    assert client.get(f"{BASE}/requests.json", past).json() == []


def test_a_date_that_is_not_iso_8601_is_refused(client, filed):
    assert client.get(f"{BASE}/requests.json", {**J, "start_date": "yesterday"}).status_code == 400


def test_single_request_in_json(client, filed):
    open_one, _closed = filed
    (row,) = client.get(f"{BASE}/requests/{open_one.code}.json", J).json()
    assert row["lat"] == float(open_one.latitude) and row["service_code"] == "potholes"


def test_single_request_in_xml(client, filed):
    open_one, _closed = filed
    assert client.get(f"{BASE}/requests/{open_one.code}.xml", J).status_code == 200


def test_unknown_request_id_is_a_404(client, filed):
    assert client.get(f"{BASE}/requests/THE-NOPE00.json", J).status_code == 404


def test_unknown_jurisdiction_is_a_404(client, filed):
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "atlantis"}).status_code == 404


@pytest.fixture
def post_data():
    return {**J, "service_code": "potholes", "lat": "40.632", "long": "22.944", "description": "Λακκούβα"}


def test_post_without_a_key_is_refused(client, categories, post_data):
    no_key = client.post(f"{BASE}/requests.json", post_data)
    assert no_key.status_code == 403 and no_key.json()[0]["description"] == "api_key is required to create a request"


def test_post_with_a_wrong_key_is_refused(client, categories, api_key, post_data):
    assert client.post(f"{BASE}/requests.json", {**post_data, "api_key": "wrong"}).status_code == 403


def test_post_for_an_unknown_service_is_a_404(client, categories, api_key, post_data):
    unknown = client.post(f"{BASE}/requests.xml", {**post_data, "api_key": api_key, "service_code": "ufo"})
    assert unknown.status_code == 404 and parse_xml(unknown.content).tag == "errors"


def test_post_outside_the_municipality_is_refused(client, categories, api_key, post_data):
    outside = client.post(f"{BASE}/requests.json", {**post_data, "api_key": api_key, "lat": "35.5", "long": "24.0"})
    assert outside.status_code == 400


def test_post_files_a_registered_request_with_its_first_timeline_entry(client, categories, api_key, post_data):
    created = client.post(f"{BASE}/requests.json", {**post_data, "api_key": api_key})
    assert created.status_code == 200
    citizen_request = Request.objects.get(code=created.json()[0]["service_request_id"])
    assert citizen_request.status == Request.Status.REGISTERED and citizen_request.timeline.count() == 1


def test_api_keys_are_stored_hashed(thessaloniki, api_key):
    from requests_tracker.models import ApiKey

    stored = ApiKey.objects.get()
    assert api_key not in (stored.key_hash, stored.key_prefix) and stored.key_hash == ApiKey.hash(api_key)


def test_post_with_an_address_alone_files_it_at_the_first_match(client, categories, api_key, geocoder):
    data = {**J, "api_key": api_key, "service_code": "bins", "address_string": "ionos dragoumi 47"}
    created = client.post(f"{BASE}/requests.json", data)
    assert created.status_code == 200
    citizen_request = Request.objects.get(code=created.json()[0]["service_request_id"])
    # The place the geocoder found is saved, in its own words, not the text typed.
    assert str(citizen_request.latitude) == "40.636581"
    assert citizen_request.address == "47, Ίωνος Δραγούμη, Κέντρο, Θεσσαλονίκη, 54625, Ελλάδα"


def test_post_with_an_address_while_the_geocoder_is_down_asks_for_coordinates(client, categories, api_key, geocoder):
    geocoder.failure = "error"
    data = {**J, "api_key": api_key, "service_code": "bins", "address_string": "Εγνατία"}
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "address_string cannot be looked up now; send lat and long"


def test_post_without_any_location_is_refused(client, categories, api_key):
    response = client.post(f"{BASE}/requests.json", {**J, "api_key": api_key, "service_code": "bins"})
    assert response.status_code == 400
    assert response.json()[0]["description"] == "A location is required: lat and long, or address_string"


def test_media_url_points_at_the_first_photo_by_its_public_id(client, reporter, categories):
    photo = services.attachment_stage(user=reporter, checked=uploads.upload_check(upload("a.png", image_bytes())))
    citizen_request = make_request(reporter, categories["bins"], attachments=[photo])
    row = client.get(f"{BASE}/requests/{citizen_request.code}.json", J).json()[0]
    assert row["media_url"] == f"http://testserver/requests/files/{photo.public_id}/"
