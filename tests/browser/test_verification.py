"""Identity verification end to end: a citizen asks in each of the three ways, a clerk decides in the admin."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from identity_verification.models import VerificationCase
from portal.models import OutboundEmail
from tests.accounts.second_factor import SECRET, portal_login, totp_enrol
from tests.browser.fixtures import assert_accessible
from tests.identity_verification import fixtures as verification_fixtures
from tests.identity_verification.fixtures import PASSWORD, PDF_BYTES, VALID_AFM, image_bytes, make_case, make_citizen
from tests.personas import login_as

# The verification office's clerk and files of the unit tests, as fixtures of this module (citizen: tests/personas.py).
clerk = verification_fixtures.clerk
offices = verification_fixtures.offices
private_media = verification_fixtures.private_media

pytestmark = pytest.mark.browser

RECEIVED_STATUS = "Παραλήφθηκαν τα δικαιολογητικά"


def admin_login(page: Page, live_server, username: str) -> None:
    """The clerk enters the admin through the portal's login page, with an authenticator app's code."""
    user = User.objects.get(username=username)
    if not Authenticator.objects.filter(user=user).exists():
        totp_enrol(user)
    page.goto(live_server.url + "/admin/")
    portal_login(page, live_server, username, PASSWORD, next_url="/admin/", secret=SECRET)
    expect(page).to_have_url(live_server.url + "/admin/")


@pytest.fixture
def clerk_page(browser, live_server) -> Page:
    """The clerk works in a browser of their own, beside the citizen's."""
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900}, locale="el-GR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _afm(page: Page):
    return page.get_by_label(re.compile(r"^\s*ΑΦΜ\s*\*?\s*$"))  # the asterisk marks a required field


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def _open_the_request_form(page: Page, live_server) -> None:
    page.goto(live_server.url + "/verification/")
    expect(_heading(page)).to_have_text("Ταυτοποίηση χρηστών")
    expect(page.get_by_text("φωτοτυπία αστυνομικής ταυτότητας,").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Αίτηση ταυτοποίησης").click()
    expect(_heading(page)).to_have_text("Αίτηση ταυτοποίησης")
    assert_accessible(page)


def _clerk_opens_the_case(clerk_page: Page, live_server, case: VerificationCase) -> None:
    clerk_page.goto(live_server.url + f"/admin/identity_verification/verificationcase/{case.pk}/change/")
    expect(clerk_page.locator("#content")).to_contain_text(case.citizen.full_name)


def _emails_to(user) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [user.email]]


def test_in_person_request_received_and_approved(page, clerk_page, live_server, citizen, clerk, offices):
    login_as(page, live_server, citizen)
    _open_the_request_form(page, live_server)

    page.get_by_label("Με φυσική παρουσία, σε γραφείο του Δήμου").check()
    expect(page.get_by_label("Αστυνομική ταυτότητα (και οι δύο όψεις)")).to_be_hidden()
    page.get_by_label("Γραφείο που θα επισκεφθείτε").select_option(
        label="Γραφείο Διαφάνειας και Υποστήριξης του Δημότη — Μυλωνογιάννη και Υψηλαντών γωνία"
    )
    _afm(page).fill(VALID_AFM)
    page.get_by_role("button", name="Υποβολή αίτησης").click()

    expect(_heading(page)).to_have_text("Η αίτηση ταυτοποίησής σας")
    expect(page.get_by_test_id("status")).to_have_text("Υποβλήθηκε")
    expect(page.get_by_text("Επισκεφθείτε το γραφείο «Γραφείο Διαφάνειας")).to_be_visible()
    assert_accessible(page)
    case_url = page.url

    # The printable form, pre-filled, with a print button that works under the CSP (no inline script).
    page.get_by_role("link", name="Άνοιγμα της αίτησης για εκτύπωση").click()
    expect(_heading(page)).to_have_text("Αίτηση ταυτοποίησης")
    form = page.locator("article.application-form")
    for text in ("Μαρία Κουκουράκη", "maria", "maria@example.gr", VALID_AFM, "(υπογραφή)"):
        expect(form).to_contain_text(text)
    assert_accessible(page)
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Εκτύπωση").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    expect(page.locator("header.portal-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Εκτύπωση")).to_be_hidden()
    expect(form).to_be_visible()
    page.emulate_media(media="screen")

    # The clerk records the receipt, then approves.
    case = VerificationCase.objects.get(citizen=citizen)
    admin_login(clerk_page, live_server, clerk.username)
    _clerk_opens_the_case(clerk_page, live_server, case)
    clerk_page.get_by_role("button", name="Παραλαβή δικαιολογητικών").click()
    expect(clerk_page.locator(".messagelist")).to_contain_text("Αιτήσεις που ενημερώθηκαν: 1.")
    clerk_page.get_by_role("button", name="Έγκριση").click()
    expect(clerk_page.locator(".messagelist")).to_contain_text("Αιτήσεις που ενημερώθηκαν: 1.")

    page.goto(case_url)
    expect(page.get_by_test_id("status")).to_have_text("Εγκρίθηκε")
    expect(page.get_by_text("Η ταυτοποίησή σας ολοκληρώθηκε.")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/verification/")
    expect(page.get_by_text("Ο λογαριασμός σας είναι ταυτοποιημένος.")).to_be_visible()
    assert_accessible(page)

    citizen.refresh_from_db()
    assert citizen.is_verified_citizen and citizen.identity_verification_method == "in_person"
    assert _emails_to(citizen) == [
        f"Η αίτηση ταυτοποίησής σας {case.reference} υποβλήθηκε",
        f"Παραλήφθηκαν τα δικαιολογητικά της αίτησής σας {case.reference}",
        "Η ταυτοποίησή σας ολοκληρώθηκε",
    ]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_request_by_post_decided_with_list_actions(page, clerk_page, live_server, citizen, clerk, offices):
    late = make_case(make_citizen("late", citizen.municipality), received_hours_ago=60)
    login_as(page, live_server, citizen)
    _open_the_request_form(page, live_server)

    page.get_by_label("Ταχυδρομικά, με βεβαίωση του γνησίου της υπογραφής από ΚΕΠ").check()
    expect(page.get_by_label("Γραφείο που θα επισκεφθείτε")).to_be_hidden()
    _afm(page).fill(VALID_AFM)
    page.get_by_role("button", name="Υποβολή αίτησης").click()

    expect(page.get_by_test_id("status")).to_have_text("Υποβλήθηκε")
    expect(page.locator("address")).to_contain_text("Κυδωνίας 29, Τ.Κ. 73135, Χανιά Κρήτης")
    expect(page.locator("address")).to_contain_text("Τμήμα Τεχνολογιών Πληροφορικής και Επικοινωνιών")
    assert_accessible(page)
    case_url = page.url
    page.get_by_role("link", name="Άνοιγμα της αίτησης για εκτύπωση").click()
    expect(page.locator("article.application-form")).to_contain_text("Βεβαίωση του γνησίου της υπογραφής (ΚΕΠ)")
    assert_accessible(page)

    case = VerificationCase.objects.get(citizen=citizen)
    admin_login(clerk_page, live_server, clerk.username)
    clerk_page.goto(live_server.url + "/admin/identity_verification/verificationcase/")
    overdue_row = clerk_page.locator("tr", has=clerk_page.locator(f"input.action-select[value='{late.pk}']"))
    expect(overdue_row.locator(".verification-overdue")).to_be_visible()
    for action in ("Παραλαβή δικαιολογητικών", "Έγκριση"):
        clerk_page.locator(f"input.action-select[value='{case.pk}']").check()
        clerk_page.locator("select[name=action]").select_option(label=action)
        clerk_page.locator("button[name=index]").click()
        expect(clerk_page.locator(".messagelist")).to_contain_text("Αιτήσεις που ενημερώθηκαν: 1.")

    page.goto(case_url)
    expect(page.get_by_test_id("status")).to_have_text("Εγκρίθηκε")
    assert_accessible(page)
    assert len(_emails_to(citizen)) == 3
    citizen.refresh_from_db()
    assert citizen.identity_verification_method == "by_post"


def test_online_request_with_a_bad_file_then_good_ones(page, clerk_page, live_server, citizen, clerk, offices):
    login_as(page, live_server, citizen)
    _open_the_request_form(page, live_server)

    page.get_by_label("Ηλεκτρονικά, με ανάρτηση σαρωμένων δικαιολογητικών").check()
    _afm(page).fill(VALID_AFM)
    identity = page.get_by_label("Αστυνομική ταυτότητα (και οι δύο όψεις)")
    afm_document = page.get_by_label("Έγγραφο που αποδεικνύει το ΑΦΜ σας")
    identity.set_input_files(
        files=[{"name": "ταυτότητα.pdf", "mimeType": "application/pdf", "buffer": b"only text, not a PDF"}]
    )
    afm_document.set_input_files(files=[{"name": "afm.png", "mimeType": "image/png", "buffer": image_bytes()}])
    page.get_by_role("button", name="Υποβολή αίτησης").click()

    expect(page.get_by_text("Το αρχείο δεν είναι εικόνα JPEG ή PNG ούτε έγγραφο PDF.")).to_be_visible()
    expect(_afm(page)).to_have_value(VALID_AFM)
    expect(page.get_by_label("Ηλεκτρονικά, με ανάρτηση σαρωμένων δικαιολογητικών")).to_be_checked()
    expect(page.get_by_text("επιλέξτε ξανά τα δικαιολογητικά")).to_be_visible()
    assert_accessible(page)
    assert not VerificationCase.objects.exists()

    identity.set_input_files(files=[{"name": "ταυτότητα.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")}])
    afm_document.set_input_files(files=[{"name": "e9.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.get_by_role("button", name="Υποβολή αίτησης").click()

    # The scans came with the request: the 48 hours for a decision run from now, without a clerk's receipt.
    expect(page.get_by_test_id("status")).to_have_text(RECEIVED_STATUS)
    documents = page.get_by_role("region", name="Δικαιολογητικά που ανεβάσατε").get_by_role("link")
    expect(documents).to_have_count(2)
    assert_accessible(page)
    case_url = page.url

    # The clerk opens the scans through the permission-checking view and approves.
    case = VerificationCase.objects.get(citizen=citizen)
    admin_login(clerk_page, live_server, clerk.username)
    _clerk_opens_the_case(clerk_page, live_server, case)
    links = clerk_page.locator(".verification-documents a")
    expect(links).to_have_count(2)
    for index in range(2):
        href = links.nth(index).get_attribute("href")
        assert re.fullmatch(r"/verification/documents/[0-9a-f-]{36}/", href)
        response = clerk_page.request.get(live_server.url + href)
        assert response.status == 200 and response.headers["content-type"] in {"image/jpeg", "application/pdf"}
    expect(clerk_page.get_by_role("button", name="Παραλαβή δικαιολογητικών")).to_have_count(0)
    clerk_page.get_by_role("button", name="Έγκριση").click()
    expect(clerk_page.locator(".messagelist")).to_contain_text("Αιτήσεις που ενημερώθηκαν: 1.")

    page.goto(case_url)
    expect(page.get_by_test_id("status")).to_have_text("Εγκρίθηκε")
    assert_accessible(page)
    assert len(_emails_to(citizen)) == 2  # submitted, approved
    citizen.refresh_from_db()
    assert citizen.identity_verification_method == "online"


def test_rejection_with_a_reason_is_shown_to_the_citizen(page, clerk_page, live_server, citizen, clerk, offices):
    case = make_case(citizen, office=offices["transparency"], received_hours_ago=5, afm=VALID_AFM)
    admin_login(clerk_page, live_server, clerk.username)
    _clerk_opens_the_case(clerk_page, live_server, case)
    clerk_page.get_by_role("link", name="Απόρριψη").click()
    clerk_page.get_by_label("Λόγος απόρριψης").fill("Η φωτοτυπία της ταυτότητας δεν διαβάζεται.")
    clerk_page.get_by_role("button", name="Απόρριψη").click()
    expect(clerk_page.locator(".messagelist")).to_contain_text("Αιτήσεις που ενημερώθηκαν: 1.")

    login_as(page, live_server, citizen)
    page.goto(live_server.url + f"/verification/request/{case.public_id}/")
    expect(page.get_by_test_id("status")).to_have_text("Απορρίφθηκε")
    expect(page.get_by_test_id("rejection-reason")).to_have_text("Η φωτοτυπία της ταυτότητας δεν διαβάζεται.")
    assert_accessible(page)
    page.goto(live_server.url + "/verification/")
    expect(page.get_by_text("Η τελευταία σας αίτηση ταυτοποίησης απορρίφθηκε.")).to_be_visible()
    expect(page.get_by_role("link", name="Αίτηση ταυτοποίησης")).to_be_visible()  # they may ask again
    assert_accessible(page)

    (email,) = mail.outbox
    assert email.subject == f"Η αίτηση ταυτοποίησής σας {case.reference} απορρίφθηκε"
    assert "Η φωτοτυπία της ταυτότητας δεν διαβάζεται." in email.body


def test_the_pages_in_english(page, live_server, citizen, offices):
    login_as(page, live_server, citizen)
    page.goto(live_server.url + "/en/verification/request/")
    expect(_heading(page)).to_have_text("Request verification")
    page.get_by_label("By post, with the signature certified at a ΚΕΠ").check()
    page.get_by_label(re.compile(r"^\s*Tax number \(ΑΦΜ\)\s*\*?\s*$")).fill(VALID_AFM)
    page.get_by_role("button", name="Send the request").click()
    expect(_heading(page)).to_have_text("Your verification request")
    expect(page).to_have_url(re.compile(r"/en/verification/request/[0-9a-f-]{36}/$"))
    assert_accessible(page)
