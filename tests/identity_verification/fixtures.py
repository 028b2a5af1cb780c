"""The verification office's clerks and sample files for the identity-verification tests (unit and browser).

Imported by name into tests/identity_verification/conftest.py and tests/browser/test_verification.py.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from identity_verification import services
from identity_verification.models import Office, VerificationCase, VerificationDocument
from identity_verification.roles import VERIFICATION_OFFICE
from identity_verification.uploads import upload_check
from tests.personas import PASSWORD, make_citizen, make_clerk  # noqa: F401 - PASSWORD and make_citizen for the tests

VALID_AFM = "526018151"
OTHER_VALID_AFM = "908301668"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(image_format: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Every test writes its scans to its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "private"


@pytest.fixture
def offices(chania) -> dict[str, Office]:
    return {
        "transparency": Office.objects.create(
            municipality=chania,
            name_el="Γραφείο Διαφάνειας και Υποστήριξης του Δημότη",
            name_en="Transparency and Citizen Support Office",
            address="Μυλωνογιάννη και Υψηλαντών γωνία",
            opening_hours_el="Δευτέρα–Παρασκευή 08:00–14:00",
        ),
        "souda": Office.objects.create(
            municipality=chania, name_el="Δημοτική Ενότητα Σούδας (παλιό Δημαρχείο)", position=1
        ),
        "postal": Office.objects.create(
            municipality=chania,
            kind=Office.Kind.POSTAL,
            name_el="Δημαρχείο Χανίων, Τμήμα Τεχνολογιών Πληροφορικής και Επικοινωνιών",
            address="Κυδωνίας 29, Τ.Κ. 73135, Χανιά Κρήτης",
        ),
    }


@pytest.fixture
def thessaloniki_office(thessaloniki) -> Office:
    return Office.objects.create(municipality=thessaloniki, name_el="Κεντρικό Δημαρχείο Θεσσαλονίκης")


@pytest.fixture
def english_citizen(chania) -> User:
    return make_citizen("anna", chania, language="en", full_name="Anna Smith")


@pytest.fixture
def clerk(chania) -> User:
    return make_clerk("clerk.chania", chania, roles=(VERIFICATION_OFFICE,))


@pytest.fixture
def second_clerk(chania) -> User:
    return make_clerk("clerk2.chania", chania, roles=(VERIFICATION_OFFICE,))


@pytest.fixture
def clerk_of_other_municipality(thessaloniki) -> User:
    return make_clerk("clerk.thessaloniki", thessaloniki, roles=(VERIFICATION_OFFICE,))


@pytest.fixture
def staff_without_role(chania) -> User:
    return make_clerk("staff.chania", chania)


def make_case(citizen, *, office=None, method=None, received_hours_ago: float | None = None, **fields):
    """A case written straight to the database, in the state a test needs."""
    method = method or (VerificationCase.Method.IN_PERSON if office else VerificationCase.Method.BY_POST)
    case = VerificationCase(
        citizen=citizen,
        municipality=citizen.municipality,
        method=method,
        office=office,
        afm=fields.pop("afm", ""),
        **fields,
    )
    if received_hours_ago is not None:
        case.status = VerificationCase.Status.DOCUMENTS_RECEIVED
        case.documents_received_at = timezone.now() - timedelta(hours=received_hours_ago)
        case.submitted_at = case.documents_received_at - timedelta(days=1)
    case.save()
    return case


@pytest.fixture
def received_case(citizen, offices, clerk) -> VerificationCase:
    return make_case(citizen, office=offices["transparency"], received_hours_ago=2, received_by=clerk, afm=VALID_AFM)


def make_online_case(citizen, *, afm: str = VALID_AFM) -> VerificationCase:
    """An online request with both scans, submitted through the service."""
    return services.case_submit(
        citizen=citizen,
        municipality=citizen.municipality,
        method=VerificationCase.Method.ONLINE,
        afm=afm,
        documents={
            VerificationDocument.Kind.IDENTITY_DOCUMENT: upload_check(upload("id.jpg", image_bytes("JPEG"))),
            VerificationDocument.Kind.AFM_DOCUMENT: upload_check(upload("afm.pdf", PDF_BYTES)),
        },
    )
