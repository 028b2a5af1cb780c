"""E-requests («e-αιτήματα»): private applications entered in the municipality's central protocol.

They share Attachment (their files, and the clerk's answer) and StatusChange (their timeline) with citizen requests.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualName, Department, Municipality, localized

# The Code of Administrative Procedure (ν. 2690/1999, art. 4) gives the administration 50 days to answer a citizen.
DEFAULT_RESPONSE_DAYS = 50


class DeliveryMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("electronically (download from the portal)")
    POST = "post", _("by post")
    PICKUP = "pickup", _("pick-up at the office")


class ERequestType(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    """A kind of application a municipality accepts online, e.g. «Βεβαίωση μόνιμης κατοικίας»."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="erequest_types", verbose_name=_("municipality")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="erequest_types", verbose_name=_("department")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    documents_el = models.TextField(_("documents to attach (Greek)"), blank=True, help_text=_("One document per line."))
    documents_en = models.TextField(
        _("documents to attach (English)"), blank=True, help_text=_("One document per line.")
    )
    required_attachments = models.PositiveSmallIntegerField(
        _("files required"),
        default=0,
        validators=[MaxValueValidator(5)],
        help_text=_("How many files the citizen must attach at least."),
    )
    delivery_electronic = models.BooleanField(_("may be answered electronically"), default=True)
    delivery_post = models.BooleanField(_("may be sent by post"), default=True)
    delivery_pickup = models.BooleanField(_("may be picked up at the office"), default=True)
    response_days = models.PositiveSmallIntegerField(
        _("response deadline in days"),
        default=DEFAULT_RESPONSE_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_("Counted from the protocol date; 50 days is the general deadline of ν. 2690/1999."),
    )
    target_working_days = models.PositiveSmallIntegerField(
        _("target in working days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The municipality's own promise in working days from the protocol date; never past the legal deadline."
        ),
    )
    fee_cents = models.PositiveIntegerField(
        _("fee in cents"),
        null=True,
        blank=True,
        help_text=_("The fee (παράβολο) the citizen pays before the e-request is handled, e.g. 500 for 5,00 €."),
    )
    is_active = models.BooleanField(_("accepting applications"), default=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        verbose_name = _("e-request type")
        verbose_name_plural = _("e-request types")
        ordering = ["municipality", "position", "name_el"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name_el"], name="requests_erequest_type_unique_name"),
            models.CheckConstraint(
                condition=Q(delivery_electronic=True) | Q(delivery_post=True) | Q(delivery_pickup=True),
                name="requests_erequest_type_has_delivery",
            ),
            models.CheckConstraint(condition=Q(required_attachments__lte=5), name="requests_erequest_type_max_files"),
            models.CheckConstraint(
                condition=Q(fee_cents=None) | Q(fee_cents__gt=0), name="requests_erequest_type_fee_positive"
            ),
        ]

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def documents(self) -> list[str]:
        return [line.strip() for line in localized(self, "documents").splitlines() if line.strip()]

    @property
    def delivery_methods(self) -> list[str]:
        allowed = {
            DeliveryMethod.ELECTRONIC: self.delivery_electronic,
            DeliveryMethod.POST: self.delivery_post,
            DeliveryMethod.PICKUP: self.delivery_pickup,
        }
        return [method for method, ok in allowed.items() if ok]

    def delivery_labels(self) -> list[str]:
        return [DeliveryMethod(method).label for method in self.delivery_methods]


class ERequest(models.Model):
    """A citizen's application: private to its citizen and the clerks of its department."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PROTOCOLLED = "protocolled", _("Protocolled")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        POSTED = "posted", _("Posted")
        READY = "ready", _("Ready for pick-up")
        COLLECTED = "collected", _("Collected")
        REJECTED = "rejected", _("Rejected")

    STATUS_COLOURS = {
        Status.SUBMITTED: "text-bg-secondary",
        Status.PROTOCOLLED: "text-bg-warning",
        Status.IN_PROGRESS: "text-bg-primary",
        Status.ANSWERED: "text-bg-success",
        Status.POSTED: "text-bg-success",
        Status.READY: "text-bg-info",
        Status.COLLECTED: "text-bg-success",
        Status.REJECTED: "text-bg-danger",
    }
    CLOSED_STATUSES = (Status.ANSWERED, Status.POSTED, Status.COLLECTED, Status.REJECTED)
    # The answer exists (a pick-up waits at the office): no longer overdue, though still in the clerk's queue.
    DONE_STATUSES = (*CLOSED_STATUSES, Status.READY)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="erequests", verbose_name=_("municipality")
    )
    type = models.ForeignKey(ERequestType, on_delete=models.PROTECT, related_name="erequests", verbose_name=_("type"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="erequests", verbose_name=_("department")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erequests", verbose_name=_("citizen")
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    delivery_method = models.CharField(_("delivery"), max_length=16, choices=DeliveryMethod.choices)
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    protocol_number = models.PositiveIntegerField(_("protocol number"), null=True, blank=True)
    protocol_year = models.PositiveSmallIntegerField(_("protocol year"), null=True, blank=True)
    protocol_date = models.DateField(_("protocol date"), null=True, blank=True)
    due_date = models.DateField(_("answer due by"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    answer = models.OneToOneField(
        "Attachment", on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name=_("answer")
    )
    dispatched_on = models.DateField(_("posted on"), null=True, blank=True)
    tracking_reference = models.CharField(_("registered-mail number"), max_length=64, blank=True)
    pickup_office = models.CharField(_("pick-up office"), max_length=300, blank=True)
    pickup_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-request")
        verbose_name_plural = _("e-requests")
        ordering = ["-created_at"]
        constraints = [
            # The database's guard for the central protocol: one number per municipality and year, once.
            models.UniqueConstraint(
                fields=["municipality", "protocol_year", "protocol_number"], name="requests_erequest_unique_protocol"
            ),
            models.CheckConstraint(
                condition=Q(protocol_number=None, protocol_year=None, protocol_date=None)
                | Q(protocol_number__isnull=False, protocol_year__isnull=False, protocol_date__isnull=False),
                name="requests_erequest_protocol_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(protocol_number__isnull=False),
                name="requests_erequest_protocolled_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(delivery_method="post") | ~Q(postal_address=""),
                name="requests_erequest_post_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="requests_erequest_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answer__isnull=False), name="requests_erequest_answered_has_answer"
            ),
            models.CheckConstraint(
                condition=~Q(status="posted")
                | Q(delivery_method="post", dispatched_on__isnull=False) & ~Q(tracking_reference=""),
                name="requests_erequest_posted_has_dispatch",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ready", "collected"]) | Q(delivery_method="pickup") & ~Q(pickup_office=""),
                name="requests_erequest_pickup_has_office",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="requests_erequest_queue_idx"),
            models.Index(
                fields=["status", "created_at"], name="requests_erequest_unnumbered", condition=Q(status="submitted")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_label or self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return self.public_id.hex[:8].upper()

    @property
    def protocol_label(self) -> str:
        """«Αρ. Πρωτ. 1234/22-11-2026», or "" before the protocol has numbered it."""
        if self.protocol_number is None:
            return ""
        return _("Prot. No. %(number)s/%(date)s") % {
            "number": self.protocol_number,
            "date": self.protocol_date.strftime("%d-%m-%Y"),
        }

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    def is_overdue(self, *, today=None) -> bool:
        today = today or timezone.localdate(timezone.now(), self.municipality.zone)
        return self.status not in self.DONE_STATUSES and self.due_date is not None and self.due_date < today


class ProtocolCounter(models.Model):
    """The database protocol register: the last number given per municipality and year.

    The row is incremented with INSERT … ON CONFLICT DO UPDATE … RETURNING in the transaction that numbers the
    e-request, so its lock orders concurrent filings and a rolled-back filing gives its number back (no gaps).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="protocol_counters", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("protocol counter")
        verbose_name_plural = _("protocol counters")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="requests_protocol_one_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.last_number}"
