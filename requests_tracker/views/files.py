from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from portal.files import private_file_response
from requests_tracker import selectors


@require_GET
def attachment(request: HttpRequest, public_id: UUID, variant: str = "file") -> FileResponse:
    """A request's attachment (public, like the request) or one's own staged upload; never a direct media URL.

    Documents are always downloaded (Content-Disposition: attachment): a browser never renders them in our origin.
    """
    found = selectors.attachment_get_for_user(user=request.user, public_id=public_id)
    # An e-request's files and a staged upload are one person's; a filed request's photos are public like it.
    personal = found.erequest_id is not None or found.request_id is None
    if variant == "thumb":
        if not found.thumbnail:
            raise Http404
        return private_file_response(
            found.thumbnail.open("rb"), content_type="image/jpeg", personal=personal, as_attachment=False
        )
    return private_file_response(
        found.file.open("rb"),
        content_type=found.content_type,
        filename=found.original_name,
        personal=personal,
        as_attachment=found.kind == found.Kind.DOCUMENT,
    )
