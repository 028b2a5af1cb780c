"""Browser-test fixtures shared by several files: a bookable Building Service of Chania with one clerk."""

import pytest

from tests.appointments.conftest import make_citizen, make_clerk, make_service


@pytest.fixture
def setup(chania):
    """(service, clerk, citizen): 24 hours' notice, 60 days ahead, a clerk 09:00–13:00 Athens time on weekdays."""
    service = make_service(chania, minimum_notice_hours=24, horizon_days=60)
    clerk = make_clerk("clerk.building", chania, service)
    citizen = make_citizen("eleni", chania)
    return service, clerk, citizen
