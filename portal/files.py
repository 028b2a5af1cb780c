"""The one way to send a stored file to a browser: only from a view that has checked who is asking.

Private files are streamed through that view, from disk or from the private bucket alike; the portal never
redirects to the object store, not even with a presigned URL of a minute. Why:

- The check and the bytes stay one response. A presigned URL is a bearer token: for its lifetime anyone who holds it
  (a browser history, a proxy or access log, a forwarded link) gets the file with no check at all, and removing a
  clerk's role or erasing an account cannot call back a URL already handed out.
- Our headers stay on the file. The object store honours Content-Type, Content-Disposition and Cache-Control
  overrides, but not `X-Content-Type-Options: nosniff` or the sandboxing Content-Security-Policy set below, and it
  answers from its own origin, outside the portal's CSP.
- The bucket stays private and off the Internet: no public endpoint, no CORS, no CSP `img-src` opened for its host
  (request thumbnails are `<img>`s), no dependence on the store's clock for the expiry.

The cost is a web worker busy while a file passes through it: uploads are at most 10 MB (each app's
`uploads.py`), read from the store at local-network speed; django-storages keeps up to 2 MB of one in memory and the
rest in a temporary file (portal/storage.py).
"""

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
