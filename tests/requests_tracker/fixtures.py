"""Personas, categories and sample files for the citizen-requests tests (unit and browser)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from portal.models import Department
from portal.uploads import OLE_MAGIC
from requests_tracker import services
from requests_tracker.models import Category
from requests_tracker.roles import REQUESTS_OFFICE
from tests import personas
from tests.personas import make_citizen
from tests.stubs.geocoder import GeocoderStub

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CENTRE = (Decimal("40.632000"), Decimal("22.944000"))


def image_bytes(image_format: str = "PNG", size=(40, 30), *, pnginfo_text: bytes = b"", **save) -> bytes:
    buffer = io.BytesIO()
    if pnginfo_text:
        from PIL.PngImagePlugin import PngInfo

        save["pnginfo"] = PngInfo()
        save["pnginfo"].add_text("Comment", pnginfo_text)
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format, **save)
    return buffer.getvalue()


def docx_bytes(*, macro: bool = False, extra_entries: int = 0, macro_part: str = "word/vbaProject.bin") -> bytes:
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
        if macro or macro_part != "word/vbaProject.bin":
            archive.writestr(macro_part, b"\x00" * 10)
        for index in range(extra_entries):
            archive.writestr(f"x/{index}", b"")
    return buffer.getvalue()


def ole_bytes(*entries: tuple[str, bytes | None]) -> bytes:
    """A minimal OLE compound file (CFB v3) with these root entries: (name, stream bytes) or (name, None) for a storage.

    Streams are padded to the 4096-byte mini-stream cutoff so that they live in ordinary 512-byte sectors.
    """
    import struct

    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    streams = [(name, None if data is None else data.ljust(4096, b"\x00")) for name, data in entries]
    directory_sectors = (len(streams) + 1 + 3) // 4
    fat = [fat_sector, *range(2, 2 + directory_sectors - 1), end]
    next_sector, starts = 1 + directory_sectors, []
    for _name, data in streams:
        if data is None:
            starts.append(end)
            continue
        count = len(data) // 512
        starts.append(next_sector)
        fat += [*range(next_sector + 1, next_sector + count), end]
        next_sector += count
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if streams else no_stream, no_stream, end, 0)
    for index, ((name, data), start) in enumerate(zip(streams, starts, strict=True), start=1):
        right = index + 1 if index < len(streams) else no_stream
        directory += entry(name, 1 if data is None else 2, no_stream, right, start, len(data or b""))
    directory = directory.ljust(directory_sectors * 512, b"\x00")
    header = (
        OLE_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    body = b"".join(data for _name, data in streams if data is not None)
    return header + struct.pack("<128I", *fat) + directory + body


def word97_bytes(*, macros: str | None = None, text: str = "Αίτηση") -> bytes:
    """A Word 97-2003 file: a WordDocument stream with `text`, and a storage named `macros` if given."""
    entries = [("WordDocument", text.encode("utf-16-le"))]
    if macros:
        entries.append((macros, None))
    return ole_bytes(*entries)


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
