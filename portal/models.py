import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(obj, field: str) -> str:
    """The Greek or English variant of `field` for the active language, falling back to Greek."""
    if (get_language() or "el").startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_el")
    return getattr(obj, f"{field}_el")


class BilingualName:
    """For models with `name_el` and `name_en`: `name` in the active language, also their `str()`."""

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


# A Greek municipality is «Δήμος X»: «του Δήμου X», «τον Δήμο X». The stored forms win; this is the fallback.
_GREEK_CASES = {"Δήμος": {"genitive": "Δήμου", "accusative": "Δήμο"}}


def _greek_case(name: str, case: str) -> str:
    head, _, rest = name.partition(" ")
    forms = _GREEK_CASES.get(head)
    return f"{forms[case]} {rest}" if forms and rest else name


class Municipality(BilingualName, models.Model):
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    name_genitive_el = models.CharField(
        _("name in the genitive (Greek)"),
        max_length=150,
        blank=True,
        help_text=_("As a sentence needs it after «του», e.g. Δήμου Χανίων. Empty: worked out from the name."),
    )
    name_accusative_el = models.CharField(
        _("name in the accusative (Greek)"),
        max_length=150,
        blank=True,
        help_text=_("As a sentence needs it after «τον» or «στον», e.g. Δήμο Χανίων. Empty: worked out from the name."),
    )
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in addresses, e.g. chania."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Athens", validators=[validate_time_zone]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("postal address"), max_length=255, blank=True)
    map_center_latitude = models.DecimalField(
        _("map centre latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    map_center_longitude = models.DecimalField(
        _("map centre longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    map_zoom = models.PositiveSmallIntegerField(
        _("map zoom"), default=13, validators=[MinValueValidator(1), MaxValueValidator(19)]
    )
    privacy_policy_el = models.TextField(_("privacy policy (Greek)"), blank=True)
    privacy_policy_en = models.TextField(_("privacy policy (English)"), blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_el"]
        constraints = [
            models.UniqueConstraint(Lower("name_el"), name="portal_municipality_unique_name"),
        ]

    @property
    def privacy_policy(self) -> str:
        return localized(self, "privacy_policy")

    @property
    def name_genitive(self) -> str:
        """The name after «του» in a Greek sentence («του Δήμου Χανίων»); in English, the name."""
        if (get_language() or "el").startswith("en"):
            return self.name
        return self.name_genitive_el or _greek_case(self.name_el, "genitive")

    @property
    def name_accusative(self) -> str:
        """The name after «τον», «στον», «από τον» in a Greek sentence («από τον Δήμο Χανίων»); in English, the name."""
        if (get_language() or "el").startswith("en"):
            return self.name
        return self.name_accusative_el or _greek_case(self.name_el, "accusative")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Department(BilingualName, models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    supervisor_email = models.EmailField(
        _("supervisor's e-mail"), blank=True, help_text=_("Receives a daily digest of the department's overdue items.")
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "name_el"]
        constraints = [
            models.UniqueConstraint(
                "municipality", Lower("name_el"), name="portal_department_unique_name_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class OutboundEmail(models.Model):
    """An e-mail written inside a transaction and sent by the worker after it commits.

    The row is the outbox: it survives a broker or mail server that is down, and `sent_at` makes sending
    idempotent (a task that runs twice sends once).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="portal_email_queued_idx", condition=models.Q(status="queued"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="portal_email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class AuditEntry(models.Model):
    """Who did what to which object, and when: written by the service that made the change, never edited."""

    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="portal_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
