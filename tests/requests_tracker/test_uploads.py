"""The hostile upload corpus: each file is refused with a clear message or comes back cleaned; never a 5xx."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from requests_tracker.uploads import filename_clean, upload_check
from tests.requests_tracker.fixtures import PDF_BYTES, docx_bytes, image_bytes, ole_bytes, upload, word97_bytes


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_flood_png(width=20000, height=20000) -> bytes:
    """A few KB that claim 400 million pixels: the header is enough to trip the limit."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width * 3) * 4, 9)  # a handful of rows is plenty to look real
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def zip_bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"\x00" * (200 * 1024 * 1024))
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (60, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (40.0, 38.0, 1.0), "E", (22.0, 56.0, 2.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


HOSTILE = {
    "pixel flood": ("flood.png", pixel_flood_png()),
    "png followed by html": ("page.png", image_bytes("PNG") + b"<html><script>alert(1)</script></html>"),
    "svg renamed png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "html renamed pdf": ("doc.pdf", b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
    "executable renamed docx": ("report.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"),
    "docm renamed docx": ("report.docx", docx_bytes(macro=True)),
    "zip bomb renamed docx": ("report.docx", zip_bomb_docx()),
    "zip of many entries": ("many.docx", docx_bytes(extra_entries=1500)),
    "doc with macros": ("old.doc", word97_bytes(macros="Macros")),
    "doc with macros, upper case": ("old.doc", word97_bytes(macros="MACROS")),
    "doc with a vba project": ("old.doc", word97_bytes(macros="_VBA_PROJECT")),
    "docx with an upper-case vba project": ("report.docx", docx_bytes(macro_part="word/VBAPROJECT.BIN")),
    "ole that is not a word document": ("sheet.doc", ole_bytes(("Workbook", b"\x09\x08"))),
    "jpeg followed by html": ("page.jpg", image_bytes("JPEG") + b"<html><script>alert(1)</script></html>"),
    "png with html inside": ("page.png", image_bytes("PNG", pnginfo_text=b"<script>alert(1)</script>")),
}


@pytest.mark.parametrize("name,content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_files_are_refused_with_a_message(name, content):
    with pytest.raises(ValidationError) as refused:
        upload_check(upload(name, content, "image/png"))
    assert refused.value.messages[0]


@pytest.mark.parametrize(
    "name,content,content_type,kind",
    [
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg", "image"),
        ("photo.png", image_bytes("PNG"), "image/png", "image"),
        ("anim.gif", image_bytes("GIF"), "image/gif", "image"),
        ("letter.pdf", PDF_BYTES, "application/pdf", "document"),
        (
            "letter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
        ),
        ("letter.doc", word97_bytes(), "application/msword", "document"),
    ],
)
def test_allowed_types_pass_judged_by_content(name, content, content_type, kind):
    checked = upload_check(upload("renamed.bin", content, "text/html"), name=name)
    assert (checked.content_type, checked.kind) == (content_type, kind)
    assert checked.original_name.endswith("." + checked.extension)


def test_a_greek_letter_that_mentions_macros_is_a_letter():
    # The word in the text (UTF-16 in the WordDocument stream) is not a macro storage.
    checked = upload_check(upload("επιστολή.doc", word97_bytes(text="Macros: οι μακροεντολές δεν επιτρέπονται")))
    assert checked.content_type == "application/msword"


def test_a_file_called_html_is_offered_back_under_its_real_type():
    assert upload_check(upload("σελίδα.html", PDF_BYTES)).original_name == "σελίδα.pdf"
    assert upload_check(upload("photo.html", image_bytes("JPEG"))).original_name == "photo.jpg"


def test_odt_is_recognised_by_its_mimetype_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert upload_check(upload("a.odt", buffer.getvalue())).extension == "odt"


def test_jpeg_with_gps_comes_back_without_metadata():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    checked = upload_check(upload("walk.jpg", original))
    cleaned = Image.open(io.BytesIO(checked.content))
    assert not cleaned.getexif()
    assert b"PhoneMaker" not in checked.content
    assert checked.thumbnail and Image.open(io.BytesIO(checked.thumbnail)).format == "JPEG"


def test_orientation_is_applied_before_the_metadata_goes():
    image = Image.new("RGB", (60, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the upright picture is 20 wide and 60 high
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    cleaned = Image.open(io.BytesIO(upload_check(upload("r.jpg", buffer.getvalue())).content))
    assert cleaned.size == (20, 60)


def test_too_big_and_empty_files_are_refused(settings):
    with pytest.raises(ValidationError, match="MB"):
        upload_check(upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10)))
    with pytest.raises(ValidationError):
        upload_check(upload("empty.pdf", b""))


@pytest.mark.parametrize(
    "name,expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("photo\u202egnp.exe", "photognp.exe"),
        ("ok\x00name\x07.pdf", "okname.pdf"),
        ('quote".pdf', "quote'.pdf"),
        ("...", "file"),
    ],
)
def test_filename_clean(name, expected):
    assert filename_clean(name) == expected
