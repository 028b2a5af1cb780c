"""Citizen requests in a real browser: filing with the map and the geocoder, uploads, the clerk, votes, the list."""

import re

import pytest
from playwright.sync_api import Page, expect

from requests_tracker import services
from requests_tracker.models import Request
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
neighbour = request_fixtures.neighbour
clerk = request_fixtures.clerk
geocoder = request_fixtures.geocoder
private_media = request_fixtures.private_media

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def local_tiles(settings, live_server):
    # No tile server on the test network: tiles come from this server (and 404), so the page never waits on them.
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


@pytest.fixture
def clerk_page(browser, live_server) -> Page:
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900}, locale="el-GR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_file_edit_acknowledge_lock_in_greek(page, live_server, reporter, categories, clerk, clerk_page):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    expect(page.get_by_text("Ένα πρόβλημα ανά αίτημα.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Τίτλος").fill("Σβηστός φανοστάτης")
    page.get_by_label("Κατηγορία").select_option(label="Λακκούβες")
    page.get_by_label("Περιγραφή").fill("Ο φανοστάτης δεν ανάβει.")
    page.locator("#request-map").click(position={"x": 120, "y": 90})
    expect(page.locator("#id_latitude")).not_to_have_value("")
    page.locator("#id_files").set_input_files(
        [
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")},
            {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ]
    )
    page.get_by_role("button", name="Έναρξη μεταφόρτωσης").click()
    expect(page.locator("#staged-files li")).to_have_count(2)
    page.get_by_role("button", name="Υποβολή").click()

    expect(page).to_have_url(re.compile(r"/requests/thessaloniki/r/THE-\w{6}/$"))
    citizen_request = Request.objects.get()
    expect(page.locator(".status-badge")).to_have_text("Καταχωρίστηκε")
    expect(page.locator("img.request-thumb")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"letter\.pdf"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Επεξεργασία ή απόσυρση").click()
    page.get_by_label("Τίτλος").fill("Σβηστός φανοστάτης στην Τσιμισκή")
    page.get_by_role("button", name="Υποβολή").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Σβηστός φανοστάτης στην Τσιμισκή")

    login_as(clerk_page, live_server, clerk)
    clerk_page.goto(live_server.url + f"/requests/thessaloniki/staff/{citizen_request.code}/")
    assert_accessible(clerk_page)
    clerk_page.get_by_label("Νέα κατάσταση").select_option("acknowledged")
    clerk_page.get_by_label("Σημείωση").fill("Προωθήθηκε στο συνεργείο.")
    clerk_page.get_by_role("button", name="Αλλαγή κατάστασης").click()
    expect(clerk_page.locator(".status-badge").first).to_have_text("Γνωστοποιήθηκε")

    page.reload()
    expect(page.locator("#locked-reason")).to_contain_text("δεν μπορεί πλέον να αλλάξει")
    expect(page.get_by_role("link", name="Επεξεργασία ή απόσυρση")).to_have_count(0)
    page.locator("#timeline summary").click()
    expect(page.locator(".timeline-step")).to_have_count(2)
    expect(page.locator("#timeline")).to_contain_text("Προωθήθηκε στο συνεργείο.")
    assert_accessible(page)


def test_file_with_a_geocoded_address_in_english_on_a_phone(phone_page, live_server, reporter, categories, geocoder):
    page = phone_page
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/en/requests/thessaloniki/new/")
    assert_accessible(page)
    page.get_by_label("Title").fill("Overflowing bin")
    page.get_by_label("Category").select_option(label="Rubbish bins")
    page.get_by_label("Description").fill("The bin has not been emptied for days.")
    page.get_by_label("Address").fill("ionos dragoumi 47")
    page.get_by_role("button", name="Find the address").click()
    page.get_by_role("button", name=re.compile("47, Ίωνος Δραγούμη")).click()
    expect(page.locator("#id_latitude")).to_have_value("40.636581")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("47, Ίωνος Δραγούμη", exact=False).first).to_be_visible()
    expect(page.locator(".status-badge")).to_have_text("Registered")
    assert_accessible(page)


def test_vote_take_back_and_comment(page, live_server, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    login_as(page, live_server, neighbour)
    page.goto(live_server.url + f"/requests/thessaloniki/r/{citizen_request.code}/")
    assert_accessible(page)
    page.get_by_role("button", name="Έχω κι εγώ αυτό το πρόβλημα").click()
    expect(page.locator("#vote-count")).to_have_text("Πολίτες που έχουν κι αυτοί το πρόβλημα: 1")
    page.get_by_role("button", name="Ανάκληση της ψήφου μου").click()
    expect(page.locator("#vote-count")).to_have_text("Πολίτες που έχουν κι αυτοί το πρόβλημα: 0")
    page.get_by_role("button", name="Αποστολή σχολίου").click()
    expect(page.get_by_role("alert")).to_contain_text("Γράψτε ένα σχόλιο")
    assert_accessible(page)
    page.get_by_label("Το σχόλιό σας").fill("Το ίδιο και στη γωνία.")
    page.get_by_role("button", name="Αποστολή σχολίου").click()
    expect(page.locator(".comment")).to_contain_text("Το ίδιο και στη γωνία.")


def test_list_filters_sort_page_size_ribbon_and_map(page, live_server, reporter, neighbour, categories, clerk):
    mine = make_request(reporter, categories["bins"], title="Ξεχειλισμένος κάδος")
    make_request(neighbour, categories["potholes"], title="Βαθιά λακκούβα")
    closed = make_request(neighbour, categories["potholes"], title="Αλλη λακκούβα", latitude="40.640000")
    services.status_change(citizen_request=closed, to_status="closed", clerk=clerk, resolution="resolved")
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/")
    expect(page.locator(".request-card")).to_have_count(3)
    expect(page.locator(".request-card.is-mine .ribbon")).to_have_text("Το αίτημά μου")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Λακκούβες").check()
    page.get_by_label("Κατάσταση").select_option("open")
    page.get_by_label("Ταξινόμηση").select_option("title")
    page.get_by_label("Αιτήματα ανά σελίδα").select_option("10")
    page.get_by_role("button", name="Εμφάνιση").click()
    expect(page).to_have_url(re.compile(r"category=\d+.*status=open.*sort=title.*per_page=10"))
    expect(page.locator(".request-card")).to_have_count(1)
    expect(page.locator(".request-card h2")).to_have_text("Βαθιά λακκούβα")
    # The map shows one marker: the open pothole, the only request the filters leave.
    markers = page.locator("#requests-map .leaflet-marker-icon")
    expect(markers).to_have_count(1)
    expect(markers).to_have_attribute("title", "Βαθιά λακκούβα")
    expect(markers).to_be_visible()

    page.goto(live_server.url + "/requests/thessaloniki/?sort=-title")
    titles = page.locator(".request-card h2").all_inner_texts()
    assert titles == sorted(titles, reverse=True)
    page.get_by_role("link", name=re.compile("Περισσότερες λεπτομέρειες… \\(Ξεχειλισμένος")).click()
    expect(page).to_have_url(re.compile(mine.code))


def test_list_pages_and_follows_a_clerks_change_at_once(page, live_server, reporter, neighbour, categories, clerk):
    """The cached list as a citizen uses it: page through it by title, then see a clerk's closing at the next load."""
    for number in range(12):
        make_request(neighbour, categories["potholes"], title=f"Λακκούβα {number:02d}")
    page.goto(live_server.url + "/requests/thessaloniki/?status=open&sort=title&per_page=10")
    expect(page.get_by_text("Αιτήματα που βρέθηκαν: 12")).to_be_visible()
    expect(page.locator(".request-card")).to_have_count(10)
    expect(page.locator(".request-card h2").first).to_have_text("Λακκούβα 00")
    page.get_by_role("link", name="Επόμενη").click()
    expect(page.get_by_text("Σελίδα 2 από 2")).to_be_visible()
    expect(page.locator(".request-card h2")).to_have_text(["Λακκούβα 10", "Λακκούβα 11"])

    last = Request.objects.get(title="Λακκούβα 11")
    services.status_change(citizen_request=last, to_status="closed", clerk=clerk, resolution="resolved")
    page.reload()
    expect(page.locator(".request-card h2")).to_have_text(["Λακκούβα 10"])
    expect(page.get_by_text("Αιτήματα που βρέθηκαν: 11")).to_be_visible()
