"""What a screen reader user is told when a form is refused: an alert, and the field described by its error."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.fixtures import assert_accessible
from tests.browser.test_verification import _afm
from tests.identity_verification import fixtures as verification_fixtures
from tests.personas import login_as
from tests.requests_tracker import fixtures as request_fixtures

offices = verification_fixtures.offices
private_media = verification_fixtures.private_media
categories = request_fixtures.categories
reporter = request_fixtures.reporter

pytestmark = pytest.mark.browser

BAD_AFM = "Εισαγάγετε έγκυρο ΑΦΜ: εννέα ψηφία, το τελευταίο ψηφίο ελέγχου."
CORRECT = "Διορθώστε τα παρακάτω λάθη."


def test_a_wrong_afm_is_announced_and_describes_the_field(page, live_server, citizen, offices):
    login_as(page, live_server, citizen)
    page.goto(live_server.url + reverse("identity_verification:request"), wait_until="domcontentloaded")
    page.get_by_label("Με φυσική παρουσία, σε γραφείο του Δήμου").check()
    page.get_by_label("Γραφείο που θα επισκεφθείτε").select_option(index=1)
    _afm(page).fill("123456789")
    page.get_by_role("button", name="Υποβολή αίτησης").click()

    expect(page.get_by_role("alert")).to_have_text([CORRECT, BAD_AFM])
    expect(_afm(page)).to_have_attribute("aria-invalid", "true")
    expect(_afm(page)).to_have_accessible_description(re.compile(re.escape(BAD_AFM)))
    expect(_afm(page)).to_have_value("123456789")
    assert_accessible(page)


def test_a_request_without_a_title_is_announced_and_describes_the_title(page, live_server, reporter, categories):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/", wait_until="domcontentloaded")
    page.get_by_label("Κατηγορία").select_option(label="Λακκούβες")
    page.get_by_label("Περιγραφή").fill("Λακκούβα μπροστά στο 12.")
    page.get_by_role("button", name="Υποβολή").click()

    title = page.get_by_label("Τίτλος")
    expect(page.get_by_role("alert").first).to_have_text(CORRECT)
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("Αυτό το πεδίο είναι απαραίτητο.")
    expect(page.get_by_label("Περιγραφή")).to_have_value("Λακκούβα μπροστά στο 12.")
    expect(page.get_by_label("Περιγραφή")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
