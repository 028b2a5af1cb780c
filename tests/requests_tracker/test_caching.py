"""The cached public pages (list results, map clusters, Open311 answers) follow every kind of change at once, cost
no data query while nothing changed, and never show one citizen's view to another."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.http import http_date

from requests_tracker import services
from requests_tracker.models import Request
from requests_tracker.selectors import citizen_requests as list_selectors
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db
LIST = reverse("requests_tracker:start", args=["thessaloniki"])
MAP = reverse("requests_tracker:map_json", args=["thessaloniki"])
OPEN311 = "/open311/v2/requests.json"
BBOX = "40.5,22.8,40.8,23.1"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a change and what it leaves for the commit, as a committed transaction would (the test's never commits)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def _seen(client, categories) -> dict:
    """What a citizen sees of open potholes on the list, the map (city and street zoom) and Open311."""
    potholes = categories["potholes"].pk
    page = client.get(LIST, {"category": potholes, "status": "open", "sort": "title"}).content.decode()
    city = client.get(MAP, {"bbox": BBOX, "zoom": "12", "category": potholes, "status": "open"}).json()["pins"]
    street = client.get(MAP, {"bbox": BBOX, "zoom": "19", "category": potholes, "status": "open"}).json()["pins"]
    feed = client.get(OPEN311, {"jurisdiction_id": "thessaloniki", "service_code": "potholes", "status": "open"})
    return {
        "list": "Λακκούβα στην Τσιμισκή" in page,
        "map": sum(pin["count"] for pin in city),
        "street": [pin.get("title") for pin in street],
        "open311": [row["service_request_id"] for row in feed.json()],
    }


def _withdraw(citizen_request, clerk):
    services.request_withdraw(citizen_request=citizen_request, user=citizen_request.reporter)


CHANGES = {
    "closed": lambda r, clerk: services.status_change(
        citizen_request=r, to_status="closed", clerk=clerk, resolution="resolved"
    ),
    "recategorised": lambda r, clerk: services.category_change(
        citizen_request=r, category=r.municipality.request_categories.get(code="bins"), clerk=clerk
    ),
    "withdrawn by its citizen": _withdraw,
    "deleted in the admin": lambda r, clerk: Request.objects.get(pk=r.pk).delete(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_leaves_no_cached_page_behind(client, reporter, categories, clerk, committed, change):
    citizen_request = make_request(reporter, categories["potholes"])
    before = _seen(client, categories)
    assert before == {
        "list": True,
        "map": 1,
        "street": ["Λακκούβα στην Τσιμισκή"],
        "open311": [citizen_request.code],
    }
    committed(CHANGES[change], citizen_request, clerk)
    assert _seen(client, categories) == {"list": False, "map": 0, "street": [], "open311": []}


def test_a_request_filed_appears_at_once(client, reporter, categories, committed):
    assert _seen(client, categories) == {"list": False, "map": 0, "street": [], "open311": []}
    citizen_request = committed(make_request, reporter, categories["potholes"])
    seen = _seen(client, categories)
    assert seen["list"] and seen["map"] == 1 and seen["open311"] == [citizen_request.code]


def test_a_vote_shows_on_the_cached_list(client, reporter, neighbour, categories, committed):
    citizen_request = make_request(reporter, categories["potholes"])
    assert "ψήφοι: 1" not in client.get(LIST).content.decode()
    committed(services.vote_add, citizen_request=citizen_request, citizen=neighbour)
    assert "ψήφοι: 1" in client.get(LIST).content.decode()


def test_an_edit_by_the_reporter_shows_on_the_cached_pages(client, reporter, categories, committed):
    citizen_request = make_request(reporter, categories["potholes"])
    _seen(client, categories)
    committed(
        services.request_update,
        citizen_request=citizen_request,
        user=reporter,
        category=categories["potholes"],
        title="Λακκούβα στην Εγνατία",
        description="Πιο βαθιά.",
        latitude=citizen_request.latitude,
        longitude=citizen_request.longitude,
    )
    assert _seen(client, categories)["street"] == ["Λακκούβα στην Εγνατία"]


def test_repeated_pages_cost_no_query_for_the_data(client, reporter, categories, django_assert_num_queries):
    make_request(reporter, categories["potholes"])
    query = {"jurisdiction_id": "thessaloniki"}
    client.get(LIST)
    client.get(MAP, {"bbox": BBOX, "zoom": "12"})
    client.get(OPEN311, query)
    with django_assert_num_queries(0):  # a visitor's whole page, the municipality too, from the cache
        client.get(LIST)
    with django_assert_num_queries(0):  # the municipality from the cache too
        assert client.get(MAP, {"bbox": BBOX, "zoom": "12"}).json()["pins"]
    with django_assert_num_queries(0):  # the municipality from the cache too
        assert len(client.get(OPEN311, query).json()) == 1


def test_a_renamed_category_shows_in_the_filters_at_once(client, categories, committed):
    assert "Λακκούβες" in client.get(LIST).content.decode()
    categories["potholes"].name_el = "Λακκούβες στο οδόστρωμα"
    committed(categories["potholes"].save)
    assert "Λακκούβες στο οδόστρωμα" in client.get(LIST).content.decode()


def test_a_nearby_view_at_the_same_zoom_shares_the_cached_cells(client, reporter, categories):
    make_request(reporter, categories["potholes"])  # at 40.6293, 22.9474
    wide = client.get(MAP, {"bbox": "40.62,22.94,40.64,22.96", "zoom": "14"}).json()["pins"]
    panned = client.get(MAP, {"bbox": "40.621,22.941,40.641,22.961", "zoom": "14"}).json()["pins"]
    elsewhere = client.get(MAP, {"bbox": "40.60,22.90,40.61,22.91", "zoom": "14"}).json()["pins"]
    assert wide == panned and len(wide) == 1 and elsewhere == []


def test_the_cached_list_is_never_another_citizens(client, reporter, neighbour, categories):
    make_request(reporter, categories["potholes"])
    client.force_login(reporter)
    assert "Το αίτημά μου" in client.get(LIST).content.decode()
    client.force_login(neighbour)
    assert "Το αίτημά μου" not in client.get(LIST).content.decode()
    client.logout()
    assert "Το αίτημά μου" not in client.get(LIST).content.decode()


def test_the_page_links_of_the_cached_list_are_the_readers_own(client, reporter, categories):
    for index in range(12):
        make_request(reporter, categories["potholes"], title=f"Λακκούβα {index:02d}")
    first = client.get(LIST, {"per_page": "10", "utm": "someone-elses"}).content.decode()
    assert "utm=someone-elses&amp;page=2" in first
    assert "someone-elses" not in client.get(LIST, {"per_page": "10"}).content.decode()


def test_only_mine_on_the_map_is_never_shared(client, reporter, neighbour, categories):
    make_request(reporter, categories["potholes"])
    client.force_login(reporter)
    assert len(client.get(MAP, {"bbox": BBOX, "zoom": "19", "mine": "1"}).json()["pins"]) == 1
    client.force_login(neighbour)
    assert client.get(MAP, {"bbox": BBOX, "zoom": "19", "mine": "1"}).json()["pins"] == []


def test_the_list_counts_up_to_a_cap_and_pages_stop_there(client, reporter, categories, monkeypatch):
    monkeypatch.setattr(list_selectors, "COUNT_CAP", 3)
    for index in range(5):
        make_request(reporter, categories["potholes"], title=f"Λακκούβα {index}")
    page = client.get(LIST, {"per_page": "10"}).content.decode()
    assert "Αιτήματα που βρέθηκαν: περισσότερα από 3" in page
    assert page.count('class="card mb-2 request-card') == 3


# --- Open311: a repeated poll is answered 304 until something changes

MOMENT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Athens"))


def test_open311_answers_a_repeated_poll_with_304(client, reporter, categories, clerk, committed):
    query = {"jurisdiction_id": "thessaloniki"}
    with time_machine.travel(MOMENT, tick=False) as traveller:
        citizen_request = make_request(reporter, categories["potholes"])
        first = client.get(OPEN311, query)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        by_etag = client.get(OPEN311, query, headers={"If-None-Match": first["ETag"]})
        by_date = client.get(OPEN311, query, headers={"If-Modified-Since": first["Last-Modified"]})
        assert (by_etag.status_code, by_date.status_code) == (304, 304)
        assert by_etag.content == b"" and by_etag["ETag"] == first["ETag"]

        traveller.shift(timedelta(minutes=5))
        committed(services.status_change, citizen_request=citizen_request, to_status="acknowledged", clerk=clerk)
        by_etag = client.get(OPEN311, query, headers={"If-None-Match": first["ETag"]})
        by_date = client.get(OPEN311, query, headers={"If-Modified-Since": first["Last-Modified"]})
        assert (by_etag.status_code, by_date.status_code) == (200, 200)
        assert by_etag["ETag"] != first["ETag"] and by_date.json()[0]["status"] == "open"


def test_open311_dates_a_deletion_by_the_data_version(client, reporter, categories, committed):
    query = {"jurisdiction_id": "thessaloniki"}
    with time_machine.travel(MOMENT, tick=False) as traveller:
        make_request(reporter, categories["potholes"])
        gone = make_request(reporter, categories["bins"], title="Κάδος")
        first = client.get(OPEN311, query)
        traveller.shift(timedelta(minutes=5))
        committed(
            Request.objects.get(pk=gone.pk).delete
        )  # the remaining row's update time is older than the first answer
        again = client.get(OPEN311, query, headers={"If-Modified-Since": first["Last-Modified"]})
        assert again.status_code == 200 and len(again.json()) == 1
        assert again["Last-Modified"] == http_date((MOMENT + timedelta(minutes=5)).timestamp())


def test_open311_in_xml_answers_304_too(client, reporter, categories):
    make_request(reporter, categories["potholes"])
    first = client.get("/open311/v2/requests.xml", {"jurisdiction_id": "thessaloniki"})
    again = client.get(
        "/open311/v2/requests.xml", {"jurisdiction_id": "thessaloniki"}, headers={"If-None-Match": first["ETag"]}
    )
    assert first["Content-Type"].startswith("text/xml") and again.status_code == 304


# --- A visitor's whole list page is cached; logged-in pages and pages with a message are built for their reader


def test_a_visitors_page_follows_the_municipality(client, thessaloniki, categories):
    assert "Δήμος Θεσσαλονίκης" in client.get(LIST).content.decode()
    thessaloniki.name_el = "Δήμος Θεσσαλονίκης (Κέντρο)"
    thessaloniki.save()  # moves the municipalities' version at once as well as on commit
    assert "Δήμος Θεσσαλονίκης (Κέντρο)" in client.get(LIST).content.decode()


def test_a_visitors_page_is_per_language_and_address(client, reporter, categories):
    make_request(reporter, categories["potholes"])
    greek = client.get(LIST, {"sort": "title"}).content.decode()
    english = client.get("/en" + LIST, {"sort": "title"}).content.decode()
    assert 'lang="el"' in greek and 'lang="en"' in english
    assert 'value="title" selected' in greek
    assert 'value="title" selected' not in client.get(LIST, {"sort": "-title"}).content.decode()


def test_a_message_waiting_is_shown_and_not_cached(client, reporter, categories):
    stranger = client.__class__()
    stranger.get(LIST)  # a visitor's page, now cached
    client.force_login(reporter)
    client.post(reverse("account_logout"))  # leaves «signed out» for the next page
    assert 'class="messages"' in client.get(LIST).content.decode()
    assert 'class="messages"' not in client.get(LIST).content.decode()
    assert 'class="messages"' not in stranger.get(LIST).content.decode()


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "citizen"])
def test_the_list_costs_the_same_queries_for_5_rows_as_for_100(client, reporter, categories, logged_in):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if logged_in:
        client.force_login(reporter)
    query = {"category": categories["potholes"].pk, "status": "open", "sort": "title", "per_page": "20"}
    counts = []
    for total in (5, 100):
        while Request.objects.count() < total:
            make_request(reporter, categories["potholes"], title=f"Λακκούβα {Request.objects.count():03d}")
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(LIST, query).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(LIST, query).status_code == 200
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1]
    if not logged_in:
        assert counts[0][1] == 0
