"""Checking uploaded scans by what they contain, not by what they are called."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_DOCUMENT_SIZE = 5 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str

    @property
    def original_name(self) -> str:
        # Browsers send a bare name, but some old ones sent a full Windows path.
        return (self.file.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255]


def upload_check(file: UploadedFile) -> CheckedUpload:
    """A JPEG, PNG or PDF of at most 5 MB, judged by its bytes; anything else raises ValidationError."""
    if file.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("This file is %(size)s; files of up to %(limit)s are accepted."),
            code="too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_DOCUMENT_SIZE)},
        )
    return CheckedUpload(file=file, content_type=_content_type(file))


def _content_type(file: UploadedFile) -> str:
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        with Image.open(file) as image:
            image.verify()  # reads the whole file: a truncated or forged image fails here
            image_format = image.format
    except Exception:  # Pillow raises many kinds (and DecompressionBombError): all mean "not an image we take"
        image_format = None
    finally:
        file.seek(0)
    if image_format not in _IMAGE_TYPES:
        raise ValidationError(
            _("This file is not a JPEG or PNG image or a PDF document. Scan or photograph the document again."),
            code="wrong_type",
        )
    return _IMAGE_TYPES[image_format]
