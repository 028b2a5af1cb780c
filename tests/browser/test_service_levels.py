"""Service levels in a browser, with a frozen clock: the promised date on the request page and in «Ο φάκελός μου»,
«Δεν διορθώθηκε» after closing, and the public statistics page (Greek and English, its chart agreeing with its table,
the CSV download parsed)."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from requests_tracker import services
from requests_tracker.models import Request
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
clerk = request_fixtures.clerk
private_media = request_fixtures.private_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Tuesday 24 March 2026, 10:00 Athens: Independence Day tomorrow, so 10 working days end on Wednesday 8 April.
FILED = datetime(2026, 3, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def local_tiles(settings, live_server):
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


def test_the_citizen_sees_the_promised_date_and_reopens_a_request_not_fixed(
    page, live_server, reporter, categories, clerk
):
    with time_machine.travel(FILED):
        filed = make_request(reporter, categories["potholes"])
    url = f"{live_server.url}/requests/thessaloniki/r/{filed.code}/"
    with time_machine.travel(datetime(2026, 3, 26, 8, 0, tzinfo=UTC), tick=True):
        login_as(page, live_server, reporter)
        page.goto(url)
        expect(page.locator("#expected-by")).to_have_text("Αναμένεται έως 8 Απριλίου 2026")
        page.goto(live_server.url + "/my/")
        expect(page.get_by_text("Αναμένεται έως 8 Απριλίου 2026.")).to_be_visible()
        services.status_change(citizen_request=filed, to_status="closed", clerk=clerk, resolution="resolved")
        page.goto(url)
        expect(page.locator("#expected-by")).to_have_count(0)
        page.get_by_label("Τι εξακολουθεί να μην είναι εντάξει;").fill("Η λακκούβα είναι ακόμη εκεί.")
        assert_accessible(page)
        page.get_by_role("button", name="Δεν διορθώθηκε").click()
        expect(page.get_by_text("το αίτημα είναι ξανά «Σε εξέλιξη»")).to_be_visible()
        expect(page.locator(".request-path-step[aria-current='step']")).to_contain_text("Σε εξέλιξη")
        page.locator("#timeline summary").click()
        expect(page.locator(".timeline-step").last).to_contain_text("Η λακκούβα είναι ακόμη εκεί.")
    filed.refresh_from_db()
    assert filed.status == Request.Status.IN_PROGRESS and filed.reopen_count == 1

    with time_machine.travel(datetime(2026, 5, 4, 8, 0, tzinfo=UTC), tick=True):
        services.status_change(citizen_request=filed, to_status="closed", clerk=clerk, resolution="resolved")
    with time_machine.travel(datetime(2026, 6, 4, 8, 0, tzinfo=UTC), tick=True):  # 31 days later
        page.goto(url)
        expect(page.get_by_role("button", name="Δεν διορθώθηκε")).to_have_count(0)


@pytest.mark.parametrize(
    ("prefix", "heading", "csv_label"),
    [
        ("", "Η εξυπηρέτηση σε αριθμούς", "Λήψη των στοιχείων (CSV)"),  # the page's title is its card's
        ("/en", "Service levels in numbers", "Download the figures (CSV)"),
    ],
)
def test_the_public_statistics_page_on_a_phone(
    phone_page, live_server, reporter, categories, clerk, prefix, heading, csv_label
):
    cache.clear()
    with time_machine.travel(FILED):
        first = make_request(reporter, categories["potholes"], title="Πρώτη")
        make_request(reporter, categories["bins"], title="Δεύτερη")
    with time_machine.travel(datetime(2026, 3, 27, 8, 0, tzinfo=UTC)):
        services.status_change(citizen_request=first, to_status="closed", clerk=clerk, resolution="resolved")
    with time_machine.travel(datetime(2026, 4, 2, 8, 0, tzinfo=UTC)):
        make_request(reporter, categories["potholes"], title="Τρίτη")
    page = phone_page
    page.goto(f"{live_server.url}{prefix}/dimos/thessaloniki/")
    page.locator(
        ".service-card a", has_text="Η εξυπηρέτηση σε αριθμούς" if not prefix else "Service levels in numbers"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("#total-open")).to_have_text("2")
    expect(page.locator("#total-closed")).to_have_text("1")
    # The chart and the table say the same, month by month.
    for month, filed, closed in (("2026-03", "2", "1"), ("2026-04", "1", "0")):
        row = page.locator(f"#months-table tr[data-month='{month}']")
        expect(row.locator(".filed")).to_have_text(filed)
        expect(row.locator(".closed")).to_have_text(closed)
        expect(page.locator(f"#months-chart rect.bar-filed[data-month='{month}']")).to_have_attribute(
            "data-value", filed
        )
        expect(page.locator(f"#months-chart rect.bar-closed[data-month='{month}']")).to_have_attribute(
            "data-value", closed
        )
    assert (
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        or page.locator(".table-responsive").count()
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=csv_label).click()
    with open(download.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    assert rows[0][:3] == ["category", "open", "closed"]
    assert {row[0]: row[1:3] for row in rows[1:]}["*"] == ["2", "1"]
