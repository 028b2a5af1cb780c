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


def test_discovery_in_both_formats(client, thessaloniki):
    assert client.get(f"{BASE}/discovery.json").json()["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = parse_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/specification") is not None


def test_services_and_service_definition(client, categories):
    services_json = client.get(f"{BASE}/services.json", J).json()
    assert {row["service_code"] for row in services_json} == {"potholes", "bins", "other"}
    root = parse_xml(client.get(f"{BASE}/services.xml", J).content)
    assert len(root.findall("service")) == 3
    assert client.get(f"{BASE}/services/potholes.json", J).json()["service_code"] == "potholes"
    assert client.get(f"{BASE}/services/potholes.xml", J).status_code == 200
    missing = client.get(f"{BASE}/services/nope.json", J)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_requests_list_filters_and_formats(client, filed):
    open_one, closed = filed
    rows = client.get(f"{BASE}/requests.json", J).json()
    assert {row["service_request_id"] for row in rows} == {open_one.code, closed.code}
    assert client.get(f"{BASE}/requests.json", {**J, "status": "open"}).json()[0]["service_request_id"] == open_one.code
    closed_rows = client.get(f"{BASE}/requests.json", {**J, "status": "closed"}).json()
    assert closed_rows[0]["status"] == "closed" and closed_rows[0]["status_notes"] == "Έγινε"
    assert len(client.get(f"{BASE}/requests.json", {**J, "service_code": "bins"}).json()) == 1
    by_id = client.get(f"{BASE}/requests.json", {**J, "service_request_id": closed.code, "status": "open"}).json()
    assert [row["service_request_id"] for row in by_id] == [closed.code]  # ids override the other filters
    root = parse_xml(client.get(f"{BASE}/requests.xml", J).content)
    assert root.tag == "service_requests" and len(root.findall("request")) == 2


def test_date_window_at_most_90_days(client, filed):
    now = timezone.now()
    old = {**J, "start_date": (now - timedelta(days=100)).isoformat(), "end_date": now.isoformat()}
    response = client.get(f"{BASE}/requests.json", old)
    assert response.status_code == 400 and "90" in response.json()[0]["description"]
    xml = client.get(f"{BASE}/requests.xml", old)
    assert xml.status_code == 400 and parse_xml(xml.content).find("error/code").text == "400"
    ok = {**J, "start_date": (now - timedelta(days=30)).isoformat(), "end_date": (now + timedelta(days=1)).isoformat()}
    assert len(client.get(f"{BASE}/requests.json", ok).json()) == 2
    past = {**J, "end_date": (now - timedelta(days=10)).isoformat()}
    assert client.get(f"{BASE}/requests.json", past).json() == []
    assert client.get(f"{BASE}/requests.json", {**J, "start_date": "yesterday"}).status_code == 400


def test_single_request_and_unknown_ids(client, filed):
    open_one, _closed = filed
    row = client.get(f"{BASE}/requests/{open_one.code}.json", J).json()[0]
    assert row["lat"] == float(open_one.latitude) and row["service_code"] == "potholes"
    assert client.get(f"{BASE}/requests/{open_one.code}.xml", J).status_code == 200
    assert client.get(f"{BASE}/requests/THE-NOPE00.json", J).status_code == 404
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "atlantis"}).status_code == 404


def test_post_needs_a_valid_key_and_a_known_service(client, categories, api_key):
    data = {**J, "service_code": "potholes", "lat": "40.632", "long": "22.944", "description": "Λακκούβα"}
    no_key = client.post(f"{BASE}/requests.json", data)
    assert no_key.status_code == 403 and no_key.json()[0]["description"]
    assert client.post(f"{BASE}/requests.json", {**data, "api_key": "wrong"}).status_code == 403
    unknown = client.post(f"{BASE}/requests.xml", {**data, "api_key": api_key, "service_code": "ufo"})
    assert unknown.status_code == 404 and parse_xml(unknown.content).tag == "errors"
    outside = client.post(f"{BASE}/requests.json", {**data, "api_key": api_key, "lat": "35.5", "long": "24.0"})
    assert outside.status_code == 400
    created = client.post(f"{BASE}/requests.json", {**data, "api_key": api_key})
    assert created.status_code == 200
    code = created.json()[0]["service_request_id"]
    citizen_request = Request.objects.get(code=code)
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
    assert str(citizen_request.latitude) == "40.636581" and citizen_request.address == "ionos dragoumi 47"


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
