import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualName, Department, Municipality, localized
from portal.storage import PrivateStorage

# Crockford's base32 without I, L, O, U: codes read out over the phone are not mistaken for one another.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6


def code_generate(prefix: str) -> str:
    """`THE-7K2M9Q`: random, so that codes say nothing about how many requests exist or which comes next."""
    return f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_prefix(municipality: Municipality) -> str:
    return (municipality.slug.replace("-", "")[:3] or "REQ").upper()


_private_storage = PrivateStorage("requests")


def private_storage() -> PrivateStorage:
    return _private_storage


class Category(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="request_categories", verbose_name=_("municipality")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    code = models.SlugField(_("service code"), max_length=50, help_text=_("The Open311 service code."))
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_categories",
        verbose_name=_("department"),
    )
    colour = models.CharField(_("colour"), max_length=7, default="#0d6efd")
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    is_other = models.BooleanField(
        _("«Other»"), default=False, help_text=_("Requests filed under «Other» are re-filed by staff.")
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["municipality", "is_other", "position", "name_el"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="requests_category_unique_code"),
            models.UniqueConstraint(fields=["municipality", "name_el"], name="requests_category_unique_name"),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(is_other=True), name="requests_one_other_category"
            ),
        ]


class Request(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        RESOLVED = "resolved", _("resolved")
        NOT_RESOLVED = "not_resolved", _("not resolved")
        DUPLICATE = "duplicate", _("duplicate")
        NOT_RESPONSIBLE = "not_responsible", _("not our responsibility")

    # Bootstrap badge classes, chosen for contrast with their text (axe checks it).
    STATUS_COLOURS = {
        Status.REGISTERED: "text-bg-danger",
        Status.ACKNOWLEDGED: "text-bg-warning",
        Status.IN_PROGRESS: "text-bg-primary",
        Status.CLOSED: "text-bg-success",
    }
    STATUS_PIN_COLOURS = {
        Status.REGISTERED: "#dc3545",
        Status.ACKNOWLEDGED: "#ffc107",
        Status.IN_PROGRESS: "#0d6efd",
        Status.CLOSED: "#198754",
    }

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="citizen_requests", verbose_name=_("municipality")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="requests", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_requests",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_requests",
        verbose_name=_("reporter"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen request")
        verbose_name_plural = _("citizen requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | (~Q(status="closed") & Q(closed_at=None)),
                name="requests_closed_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(resolution="")) | (~Q(status="closed") & Q(resolution="")),
                name="requests_closed_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(resolution="duplicate", duplicate_of__isnull=False)
                | (~Q(resolution="duplicate") & Q(duplicate_of=None)),
                name="requests_duplicate_has_original",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "latitude", "longitude"], name="requests_location_idx"),
            models.Index(fields=["municipality", "status", "-created_at"], name="requests_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.REGISTERED

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


# One timeline model for both kinds: the union of their statuses ("in_progress" is shared).
TIMELINE_STATUSES = [
    *Request.Status.choices,
    ("submitted", _("Submitted")),
    ("protocolled", _("Protocolled")),
    ("answered", _("Answered")),
    ("rejected", _("Rejected")),
]


class StatusChange(models.Model):
    """One step of a request's timeline; written by the service that changed the status, never edited."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, null=True, blank=True, related_name="timeline", verbose_name=_("request")
    )
    erequest = models.ForeignKey(
        "ERequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="timeline",
        verbose_name=_("e-request"),
    )
    from_status = models.CharField(_("from"), max_length=16, choices=TIMELINE_STATUSES, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=TIMELINE_STATUSES)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Request.Resolution.choices, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, erequest=None) | Q(request=None, erequest__isnull=False),
                name="requests_status_change_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id or self.erequest_id}: {self.from_status or '∅'} → {self.to_status}"


class Vote(models.Model):
    """«Έχω κι εγώ αυτό το πρόβλημα»: one per citizen and request, never on one's own (checked in the service)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="votes", verbose_name=_("request"))
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_votes", verbose_name=_("citizen")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["request", "citizen"], name="requests_one_vote_per_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.request_id}"


class Comment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="comments", verbose_name=_("request"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=4000)
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderator"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Attachment(models.Model):
    """A checked photo or document. Uploaded before the request exists (staged), then attached on submission."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        DOCUMENT = "document", _("document")

    request = models.ForeignKey(
        Request,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("request"),
    )
    # An e-request's files are private: only its citizen and its department's clerks see them.
    erequest = models.ForeignKey(
        "ERequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("e-request"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    original_name = models.CharField(_("original name"), max_length=255)
    file = models.FileField(_("file"), storage=private_storage, upload_to="files/%Y/%m")
    thumbnail = models.FileField(_("thumbnail"), storage=private_storage, upload_to="thumbs/%Y/%m", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request=None) | Q(erequest=None), name="requests_attachment_at_most_one_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ApiKey(models.Model):
    """An Open311 client's key for POSTing requests to one municipality. Only a hash of the key is kept."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="open311_keys", verbose_name=_("municipality")
    )
    name = models.CharField(_("client name"), max_length=150)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        # The keys are long random strings, so a fast hash is enough: there is nothing to brute-force.
        return hashlib.sha256(key.encode()).hexdigest()


# --- E-requests («e-αιτήματα»): private applications entered in the municipality's central protocol.
# They share Attachment (their files, and the clerk's answer) and StatusChange (their timeline) with public requests.

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
        REJECTED = "rejected", _("Rejected")

    STATUS_COLOURS = {
        Status.SUBMITTED: "text-bg-secondary",
        Status.PROTOCOLLED: "text-bg-warning",
        Status.IN_PROGRESS: "text-bg-primary",
        Status.ANSWERED: "text-bg-success",
        Status.REJECTED: "text-bg-danger",
    }
    CLOSED_STATUSES = (Status.ANSWERED, Status.REJECTED)

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
    tracking_reference = models.CharField(_("tracking reference"), max_length=64, blank=True)
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
        return self.is_open and self.due_date is not None and self.due_date < today


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
