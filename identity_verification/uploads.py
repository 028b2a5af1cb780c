"""The scans of an online verification request: a JPEG, PNG or PDF of at most 5 MB (checked by portal.uploads).

Photos of identity cards come back re-encoded, without EXIF (a phone's GPS position included).
"""

from django.utils.translation import gettext_lazy as _

from portal import uploads
from portal.uploads import CheckedUpload

MAX_DOCUMENT_SIZE = 5 * 1024 * 1024

POLICY = uploads.UploadPolicy(
    max_size=MAX_DOCUMENT_SIZE,
    image_formats=("JPEG", "PNG"),
    document_types=("pdf",),
    wrong_type_message=_(
        "This file is not a JPEG or PNG image or a PDF document. Scan or photograph the document again."
    ),
)
ACCEPT = POLICY.accept


def upload_check(file, *, name: str | None = None) -> CheckedUpload:
    return uploads.upload_check(file, policy=POLICY, name=name)
