"""The statistics in a browser: the public page on a phone in Greek and English (the map of open requests agreeing
with its table, the registered sections, the GeoJSON download parsed); the staff dashboard reached from the staff
desk, its overdue list leading to the request, the promised date moved there with a reason the timeline shows; and
a clerk of another municipality refused; both pages no wider than a phone with the demo's data, in Greek and English."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from requests_tracker import services
from requests_tracker.models import Category, Request
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import make_clerk, make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
clerk = request_fixtures.clerk
private_media = request_fixtures.private_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday; the potholes' target of 10 working days ends 16 March


@pytest.fixture(autouse=True)
def local_tiles(settings, live_server):
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


@pytest.fixture
def filed(reporter, categories, clerk):
    """Three open requests in two areas (two at Tsimiski 40, one 2 km north-east) and one closed."""
    cache.clear()
    with time_machine.travel(FILED):
        first = make_request(reporter, categories["potholes"], title="Πρώτη", latitude=40.6324, longitude=22.9412)
        make_request(reporter, categories["bins"], title="Δεύτερη", latitude=40.6326, longitude=22.9414)
        make_request(reporter, categories["potholes"], title="Τρίτη", latitude=40.6524, longitude=22.9612)
        closed = make_request(reporter, categories["bins"], title="Τέταρτη")
    with time_machine.travel(datetime(2026, 3, 4, 8, 0, tzinfo=UTC)):
        services.status_change(citizen_request=closed, to_status="closed", clerk=clerk, resolution="resolved")
    return first


@pytest.mark.parametrize(
    ("prefix", "card", "areas_heading", "appointments", "geojson_label"),
    [
        ("", "Η εξυπηρέτηση σε αριθμούς", "Ανοιχτά αιτήματα ανά περιοχή", "Ραντεβού", "Τα αιτήματα σε χάρτη (GeoJSON)"),
        (
            "/en",
            "Service levels in numbers",
            "Open requests by area",
            "Appointments",
            "The requests on a map (GeoJSON)",
        ),
    ],
)
def test_the_public_page_s_map_agrees_with_its_table_and_the_geojson_parses(
    phone_page, live_server, filed, prefix, card, areas_heading, appointments, geojson_label
):
    page = phone_page
    page.goto(f"{live_server.url}{prefix}/dimos/thessaloniki/", timeout=30_000)  # the server's first page is slow
    page.locator(".service-card a", has_text=card).click()
    expect(page.get_by_role("heading", name=areas_heading)).to_be_visible()
    rows = page.locator("#areas-table tbody tr[data-lat]")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".count")).to_have_text("2")  # the most first
    expect(rows.nth(1).locator(".count")).to_have_text("1")
    # The map draws one circle per row of the table, from the table.
    expect(page.locator("#areas-map path.area-circle")).to_have_count(2)
    expect(page.get_by_role("heading", name=appointments, level=2)).to_be_visible()
    expect(page.locator("#section-erequests")).to_be_visible()
    expect(page.locator("#section-identity_verification")).to_be_visible()
    assert page.locator("link[rel=alternate][type='application/ld+json']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=geojson_label).click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        document = json.load(downloaded)
    assert document["metadata"]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    codes = {feature["properties"]["code"] for feature in document["features"]}
    assert filed.code in codes and len(codes) == 4
    assert "Πρώτη" not in json.dumps(document, ensure_ascii=False)


def test_the_clerk_acts_from_the_dashboard_and_moves_the_promised_date(page, live_server, filed, clerk, thessaloniki):
    with time_machine.travel(datetime(2026, 3, 18, 8, 0, tzinfo=UTC), tick=True):  # past 16 March
        login_as(page, live_server, clerk)
        page.goto(live_server.url + "/requests/thessaloniki/staff/", timeout=30_000)
        page.get_by_role("link", name="Πίνακας εξυπηρέτησης").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Πίνακας εξυπηρέτησης")
        expect(page.locator("#total-open")).to_have_text("3")
        overdue = page.locator("[data-source='requests'] .deadline-item", has_text=filed.code)
        expect(overdue).to_contain_text("Εκπρόθεσμο")
        # The backlog chart draws each department's line from the same numbers as its table.
        expect(page.locator("#backlog-chart polyline")).to_have_count(
            page.locator("#backlog-table thead th").count() - 1
        )
        page.get_by_label("Κατηγορία", exact=True).select_option(label="Λακκούβες")
        page.get_by_role("button", name="Εμφάνιση").click()
        expect(page.locator("#total-open")).to_have_text("2")
        assert_accessible(page)

        page.locator("[data-source='requests'] .deadline-item a", has_text=filed.code).click()
        expect(page.locator("#staff-expected-by")).to_contain_text("Αναμένεται έως 16 Μαρτίου 2026")
        page.get_by_label("Νέα αναμενόμενη ημερομηνία").fill("2026-03-27")
        page.get_by_role("button", name="Αλλαγή αναμενόμενης ημερομηνίας").click()
        expect(page.locator(".invalid-feedback").first).to_be_visible()  # no reason: refused, said beside the field
        expect(page.get_by_label("Νέα αναμενόμενη ημερομηνία")).to_have_value("2026-03-27")  # kept what was typed
        page.get_by_label("Αιτιολογία (εμφανίζεται στον πολίτη)").fill("Περιμένουμε το ασφαλτικό από τον προμηθευτή.")
        page.get_by_role("button", name="Αλλαγή αναμενόμενης ημερομηνίας").click()
        expect(page.locator("#staff-expected-by")).to_contain_text("Αναμένεται έως 27 Μαρτίου 2026")
        moved = page.locator(".timeline-step", has_text="Πλέον αναμένεται έως 27 Μαρτίου 2026")
        expect(moved).to_contain_text("Περιμένουμε το ασφαλτικό από τον προμηθευτή.")


def test_a_clerk_of_another_municipality_sees_none_of_it(page, live_server, filed, chania):
    stranger = make_clerk("clerk.chania", chania)
    login_as(page, live_server, stranger)
    response = page.goto(live_server.url + "/dimos/thessaloniki/statistics/staff/", timeout=30_000)
    assert response.status == 403
    expect(page.locator("#total-open")).to_have_count(0)
    expect(page.get_by_text(filed.code)).to_have_count(0)


# --- Nothing wider than a phone: the demo's data, with longer names than any real category, on both pages.

DEMO_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
LONG_CATEGORY = (
    "Καταλήψεις κοινόχρηστων χώρων (πεζοδρόμια, πλατείες): https://thessaloniki.example.gr/κοινόχρηστοι-χώροι"
)
LONG_CATEGORY_EN = "Unauthorised structures on public spaces: https://thessaloniki.example.gr/public-spaces/complaints"
# Every element whose right edge passes the viewport, outside scrollable boxes, with what it is: the failure names
# the culprits.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && a !== document.documentElement
          && a !== document.body) return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')}`
                 + ` right=${Math.round(el.getBoundingClientRect().right)}`)
    .slice(0, 15);
}"""
FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def demo_data():
    """`load_demo`'s Thessaloniki (every section filled, four months) and a category with a very long name."""
    cache.clear()
    with time_machine.travel(DEMO_NOW, tick=False):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        municipality = Request.objects.filter(municipality__slug="thessaloniki").first().municipality
        category = Category.objects.create(
            municipality=municipality, code="public-space", name_el=LONG_CATEGORY, name_en=LONG_CATEGORY_EN
        )
        Request.objects.filter(municipality=municipality, category__code="other").update(category=category)
    yield municipality
    cache.clear()


def _assert_fits(page):
    assert page.evaluate(FITS), page.evaluate(OVERFLOWING)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_both_statistics_pages_fit_a_phone(phone_page, live_server, demo_data, prefix):
    with time_machine.travel(DEMO_NOW, tick=True):
        phone_page.goto(f"{live_server.url}{prefix}/dimos/thessaloniki/statistics/", timeout=30_000)
        expect(phone_page.locator("#appointments-services tbody tr")).to_have_count(2)
        expect(phone_page.locator("#erequests-table tbody tr")).to_have_count(3)
        expect(phone_page.locator("#months-table tbody tr")).to_have_count(4)
        _assert_fits(phone_page)

        login_as(phone_page, live_server, User.objects.get(username="clerk.thessaloniki"))
        phone_page.goto(f"{live_server.url}{prefix}/dimos/thessaloniki/statistics/staff/", timeout=30_000)
        expect(phone_page.locator("#backlog-chart polyline").first).to_be_attached()
        _assert_fits(phone_page)
