"""What citizen requests and e-requests share: the timeline of status changes and the attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.storage import PrivateStorage
from requests_tracker.models.citizen_requests import Request

_private_storage = PrivateStorage("requests")


def private_storage() -> PrivateStorage:
    return _private_storage


# One timeline model for both kinds: the union of their statuses ("in_progress" is shared).
TIMELINE_STATUSES = [
    *Request.Status.choices,
    ("submitted", _("Submitted")),
    ("protocolled", _("Protocolled")),
    ("answered", _("Answered")),
    ("posted", _("Posted")),
    ("ready", _("Ready for pick-up")),
    ("collected", _("Collected")),
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
    # Set when this entry moved the promised date (the note says why); the status then stays as it was.
    due_date = models.DateField(_("expected by moved to"), null=True, blank=True)
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


class Attachment(models.Model):
    """A checked photo or document. Uploaded before the request exists (staged), then attached on submission."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        DOCUMENT = "document", _("document")

    # In URLs (/requests/files/<public_id>/, Open311's media_url): a sequential id would say how many files exist
    # and invite trying the next one.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

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
