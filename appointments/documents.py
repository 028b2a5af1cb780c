"""Documents with a booking: the citizen attaches them until the appointment starts; the clerk checks them or asks
for a missing one; they are deleted `APPOINTMENT_DOCUMENTS_RETENTION_DAYS` after the appointment.

Who may open a file: the citizen whose booking it is (or whoever holds its e-mailed manage link), the booking's
clerk, and the staff of the service's department in the same municipality. Every opening is audited.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments import emails, uploads
from appointments.models import Appointment, BookingDocument, DocumentRequest, private_storage
from portal.errors import PortalError
from portal.services import audit_log


class DocumentRefused(PortalError):
    """An upload that is not taken, with the reason for the citizen."""


TOO_LATE = _("Documents can be attached only to a booked appointment, until it starts.")
TOO_MANY = _("A booking can have at most %(count)s documents.")
TOO_MUCH = _("The documents of a booking can be at most %(limit)s together.")


# --- The rules -------------------------------------------------------------------------------------------------


def documents_open(*, appointment: Appointment, now: datetime | None = None) -> bool:
    """Documents may be attached while the booking stands and its time has not come."""
    return appointment.status == Appointment.Status.BOOKED and (now or timezone.now()) < appointment.start


def viewer_role(*, appointment: Appointment, user) -> str | None:
    """Why `user` may open this booking's documents: "citizen", "clerk" or "department"; None if they may not."""
    if not (user.is_authenticated and user.is_active):
        return None
    if appointment.citizen_id is not None and appointment.citizen_id == user.pk:
        return "citizen"
    if not user.is_staff:
        return None
    if appointment.clerk.user_id == user.pk:
        return "clerk"
    service = appointment.service
    if user.municipality_id == service.municipality_id and user.departments.filter(pk=service.department_id).exists():
        return "department"
    return None


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Appointments that ended before this instant have had their documents kept long enough."""
    return (now or timezone.now()) - timedelta(days=settings.APPOINTMENT_DOCUMENTS_RETENTION_DAYS)


# --- Reads -----------------------------------------------------------------------------------------------------


def document_for_user(*, public_id: uuid.UUID, user) -> tuple[BookingDocument, str]:
    """The document and the viewer's role, or 404: a file one may not see does not exist for them."""
    document = (
        BookingDocument.objects.select_related("appointment__service", "appointment__clerk")
        .filter(public_id=public_id)
        .first()
    )
    role = document and viewer_role(appointment=document.appointment, user=user)
    if not role:
        raise Http404
    return document, role


def document_for_appointment(*, appointment: Appointment, public_id: uuid.UUID) -> BookingDocument:
    document = BookingDocument.objects.filter(appointment=appointment, public_id=public_id).first()
    if document is None:
        raise Http404
    return document


def documents_for_citizen(*, user) -> list[BookingDocument]:
    return list(BookingDocument.objects.filter(appointment__citizen=user).select_related("appointment").order_by("pk"))


# --- Writes ----------------------------------------------------------------------------------------------------


def document_attach(*, appointment: Appointment, file, actor=None, now: datetime | None = None) -> BookingDocument:
    """Check the file (portal.uploads) and keep it with the booking; DocumentRefused or ValidationError says why.

    The booking's row is locked, so two uploads at once cannot pass the count and size limits together, nor
    slip in after a cancellation.
    """
    checked = uploads.upload_check(file)  # ValidationError with the reason
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not documents_open(appointment=locked, now=now):
            raise DocumentRefused(TOO_LATE)
        existing = list(BookingDocument.objects.filter(appointment=locked).values_list("size", flat=True))
        if len(existing) >= uploads.MAX_FILES:
            raise DocumentRefused(TOO_MANY % {"count": uploads.MAX_FILES})
        if sum(existing) + checked.size > uploads.MAX_TOTAL_SIZE:
            raise DocumentRefused(TOO_MUCH % {"limit": filesizeformat(uploads.MAX_TOTAL_SIZE)})
        document = BookingDocument(
            appointment=locked,
            kind=checked.kind,
            original_name=checked.original_name,
            size=checked.size,
            content_type=checked.content_type,
        )
        document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.content), save=False)
        try:
            document.save()
        except Exception:
            private_storage().delete(document.file.name)
            raise
        DocumentRequest.objects.filter(appointment=locked, answered_at__isnull=True).update(answered_at=now)
        audit_log(
            action="appointments.document.attached",
            target=document,
            actor=actor,
            municipality=appointment.service.municipality,
            data={"appointment": locked.code, "name": document.original_name, "size": document.size},
        )
    return document


def document_viewed(*, document: BookingDocument, actor, role: str) -> None:
    """Every opening of a booking's document is recorded: who, in what role, which file."""
    appointment = document.appointment
    audit_log(
        action="appointments.document.viewed",
        target=document,
        actor=actor,
        municipality=appointment.service.municipality,
        data={"appointment": appointment.code, "role": role, "name": document.original_name},
    )


def document_check(*, document: BookingDocument, actor, now: datetime | None = None) -> bool:
    """The clerk marks a document checked; False if it already was (compare-and-swap: one decision)."""
    changed = BookingDocument.objects.filter(pk=document.pk, checked_at__isnull=True).update(
        checked_at=now or timezone.now(), checked_by=actor
    )
    if changed:
        audit_log(
            action="appointments.document.checked",
            target=document,
            actor=actor,
            municipality=document.appointment.service.municipality,
            data={"appointment": document.appointment.code},
        )
    return bool(changed)


def document_request(*, appointment: Appointment, actor, message: str) -> DocumentRequest:
    """The clerk asks for a missing document; the citizen is e-mailed the message and the upload link."""
    message = " ".join(message.split())[:300]
    if not message:
        raise DocumentRefused(_("Write which document is missing."))
    if not documents_open(appointment=appointment):
        raise DocumentRefused(TOO_LATE)
    with transaction.atomic():
        request = DocumentRequest.objects.create(appointment=appointment, message=message, requested_by=actor)
        audit_log(
            action="appointments.document.requested",
            target=appointment,
            actor=actor,
            municipality=appointment.service.municipality,
            data={"message": message},
        )
        emails.document_requested(
            appointment=appointment,
            message=message,
            upload_url=reverse("appointments:booking", args=[appointment.code]) + "#documents",
        )
    return request


def _delete(documents: list[BookingDocument]) -> int:
    names = [document.file.name for document in documents]
    BookingDocument.objects.filter(pk__in=[document.pk for document in documents]).delete()
    # Files go only once the rows are gone for good: a rollback must not leave a row without its file.
    transaction.on_commit(lambda: [private_storage().delete(name) for name in names])
    return len(documents)


def documents_purge(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Beat: delete the documents of appointments that ended more than the retention period ago."""
    with transaction.atomic():
        documents = list(
            BookingDocument.objects.select_for_update(skip_locked=True)
            .filter(appointment__end__lt=retention_cutoff(now=now))
            .order_by("pk")[:limit]
        )
        return _delete(documents)


def citizen_data_export(user) -> list[dict]:
    return [
        {
            "appointment": document.appointment.code,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "uploaded_at": document.uploaded_at.isoformat(),
            "checked_at": document.checked_at.isoformat() if document.checked_at else None,
        }
        for document in documents_for_citizen(user=user)
    ]


def citizen_data_erase(user) -> None:
    """Account deletion: the documents attached to the citizen's bookings go, files included."""
    with transaction.atomic():
        _delete(list(BookingDocument.objects.filter(appointment__citizen=user)))


def refusal_message(error: Exception) -> str:
    """The reason an upload was refused, for the page."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
