"""Bad input never gets a 5xx: Open311's machine-worded errors, overflowing dates, NaN boxes, NUL bytes; and a fuzz
test over every query parameter of the list, the map and Open311."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_tracker import services
from requests_tracker.models import Request
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
J = {"jurisdiction_id": "thessaloniki"}


@pytest.fixture
def api_key(thessaloniki):
    return services.api_key_create(municipality=thessaloniki, name="Εφαρμογή")[1]


def _post(client, api_key, **fields):
    data = {**J, "api_key": api_key, "service_code": "potholes", "description": "Λακκούβα", **fields}
    return client.post(f"{BASE}/requests.json", data)


@pytest.mark.parametrize(
    ("lat", "long", "description"),
    [
        ("999", "22.944", "lat/long out of range: lat -90 to 90, long -180 to 180"),
        ("40.63", "-999", "lat/long out of range: lat -90 to 90, long -180 to 180"),
        ("nan", "22.944", "lat/long out of range: lat -90 to 90, long -180 to 180"),
        ("37.9838", "23.7275", "lat/long is outside the jurisdiction"),  # Athens, not Thessaloniki
    ],
)
def test_open311_post_with_a_bad_location_gets_an_english_machine_error(
    client, categories, api_key, lat, long, description
):
    response = _post(client, api_key, lat=lat, long=long)
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": description}]
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"start_date": "0001-01-01T00:00:00"},
        {"end_date": "9999-12-31T23:59:59+14:00"},
    ],
)
def test_open311_dates_at_the_calendars_ends_are_a_400(client, categories, query):
    response = client.get(f"{BASE}/requests.json", {**J, **query})
    assert response.status_code == 400
    assert "out of range" in response.json()[0]["description"]


@pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "inf,inf,inf,inf", "-inf,0,1,1", "0,0,100,0", "1e400,0,0,0"])
def test_map_refuses_boxes_that_are_not_finite_degrees(client, categories, bbox):
    response = client.get("/requests/thessaloniki/map.json", {"bbox": bbox, "zoom": "13"})
    assert response.status_code == 400
    assert "bbox" in response.json()["error"]


def test_a_nul_byte_is_a_400_everywhere(client, reporter, categories, api_key):
    citizen_request = make_request(reporter, categories["potholes"])
    assert client.get("/requests/thessaloniki/", {"q": "λακ\x00κούβα"}).status_code == 200  # dropped from a search
    assert client.get(f"/requests/thessaloniki/r/{citizen_request.code}%00/").status_code == 400
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "thessa\x00loniki"})
    assert response.status_code == 400 and response.json()[0]["description"].endswith("NUL characters")
    assert client.get(f"{BASE}/requests.json", {**J, "service_request_id": "THE\x00"}).status_code == 400
    # A NUL in an Open311 address is the client's error, answered in Open311's own JSON.
    response = client.get(f"{BASE}/requests/{citizen_request.code}%00.json", J)
    assert response.status_code == 400 and response.json()[0]["description"].endswith("NUL characters")
    assert client.get(f"{BASE}/services/pot%00holes.json", J).status_code == 400
    assert client.get(f"{BASE}/requests/NOSUCH.json", J).status_code == 404
    assert _post(client, api_key, description="a\x00b", lat="40.632", long="22.944").status_code == 400


def test_a_withdrawn_request_is_closed_in_open311_with_a_note(client, reporter, categories):
    citizen_request = make_request(reporter, categories["potholes"])
    services.request_withdraw(citizen_request=citizen_request, user=reporter, note="Το έφτιαξα μόνος μου")
    row = client.get(f"{BASE}/requests/{citizen_request.code}.json", J).json()[0]
    assert row["status"] == "closed"
    assert row["status_notes"] == "Withdrawn by the citizen: Το έφτιαξα μόνος μου"
    closed = client.get(f"{BASE}/requests.json", {**J, "status": "closed"}).json()
    assert [row["service_request_id"] for row in closed] == [citizen_request.code]


# --- Fuzz: whatever arrives in a query parameter, the answer is never 5xx.

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x00",
            "nan",
            "inf",
            "-inf",
            "1e400",
            "²",
            "٣",
            "9" * 40,
            "-1",
            "0001-01-01T00:00:00Z",
            "9999-12-31T00:00:00Z",
            "%",
            "_",
            "\\",
            "'",
            "nan,nan,nan,nan",
            "40.6,22.9,40.7,23.0",
            "open",
            "closed",
            "title",
            "-status",
        ]
    ),
)
LIST_PARAMETERS = ["q", "category", "status", "mine", "sort", "per_page", "page"]
MAP_PARAMETERS = [*LIST_PARAMETERS, "bbox", "zoom"]
OPEN311_PARAMETERS = ["jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _query(names):
    return st.dictionaries(st.sampled_from(names), NASTY, max_size=len(names))


@FUZZ
@given(query=_query(LIST_PARAMETERS))
def test_fuzz_the_list(client, categories, query):
    assert client.get("/requests/thessaloniki/", query).status_code < 500


@FUZZ
@given(query=_query(MAP_PARAMETERS))
def test_fuzz_the_map(client, categories, query):
    assert client.get("/requests/thessaloniki/map.json", query).status_code < 500


@FUZZ
@given(query=_query(OPEN311_PARAMETERS), path=st.sampled_from(["requests.json", "requests.xml", "services.json"]))
def test_fuzz_open311_reads(client, categories, query, path):
    assert client.get(f"{BASE}/{path}", query).status_code < 500


@FUZZ
@given(query=_query(["lat", "long", "address_string", "description", "service_code", "jurisdiction_id"]))
def test_fuzz_open311_post(client, categories, api_key, geocoder, query):
    assert client.post(f"{BASE}/requests.json", {"api_key": api_key, **J, **query}).status_code < 500
