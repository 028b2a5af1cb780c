"""Reads of attachments, shared by citizen requests and e-requests: who may see a file."""

from uuid import UUID

from django.http import Http404

from requests_tracker.models import Attachment
from requests_tracker.selectors.erequests import may_see_file


def staged_attachments(*, user, ids) -> list[Attachment]:
    ids = [int(value) for value in ids if str(value).isdigit()]
    if not ids or not user.is_authenticated:
        return []
    return list(Attachment.objects.filter(pk__in=ids, uploaded_by=user, request=None, erequest=None))


def attachment_get_for_user(*, user, public_id: UUID) -> Attachment:
    """An attachment of a request (public), of the user's e-request, or one they staged; 404 for anything else."""
    attachment = (
        Attachment.objects.select_related("request__municipality", "erequest__department")
        .filter(public_id=public_id)
        .first()
    )
    if attachment is None:
        raise Http404
    if attachment.erequest_id is not None:
        # An e-request's files are private: its citizen and its department's clerks, nobody else.
        if not may_see_file(user=user, attachment=attachment):
            raise Http404
        return attachment
    # A staged upload (no request yet) is only its uploader's; a request's attachments are public like it.
    if attachment.request_id is None and (not user.is_authenticated or attachment.uploaded_by_id != user.pk):
        raise Http404
    return attachment
