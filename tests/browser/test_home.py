import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser


def test_citizen_chooses_a_municipality_in_greek(page, live_server, chania, thessaloniki):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.get_by_role("heading", level=1)).to_have_text("Οι ηλεκτρονικές υπηρεσίες του δήμου σας")
    assert_accessible(page)

    page.get_by_label("Δήμος").select_option(label="Δήμος Χανίων")
    page.get_by_role("button", name="Συνέχεια").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Δήμος Χανίων")
    expect(page.get_by_role("link", name="Ραντεβού")).to_be_visible()
    expect(page.get_by_role("link", name="Αιτήματα πολιτών")).to_be_visible()
    expect(page.get_by_role("link", name="Ο λογαριασμός μου")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ραντεβού").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ραντεβού")
    assert_accessible(page)


def test_language_switch_keeps_the_page(page, live_server, chania):
    page.goto(live_server.url + "/dimos/chania/")
    page.get_by_role("link", name="English").click()

    expect(page).to_have_url(live_server.url + "/en/dimos/chania/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Municipality of Chania")
    expect(page.get_by_role("link", name="Appointments")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ελληνικά").click()
    expect(page).to_have_url(live_server.url + "/dimos/chania/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Δήμος Χανίων")


def test_home_in_english(page, live_server, chania):
    page.goto(live_server.url + "/en/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The online services of your municipality")
    expect(page.get_by_role("link", name="Municipality of Chania")).to_be_visible()
    assert_accessible(page)


def test_keyboard_user_skips_to_the_content(page, live_server, chania):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Μετάβαση στο κύριο περιεχόμενο")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_home_works_on_a_phone(phone_page, live_server, chania):
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    menu = page.get_by_role("button", name="Εμφάνιση ή απόκρυψη του μενού")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="English")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/privacy/", "Πολιτική απορρήτου"),
        ("/accessibility/", "Δήλωση προσβασιμότητας"),
        ("/en/privacy/", "Privacy policy"),
        ("/en/accessibility/", "Accessibility statement"),
        ("/no-such-page/", "Η σελίδα δεν βρέθηκε"),
        ("/en/no-such-page/", "Page not found"),
    ],
)
def test_footer_and_error_pages(page, live_server, chania, path, heading):
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("contentinfo")).to_be_visible()
    assert_accessible(page)


def test_footer_links(page, live_server, chania):
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Δήλωση προσβασιμότητας").click()
    expect(page).to_have_url(re.compile(r"/accessibility/$"))


def test_healthz_in_the_browser(page, live_server, db):
    response = page.goto(live_server.url + "/healthz")
    assert response.status == 200
    body = json.loads(page.locator("body").inner_text())
    assert body["status"] == "ok" and body["database"] == "ok"
