"""Personas, categories and sample files for the citizen-requests tests (unit and browser)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from portal.models import Department
from requests_tracker import services
from requests_tracker.models import Category
from requests_tracker.roles import REQUESTS_OFFICE
from tests import personas
from tests.personas import make_citizen
from tests.stubs.geocoder import GeocoderStub

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CENTRE = (Decimal("40.632000"), Decimal("22.944000"))


def image_bytes(image_format: str = "PNG", size=(40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format, **save)
    return buffer.getvalue()


def docx_bytes(*, macro: bool = False, extra_entries: int = 0) -> bytes:
    buffer = io.BytesIO()
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
        for index in range(extra_entries):
            archive.writestr(f"x/{index}", b"")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_clerk(username: str, municipality) -> User:
    """A clerk of the citizen requests office."""
    return personas.make_clerk(username, municipality, roles=(REQUESTS_OFFICE,))


def make_request(reporter, category, *, title="Λακκούβα στην Τσιμισκή", **fields):
    return services.request_create(
        municipality=category.municipality,
        reporter=reporter,
        category=category,
        title=title,
        description=fields.pop("description", "Βαθιά λακκούβα μπροστά στο νούμερο 40."),
        latitude=fields.pop("latitude", CENTRE[0]),
        longitude=fields.pop("longitude", CENTRE[1]),
        address=fields.pop("address", "Τσιμισκή 40"),
        **fields,
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "private" / "requests"


@pytest.fixture
def categories(thessaloniki) -> dict[str, Category]:
    roads = Department.objects.create(municipality=thessaloniki, name_el="Διεύθυνση Οδοποιίας", name_en="Roads")
    clean = Department.objects.create(municipality=thessaloniki, name_el="Διεύθυνση Καθαριότητας", name_en="Cleaning")
    rows = [
        ("potholes", "Λακκούβες", "Potholes", roads, False),
        ("bins", "Κάδοι απορριμμάτων", "Rubbish bins", clean, False),
        ("other", "Άλλο", "Other", None, True),
    ]
    return {
        code: Category.objects.create(
            municipality=thessaloniki, code=code, name_el=el, name_en=en, department=dep, is_other=other
        )
        for code, el, en, dep, other in rows
    }


@pytest.fixture
def reporter(thessaloniki) -> User:
    return make_citizen("eleni", thessaloniki, full_name="Ελένη Π.")


@pytest.fixture
def neighbour(thessaloniki) -> User:
    return make_citizen("john", thessaloniki, language="en", full_name="John S.")


@pytest.fixture
def clerk(thessaloniki) -> User:
    return make_clerk("clerk.the", thessaloniki)


@pytest.fixture
def geocoder(settings):
    with GeocoderStub() as stub:
        settings.GEOCODER_URL = stub.base_url
        settings.GEOCODER_TIMEOUT = 1
        yield stub
