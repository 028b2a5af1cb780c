from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_afm
from portal.models import BilingualName, Department, Municipality


class Interest(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    """A newsletter topic a municipality offers; citizens declare theirs at signup or on their account page."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="interests", verbose_name=_("municipality")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["municipality", "name_el"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name_el"], name="accounts_interest_unique_name"),
        ]


class User(AbstractUser):
    """A citizen or a member of staff. Verified citizens have `identity_verified_at` set."""

    class Language(models.TextChoices):
        GREEK = "el", _("Greek")
        ENGLISH = "en", _("English")

    class VerificationMethod(models.TextChoices):
        TAXISNET = "taxisnet", _("TAXISnet")
        IN_PERSON = "in_person", _("in person")
        BY_POST = "by_post", _("by post")
        ONLINE = "online", _("online upload")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices, default=Language.GREEK)
    mobile_phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    postal_address = models.TextField(
        _("postal address"),
        max_length=500,
        blank=True,
        help_text=_("Street and number, postcode, town: where the municipality posts what you ask for."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
        help_text=_("A citizen's municipality; for staff, the municipality they work for."),
    )
    departments = models.ManyToManyField(Department, blank=True, related_name="staff", verbose_name=_("departments"))

    # From TAXISnet (GSIS): the tax number is the identity; the rest is the registry's profile.
    afm = models.CharField(_("tax number (ΑΦΜ)"), max_length=9, blank=True, validators=[validate_afm])
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)

    interests = models.ManyToManyField(Interest, blank=True, related_name="users", verbose_name=_("interests"))
    newsletter_opt_in = models.BooleanField(_("receives newsletters"), default=False)
    privacy_consent_at = models.DateTimeField(_("privacy consent given at"), null=True, blank=True)
    privacy_policy_version = models.CharField(_("privacy policy version"), max_length=20, blank=True)

    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_verification_method = models.CharField(
        _("identity verified by"), max_length=16, choices=VerificationMethod.choices, blank=True
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(fields=["afm"], condition=~Q(afm=""), name="accounts_user_unique_afm"),
            models.CheckConstraint(
                condition=Q(identity_verified_at__isnull=True, identity_verification_method="")
                | (Q(identity_verified_at__isnull=False) & ~Q(identity_verification_method="")),
                name="accounts_user_verification_has_method",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    @property
    def is_verified_citizen(self) -> bool:
        return self.identity_verified_at is not None


class Newsletter(models.Model):
    """An issue a municipality admin writes for chosen interests; the worker sends it in batches."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="newsletters", verbose_name=_("municipality")
    )
    subject_el = models.CharField(_("subject (Greek)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_el = models.TextField(_("text (Greek)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    interests = models.ManyToManyField(Interest, related_name="newsletters", verbose_name=_("for interests"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject_el


class NewsletterDelivery(models.Model):
    """One recipient of one newsletter: the row that makes a resent batch send nothing twice."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="newsletter_deliveries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "user"], name="accounts_newsletter_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} → {self.user}"
