from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from requests_tracker import selectors


@require_GET
def attachment(request: HttpRequest, public_id: UUID, variant: str = "file") -> FileResponse:
    """A request's attachment (public, like the request) or one's own staged upload; never a direct media URL.

    Documents are always downloaded (Content-Disposition: attachment): a browser never renders them in our origin.
    """
    found = selectors.attachment_get_for_user(user=request.user, public_id=public_id)
    if variant == "thumb":
        if not found.thumbnail:
            raise Http404
        response = FileResponse(found.thumbnail.open("rb"), content_type="image/jpeg")
    else:
        response = FileResponse(
            found.file.open("rb"),
            content_type=found.content_type,
            filename=found.original_name,
            as_attachment=found.kind == found.Kind.DOCUMENT,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
