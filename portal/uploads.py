"""Checking uploaded photos and documents by their bytes, never by their name or the browser's header.

One checker for every app, driven by each app's `UploadPolicy` (sizes, image formats, document types, message).
`upload_check(file, policy=…)` returns the cleaned content — images re-encoded from their pixels, so EXIF (GPS
included), comments and anything hidden after the image are gone — with a safe name ending in the real type, or
raises ValidationError with a message for the citizen. Refused outright: images that carry HTML or trail data after
their end (an image that is also a web page), Office documents with macros, zip bombs, decompression bombs.
"""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# A phone photo is ~12-50 Mpx; anything far beyond is a decompression bomb (a few KB that expand to gigabytes).
MAX_IMAGE_PIXELS = 60_000_000
THUMBNAIL_SIZE = (320, 320)
# Zip containers (docx/odt): a real document has tens to a few hundred entries and is rarely over 50 MB unpacked.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroenabled.main+xml"  # compared lower-cased
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# The storages where a Word 97-2003 file keeps its macros, compared case-insensitively.
OLE_MACRO_STORAGES = {"macros", "_vba_project", "vba", "_vba_project_cur"}
# What makes a browser that sniffs content treat bytes as a web page.
HTML_MARKERS = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed)[\s/>]", re.IGNORECASE)

IMAGE_TYPES = {"GIF": ("image/gif", "gif"), "JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
MACROS = _("Documents with macros are not accepted.")


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload may be."""

    max_size: int
    image_formats: tuple[str, ...]  # Pillow's names: "GIF", "JPEG", "PNG"
    document_types: tuple[str, ...]  # "pdf", "doc", "docx", "odt"
    wrong_type_message: str | Promise
    thumbnails: bool = False

    @property
    def accept(self) -> str:
        """For `<input type=file accept=…>`: extensions and types; the server decides by content anyway."""
        extensions = [f".{IMAGE_TYPES[name][1]}" for name in self.image_formats]
        extensions += [".jpeg"] if "JPEG" in self.image_formats else []
        extensions += [f".{extension}" for extension in self.document_types]
        types = [IMAGE_TYPES[name][0] for name in self.image_formats]
        types += [DOCUMENT_TYPES[extension] for extension in self.document_types]
        return ",".join([*extensions, *types])


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    kind: str  # "image" or "document"
    original_name: str  # safe to show and to offer back in Content-Disposition; ends in `.extension`
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


def upload_check(file, *, policy: UploadPolicy, name: str | None = None) -> CheckedUpload:
    """The file's cleaned content if `policy` allows what its bytes are; else ValidationError for the citizen."""
    size = getattr(file, "size", None)
    if size is not None and size > policy.max_size:
        raise _too_big(size, policy)
    file.seek(0)
    data = file.read(policy.max_size + 1)
    file.seek(0)
    if len(data) > policy.max_size:
        raise _too_big(len(data), policy)
    if not data:
        raise ValidationError(_("This file is empty."), code="empty")
    original_name = filename_clean(name if name is not None else getattr(file, "name", ""))
    wrong_type = ValidationError(policy.wrong_type_message, code="wrong_type")
    if data.startswith(b"%PDF-"):
        extension = "pdf"
    elif data.startswith(OLE_MAGIC):
        extension = _ole_check(data, wrong_type)
    elif data.startswith(b"PK\x03\x04"):
        extension = _zip_check(data, wrong_type)
    else:
        return _image(data, original_name, policy, wrong_type)
    if extension not in policy.document_types:
        raise wrong_type
    return CheckedUpload(
        data, DOCUMENT_TYPES[extension], extension, "document", _with_extension(original_name, extension)
    )


def _too_big(size: int, policy: UploadPolicy) -> ValidationError:
    return ValidationError(
        _("This file is %(size)s; files of up to %(limit)s are accepted."),
        code="too_big",
        params={"size": filesizeformat(size), "limit": filesizeformat(policy.max_size)},
    )


def _with_extension(name: str, extension: str) -> str:
    # The name offered back ends in the real type, whatever the citizen's file was called ("x.html" → "x.pdf").
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{extension}"


def _vba_found(data: bytes) -> bool:
    """oletools' own verdict on VBA macros in an OLE or Office Open XML file (imported only when one arrives)."""
    with warnings.catch_warnings():
        # oletools 0.60 still calls pyparsing's old camelCase names, which warn at import.
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser("upload", data=data)
    except Exception:  # not a container olevba knows: the caller's structural checks decide
        return False
    try:
        return bool(parser.detect_vba_macros())
    except Exception:
        return True  # a container whose VBA part cannot be read is not worth the risk
    finally:
        parser.close()


def _ole_check(data: bytes, wrong_type: ValidationError) -> str:
    # A Word 97-2003 file is an OLE compound file with a "WordDocument" stream; macros live in a "Macros" or
    # "_VBA_PROJECT" storage. The directory's names are read, not the text: a Greek letter that mentions
    # «Macros» is a letter.
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception as error:
        raise wrong_type from error
    names = {part.lower() for path in entries for part in path}
    if "worddocument" not in names:
        raise wrong_type
    if names & OLE_MACRO_STORAGES or _vba_found(data):
        raise ValidationError(MACROS, code="macros")
    return "doc"


def _zip_check(data: bytes, wrong_type: ValidationError) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise wrong_type from error
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
        raise ValidationError(_("This document is too large when unpacked."), code="zip_bomb")
    names = {entry.filename.replace("\\", "/").lower() for entry in entries}
    try:
        if "[content_types].xml" in names:
            manifest = _zip_read(archive, _original(entries, "[content_types].xml")).lower()
            if any(name.endswith("vbaproject.bin") for name in names) or DOCM_MAIN in manifest or _vba_found(data):
                raise ValidationError(MACROS, code="macros")
            if DOCX_MAIN in manifest:
                return "docx"
        elif "mimetype" in names and _zip_read(archive, _original(entries, "mimetype")).strip() == ODT_MIMETYPE:
            if any(name.startswith("basic/") or "scripts/" in name for name in names):
                raise ValidationError(MACROS, code="macros")
            return "odt"
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
        raise wrong_type from error
    raise wrong_type


def _original(entries: list[zipfile.ZipInfo], lowered: str) -> str:
    return next(entry.filename for entry in entries if entry.filename.replace("\\", "/").lower() == lowered)


def _zip_read(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    # Read no more than `limit` bytes: the declared size in the directory may lie.
    with archive.open(name) as member:
        return member.read(limit)


def _trailing_data(data: bytes) -> bool:
    """Anything after a PNG's IEND chunk or a JPEG's last end-of-image marker: an image that is also something else."""
    # No end marker at all is a truncated image, which Pillow refuses as "not an image we take".
    if data.startswith(b"\x89PNG"):
        end = data.rfind(b"IEND")
        return end != -1 and len(data[end + 8 :].strip(b"\x00")) > 0
    if data.startswith(b"\xff\xd8"):
        end = data.rfind(b"\xff\xd9")
        return end != -1 and len(data[end + 2 :].strip(b"\x00\r\n\t ")) > 0
    return False


def _image(data: bytes, original_name: str, policy: UploadPolicy, wrong_type: ValidationError) -> CheckedUpload:
    if _trailing_data(data) or (data[:1] in {b"\x89", b"\xff", b"G"} and HTML_MARKERS.search(data)):
        raise ValidationError(_("This image carries extra data and is not accepted."), code="polyglot")
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning (between 1× and 2× the limit) becomes an error, like the hard limit above it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS
            try:
                with Image.open(io.BytesIO(data)) as probe:
                    image_format = probe.format
                    if image_format not in policy.image_formats:
                        raise wrong_type
                    probe.verify()  # a truncated or forged image fails here
                with Image.open(io.BytesIO(data)) as image:
                    image.load()
                    upright = ImageOps.exif_transpose(image)
                    content = _reencode(upright, image_format)
                    thumbnail = _thumbnail(upright) if policy.thumbnails else None
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("This image is too large in pixels."), code="too_many_pixels") from error
    except Exception as error:  # Pillow raises many kinds for bad input; all mean "not an image we take"
        raise wrong_type from error
    content_type, extension = IMAGE_TYPES[image_format]
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
