"""E-payments: RF codes (ISO 11649), bank statements (camt.053/054), card payments through the stand-in provider
(webhooks replayed, forged, the provider down), refunds on rejection, receipts, privacy."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from stdnum import iso11649

from portal.models import AuditEntry
from requests_tracker import camt, services
from requests_tracker.models import CardCheckout, ERequest, PayableItem, Payment, StatementEntry, StatementImport
from tests.requests_tracker import erequest_fixtures, payment_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest, make_verified
from tests.requests_tracker.payment_fixtures import camt053, camt054, credit, debit, issue, make_payments_clerk
from tests.stubs.viva import WEBHOOK_KEY

building = erequest_fixtures.building
verified = erequest_fixtures.verified
erequest_clerk = erequest_fixtures.erequest_clerk
payment_account = payment_fixtures.payment_account
fee_type = payment_fixtures.fee_type
viva_offline = payment_fixtures.viva_offline

WEBHOOK = "/requests/payments/card/webhook/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- ISO 11649


@pytest.mark.parametrize(
    "reference", ["RF18539007547034", "RF18 5390 0754 7034", "RF712348231", "RF45G72UUR", "RF6518K5"]
)
def test_known_good_references_of_the_standard_are_valid(reference):
    assert iso11649.is_valid(reference)


def test_our_check_digits_reproduce_the_standards_example():
    # ISO 11649's example RF18 5390 0754 7034: prefix "53" + item number 9007547034.
    assert services.rf_reference_make(prefix="53", number=9007547034) == "RF18539007547034"


@pytest.mark.parametrize("number", [1, 42, 999, 123456, 9999999999])
def test_every_issued_reference_is_valid_and_carries_prefix_and_number(number):
    reference = services.rf_reference_make(prefix="1001", number=number)
    assert iso11649.is_valid(reference) and reference.endswith(f"1001{number:010d}")


def test_a_wrong_check_digit_is_refused():
    assert not iso11649.is_valid("RF19539007547034")


def test_an_issued_item_has_its_rf_code_and_the_email_says_how_to_pay(
    verified, payment_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = issue(verified, amount_cents=1250)
    assert item.rf_reference == services.rf_reference_make(prefix="1001", number=item.pk)
    assert item.rf_display.startswith("RF") and " " in item.rf_display
    body = mail.outbox[-1].body
    assert item.rf_display in body and "12,50 €" in body and "GR16 0110 1250 0000 0001 2300 695" in body
    assert AuditEntry.objects.filter(action="payments.item.issued", object_id=str(item.pk)).exists()


def test_no_items_without_the_municipalitys_account(verified):
    with pytest.raises(services.PaymentRefused):
        issue(verified)


# --- Bank statements


def test_statement_parsing_reads_credits_skips_debits_and_finds_rf_in_free_text():
    content = camt053(
        credit("B1", "12.50", rf="RF18539007547034"),
        credit("B2", "3.00", text="ΠΛΗΡΩΜΗ rf71 2348 231 ΕΥΧΑΡΙΣΤΩ"),
        debit("B3", "99.00"),
    )
    credits = camt.credits_parse(content)
    assert [(c.bank_reference, c.amount_cents, c.reference) for c in credits] == [
        ("B1", 1250, "RF18539007547034"),
        ("B2", 300, "RF712348231"),
    ]
    assert credits[0].debtor == "ΠΑΠΑΔΟΠΟΥΛΟΣ ΓΙΩΡΓΟΣ"


def test_statement_parsing_refuses_entities():
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(camt.StatementUnreadable):
        camt.credits_parse(bomb)


def test_a_statement_with_a_matched_a_partial_a_duplicate_and_an_unknown_credit(verified, payment_account, chania):
    matched, partial, paid_before = issue(verified), issue(verified), issue(verified)
    services.statement_import(
        municipality=chania, content=camt054(credit("OLD-1", "20.00", rf=paid_before.rf_reference)), file_name="a.xml"
    )
    content = camt054(
        credit("E1", "20.00", rf=matched.rf_reference),
        credit("E2", "15.00", rf=partial.rf_reference),
        credit("E3", "20.00", rf=paid_before.rf_reference),
        credit("E4", "20.00", rf="RF18539007547034"),
    )
    statement, summary = services.statement_import(municipality=chania, content=content, file_name="b.xml")
    assert {k: summary[k] for k in ("matched", "partial", "duplicate", "unknown")} == {
        "matched": 1,
        "partial": 1,
        "duplicate": 1,
        "unknown": 1,
    }
    outcomes = dict(statement.entries.values_list("bank_reference", "outcome"))
    assert outcomes == {"E1": "matched", "E2": "partial", "E3": "duplicate", "E4": "unknown"}
    matched.refresh_from_db()
    partial.refresh_from_db()
    assert matched.status == "paid" and partial.status == "payable"  # a partial credit is never applied silently
    assert Payment.objects.filter(item=paid_before).count() == 1


def test_importing_the_same_statement_twice_changes_nothing(verified, payment_account, chania):
    item = issue(verified)
    content = camt054(credit("E1", "20.00", rf=item.rf_reference))
    services.statement_import(municipality=chania, content=content, file_name="a.xml")
    before = (Payment.objects.count(), StatementEntry.objects.count(), len(mail.outbox))
    _statement, summary = services.statement_import(municipality=chania, content=content, file_name="again.xml")
    assert summary["already_imported"] and StatementImport.objects.count() == 1
    assert (Payment.objects.count(), StatementEntry.objects.count(), len(mail.outbox)) == before
    # The same entry inside another file (a camt.053 after the camt.054) is skipped, not applied again.
    _statement, summary = services.statement_import(
        municipality=chania, content=camt053(credit("E1", "20.00", rf=item.rf_reference)), file_name="day.xml"
    )
    assert summary["skipped"] == 1 and Payment.objects.count() == 1


def test_import_command(verified, payment_account, chania, tmp_path):
    from django.core.management import call_command

    item = issue(verified)
    path = tmp_path / "stmt.xml"
    path.write_bytes(camt054(credit("E9", "20.00", rf=item.rf_reference)))
    call_command("import_statement", "chania", str(path))
    item.refresh_from_db()
    assert item.status == "paid"


# --- Card payments: the stand-in provider over HTTP


def _checkout(citizen, item, viva_stub) -> str:
    services.card_checkout_start(item=item, citizen=citizen)
    order_code = CardCheckout.objects.get(item=item).order_code
    return viva_stub.pay(order_code)


def _webhook(client, viva_stub, transaction_id):
    return client.post(WEBHOOK, json.dumps(viva_stub.webhook_event(transaction_id)), content_type="application/json")


def test_the_webhook_answers_the_verification_key(viva_offline):
    assert Client().get(WEBHOOK).json() == {"Key": WEBHOOK_KEY}


def test_webhook_replay_records_one_payment(verified, payment_account, viva_offline):
    item = issue(verified)
    transaction_id = _checkout(verified, item, viva_offline)
    client = Client()
    for _attempt in range(3):
        assert _webhook(client, viva_offline, transaction_id).status_code == 200
    item.refresh_from_db()
    assert item.status == "paid" and Payment.objects.filter(item=item).count() == 1
    assert AuditEntry.objects.filter(action="payments.payment.recorded").count() == 1
    # The citizen's return after the webhook finds the payment made, and makes none.
    response = client_for(verified).get(f"/requests/payments/card/return/?t={transaction_id}&s=1")
    assert response.status_code == 302 and Payment.objects.count() == 1


def test_a_forged_webhook_records_nothing(verified, payment_account, viva_offline):
    item = issue(verified)
    services.card_checkout_start(item=item, citizen=verified)
    order_code = CardCheckout.objects.get().order_code
    forged = {
        "EventTypeId": 1796,
        "EventData": {
            "TransactionId": "00000000-0000-0000-0000-000000000000",
            "OrderCode": int(order_code),
            "StatusId": "F",
            "Amount": 20.0,
        },
    }
    response = Client().post(WEBHOOK, json.dumps(forged), content_type="application/json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "payable" and not Payment.objects.exists()


def test_a_provider_down_leaves_the_item_payable_and_says_so(verified, payment_account, viva_offline):
    item = issue(verified)
    viva_offline.failure = "down"
    response = client_for(verified).post(f"/requests/payments/{item.public_id}/card/", follow=True)
    assert "δεν απαντά" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "payable" and not CardCheckout.objects.exists()
    assert Client().post(WEBHOOK, "{}", content_type="application/json").status_code == 200
    viva_offline.failure = None
    transaction_id = _checkout(verified, item, viva_offline)
    viva_offline.failure = "down"
    assert _webhook(Client(), viva_offline, transaction_id).status_code == 503  # the provider retries later


def test_the_sweep_records_a_payment_whose_webhook_was_lost(verified, payment_account, viva_offline):
    item = issue(verified)
    _checkout(verified, item, viva_offline)
    assert services.payments_reconcile()["paid"] == 0  # too recent: the webhook may still come
    assert services.payments_reconcile(now=timezone.now() + timedelta(minutes=11))["paid"] == 1
    item.refresh_from_db()
    assert item.status == "paid"


def test_only_verified_citizens_pay(citizen, payment_account, viva_offline):
    item = issue(citizen)
    response = client_for(citizen).get(f"/requests/payments/{item.public_id}/")
    assert response.status_code == 302 and "/verification/" in response.url
    with pytest.raises(services.PaymentRefused):
        services.card_checkout_start(item=item, citizen=citizen)


# --- E-requests with a fee; refunds


def test_an_erequest_with_a_fee_waits_for_payment(verified, fee_type, erequest_clerk):
    erequest = file_erequest(verified, fee_type)
    assert erequest.status == "protocolled" and erequest.fee.amount_cents == 1250
    with pytest.raises(services.RequestError):
        services.erequest_start(erequest=erequest, clerk=erequest_clerk)
    page = client_for(erequest_clerk).get(f"/requests/chania/e-staff/{erequest.public_id}/").content.decode()
    assert "Αναμένεται η πληρωμή" in page and "Σε εξέλιξη" not in page.split('id="fee"')[1]


def test_rejecting_a_card_paid_erequest_refunds_the_card(
    verified, fee_type, erequest_clerk, viva_offline, django_capture_on_commit_callbacks
):
    erequest = file_erequest(verified, fee_type)
    transaction_id = _checkout(verified, erequest.fee, viva_offline)
    _webhook(Client(), viva_offline, transaction_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.erequest_reject(erequest=ERequest.objects.get(), clerk=erequest_clerk, reason="Εκτός αρμοδιότητας.")
    payment = Payment.objects.get()
    assert payment.refund_status == "completed" and payment.refund_reference
    assert viva_offline.transactions[transaction_id]["refunded_cents"] == 1250
    assert PayableItem.objects.get().status == "refunded"
    assert AuditEntry.objects.filter(action="payments.refund.completed").exists()


def test_rejecting_an_rf_paid_erequest_records_a_refund_for_the_treasury(verified, fee_type, erequest_clerk, chania):
    erequest = file_erequest(verified, fee_type)
    services.statement_import(
        municipality=chania, content=camt054(credit("E1", "12.50", rf=erequest.fee.rf_reference)), file_name="s.xml"
    )
    services.erequest_reject(erequest=ERequest.objects.get(), clerk=erequest_clerk, reason="Ελλιπή στοιχεία.")
    assert Payment.objects.get().refund_status == "manual"


def test_rejecting_an_unpaid_erequest_cancels_its_fee(verified, fee_type, erequest_clerk):
    erequest = file_erequest(verified, fee_type)
    services.erequest_reject(erequest=erequest, clerk=erequest_clerk, reason="Διπλή αίτηση.")
    assert PayableItem.objects.get().status == "cancelled"


# --- Receipts, the case file, the data export, privacy


def test_receipt_pdf_for_the_citizen_and_the_clerk_of_the_municipality_only(
    verified, payment_account, chania, thessaloniki
):
    item = issue(verified)
    services.statement_import(
        municipality=chania, content=camt054(credit("E1", "20.00", rf=item.rf_reference)), file_name="s.xml"
    )
    url = f"/requests/payments/{item.public_id}/receipt.pdf"
    response = client_for(verified).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for(make_payments_clerk("treasury.chania", chania)).get(url).status_code == 200
    assert client_for(make_payments_clerk("treasury.thess", thessaloniki)).get(url).status_code == 404
    assert client_for(make_verified("other.citizen", chania)).get(url).status_code == 404


def test_another_citizen_never_sees_an_item(verified, payment_account, chania):
    item = issue(verified)
    other = make_verified("other.citizen", chania)
    assert client_for(other).get(f"/requests/payments/{item.public_id}/").status_code == 404


def test_the_case_file_and_the_data_export_hold_the_payments(verified, payment_account, chania):
    item = issue(verified)
    services.statement_import(
        municipality=chania, content=camt054(credit("E1", "20.00", rf=item.rf_reference)), file_name="s.xml"
    )
    client = client_for(verified)
    assert item.rf_display in client.get(reverse("portal:case_file")).content.decode()
    exported = json.loads(b"".join(client.get(reverse("accounts:data_export")).streaming_content))
    rows = exported["requests_tracker.payments"]["payable_items"]
    assert rows[0]["rf_reference"] == item.rf_reference and rows[0]["payments"][0]["reference"] == "E1"


def test_the_admin_lists_only_the_clerks_municipality(verified, payment_account, chania, thessaloniki):
    issue(verified)
    assert (
        "Τέλος αντιγράφων"
        in client_for(make_payments_clerk("t.ch", chania)).get("/admin/requests_tracker/payableitem/").content.decode()
    )
    assert (
        "Τέλος αντιγράφων"
        not in client_for(make_payments_clerk("t.th", thessaloniki))
        .get("/admin/requests_tracker/payableitem/")
        .content.decode()
    )
