"""The public statistics equal a hand count on a small fixture, in a constant number of queries."""

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from portal.registry import statistics_sections
from portal.statistics import section_refresh, sections_refresh
from requests_tracker import services
from requests_tracker.selectors import statistics
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db

MONDAY_2_MARCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _close(citizen_request, clerk, when):
    with time_machine.travel(when):
        return services.status_change(
            citizen_request=citizen_request, to_status="closed", clerk=clerk, resolution="resolved"
        )


@pytest.fixture
def small_fixture(reporter, neighbour, categories, clerk):
    """Potholes (target 10): closed after 1, 3, 12 working days, one reopened; one open. Bins: one open in April."""
    cache.clear()
    with time_machine.travel(MONDAY_2_MARCH):
        a, b, c, _open = (make_request(reporter, categories["potholes"], title=f"Λακκούβα {n}") for n in range(4))
    _close(a, clerk, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))  # 1 working day
    _close(b, clerk, datetime(2026, 3, 5, 9, 0, tzinfo=UTC))  # 3
    _close(c, clerk, datetime(2026, 3, 18, 9, 0, tzinfo=UTC))  # 12: past the target of 16 March
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=UTC)):
        services.request_reopen(citizen_request=b, citizen=reporter, note="Πάλι.")
    _close(b, clerk, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))  # closed again: 5 working days after filing
    with time_machine.travel(datetime(2026, 4, 1, 8, 0, tzinfo=UTC)):
        make_request(reporter, categories["bins"], title="Κάδος")
    return categories


def test_the_figures_equal_a_hand_count(small_fixture, thessaloniki, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # totals, per category, per month, the map's areas
        figures = statistics.requests_statistics_compute(municipality=thessaloniki)
    totals = figures["totals"]
    assert (totals["open"], totals["closed"]) == (2, 3)
    # Closing in working days: 1, 5, 12 → median 5, 90th percentile 5 + 0.8 × (12 − 5) = 10.6.
    assert totals["closing_median"] == 5
    assert totals["closing_p90"] == pytest.approx(10.6)
    assert totals["first_answer_median"] == 3  # 1, 3 (b's first close), 12
    assert totals["within_target_share"] == pytest.approx(2 / 3)
    assert totals["reopened_share"] == pytest.approx(1 / 3)
    bins, potholes = figures["categories"]  # Greek alphabetical order: Κάδοι, Λακκούβες
    assert (potholes["open"], potholes["closed"], bins["open"], bins["closed"]) == (1, 3, 1, 0)
    assert bins["closing_median"] is None
    assert [(m["month"].month, m["filed"], m["closed"]) for m in figures["months"]] == [(3, 4, 3), (4, 1, 0)]


def test_the_csv_carries_the_same_figures(small_fixture, client):
    response = client.get("/dimos/thessaloniki/statistics/requests.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["category", "open", "closed"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Λακκούβες"][1:3] == ["1", "3"]
    assert by_name["*"][5] == "5.0" and by_name["*"][6] == "10.6"


def test_the_page_is_served_from_the_cache(
    small_fixture, thessaloniki, client, django_assert_max_num_queries, django_assert_num_queries
):
    statistics.requests_statistics_refresh(municipality=thessaloniki)
    sections_refresh(municipality=thessaloniki)  # the appointments', e-requests' and verifications' sections
    with django_assert_max_num_queries(3):  # the municipality, the session machinery; no aggregate
        response = client.get("/dimos/thessaloniki/statistics/")
    assert response.status_code == 200
    with django_assert_num_queries(0):  # an anonymous visitor's second view: the whole page from the cache
        again = client.get("/dimos/thessaloniki/statistics/")
    assert again.content == response.content
    assert "Cookie" in again["Vary"]  # no shared cache may hand it to a logged-in visitor


def _total_open(response) -> str:
    page = response.content.decode()
    start = page.index('id="total-open">') + len('id="total-open">')
    return page[start : page.index("<", start)]


def test_the_cached_page_moves_with_each_refresh(small_fixture, thessaloniki, reporter, client):
    """Both refreshes (the requests' figures and the apps' sections, separate beat tasks) move the page."""
    statistics.requests_statistics_refresh(municipality=thessaloniki)
    assert _total_open(client.get("/dimos/thessaloniki/statistics/")) == "2"
    with time_machine.travel(datetime(2026, 4, 2, 8, 0, tzinfo=UTC)):
        make_request(reporter, small_fixture["bins"], title="Κι άλλος κάδος")
    assert _total_open(client.get("/dimos/thessaloniki/statistics/")) == "2"  # until the beat computes again
    statistics.requests_statistics_refresh(municipality=thessaloniki)
    assert _total_open(client.get("/dimos/thessaloniki/statistics/")) == "3"

    assert "42.0 hours" not in client.get("/en/dimos/thessaloniki/statistics/").content.decode()
    appointments = next(section for section in statistics_sections() if section.key == "appointments")
    figures = {"services": [], "months": [], "median_wait_hours": 42.0}
    refreshed = replace(appointments, compute=lambda municipality, filters: figures)
    section_refresh(section=refreshed, municipality=thessaloniki)
    assert "42.0 hours" in client.get("/en/dimos/thessaloniki/statistics/").content.decode()


def test_only_plain_anonymous_views_get_the_cached_copy(
    small_fixture, thessaloniki, reporter, client, django_assert_max_num_queries
):
    statistics.requests_statistics_refresh(municipality=thessaloniki)
    anonymous = client.get("/dimos/thessaloniki/statistics/").content.decode()
    assert "Αποσύνδεση" not in anonymous
    client.force_login(reporter)
    personal = client.get("/dimos/thessaloniki/statistics/").content.decode()
    assert "Αποσύνδεση" in personal  # the user menu and its CSRF token are the visitor's own
    client.logout()
    assert "Αποσύνδεση" not in client.get("/dimos/thessaloniki/statistics/").content.decode()
    assert "zz-query" in client.get("/dimos/thessaloniki/statistics/?zz-query=1").content.decode()  # the footer's
    assert "zz-query" not in client.get("/dimos/thessaloniki/statistics/").content.decode()  # built, never stored
    client.cookies["messages"] = "a message waits for this visitor"
    with django_assert_max_num_queries(1) as built:  # the page is built for them (the municipality's query)
        client.get("/dimos/thessaloniki/statistics/")
    assert len(built) == 1
