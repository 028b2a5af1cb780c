"""The staff dashboard on a phone (375 px) in Greek and English: no horizontal scroll, the per-category table filled,
the backlog table's every column reachable in its own scrolling box; and Chania's clerk of e-requests and identity
verification, who sees the backlog's empty state and links only to the lists they may open."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from identity_verification.roles import VERIFICATION_OFFICE
from requests_tracker.roles import EREQUESTS_OFFICE
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.personas import make_clerk as make_staff
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
clerk = request_fixtures.clerk
private_media = request_fixtures.private_media
building = erequest_fixtures.building

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture(autouse=True)
def local_tiles(settings, live_server):
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


@pytest.fixture
def filed(reporter, categories):
    """A request of each category: two with departments, one («Άλλο») not yet given to a department."""
    cache.clear()
    with time_machine.travel(FILED):
        for code in ("potholes", "bins", "other"):
            make_request(reporter, categories[code], title=f"Αίτημα {code}")


@pytest.mark.parametrize(
    ("prefix", "no_department", "potholes"),
    [("", "Χωρίς υπηρεσία ακόμη", "Λακκούβες"), ("/en", "No department yet", "Potholes")],
)
def test_the_dashboard_fits_a_phone_and_shows_every_figure(
    phone_page, live_server, filed, clerk, prefix, no_department, potholes
):
    page = phone_page
    with time_machine.travel(datetime(2026, 4, 15, 8, 0, tzinfo=UTC), tick=True):
        login_as(page, live_server, clerk)
        page.goto(f"{live_server.url}{prefix}/dimos/thessaloniki/statistics/staff/", timeout=30_000)
        row = page.locator("#per-category tbody tr", has_text=potholes)
        expect(row.locator("td").first).to_have_text("1")
        # The backlog's last column (requests without a department) is in the table, reachable in its box.
        header = page.locator("#backlog-table thead th", has_text=no_department)
        expect(header).to_have_count(1)
        header.scroll_into_view_if_needed()
        expect(header).to_be_in_viewport()
        expect(page.locator("#backlog-table").locator("xpath=ancestor::div[1]")).to_have_class("table-responsive")
        assert page.evaluate(NO_HORIZONTAL_SCROLL)
        assert_accessible(page)


def test_a_clerk_without_the_requests_queue_gets_no_link_to_it(phone_page, live_server, chania, building):
    clerk = make_staff("clerk.chania", chania, roles=(EREQUESTS_OFFICE, VERIFICATION_OFFICE), departments=(building,))
    page = phone_page
    login_as(page, live_server, clerk)
    page.goto(live_server.url + "/dimos/chania/statistics/staff/", timeout=30_000)
    expect(page.locator("#backlog-empty")).to_be_visible()
    expect(page.locator("#backlog-table")).to_have_count(0)
    expect(page.locator("a[href='/requests/chania/staff/']")).to_have_count(0)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    page.locator(".deadline-list-link[data-source='erequests']").click()
    expect(page).to_have_url(live_server.url + "/requests/chania/e-staff/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
