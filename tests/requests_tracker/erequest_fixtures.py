"""E-request clerks and types for the e-request tests (unit, concurrency and browser)."""

import pytest

from portal.models import Department
from requests_tracker import services, uploads
from requests_tracker.models import ERequestType
from requests_tracker.roles import EREQUESTS_OFFICE
from tests.personas import make_citizen, make_clerk
from tests.requests_tracker.fixtures import PDF_BYTES, upload

BUILDING = "Υπηρεσία Δόμησης"


def make_verified(username: str, municipality, **fields):
    return make_citizen(username, municipality, verified=True, **fields)


def make_erequest_clerk(username: str, municipality, *departments):
    return make_clerk(username, municipality, roles=(EREQUESTS_OFFICE,), departments=departments)


def stage_pdf(user, name="ταυτότητα.pdf", content=PDF_BYTES):
    return services.attachment_stage(user=user, checked=uploads.upload_check(upload(name, content)))


def file_erequest(citizen, erequest_type, *, delivery_method="electronic", postal_address="", **fields):
    return services.erequest_file(
        citizen=citizen,
        erequest_type=erequest_type,
        subject=fields.pop("subject", "Βεβαίωση για την εφορία"),
        description=fields.pop("description", "Τη χρειάζομαι για την εφορία."),
        delivery_method=delivery_method,
        postal_address=postal_address,
        attachments=fields.pop("attachments", None) or [stage_pdf(citizen)],
    )


@pytest.fixture
def building(chania) -> Department:
    return Department.objects.get(municipality=chania, name_el=BUILDING)


@pytest.fixture
def erequest_types(chania, building) -> dict[str, ERequestType]:
    residence = ERequestType.objects.create(
        municipality=chania,
        department=building,
        name_el="Βεβαίωση μόνιμης κατοικίας",
        name_en="Certificate of permanent residence",
        documents_el="Αντίγραφο αστυνομικής ταυτότητας",
        required_attachments=1,
        response_days=10,
    )
    permit_copy = ERequestType.objects.create(
        municipality=chania,
        department=building,
        name_el="Αντίγραφο από φάκελο οικοδομικής άδειας",
        name_en="Copy from a building-permit file",
        required_attachments=1,
        delivery_post=False,
    )
    land_use = ERequestType.objects.create(
        municipality=chania, department=building, name_el="Βεβαίωση χρήσεων γης", name_en="Land-use certificate"
    )
    return {"residence": residence, "permit_copy": permit_copy, "land_use": land_use}


@pytest.fixture
def verified(chania):
    return make_verified("eleni.verified", chania, full_name="Ελένη Β.")


@pytest.fixture
def other_verified(chania):
    return make_verified("nikos.verified", chania, language="en", full_name="Nikos K.")


@pytest.fixture
def erequest_clerk(chania, building):
    return make_erequest_clerk("clerk.ereq", chania, building)


@pytest.fixture
def clerk_of_thessaloniki(thessaloniki):
    department = Department.objects.create(municipality=thessaloniki, name_el=BUILDING)
    return make_erequest_clerk("clerk.thess", thessaloniki, department)
