"""Checking uploaded photos and documents by their bytes, never by their name or the browser's header.

Reusable by other apps: `upload_check(file)` returns the cleaned content (images re-encoded without metadata) and a
thumbnail, or raises ValidationError with a message for the citizen. `filename_clean(name)` makes a name safe to
offer back in a Content-Disposition header.
"""

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 5
MAX_TOTAL_SIZE = 25 * 1024 * 1024
# A phone photo is ~12-50 Mpx; anything far beyond is a decompression bomb (a few KB that expand to gigabytes).
MAX_IMAGE_PIXELS = 60_000_000
THUMBNAIL_SIZE = (320, 320)
# Zip containers (docx/odt): a real document has tens to a few hundred entries and is rarely over 50 MB unpacked.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
ACCEPT = ".gif,.jpg,.jpeg,.png,.doc,.docx,.odt,.pdf"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_IMAGE_TYPES = {"GIF": ("image/gif", "gif"), "JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}

WRONG_TYPE = _("This file is not a photo (GIF, JPEG, PNG) or a document (DOC, DOCX, ODT, PDF) we can accept.")


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    kind: str  # "image" or "document"
    original_name: str
    thumbnail: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.content)


def filename_clean(name: str, *, fallback: str = "file") -> str:
    """The last path component, without control, format (RTL override) or path characters; at most 120 chars."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    # Cc: control characters; Cf: format characters such as U+202E RIGHT-TO-LEFT OVERRIDE, which makes
    # "photo\u202egnp.exe" display as "photoexe.png".
    name = "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"})
    name = name.replace('"', "'").strip(" .")
    while ".." in name:
        name = name.replace("..", ".")
    return name[-120:] or fallback


def upload_check(file, *, name: str | None = None) -> CheckedUpload:
    """Accept a GIF/JPEG/PNG image or a DOC/DOCX/ODT/PDF document, judged by content; else ValidationError."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise _too_big(size)
    file.seek(0)
    data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise _too_big(len(data))
    if not data:
        raise ValidationError(_("This file is empty."), code="empty")
    original_name = filename_clean(name if name is not None else getattr(file, "name", ""))
    if data.startswith(b"%PDF-"):
        return _document(data, "application/pdf", "pdf", original_name)
    if data.startswith(OLE_MAGIC):
        return _document(_ole_check(data), "application/msword", "doc", original_name)
    if data.startswith(b"PK\x03\x04"):
        content_type, extension = _zip_check(data)
        return _document(data, content_type, extension, original_name)
    return _image(data, original_name)


def _too_big(size: int) -> ValidationError:
    return ValidationError(
        _("This file is %(size)s; files of up to %(limit)s are accepted."),
        code="too_big",
        params={"size": filesizeformat(size), "limit": filesizeformat(MAX_FILE_SIZE)},
    )


def _document(data: bytes, content_type: str, extension: str, original_name: str) -> CheckedUpload:
    return CheckedUpload(data, content_type, extension, "document", _with_extension(original_name, extension))


def _with_extension(name: str, extension: str) -> str:
    # The name offered back ends in the real type, whatever the citizen's file was called.
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{extension}"


def _ole_check(data: bytes) -> bytes:
    # A Word 97-2003 file is an OLE compound file; macros live in a "Macros" or "VBA" storage, whose name appears
    # in the directory sectors in UTF-16.
    for marker in ("Macros", "_VBA_PROJECT", "VBA"):
        if marker.encode("utf-16-le") in data:
            raise ValidationError(_("Documents with macros are not accepted."), code="macros")
    return data


def _zip_check(data: bytes) -> tuple[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
        raise ValidationError(_("This document is too large when unpacked."), code="zip_bomb")
    names = {entry.filename for entry in entries}
    try:
        if "[Content_Types].xml" in names:
            manifest = _zip_read(archive, "[Content_Types].xml")
            if "vbaProject.bin" in " ".join(names).replace("\\", "/") or DOCM_MAIN.encode() in manifest:
                raise ValidationError(_("Documents with macros are not accepted."), code="macros")
            if DOCX_MAIN.encode() in manifest:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
        elif "mimetype" in names and _zip_read(archive, "mimetype").strip() == ODT_MIMETYPE:
            if any(name.lower().startswith("basic/") or "scripts/" in name.lower() for name in names):
                raise ValidationError(_("Documents with macros are not accepted."), code="macros")
            return "application/vnd.oasis.opendocument.text", "odt"
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    raise ValidationError(WRONG_TYPE, code="wrong_type")


def _zip_read(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    # Read no more than `limit` bytes: the declared size in the directory may lie.
    with archive.open(name) as member:
        return member.read(limit)


def _png_has_trailer(data: bytes) -> bool:
    # Anything after the IEND chunk (4 bytes length, "IEND", 4 bytes CRC) is a polyglot: an image that is also
    # an HTML page or an archive. Re-encoding would drop it, but such a file is refused outright.
    end = data.rfind(b"IEND")
    return end != -1 and len(data[end + 8 :].strip(b"\x00")) > 0


def _image(data: bytes, original_name: str) -> CheckedUpload:
    if data.startswith(b"\x89PNG") and _png_has_trailer(data):
        raise ValidationError(_("This image carries extra data after its end and is not accepted."), code="polyglot")
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning (between 1× and 2× the limit) becomes an error, like the hard limit above it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS
            try:
                with Image.open(io.BytesIO(data)) as probe:
                    image_format = probe.format
                    if image_format not in _IMAGE_TYPES:
                        raise ValidationError(WRONG_TYPE, code="wrong_type")
                    probe.verify()  # a truncated or forged image fails here
                with Image.open(io.BytesIO(data)) as image:
                    image.load()
                    upright = ImageOps.exif_transpose(image)
                    content = _reencode(upright, image_format)
                    thumbnail = _thumbnail(upright)
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("This image is too large in pixels."), code="too_many_pixels") from error
    except Exception as error:  # Pillow raises many kinds for bad input; all mean "not an image we take"
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    content_type, extension = _IMAGE_TYPES[image_format]
    return CheckedUpload(
        content, content_type, extension, "image", _with_extension(original_name, extension), thumbnail
    )


def _reencode(image: Image.Image, image_format: str) -> bytes:
    """A fresh file with pixels only: EXIF (GPS included), XMP, comments and anything after the image are gone."""
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=88, optimize=True)
    elif image_format == "GIF":
        image.save(buffer, format="GIF")  # first frame only: animations are not evidence
    else:
        if image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
            image = image.convert("RGBA")
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
