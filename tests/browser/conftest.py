"""Browser-test fixtures shared by several files: a bookable Building Service of Chania with one clerk."""

import pytest

from tests.appointments.conftest import make_citizen, make_clerk


@pytest.fixture
def setup(chania):
    from tests.appointments.conftest import Department, Mode, Service

    service = Service.objects.create(
        municipality=chania,
        department=Department.objects.get(municipality=chania),
        name_el="Οικοδομικές Άδειες",
        name_en="Building permits",
        description_el="Πληροφορίες για οικοδομικές άδειες.",
        description_en="Information on building permits.",
        modes=[Mode.IN_PERSON, Mode.VIDEO],
        duration_minutes=20,
        interval_minutes=30,
        minimum_notice_hours=24,
        horizon_days=60,
        location_el="Κυδωνίας 29",
        location_en="Kydonias 29",
    )
    clerk = make_clerk("clerk.building", chania, service)
    citizen = make_citizen("eleni", chania)
    return service, clerk, citizen
