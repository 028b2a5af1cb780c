"""Writes for e-payments: issuing payable items with their RF code, card payments through the provider, bank
statements, refunds, and the sweep that reconciles what a lost webhook or a crash left pending.

Every path that records money ends in `_payment_record`, which locks the item's row, is idempotent for one provider
transaction or bank entry, and leans on the database's unique constraints as the last guard: a payment is never
recorded twice, whether the same webhook comes 20 times at once, the citizen's return races the webhook, or a
statement is imported again.
"""

import hashlib
import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from portal.models import Municipality
from portal.services import audit_log, email_enqueue
from requests_tracker import camt, viva
from requests_tracker.models import (
    CardCheckout,
    ERequest,
    PayableItem,
    Payment,
    PaymentAccount,
    StatementEntry,
    StatementImport,
)
from requests_tracker.services.shared import RequestError

logger = logging.getLogger(__name__)
Outcome = StatementEntry.Outcome


class PaymentRefused(RequestError):
    pass


# --- RF creditor references (ISO 11649)


def rf_reference_make(*, prefix: str, number: int) -> str:
    """«RF» + check digits + the municipality's prefix + the item's number (10 digits): e.g. RF47 1001 0000 0000 42.

    The check digits come from python-stdnum's ISO 7064 MOD 97-10, and the result is validated before it is issued:
    a wrong check digit never reaches a citizen.
    """
    body = f"{prefix}{number:010d}"
    reference = f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"
    return iso11649.validate(reference)


# --- Items


def item_issue(
    *,
    municipality: Municipality,
    citizen,
    kind: str,
    description_el: str,
    description_en: str = "",
    amount_cents: int,
    due_date: date,
    erequest: ERequest | None = None,
    issued_by=None,
) -> PayableItem:
    """A payable item with its RF code, audited, and an e-mail that tells the citizen how to pay it."""
    account = PaymentAccount.objects.filter(municipality=municipality).first()
    if account is None:
        raise PaymentRefused(_("This municipality does not take e-payments yet: its collection account is missing."))
    if amount_cents <= 0:
        raise PaymentRefused(_("The amount must be more than zero."), field="amount")
    with transaction.atomic():
        item = PayableItem.objects.create(
            municipality=municipality,
            citizen=citizen,
            kind=kind,
            description_el=description_el.strip(),
            description_en=description_en.strip(),
            amount_cents=amount_cents,
            due_date=due_date,
            erequest=erequest,
            created_by=issued_by if issued_by is not None and issued_by.is_authenticated else None,
        )
        # The number is the row's id, so the reference is set once the row exists, in the same transaction.
        item.rf_reference = rf_reference_make(prefix=account.rf_prefix, number=item.pk)
        item.save(update_fields=["rf_reference"])
        audit_log(
            action="payments.item.issued",
            target=item,
            actor=issued_by,
            municipality=municipality,
            data={"amount_cents": amount_cents, "rf_reference": item.rf_reference, "kind": kind},
        )
        _notify(item=item, template="requests_tracker/email/payment_due")
    return item


def erequest_fee_issue(*, erequest: ERequest) -> PayableItem:
    today = timezone.localdate(timezone.now(), erequest.municipality.zone)
    erequest_type = erequest.type
    return item_issue(
        municipality=erequest.municipality,
        citizen=erequest.citizen,
        kind=PayableItem.Kind.EREQUEST_FEE,
        description_el=f"Παράβολο: {erequest_type.name_el}",
        description_en=f"Fee: {erequest_type.name_en or erequest_type.name_el}",
        amount_cents=erequest_type.fee_cents,
        due_date=today + timedelta(days=settings.PAYMENT_DUE_DAYS),
        erequest=erequest,
    )


def fee_check(*, erequest_type) -> None:
    """Before filing an e-request with a fee: can the municipality collect it?"""
    if erequest_type.fee_cents and not PaymentAccount.objects.filter(municipality=erequest_type.municipality).exists():
        raise PaymentRefused(_("This kind of e-request has a fee, but the municipality cannot take payments yet."))


# --- Card payments


def _provider() -> viva.VivaClient:
    provider = viva.card_provider()
    if provider is None:
        raise PaymentRefused(_("Card payments are not available here: pay with the RF code at your bank."))
    return provider


def card_checkout_start(*, item: PayableItem, citizen) -> str:
    """Create the provider's order for the item and return the checkout page's URL for the citizen's browser."""
    if not citizen.is_verified_citizen or item.citizen_id != citizen.pk:
        raise PaymentRefused(_("Only the citizen the item is for, with a verified identity, can pay it."))
    if not item.is_payable:
        raise PaymentRefused(_("This item is not waiting for a payment."))
    provider = _provider()
    try:
        order_code = provider.order_create(
            amount_cents=item.amount_cents,
            customer_trns=f"{item.municipality.name_el}: {item.description_el}",
            email=citizen.email,
            full_name=citizen.full_name or citizen.get_username(),
            language="el-GR" if citizen.language == "el" else "en-GB",
            merchant_trns=item.rf_reference,
        )
    except viva.ProviderUnavailable as error:
        logger.warning("Card provider unavailable for item %s: %s", item.pk, error)
        audit_log(action="payments.card.provider_down", target=item, actor=citizen, municipality=item.municipality)
        raise PaymentRefused(
            _(
                "The card payment service does not answer right now. Nothing was charged and the item is still "
                "payable: try again later, or pay with the RF code at your bank."
            )
        ) from error
    checkout = CardCheckout.objects.create(item=item, order_code=order_code, amount_cents=item.amount_cents)
    audit_log(
        action="payments.card.checkout_started",
        target=item,
        actor=citizen,
        municipality=item.municipality,
        data={"order_code": checkout.order_code},
    )
    return provider.checkout_url(order_code)


def card_payment_confirm(*, transaction_id: str, source: str) -> PayableItem | None:
    """Record a card payment after asking the provider itself about the transaction (never trusting the caller).

    `source` says who told us ("return", "webhook", "sweep"). Raises viva.ProviderUnavailable when the provider
    cannot be asked: the webhook then answers 503 so that the provider retries, and the sweep asks again later.
    """
    try:
        found = _provider().transaction(transaction_id)
    except viva.TransactionUnknown:
        logger.warning("The provider knows no card transaction %s: nothing recorded", transaction_id)
        return None
    checkout = CardCheckout.objects.select_related("item").filter(order_code=found.order_code).first()
    if checkout is None:
        logger.warning("Card transaction %s for an order we never made (%s)", transaction_id, found.order_code)
        return None
    if not found.is_paid:
        CardCheckout.objects.filter(pk=checkout.pk, status=CardCheckout.Status.PENDING).update(
            status=CardCheckout.Status.FAILED, updated_at=timezone.now()
        )
        return None
    if found.amount_cents != checkout.amount_cents:
        audit_log(
            action="payments.card.amount_mismatch",
            target=checkout.item,
            municipality=checkout.item.municipality,
            data={"transaction_id": transaction_id, "amount_cents": found.amount_cents, "source": source},
        )
        return None
    return _payment_record(
        item_id=checkout.item_id,
        method=Payment.Method.CARD,
        amount_cents=found.amount_cents,
        external_id=transaction_id,
        paid_at=timezone.now(),
        source=source,
        checkout=checkout,
    )


def card_checkout_failed(*, order_code: str) -> PayableItem | None:
    checkout = CardCheckout.objects.select_related("item").filter(order_code=order_code).first()
    if checkout is None:
        return None
    changed = CardCheckout.objects.filter(pk=checkout.pk, status=CardCheckout.Status.PENDING).update(
        status=CardCheckout.Status.FAILED, updated_at=timezone.now()
    )
    if changed:
        audit_log(
            action="payments.card.not_completed",
            target=checkout.item,
            municipality=checkout.item.municipality,
            data={"order_code": order_code},
        )
    return checkout.item


def _payment_record(
    *,
    item_id: int,
    method: str,
    amount_cents: int,
    external_id: str,
    paid_at: datetime,
    source: str,
    checkout: CardCheckout | None = None,
    actor=None,
) -> PayableItem | None:
    """Record the money once. Returns the item if it is paid by this transaction (now or before), else None."""
    try:
        with transaction.atomic():
            # The row lock orders every recorder of this item: the second finds the payment the first made.
            item = PayableItem.objects.select_for_update().get(pk=item_id)
            previous = Payment.objects.filter(method=method, external_id=external_id).first()
            if previous is not None:
                return item if previous.item_id == item.pk else None
            if item.status != PayableItem.Status.PAYABLE:
                audit_log(
                    action="payments.payment.duplicate",
                    target=item,
                    actor=actor,
                    municipality=item.municipality,
                    data={"method": method, "external_id": external_id, "amount_cents": amount_cents},
                )
                return None
            payment = Payment.objects.create(
                item=item, method=method, amount_cents=amount_cents, external_id=external_id, paid_at=paid_at
            )
            changed = PayableItem.objects.filter(pk=item.pk, status=PayableItem.Status.PAYABLE).update(
                status=PayableItem.Status.PAID, paid_at=paid_at
            )
            if changed != 1:  # cannot happen under the lock; the rollback keeps the books straight if it does
                raise IntegrityError("item changed under its lock")
            if checkout is not None:
                CardCheckout.objects.filter(pk=checkout.pk).update(
                    status=CardCheckout.Status.PAID, updated_at=timezone.now()
                )
            audit_log(
                action="payments.payment.recorded",
                target=item,
                actor=actor,
                municipality=item.municipality,
                data={"method": method, "external_id": external_id, "amount_cents": amount_cents, "source": source},
            )
            item.refresh_from_db()
            _notify(item=item, template="requests_tracker/email/payment_received", payment=payment)
            return item
    except IntegrityError:
        # Another process recorded this transaction between our check and our insert: it is recorded once.
        payment = Payment.objects.filter(method=method, external_id=external_id).first()
        if payment is None:
            raise
        return PayableItem.objects.get(pk=payment.item_id) if payment.item_id == item_id else None


# --- Bank statements (ISO 20022 camt.053 / camt.054)


def statement_import(
    *, municipality: Municipality, content: bytes, file_name: str, actor=None
) -> tuple[StatementImport, dict]:
    """Apply a statement's credits: matched ones pay their items; partial, duplicate and unknown ones are listed.

    Importing the same file again changes nothing (its hash is known), and an entry seen in another file before
    (the bank's AcctSvcrRef) is skipped.
    """
    digest = hashlib.sha256(content).hexdigest()
    existing = StatementImport.objects.filter(municipality=municipality, sha256=digest).first()
    if existing is not None:
        return existing, {"already_imported": True}
    try:
        credits = camt.credits_parse(content)
    except camt.StatementUnreadable as error:
        raise RequestError(
            _("This file is not an ISO 20022 bank statement (camt.053 or camt.054) that can be read: %(error)s")
            % {"error": error}
        ) from error
    summary = dict.fromkeys(Outcome.values, 0) | {"already_imported": False, "skipped": 0}
    with transaction.atomic():
        statement = StatementImport.objects.create(
            municipality=municipality, file_name=file_name[:255], sha256=digest, imported_by=actor
        )
        for credit in credits:
            if StatementEntry.objects.filter(municipality=municipality, bank_reference=credit.bank_reference).exists():
                summary["skipped"] += 1
                continue
            outcome, item = _credit_apply(municipality=municipality, credit=credit, actor=actor)
            StatementEntry.objects.create(
                statement=statement,
                municipality=municipality,
                bank_reference=credit.bank_reference,
                booking_date=credit.booking_date,
                amount_cents=credit.amount_cents,
                currency=credit.currency[:3],
                reference=credit.reference,
                remittance=credit.remittance,
                debtor=credit.debtor,
                outcome=outcome,
                item=item,
            )
            summary[outcome] += 1
        audit_log(
            action="payments.statement.imported",
            target=statement,
            actor=actor,
            municipality=municipality,
            data={key: value for key, value in summary.items() if key != "already_imported"},
        )
    return statement, summary


def _credit_apply(*, municipality, credit: camt.Credit, actor) -> tuple[str, PayableItem | None]:
    item = None
    if credit.reference:
        item = PayableItem.objects.filter(municipality=municipality, rf_reference=credit.reference).first()
    if item is None or credit.currency != "EUR":
        return Outcome.UNKNOWN, item
    if item.status != PayableItem.Status.PAYABLE:
        return Outcome.DUPLICATE, item
    if credit.amount_cents != item.amount_cents:
        return Outcome.PARTIAL, item
    paid_at = timezone.make_aware(datetime.combine(credit.booking_date, time(12)), municipality.zone)
    recorded = _payment_record(
        item_id=item.pk,
        method=Payment.Method.BANK,
        amount_cents=credit.amount_cents,
        external_id=credit.bank_reference,
        paid_at=paid_at,
        source="statement",
        actor=actor,
    )
    return (Outcome.MATCHED, item) if recorded is not None else (Outcome.DUPLICATE, item)


def statement_entry_resolve(*, entry: StatementEntry, clerk) -> None:
    changed = StatementEntry.objects.filter(pk=entry.pk, resolved_at=None).update(
        resolved_at=timezone.now(), resolved_by=clerk
    )
    if changed:
        audit_log(
            action="payments.statement.entry_resolved", target=entry, actor=clerk, municipality=entry.municipality
        )


# --- Refunds


def fee_settle_on_rejection(*, erequest: ERequest, clerk, reason: str) -> None:
    """The e-request was rejected: an unpaid fee is cancelled, a paid one refunded (in the caller's transaction)."""
    item = PayableItem.objects.select_for_update().filter(erequest=erequest).first()
    if item is None:
        return
    if item.status == PayableItem.Status.PAYABLE:
        PayableItem.objects.filter(pk=item.pk, status=PayableItem.Status.PAYABLE).update(
            status=PayableItem.Status.CANCELLED
        )
        audit_log(action="payments.item.cancelled", target=item, actor=clerk, municipality=item.municipality)
        return
    if item.status != PayableItem.Status.PAID:
        return
    payment = item.payments.get()
    card = payment.method == Payment.Method.CARD
    Payment.objects.filter(pk=payment.pk, refund_status=Payment.RefundStatus.NONE).update(
        refund_status=Payment.RefundStatus.REQUESTED if card else Payment.RefundStatus.MANUAL
    )
    PayableItem.objects.filter(pk=item.pk, status=PayableItem.Status.PAID).update(status=PayableItem.Status.REFUNDED)
    audit_log(
        action="payments.refund.requested",
        target=item,
        actor=clerk,
        municipality=item.municipality,
        data={"method": payment.method, "amount_cents": payment.amount_cents, "reason": reason[:500]},
    )
    if card:
        transaction.on_commit(lambda: _refund_enqueue(payment.pk))


def _refund_enqueue(payment_id: int) -> None:
    from requests_tracker.tasks import payment_refund

    try:
        payment_refund.delay(payment_id)
    except Exception:
        logger.exception("Could not enqueue the refund of payment %s; the sweep will", payment_id)


def payment_refund_execute(*, payment_id: int) -> bool:
    """Ask the provider to refund a card payment whose refund was requested. True if this call completed it.

    The compare-and-swap to PROCESSING claims the refund, so two workers never refund one payment twice; the
    provider is called outside any transaction, and a failure puts the claim back for the sweep to retry.
    """
    claimed = Payment.objects.filter(
        pk=payment_id, method=Payment.Method.CARD, refund_status=Payment.RefundStatus.REQUESTED
    ).update(refund_status=Payment.RefundStatus.PROCESSING)
    if not claimed:
        return False
    payment = Payment.objects.select_related("item__municipality").get(pk=payment_id)
    try:
        refund_id = _provider().refund(transaction_id=payment.external_id, amount_cents=payment.amount_cents)
    except (viva.ProviderUnavailable, PaymentRefused):
        Payment.objects.filter(pk=payment_id, refund_status=Payment.RefundStatus.PROCESSING).update(
            refund_status=Payment.RefundStatus.REQUESTED
        )
        raise
    with transaction.atomic():
        Payment.objects.filter(pk=payment_id).update(
            refund_status=Payment.RefundStatus.COMPLETED, refund_reference=refund_id, refunded_at=timezone.now()
        )
        audit_log(
            action="payments.refund.completed",
            target=payment.item,
            municipality=payment.item.municipality,
            data={"refund_transaction_id": refund_id, "amount_cents": payment.amount_cents},
        )
        _notify(item=payment.item, template="requests_tracker/email/payment_refunded", payment=payment)
    return True


# --- The sweep (Celery beat)


def payments_reconcile(*, now: datetime | None = None) -> dict:
    """Ask the provider about card orders still pending after a while (a webhook lost, a browser closed) and
    retry requested refunds. Orders older than a day with no payment are marked not completed."""
    now = now or timezone.now()
    summary = {"paid": 0, "expired": 0, "refunds": 0, "errors": 0}
    provider = viva.card_provider()
    if provider is None:
        return summary
    pending = CardCheckout.objects.filter(
        status=CardCheckout.Status.PENDING, created_at__lt=now - timedelta(minutes=10)
    ).order_by("created_at")[:200]
    for checkout in pending:
        try:
            found = [t for t in provider.transactions_for_order(checkout.order_code) if t.is_paid]
            for paid in found:
                if card_payment_confirm(transaction_id=paid.transaction_id, source="sweep") is not None:
                    summary["paid"] += 1
            if not found and checkout.created_at < now - timedelta(days=1):
                card_checkout_failed(order_code=checkout.order_code)
                summary["expired"] += 1
        except viva.ProviderUnavailable:
            summary["errors"] += 1
            logger.warning("Card provider unavailable while reconciling order %s", checkout.order_code)
    for payment_id in Payment.objects.filter(refund_status=Payment.RefundStatus.REQUESTED).values_list("pk", flat=True):
        try:
            summary["refunds"] += payment_refund_execute(payment_id=payment_id)
        except viva.ProviderUnavailable:
            summary["errors"] += 1
    return summary


def _notify(*, item: PayableItem, template: str, payment: Payment | None = None) -> None:
    citizen = item.citizen
    if not citizen.is_active or not citizen.email:
        return
    email_enqueue(
        to=[citizen.email],
        template=template,
        context={
            "item": item,
            "payment": payment,
            "account": PaymentAccount.objects.filter(municipality_id=item.municipality_id).first(),
            "recipient": citizen,
        },
        language=citizen.language,
    )
