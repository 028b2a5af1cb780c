"""E-payments of municipal fees: what a citizen owes (a payable item with its RF code), how it was paid (by card
through the provider, or by bank transfer quoting the RF code), and the bank statements that prove the transfers.

Amounts are integer cents. The database refuses a second record of one provider transaction or bank entry, and a
second payment of one item: a payment is never recorded twice, whatever retries or races bring.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, localized


def euros(cents: int) -> str:
    """12345 → «123,45 €» (Greek and English pages alike write the euro amount this way on receipts)."""
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d} €"


class PaymentAccount(models.Model):
    """The municipality's collection account: where RF payments go, and what receipts say about the payee."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="payment_account", verbose_name=_("municipality")
    )
    beneficiary = models.CharField(_("beneficiary"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34, help_text=_("Checked with its check digits."))
    rf_prefix = models.CharField(
        _("RF reference prefix"),
        max_length=6,
        help_text=_("Digits the bank gave the municipality for its RF references; the item's number follows."),
    )
    tax_number = models.CharField(_("tax number (ΑΦΜ)"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        constraints = [
            models.CheckConstraint(condition=Q(rf_prefix__regex=r"^[0-9]{1,6}$"), name="payments_rf_prefix_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} {self.iban}"

    def clean(self):
        from django.core.exceptions import ValidationError
        from stdnum import iban

        try:
            self.iban = iban.validate(self.iban)
        except Exception as error:
            raise ValidationError({"iban": _("This IBAN is not valid: check it again.")}) from error

    @property
    def iban_display(self) -> str:
        from stdnum import iban

        return iban.format(self.iban)


class PayableItem(models.Model):
    """Something a citizen owes the municipality: an e-request's fee (παράβολο) or a fee it issued."""

    class Kind(models.TextChoices):
        EREQUEST_FEE = "erequest_fee", _("e-request fee")
        MUNICIPAL_FEE = "municipal_fee", _("municipal fee")

    class Status(models.TextChoices):
        PAYABLE = "payable", _("To be paid")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    STATUS_COLOURS = {
        Status.PAYABLE: "text-bg-warning",
        Status.PAID: "text-bg-success",
        Status.REFUNDED: "text-bg-secondary",
        Status.CANCELLED: "text-bg-secondary",
    }

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="payable_items", verbose_name=_("municipality")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payable_items", verbose_name=_("citizen")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description_el = models.CharField(_("description (Greek)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    amount_cents = models.PositiveIntegerField(_("amount in cents"))
    due_date = models.DateField(_("pay by"))
    erequest = models.OneToOneField(
        "ERequest", on_delete=models.PROTECT, null=True, blank=True, related_name="fee", verbose_name=_("e-request")
    )
    rf_reference = models.CharField(_("RF payment code"), max_length=25, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PAYABLE)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("payable item")
        verbose_name_plural = _("payable items")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payments_item_amount_positive"),
            models.UniqueConstraint(
                fields=["rf_reference"], condition=~Q(rf_reference=""), name="payments_item_unique_rf_reference"
            ),
            models.CheckConstraint(
                condition=Q(status="payable") | Q(status="cancelled") | Q(paid_at__isnull=False),
                name="payments_item_paid_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(kind="erequest_fee") | Q(erequest__isnull=False),
                name="payments_item_fee_has_erequest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rf_display} {self.description_el} {euros(self.amount_cents)}"

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def amount_display(self) -> str:
        return euros(self.amount_cents)

    @property
    def rf_display(self) -> str:
        """In groups of four, as banks print it: «RF18 5390 0754 7034»."""
        from stdnum import iso11649

        return iso11649.format(self.rf_reference) if self.rf_reference else ""

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.PAYABLE


class Payment(models.Model):
    """Money received for an item: a card transaction of the provider, or a credit on the bank statement."""

    class Method(models.TextChoices):
        CARD = "card", _("card")
        BANK = "bank", _("bank transfer with the RF code")

    class RefundStatus(models.TextChoices):
        NONE = "", _("not refunded")
        REQUESTED = "requested", _("refund requested")
        PROCESSING = "processing", _("refund in progress")
        COMPLETED = "completed", _("refunded")
        MANUAL = "manual", _("to be refunded by the treasury")

    item = models.ForeignKey(PayableItem, on_delete=models.PROTECT, related_name="payments", verbose_name=_("item"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    amount_cents = models.PositiveIntegerField(_("amount in cents"))
    external_id = models.CharField(
        _("transaction reference"), max_length=100, help_text=_("The provider's transaction id or the bank's entry id.")
    )
    paid_at = models.DateTimeField(_("paid at"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    refund_status = models.CharField(
        _("refund"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.NONE, blank=True
    )
    refund_reference = models.CharField(_("refund reference"), max_length=100, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at"]
        constraints = [
            # The guards of "never recorded twice": one row per provider transaction or bank entry, one per item.
            models.UniqueConstraint(fields=["method", "external_id"], name="payments_one_record_per_transaction"),
            models.UniqueConstraint(fields=["item"], name="payments_one_payment_per_item"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payments_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {euros(self.amount_cents)}"

    @property
    def receipt_number(self) -> str:
        return f"{self.paid_at:%Y}-{self.pk:06d}"


class CardCheckout(models.Model):
    """An order created at the card provider for an item; the citizen pays it on the provider's page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the card payment")
        PAID = "paid", _("paid")
        FAILED = "failed", _("not completed")

    item = models.ForeignKey(PayableItem, on_delete=models.CASCADE, related_name="checkouts", verbose_name=_("item"))
    order_code = models.CharField(_("order code"), max_length=32, unique=True)
    amount_cents = models.PositiveIntegerField(_("amount in cents"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("card checkout")
        verbose_name_plural = _("card checkouts")
        indexes = [
            models.Index(fields=["created_at"], name="payments_checkout_pending_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return self.order_code


class StatementImport(models.Model):
    """One bank statement file (ISO 20022 camt.053 or camt.054), imported once."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="statement_imports", verbose_name=_("municipality")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "sha256"], name="payments_statement_imported_once"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d-%m-%Y})"


class StatementEntry(models.Model):
    """A credit on a statement: matched to an item and applied, or listed for a clerk to sort out."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("matched and applied")
        PARTIAL = "partial", _("amount differs from the item")
        DUPLICATE = "duplicate", _("item already paid")
        UNKNOWN = "unknown", _("unknown reference")

    PROBLEMS = (Outcome.PARTIAL, Outcome.DUPLICATE, Outcome.UNKNOWN)

    statement = models.ForeignKey(
        StatementImport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("statement")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="statement_entries", verbose_name=_("municipality")
    )
    bank_reference = models.CharField(_("bank's entry reference"), max_length=100)
    booking_date = models.DateField(_("booking date"))
    amount_cents = models.PositiveIntegerField(_("amount in cents"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reference = models.CharField(_("reference quoted"), max_length=35, blank=True)
    remittance = models.CharField(_("remittance information"), max_length=500, blank=True)
    debtor = models.CharField(_("payer"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    item = models.ForeignKey(
        PayableItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("item")
    )
    resolved_at = models.DateTimeField(_("sorted out at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sorted out by"),
    )

    class Meta:
        verbose_name = _("statement entry")
        verbose_name_plural = _("statement entries")
        ordering = ["booking_date", "pk"]
        constraints = [
            # The bank's AcctSvcrRef: the same entry in a second file (or the same file again) is never applied twice.
            models.UniqueConstraint(fields=["municipality", "bank_reference"], name="payments_statement_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_reference} {euros(self.amount_cents)} {self.reference}"

    @property
    def amount_display(self) -> str:
        return euros(self.amount_cents)
