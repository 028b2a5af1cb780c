"""Identity verification in the statistics: hours from receipt to decision, against the 48-hour promise."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from identity_verification.models import VerificationCase
from identity_verification.statistics import (
    verification_deadlines,
    verification_statistics_compute,
    verification_statistics_table,
)
from tests.personas import make_citizen

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def case(municipality, n: int, *, decided_after_hours=None, status=None):
    S = VerificationCase.Status
    citizen = make_citizen(f"citizen{n}", municipality)
    decided = decided_after_hours is not None
    return VerificationCase.objects.create(
        citizen=citizen,
        municipality=municipality,
        method=VerificationCase.Method.BY_POST,
        afm="526018151",
        status=status or (S.APPROVED if decided else S.DOCUMENTS_RECEIVED),
        submitted_at=RECEIVED - timedelta(days=1),
        documents_received_at=RECEIVED,
        decided_at=RECEIVED + timedelta(hours=decided_after_hours) if decided else None,
    )


@pytest.fixture
def cases(chania):
    """Decided after 10, 30 and 60 hours (the last one late); one waiting; one not yet received."""
    for n, hours in enumerate((10, 30, 60)):
        case(chania, n, decided_after_hours=hours)
    waiting = case(chania, 3)
    make = make_citizen("citizen9", chania)
    VerificationCase.objects.create(
        citizen=make, municipality=chania, method=VerificationCase.Method.BY_POST, afm="908301668"
    )
    return waiting


def test_the_figures_equal_a_hand_count(chania, cases, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = verification_statistics_compute(chania)
    assert figures["decided"] == 3
    assert figures["median_hours"] == pytest.approx(30)
    assert figures["p90_hours"] == pytest.approx(30 + 0.8 * 30)  # between 30 and 60
    assert figures["within_promise_share"] == pytest.approx(2 / 3)
    assert figures["waiting"] == 1
    header, row = verification_statistics_table(figures)
    assert dict(zip(header, row, strict=True))["promise_hours"] == 48


def test_the_deadline_list_is_the_verification_office_s_only(chania, cases, clerk, clerk_of_other_municipality):
    with time_machine.travel(RECEIVED + timedelta(hours=50)):
        (item,) = verification_deadlines(clerk, chania)
        assert item.overdue and item.due == RECEIVED + timedelta(hours=48)
        assert verification_deadlines(clerk_of_other_municipality, chania) == []
