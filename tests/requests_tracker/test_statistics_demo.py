"""`manage.py load_demo` gives Thessaloniki's statistics page figures in every section: response times, closings
within and past the target, reopenings, bookings per service (some cancelled, some missed), e-requests answered in
time and late, identity verifications decided. The clock is frozen: the demo's dates are relative to it."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from appointments.statistics import appointments_statistics_compute
from identity_verification.statistics import verification_statistics_compute
from portal.models import Municipality
from requests_tracker.models import ERequest, Request
from requests_tracker.selectors import statistics
from requests_tracker.selectors.statistics_erequests import erequests_statistics_compute

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _strictly_between(share) -> bool:
    return share is not None and 0 < share < 1


@pytest.fixture
def demo():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo")
        call_command("load_demo")  # a second run adds nothing
        yield Municipality.objects.get(slug="thessaloniki")
    cache.clear()


def test_every_section_of_the_demo_municipality_has_figures(demo):
    with time_machine.travel(NOW, tick=False):
        requests = statistics.requests_statistics_compute(municipality=demo)
        appointments = appointments_statistics_compute(demo)
        erequests = erequests_statistics_compute(demo)
        verifications = verification_statistics_compute(demo)

    totals = requests["totals"]
    assert Request.objects.filter(municipality=demo).count() == 200
    assert totals["first_answer_median"] is not None and totals["closing_median"] is not None
    assert _strictly_between(totals["within_target_share"])  # some within the target, some late
    assert _strictly_between(totals["reopened_share"])
    assert all(row["first_answer_median"] is not None for row in requests["categories"])
    assert len(requests["months"]) >= 4

    services = appointments["services"]
    assert len(services) == 2 and all(row["bookings"] > 0 for row in services)
    assert all(_strictly_between(row["cancelled_share"]) for row in services)
    assert any(_strictly_between(row["no_show_share"]) for row in services)
    assert appointments["median_wait_hours"] is not None
    assert len({row["month"] for row in appointments["months"]}) >= 4

    types = erequests["types"]
    assert len(types) == 3 and all(row["median_days"] is not None for row in types)
    answered = sum(row["answered"] for row in types)
    in_time = sum(row["in_time_share"] * row["answered"] for row in types)
    assert 0 < in_time < answered  # some in time, some late
    numbers = sorted(ERequest.objects.filter(municipality=demo).values_list("protocol_year", "protocol_number"))
    for year in {year for year, _number in numbers}:  # the protocol stays gapless
        assert [n for y, n in numbers if y == year] == list(range(1, 1 + sum(y == year for y, _n in numbers)))

    assert verifications["decided"] >= 5 and verifications["median_hours"] is not None
    assert _strictly_between(verifications["within_promise_share"])


def test_the_demo_page_shows_no_dash_where_figures_belong(demo, client):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/en/dimos/thessaloniki/statistics/").content.decode()
    for figure in ("total-within", "total-reopened", "appointments-median-wait", "verification-median"):
        start = page.index(f'id="{figure}"')
        assert "—" not in page[start : page.index("</dd>", start)], figure
    assert "No bookings yet." not in page and "No e-requests yet." not in page and "No services yet." not in page
    assert page.count('<td class="median">') == 3 and '<td class="median">—' not in page
