"""E-payments and delivery in a real browser: a fee paid by card through the stand-in provider and the e-request
then answered; a fee paid with its RF code and reconciled from a statement the treasury uploads; a postal
dispatch seen by the citizen; a pick-up."""

import pytest
from playwright.sync_api import expect

from requests_tracker.models import ERequest, PayableItem, Payment
from tests.browser.fixtures import assert_accessible
from tests.browser.test_requests import clerk_page, login_as  # noqa: F401 - a fixture, used by name
from tests.requests_tracker import erequest_fixtures, payment_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import PDF_BYTES, private_media  # noqa: F401 - a fixture, used by name
from tests.requests_tracker.payment_fixtures import camt054, credit, make_payments_clerk

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
erequest_clerk = erequest_fixtures.erequest_clerk
payment_account = payment_fixtures.payment_account
fee_type = payment_fixtures.fee_type
viva = payment_fixtures.viva

pytestmark = pytest.mark.browser


def test_a_fee_paid_by_card_then_the_erequest_is_answered(
    page,
    live_server,
    verified,
    fee_type,
    erequest_clerk,
    viva,
    clerk_page,  # noqa: F811
):
    login_as(page, live_server, verified)
    page.goto(live_server.url + f"/requests/chania/e/new/?type={fee_type.pk}")
    page.get_by_label("Θέμα").fill("Αντίγραφο σχεδίου κάτοψης")
    page.get_by_label("Περιγραφή").fill("Για την πώληση του ακινήτου.")
    page.get_by_label("Ηλεκτρονικά (λήψη από την πύλη)").check()
    page.get_by_role("button", name="Υποβολή e-αιτήματος").click()
    expect(page.locator("#fee")).to_contain_text("παράβολο 12,50 €")
    assert_accessible(page)

    page.get_by_role("link", name="Πληρωμή παραβόλου").click()
    item = PayableItem.objects.get()
    expect(page.locator("#rf-code")).to_have_text(item.rf_display)
    assert_accessible(page)
    page.get_by_role("button", name="Πληρωμή 12,50 € με κάρτα").click()
    expect(page.locator("#amount")).to_have_text("12,50 €")  # the provider's page
    page.get_by_role("button", name="Πληρωμή", exact=True).click()

    expect(page.get_by_text("Ευχαριστούμε: η πληρωμή σας ελήφθη.")).to_be_visible()
    expect(page.locator(".payment-status")).to_have_text("Πληρώθηκε")
    assert Payment.objects.count() == 1  # the webhook and the return: one payment
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Λήψη της απόδειξης (PDF)").click()
    assert download_info.value.suggested_filename.startswith("receipt-")

    erequest = ERequest.objects.get()
    login_as(clerk_page, live_server, erequest_clerk)
    clerk_page.goto(live_server.url + f"/requests/chania/e-staff/{erequest.public_id}/")
    expect(clerk_page.locator("#fee")).to_contain_text("Πληρώθηκε")
    clerk_page.get_by_role("button", name="Σε εξέλιξη").click()
    clerk_page.get_by_label("Έγγραφο απάντησης (PDF)").set_input_files(
        {"name": "αντίγραφο.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    clerk_page.get_by_role("button", name="Αποστολή απάντησης").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Απαντήθηκε")


def test_a_fee_paid_by_rf_code_is_reconciled_from_the_statement(
    page,
    live_server,
    verified,
    fee_type,
    chania,
    clerk_page,  # noqa: F811
    tmp_path,
):
    erequest = file_erequest(verified, fee_type)
    item = erequest.fee
    login_as(page, live_server, verified)
    page.goto(live_server.url + f"/requests/payments/{item.public_id}/")
    expect(page.locator("#rf-code")).to_have_text(item.rf_display)
    expect(page.get_by_text("Δικαιούχος: Δήμος Χανίων")).to_be_visible()

    treasury = make_payments_clerk("treasury.chania", chania)
    login_as(clerk_page, live_server, treasury)
    statement = tmp_path / "camt054.xml"
    statement.write_bytes(camt054(credit("BANK-0001", "12.50", text=f"ΠΑΡΑΒΟΛΟ {item.rf_display}")))
    clerk_page.goto(live_server.url + "/admin/requests_tracker/statementimport/add/")
    clerk_page.locator("input[name=statement]").set_input_files(str(statement))
    clerk_page.get_by_role("button", name="Αποθήκευση", exact=True).click()
    expect(clerk_page.get_by_text("Καταχωρίστηκαν 1 πληρωμές")).to_be_visible()

    page.reload()
    expect(page.locator(".payment-status")).to_have_text("Πληρώθηκε")
    expect(page.get_by_role("link", name="Λήψη της απόδειξης (PDF)")).to_be_visible()
    assert_accessible(page)


def test_a_postal_dispatch_recorded_and_seen_by_the_citizen(
    page,
    live_server,
    verified,
    erequest_types,
    erequest_clerk,
    clerk_page,  # noqa: F811
):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Οδός 1")
    login_as(clerk_page, live_server, erequest_clerk)
    clerk_page.goto(live_server.url + f"/requests/chania/e-staff/{erequest.public_id}/")
    expect(clerk_page.get_by_label("Έγγραφο απάντησης (PDF)")).to_have_count(0)  # no PDF for post
    clerk_page.locator("#id_dispatched_on").fill(erequest.protocol_date.isoformat())
    clerk_page.get_by_label("Αριθμός συστημένης επιστολής (ΕΛΤΑ)").fill("RE123456784GR")
    clerk_page.get_by_role("button", name="Καταγραφή αποστολής").click()
    expect(clerk_page.get_by_text("λάθος ψηφίο ελέγχου")).to_be_visible()
    clerk_page.get_by_label("Αριθμός συστημένης επιστολής (ΕΛΤΑ)").fill("RE123456785GR")
    clerk_page.get_by_role("button", name="Καταγραφή αποστολής").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Εστάλη ταχυδρομικά")
    assert_accessible(clerk_page)

    login_as(page, live_server, verified)
    page.goto(live_server.url + f"/requests/chania/e/{erequest.public_id}/")
    day = erequest.protocol_date.strftime("%d-%m-%Y")
    expect(page.locator("#answer")).to_have_text(
        f"Η απάντηση σας εστάλη στις {day} με συστημένη επιστολή αρ. RE123456785GR."
    )
    expect(page.locator(".timeline-step").last).to_contain_text("συστημένη επιστολή αρ. RE123456785GR")
    assert_accessible(page)


def test_a_pick_up(
    page,
    live_server,
    verified,
    erequest_types,
    erequest_clerk,
    clerk_page,  # noqa: F811
):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="pickup")
    login_as(clerk_page, live_server, erequest_clerk)
    clerk_page.goto(live_server.url + f"/requests/chania/e-staff/{erequest.public_id}/")
    clerk_page.get_by_label("Γραφείο").fill("Υπηρεσία Δόμησης, Κυδωνίας 29")
    clerk_page.get_by_label("Ώρες λειτουργίας").fill("Δευτέρα–Παρασκευή 08:00–14:00")
    clerk_page.get_by_role("button", name="Έτοιμο για παραλαβή").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Έτοιμο για παραλαβή")

    login_as(page, live_server, verified)
    page.goto(live_server.url + f"/requests/chania/e/{erequest.public_id}/")
    expect(page.locator("#answer")).to_contain_text("Υπηρεσία Δόμησης, Κυδωνίας 29 (Δευτέρα–Παρασκευή 08:00–14:00)")
    assert_accessible(page)

    clerk_page.get_by_role("button", name="Παραλήφθηκε").click()
    expect(clerk_page.locator(".status-badge")).to_have_text("Παραλήφθηκε")
    page.reload()
    expect(page.locator(".status-badge")).to_have_text("Παραλήφθηκε")
    expect(page.locator("#answer")).to_have_text("Παραλάβατε την απάντηση από το γραφείο.")
