"""What citizen requests and e-requests share: the refusal type, the status compare-and-swap with its timeline
entry, and staged attachments."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError
from portal.services import audit_log
from requests_tracker import uploads
from requests_tracker.caching import requests_changed
from requests_tracker.models import Attachment, Request, StatusChange, private_storage


class RequestError(PortalError):
    """A refusal with a message for the citizen or clerk; `field` names the form field to blame, if one is."""


class StatusChanged(RequestError):
    """Someone else changed the status first (the compare-and-swap found another status)."""


class NotEditable(RequestError):
    pass


# --- Status changes


def timeline_transition(
    *,
    target,
    from_status: str,
    to_status: str,
    actor,
    audit_action: str,
    note: str = "",
    resolution: str = "",
    changes: dict | None = None,
) -> None:
    """Compare-and-swap `target` (a Request or an ERequest) from `from_status` to `to_status`, with its timeline entry.

    The status in the UPDATE's filter is the guard: of two clerks deciding at once, the second finds another status,
    changes nothing and gets StatusChanged. The timeline entry and the audit record commit with the change or not
    at all. Used by public requests and e-requests alike, so both have one way to move and one timeline.
    """
    model = type(target)
    now = timezone.now()
    with transaction.atomic():
        changed = model.objects.filter(pk=target.pk, status=from_status).update(
            status=to_status, updated_at=now, **(changes or {})
        )
        if changed != 1:
            raise StatusChanged(_("Someone else changed this request's status in the meantime. Reload and check."))
        if model is Request:
            requests_changed(municipality_id=target.municipality_id)
        parent = {"request": target} if model is Request else {"erequest": target}
        StatusChange.objects.create(
            **parent,
            from_status=from_status,
            to_status=to_status,
            resolution=resolution,
            changed_by=actor if actor is not None and actor.is_authenticated else None,
            note=note.strip(),
            created_at=now,
        )
        audit_log(
            action=audit_action,
            target=target,
            actor=actor,
            municipality=target.municipality,
            data={"from": from_status, "to": to_status, "resolution": resolution},
        )


# --- Attachments


def attachment_stage(*, user, checked: uploads.CheckedUpload, staged_ids: list[int] = ()) -> Attachment:
    """Store a checked upload before its request exists; `staged_ids` are the form's others (for the totals)."""
    existing = Attachment.objects.filter(pk__in=staged_ids, uploaded_by=user, request=None, erequest=None)
    attachment_limits_check(existing=existing, adding=checked.size)
    name = uuid.uuid4().hex
    attachment = Attachment(
        uploaded_by=user,
        kind=checked.kind,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
    )
    # Server-generated names: nothing of the citizen's file name reaches the file system.
    attachment.file.save(f"{name}.{checked.extension}", ContentFile(checked.content), save=False)
    if checked.thumbnail:
        attachment.thumbnail.save(f"{name}.jpg", ContentFile(checked.thumbnail), save=False)
    attachment.save()
    return attachment


def attachment_limits_check(*, existing, adding: int) -> None:
    totals = existing.aggregate(total=Sum("size"))
    count = existing.count()
    if count + 1 > uploads.MAX_FILES:
        raise RequestError(_("A request can have at most %(count)s files.") % {"count": uploads.MAX_FILES})
    if (totals["total"] or 0) + adding > uploads.MAX_TOTAL_SIZE:
        raise RequestError(
            _("The files of one request may add up to %(limit)s at most.")
            % {"limit": filesizeformat(uploads.MAX_TOTAL_SIZE)}
        )


def attachment_remove(*, attachment: Attachment, user) -> None:
    citizen_request = attachment.request
    if attachment.erequest_id is not None:
        raise NotEditable(_("The files of an e-request stay with it: it is in the municipality's protocol."))
    if citizen_request is not None and (citizen_request.reporter_id != user.pk or not citizen_request.is_editable):
        raise NotEditable(_("This request can no longer be edited."))
    if citizen_request is None and attachment.uploaded_by_id != user.pk:
        raise NotEditable(_("This file is not yours."))
    attachments_delete(attachments=[attachment])


def attachments_delete(*, attachments) -> None:
    """Delete the rows now and their files (and thumbnails) once the transaction commits.

    A rollback restores rows, never files: deleting the files first would leave rows pointing at nothing.
    """
    attachments = list(attachments)
    names = [name for attachment in attachments for name in (attachment.file.name, attachment.thumbnail.name) if name]
    with transaction.atomic():
        Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
        transaction.on_commit(lambda: [private_storage().delete(name) for name in names])
