import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualName, Municipality, localized
from portal.storage import PrivateStorage

# The seed: "the account is activated within 48 hours of the receipt of the documents by the service".
DECISION_TIME = timedelta(hours=48)


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


class Office(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    """Where citizens bring their documents (a counter) or post them (the postal address): data per municipality."""

    class Kind(models.TextChoices):
        COUNTER = "counter", _("office for visits")
        POSTAL = "postal", _("postal address for applications")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="verification_offices", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COUNTER)
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    opening_hours_el = models.CharField(_("opening hours (Greek)"), max_length=255, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("verification office")
        verbose_name_plural = _("verification offices")
        ordering = ["municipality", "kind", "position", "name_el"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name_el"], name="identity_verification_office_unique_name"
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(kind="postal", is_active=True),
                name="identity_verification_one_postal_address",
            ),
        ]

    @property
    def opening_hours(self) -> str:
        return localized(self, "opening_hours")


class VerificationCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=VerificationCase.OPEN_STATUSES)

    def overdue(self, *, now: datetime | None = None):
        cutoff = (now or timezone.now()) - DECISION_TIME
        return self.filter(status=VerificationCase.Status.DOCUMENTS_RECEIVED, documents_received_at__lt=cutoff)


class VerificationCase(models.Model):
    """A citizen's request to be verified, from submission to the clerk's decision."""

    class Method(models.TextChoices):
        # The values are those of accounts.User.VerificationMethod: approval records the method on the user.
        IN_PERSON = "in_person", _("in person")
        BY_POST = "by_post", _("by post")
        ONLINE = "online", _("online upload")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        DOCUMENTS_RECEIVED = "documents_received", _("documents received")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    OPEN_STATUSES = (Status.SUBMITTED, Status.DOCUMENTS_RECEIVED)
    DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_cases",
        verbose_name=_("citizen"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="verification_cases", verbose_name=_("municipality")
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("office"),
        limit_choices_to={"kind": Office.Kind.COUNTER},
    )
    afm = models.CharField(_("tax number (ΑΦΜ)"), max_length=9)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    documents_received_at = models.DateTimeField(_("documents received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = VerificationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=Q(status__in=["submitted", "documents_received"]),
                name="identity_verification_one_open_case_per_citizen",
            ),
            models.CheckConstraint(
                condition=Q(method="in_person", office__isnull=False) | (~Q(method="in_person") & Q(office=None)),
                name="identity_verification_office_only_in_person",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(documents_received_at__isnull=False),
                name="identity_verification_received_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["approved", "rejected"], decided_at__isnull=False)
                | (~Q(status__in=["approved", "rejected"]) & Q(decided_at=None)),
                name="identity_verification_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="identity_verification_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["documents_received_at"],
                condition=Q(status="documents_received"),
                name="identity_verif_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return _("Verification %(reference)s of %(citizen)s") % {"reference": self.reference, "citizen": self.citizen}

    @property
    def reference(self) -> str:
        """A short code for letters and phone calls; clerks can search by it."""
        return self.public_id.hex[:8].upper()

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def decision_deadline(self) -> datetime | None:
        if self.documents_received_at is None:
            return None
        return self.documents_received_at + DECISION_TIME

    def is_overdue(self, *, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.DOCUMENTS_RECEIVED
            and self.decision_deadline is not None
            and self.decision_deadline < (now or timezone.now())
        )


def document_upload_to(instance: "VerificationDocument", filename: str) -> str:
    # Never the uploaded name: it is personal data and attacker-chosen. The extension follows the checked content.
    return f"verification/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{instance.extension}"


class VerificationDocument(models.Model):
    """A scan uploaded with an online request. Personal data: served only to its citizen and authorised clerks."""

    class Kind(models.TextChoices):
        IDENTITY_DOCUMENT = "identity_document", _("identity card")
        AFM_DOCUMENT = "afm_document", _("document showing the tax number (ΑΦΜ)")

    EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        VerificationCase, on_delete=models.CASCADE, related_name="documents", verbose_name=_("verification request")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("verification document")
        verbose_name_plural = _("verification documents")
        ordering = ["case", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="identity_verification_one_document_per_kind"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="identity_verification_document_allowed_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")
