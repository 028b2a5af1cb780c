"""What citizens may attach to a booking: photos or scans and documents (checked by portal.uploads)."""

from django.utils.translation import gettext_lazy as _

from portal import uploads
from portal.uploads import CheckedUpload

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 10  # per booking
MAX_TOTAL_SIZE = 40 * 1024 * 1024  # per booking

POLICY = uploads.UploadPolicy(
    max_size=MAX_FILE_SIZE,
    image_formats=("JPEG", "PNG"),
    document_types=("doc", "docx", "odt", "pdf"),
    wrong_type_message=_(
        "This file is not a photo or scan (JPEG, PNG) or a document (PDF, DOC, DOCX, ODT) we can accept."
    ),
)
ACCEPT = POLICY.accept


def upload_check(file, *, name: str | None = None) -> CheckedUpload:
    return uploads.upload_check(file, policy=POLICY, name=name)
