"""The same webhook delivered 20 times at once, over HTTP to the live server: one payment.

Each delivery runs in its own thread (its own PostgreSQL connection), and each asks the stand-in provider about the
transaction before recording it. The item's row lock orders the recorders; the unique constraints
`payments_one_record_per_transaction` and `payments_one_payment_per_item` are the database's last guard, shown to
refuse a second row directly below (without them, 20 check-then-insert recorders could all insert).
"""

import threading

import pytest
import requests
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import AuditEntry
from requests_tracker import services
from requests_tracker.models import CardCheckout, PayableItem, Payment
from tests.requests_tracker import erequest_fixtures, payment_fixtures
from tests.requests_tracker.payment_fixtures import issue

verified = erequest_fixtures.verified
payment_account = payment_fixtures.payment_account
viva = payment_fixtures.viva

DELIVERIES = 20


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_twenty_times_at_once_makes_one_payment(verified, payment_account, viva, live_server):
    item = issue(verified)
    services.card_checkout_start(item=item, citizen=verified)
    transaction_id = viva.pay(CardCheckout.objects.get().order_code)
    event = viva.webhook_event(transaction_id)
    barrier = threading.Barrier(DELIVERIES)
    statuses = []

    def deliver():
        barrier.wait()
        statuses.append(requests.post(viva.webhook_url, json=event, timeout=30).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * DELIVERIES
    assert Payment.objects.count() == 1
    assert PayableItem.objects.get().status == "paid"
    assert AuditEntry.objects.filter(action="payments.payment.recorded").count() == 1
    assert len([call for call in viva.calls if call[1].startswith("/checkout/v2/transactions/")]) == DELIVERIES


def test_the_database_refuses_a_second_record_of_one_transaction(verified, payment_account):
    first, second = issue(verified), issue(verified)
    Payment.objects.create(item=first, method="card", amount_cents=2000, external_id="T1", paid_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(item=second, method="card", amount_cents=2000, external_id="T1", paid_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(item=first, method="bank", amount_cents=2000, external_id="B1", paid_at=timezone.now())
