"""The e-requests' figures, the downloads (CSV, JSON, GeoJSON, DCAT-AP JSON-LD) parsed, and the staff dashboard's
scoping and lists, on small fixtures counted by hand."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from portal.models import Department
from portal.statistics import LICENCE_URL, StatisticsFilters
from requests_tracker import services, uploads
from requests_tracker.selectors import dashboard
from requests_tracker.selectors.statistics_erequests import erequests_statistics_compute
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import PDF_BYTES, make_clerk, make_request, upload

pytestmark = pytest.mark.django_db

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
erequest_clerk = erequest_fixtures.erequest_clerk

FILED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def answered(verified, erequest_types, erequest_clerk):
    """Three residence certificates (legal deadline 10 days) protocolled on 2 March: answered after 3 days,
    rejected after 12 (late), and one unanswered; a land-use certificate (50 days) answered the same day."""
    residence = erequest_types["residence"]
    with time_machine.travel(FILED):
        first, second, _third = (file_erequest(verified, residence) for _ in range(3))
        land_use = file_erequest(verified, erequest_types["land_use"])
    with time_machine.travel(FILED + timedelta(days=3)):
        services.erequest_answer(
            erequest=first, clerk=erequest_clerk, checked=uploads.upload_check(upload("a.pdf", PDF_BYTES))
        )
    with time_machine.travel(FILED + timedelta(hours=4)):
        services.erequest_answer(
            erequest=land_use, clerk=erequest_clerk, checked=uploads.upload_check(upload("b.pdf", PDF_BYTES))
        )
    with time_machine.travel(FILED + timedelta(days=12)):
        services.erequest_reject(erequest=second, clerk=erequest_clerk, reason="Λείπει η ταυτότητα.")
    return erequest_types


def test_the_erequest_figures_equal_a_hand_count(chania, answered, django_assert_num_queries):
    with time_machine.travel(FILED + timedelta(days=20)), django_assert_num_queries(1):
        figures = erequests_statistics_compute(chania)
    by_type = {row["type_el"]: row for row in figures["types"]}
    residence = by_type["Βεβαίωση μόνιμης κατοικίας"]
    assert (residence["filed"], residence["answered"], residence["legal_days"]) == (3, 2, 10)
    assert residence["median_days"] == pytest.approx(7.5)  # 3 and 12 days
    assert residence["in_time_share"] == pytest.approx(1 / 2)
    assert residence["open_late"] == 1
    land_use = by_type["Βεβαίωση χρήσεων γης"]
    assert (land_use["answered"], land_use["median_days"], land_use["in_time_share"]) == (1, 0, 1)


def test_the_erequest_downloads_parse(chania, answered):
    with time_machine.travel(FILED + timedelta(days=20)):
        response = client_for().get("/dimos/chania/statistics/erequests.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        document = json.loads(client_for().get("/dimos/chania/statistics/erequests.json").content)
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert rows[0][:3] == ["erequest_type", "legal_deadline_days", "filed"]
    assert {row[0]: row[2:4] for row in rows[1:]}["Βεβαίωση μόνιμης κατοικίας"] == ["3", "2"]
    assert document["license"] == LICENCE_URL and document["publisher"]
    residence = next(row for row in document["rows"] if row["erequest_type"] == "Βεβαίωση μόνιμης κατοικίας")
    assert residence["median_days_protocol_to_answer"] == 7.5
    assert client_for().get("/dimos/chania/statistics/nothing.csv").status_code == 404
    assert client_for().get("/dimos/chania/statistics/erequests.xml").status_code == 404


@pytest.fixture
def filed(reporter, categories, clerk):
    """Two potholes 2 March (one closed 5 March), one bin 1 April, all at Tsimiski 40 but one 0.02° north-east."""
    with time_machine.travel(FILED):
        first = make_request(reporter, categories["potholes"], latitude=40.632456, longitude=22.941234)
        make_request(reporter, categories["potholes"], latitude=40.652456, longitude=22.961234)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)):
        services.status_change(citizen_request=first, to_status="closed", clerk=clerk, resolution="resolved")
    with time_machine.travel(datetime(2026, 4, 1, 8, 0, tzinfo=UTC)):
        make_request(reporter, categories["bins"], latitude=40.632456, longitude=22.941234)
    return first


def test_the_geojson_has_no_personal_data_and_rounded_places(filed):
    response = client_for().get("/dimos/thessaloniki/statistics/requests.geojson")
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection" and document["metadata"]["license"] == LICENCE_URL
    assert len(document["features"]) == 3
    closed = next(f for f in document["features"] if f["properties"]["code"] == filed.code)
    assert closed["geometry"] == {"type": "Point", "coordinates": [22.941, 40.632]}
    assert set(closed["properties"]) == {
        "code",
        "category",
        "category_en",
        "status",
        "filed_at",
        "closed_at",
        "expected_by",
    }
    assert closed["properties"]["status"] == "closed" and closed["properties"]["expected_by"]
    assert "Λακκούβα" not in response.content.decode() and "eleni" not in response.content.decode()


def test_the_requests_json_and_the_map_areas(filed, thessaloniki):
    document = json.loads(client_for().get("/dimos/thessaloniki/statistics/requests.json").content)
    assert document["license"] == LICENCE_URL
    assert next(row for row in document["rows"] if row["category"] == "*")["open"] == 2
    page = client_for().get("/dimos/thessaloniki/statistics/").content.decode()
    # Two open requests in two cells of 0.01°: each counted once, in the table the map draws from.
    assert page.count('data-count="1"') == 2
    assert 'data-lat="40.655" data-lng="22.965"' in page


def test_the_dcat_catalogue_lists_every_download(thessaloniki):
    page = client_for().get("/dimos/thessaloniki/statistics/").content.decode()
    assert (
        '<link rel="alternate" type="application/ld+json" href="/dimos/thessaloniki/statistics/catalogue.jsonld"'
        in page
    )
    response = client_for().get("/dimos/thessaloniki/statistics/catalogue.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    (dataset,) = catalogue["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset" and dataset["dct:license"] == {"@id": LICENCE_URL}
    assert dataset["dct:publisher"]["foaf:name"] == thessaloniki.name and dataset["dct:modified"]["@value"]
    downloads = {d["dcat:downloadURL"]["@id"]: d for d in dataset["dcat:distribution"]}
    for name in ("requests.csv", "requests.json", "requests.geojson", "appointments.csv", "erequests.json"):
        url = f"http://testserver/dimos/thessaloniki/statistics/{name}"
        assert url in downloads and downloads[url]["dcat:mediaType"]["@id"].startswith("https://www.iana.org/")
        assert client_for().get(url).status_code == 200


# --- The staff dashboard


def test_the_dashboard_is_its_municipality_s_clerks_only(filed, thessaloniki, chania):
    url = "/dimos/thessaloniki/statistics/staff/"
    assert client_for().get(url).status_code == 302  # to the sign-in page
    stranger = make_clerk("clerk.chania", chania)
    response = client_for(stranger).get(url)
    assert response.status_code == 403 and filed.code not in response.content.decode()
    citizen = client_for(filed.reporter).get(url)
    assert citizen.status_code == 403


def test_the_dashboard_lists_overdue_requests_with_a_link_to_act(filed, clerk, categories):
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC)):
        response = client_for(clerk).get("/dimos/thessaloniki/statistics/staff/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="list-group-item d-flex flex-wrap justify-content-between gap-2 deadline-item"') == 2
    open_codes = [r.code for r in filed.__class__.objects.exclude(pk=filed.pk)]
    for code in open_codes:
        assert f"/requests/thessaloniki/staff/{code}/" in page
    assert f"/requests/thessaloniki/staff/{filed.code}/" not in page  # closed


def test_the_dashboard_filters_by_category_and_refuses_a_reversed_range(filed, clerk, categories):
    client = client_for(clerk)
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC)):
        bins = client.get(f"/dimos/thessaloniki/statistics/staff/?category={categories['bins'].pk}")
        reversed_range = client.get("/dimos/thessaloniki/statistics/staff/?date_from=2026-05-01&date_to=2026-04-01")
        nonsense = client.get("/dimos/thessaloniki/statistics/staff/?date_from=yesterday&department=abc")
    assert '<dd class="col-sm-6" id="total-open">1</dd>' in bins.content.decode()
    assert reversed_range.status_code == 200
    assert "The last day comes before the first." in reversed_range.content.decode() or "πριν από την πρώτη" in (
        reversed_range.content.decode()
    )
    assert nonsense.status_code == 200 and 'value="yesterday"' in nonsense.content.decode()


def test_the_backlog_per_department_equals_a_hand_count(filed, thessaloniki, categories):
    with time_machine.travel(datetime(2026, 4, 15, 8, 0, tzinfo=UTC)):
        backlog = dashboard.department_backlog(
            municipality=thessaloniki, filters=StatisticsFilters(date_from=date(2026, 2, 1))
        )
    assert backlog["days"] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 15)]
    by_name = {row["name"]: row["counts"] for row in backlog["departments"]}
    assert by_name["Διεύθυνση Οδοποιίας"] == [0, 1, 1]  # two filed in March, one closed on 5 March
    assert by_name["Διεύθυνση Καθαριότητας"] == [0, 0, 1]
    assert Department.objects.filter(municipality=thessaloniki).count() == 2
