"""The one way to send a stored file to a browser: only from a view that has checked who is asking."""

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from portal.uploads import filename_clean


def private_file_response(
    file, *, content_type: str, filename: str = "", personal: bool = True, as_attachment: bool = True
) -> FileResponse:
    """A file that never runs in our origin: downloaded (unless `as_attachment=False`, for a public photo), under a
    cleaned name, sniffing off, sandboxed.

    `personal` files (identity scans, e-requests, one's own staged uploads, the data export) are never stored by a
    browser or a proxy (`Cache-Control: no-store`); a public request's photo may stay in the browser for an hour.
    """
    response = FileResponse(
        file,
        content_type=content_type,
        as_attachment=as_attachment,
        filename=filename_clean(filename) if filename else "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if personal:
        add_never_cache_headers(response)
    else:
        patch_cache_control(response, private=True, max_age=3600)
    return response
