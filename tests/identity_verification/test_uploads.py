import pytest
from django.core.exceptions import ValidationError

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
    assert checked.file.read() == content  # left at the start, ready to be stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"This is plain text pretending to be a PDF.\n"),
        ("fake.png", b"<html><script>alert(1)</script></html>"),
        ("animation.gif", image_bytes("GIF")),
        ("bitmap.bmp", image_bytes("BMP")),
        ("truncated.png", image_bytes("PNG")[:60]),
        ("empty.pdf", b""),
    ],
)
def test_anything_else_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as refused:
        upload_check(upload(name, content, "application/pdf"))
    assert refused.value.code == "wrong_type"


def test_files_over_5_mb_are_refused():
    assert upload_check(upload("big.pdf", PDF_BYTES.ljust(MAX_DOCUMENT_SIZE, b" "))).content_type == "application/pdf"
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("big.pdf", PDF_BYTES.ljust(MAX_DOCUMENT_SIZE + 1, b" ")))
    assert refused.value.code == "too_big"
    with pytest.raises(ValidationError) as refused:
        upload_check(upload("big.pdf", PDF_BYTES.ljust(6 * 1024 * 1024, b" ")))
    assert refused.value.messages == ["Το αρχείο έχει μέγεθος 6,0\xa0MB· γίνονται δεκτά αρχεία έως 5,0\xa0MB."]


def test_original_names_lose_any_path():
    assert upload_check(upload("C:\\Users\\maria\\ταυτότητα.pdf", PDF_BYTES)).original_name == "ταυτότητα.pdf"
