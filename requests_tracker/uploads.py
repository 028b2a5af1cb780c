"""What citizens may attach to a request or an e-request, and clerks to an answer (checked by portal.uploads)."""

from django.utils.translation import gettext_lazy as _

from portal import uploads
from portal.uploads import CheckedUpload, filename_clean  # noqa: F401 - the names this app's code uses

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 5
MAX_TOTAL_SIZE = 25 * 1024 * 1024

POLICY = uploads.UploadPolicy(
    max_size=MAX_FILE_SIZE,
    image_formats=("GIF", "JPEG", "PNG"),
    document_types=("doc", "docx", "odt", "pdf"),
    wrong_type_message=_(
        "This file is not a photo (GIF, JPEG, PNG) or a document (DOC, DOCX, ODT, PDF) we can accept."
    ),
    thumbnails=True,
)
ACCEPT = POLICY.accept


def upload_check(file, *, name: str | None = None) -> CheckedUpload:
    return uploads.upload_check(file, policy=POLICY, name=name)
