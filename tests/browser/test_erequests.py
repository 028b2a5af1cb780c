"""E-requests in a real browser: file with a document, get a protocol number, the clerk answers, download it."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_tracker.models import ERequest
from tests.browser.fixtures import assert_accessible
from tests.browser.test_requests import clerk_page  # noqa: F401 - a fixture, used by name
from tests.personas import login_as
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.fixtures import PDF_BYTES, private_media  # noqa: F401 - a fixture, used by name

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
erequest_clerk = erequest_fixtures.erequest_clerk

pytestmark = pytest.mark.browser
ANSWER = PDF_BYTES.replace(b"/Catalog", b"/Catalog /Answer")


def test_file_get_a_number_clerk_answers_citizen_downloads(
    page,
    live_server,
    verified,
    erequest_types,
    erequest_clerk,
    clerk_page,  # noqa: F811
):
    login_as(page, live_server, verified)
    page.goto(live_server.url + "/requests/chania/e/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Υποβολή αίτησης.*Βεβαίωση μόνιμης κατοικίας")).click()
    expect(page.get_by_label("Είδος αίτησης")).to_have_value(str(erequest_types["residence"].pk))
    assert_accessible(page)
    page.get_by_label("Θέμα").fill("Βεβαίωση για την εφορία")
    page.get_by_label("Περιγραφή").fill("Τη χρειάζομαι για τη φορολογική δήλωση.")
    page.get_by_label("Ηλεκτρονικά (λήψη από την πύλη)").check()
    page.locator("#id_files").set_input_files(
        [{"name": "ταυτότητα.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Υποβολή e-αιτήματος").click()

    erequest = ERequest.objects.get()
    today = timezone.localdate()
    expect(page).to_have_url(re.compile(rf"/requests/chania/e/{erequest.public_id}/$"))
    expect(page.locator("#protocol-number")).to_have_text(f"Αρ. Πρωτ. 1/{today:%d-%m-%Y}")
    expect(page.locator(".status-badge")).to_have_text("Πρωτοκολλήθηκε")
    expect(page.get_by_role("link", name="ταυτότητα.pdf")).to_be_visible()
    assert_accessible(page)

    login_as(clerk_page, live_server, erequest_clerk)
    clerk_page.goto(live_server.url + "/requests/chania/e-staff/")
    assert_accessible(clerk_page)
    clerk_page.get_by_role("link", name=f"Αρ. Πρωτ. 1/{today:%d-%m-%Y}").click()
    assert_accessible(clerk_page)
    clerk_page.get_by_role("button", name="Σε εξέλιξη").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Σε εξέλιξη")
    clerk_page.get_by_label("Έγγραφο απάντησης (PDF)").set_input_files(
        {"name": "βεβαίωση.pdf", "mimeType": "application/pdf", "buffer": ANSWER}
    )
    clerk_page.get_by_role("button", name="Αποστολή απάντησης").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Απαντήθηκε")

    page.reload()
    expect(page.locator(".status-badge")).to_have_text("Απαντήθηκε")
    expect(page.locator(".timeline-step")).to_have_count(4)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Λήψη της απάντησης")).click()
    download = download_info.value
    assert download.suggested_filename == "βεβαίωση.pdf"
    assert Path(download.path()).read_bytes() == ANSWER


def test_the_form_offers_only_what_the_kind_allows(page, live_server, verified, erequest_types):
    """«Ταχυδρομικά» is not offered for a building-permit copy; the postal address appears only for post."""
    login_as(page, live_server, verified)
    page.goto(live_server.url + f"/requests/chania/e/new/?type={erequest_types['permit_copy'].pk}")
    expect(page.get_by_label("Ταχυδρομικά")).to_be_hidden()
    expect(page.get_by_label("Ταχυδρομική διεύθυνση")).to_be_hidden()
    assert_accessible(page)
    page.get_by_label("Είδος αίτησης").select_option(str(erequest_types["residence"].pk))
    page.get_by_label("Ταχυδρομικά").check()
    expect(page.get_by_label("Ταχυδρομική διεύθυνση")).to_be_visible()
    page.get_by_label("Είδος αίτησης").select_option(str(erequest_types["permit_copy"].pk))
    expect(page.get_by_label("Ταχυδρομικά")).to_be_hidden()
    expect(page.get_by_label("Ταχυδρομική διεύθυνση")).to_be_hidden()

    page.get_by_label("Θέμα").fill("Αντίγραφο κάτοψης")
    page.get_by_label("Περιγραφή").fill("Για την πώληση του ακινήτου.")
    page.get_by_label("Παραλαβή από το γραφείο").check()
    page.locator("#id_files").set_input_files(
        [{"name": "συμβόλαιο.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Υποβολή e-αιτήματος").click()
    expect(page.locator(".status-badge")).to_have_text("Πρωτοκολλήθηκε")
    assert ERequest.objects.get().delivery_method == "pickup"


def test_an_unverified_citizen_is_sent_to_the_verification_page(page, live_server, citizen, erequest_types):
    login_as(page, live_server, citizen)
    page.goto(live_server.url + "/requests/chania/e/new/")
    expect(page).to_have_url(re.compile(r"/verification/$"))
    assert_accessible(page)
