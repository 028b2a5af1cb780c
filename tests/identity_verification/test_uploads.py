import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from identity_verification.uploads import MAX_DOCUMENT_SIZE, upload_check
from tests.identity_verification.fixtures import PDF_BYTES, image_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.png", image_bytes("PNG"), "image/png"),
        ("scan.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scan.pdf", PDF_BYTES, "application/pdf"),
        # The bytes decide, not the name: a PNG called .jpg is a PNG, and is stored as one.
        ("photo.jpg", image_bytes("PNG"), "image/png"),
        ("ΑΦΜ εκκαθαριστικό", PDF_BYTES, "application/pdf"),
    ],
)
def test_jpeg_png_and_pdf_are_accepted_by_their_content(name, content, content_type):
    checked = upload_check(upload(name, content))
    assert checked.content_type == content_type
    if content_type == "application/pdf":
        assert checked.content == content
    else:  # photos are stored re-encoded from their pixels
        assert Image.open(io.BytesIO(checked.content)).format == content_type.split("/")[1].upper()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"This is plain text pretending to be a PDF.\n"),
        ("fake.png", b"<html><script>alert(1)</script></html>"),
        ("animation.gif", image_bytes("GIF")),
        ("bitmap.bmp", image_bytes("BMP")),
        ("truncated.png", image_bytes("PNG")[:60]),
    ],
)
def test_anything_else_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as refused:
        upload_check(upload(name, content, "application/pdf"))
    assert refused.value.code == "wrong_type"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("empty.pdf", b""))
    assert refused.value.code == "empty"


def test_files_over_5_mb_are_refused():
    assert upload_check(upload("big.pdf", PDF_BYTES.ljust(MAX_DOCUMENT_SIZE, b" "))).content_type == "application/pdf"
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("big.pdf", PDF_BYTES.ljust(MAX_DOCUMENT_SIZE + 1, b" ")))
    assert refused.value.code == "too_big"
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("big.pdf", PDF_BYTES.ljust(6 * 1024 * 1024, b" ")))
    assert refused.value.messages == ["Το αρχείο έχει μέγεθος 6,0\xa0MB· γίνονται δεκτά αρχεία έως 5,0\xa0MB."]


def test_a_photo_of_an_identity_card_loses_its_gps_position():
    image = Image.new("RGB", (60, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 30.0, 1.0), "E", (24.0, 1.0, 2.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    checked = upload_check(upload("ταυτότητα.jpg", buffer.getvalue()))
    assert not Image.open(io.BytesIO(checked.content)).getexif()
    assert b"PhoneMaker" not in checked.content


@pytest.mark.parametrize(
    "content",
    [
        image_bytes("PNG") + b"<html><script>alert(1)</script></html>",
        image_bytes("JPEG") + b"<html><script>alert(1)</script></html>",
    ],
    ids=["png", "jpeg"],
)
def test_an_image_that_is_also_a_web_page_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("ταυτότητα.png", content))
    assert refused.value.code == "polyglot"


def test_the_name_offered_back_ends_in_the_real_type():
    assert upload_check(upload("ταυτότητα.html", PDF_BYTES)).original_name == "ταυτότητα.pdf"


def test_original_names_lose_any_path():
    assert upload_check(upload("C:\\Users\\maria\\ταυτότητα.pdf", PDF_BYTES)).original_name == "ταυτότητα.pdf"
