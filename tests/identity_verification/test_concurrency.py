"""Two clerks decide one case at the same moment, each on their own PostgreSQL connection.

The winner's UPDATE holds the row lock until its transaction commits; the loser's UPDATE waits for it, then
re-reads the row, finds it no longer `documents_received`, and changes nothing. The test holds the winner's
transaction open until PostgreSQL reports the loser waiting on that lock, so the two really overlap.
The control run drops the status condition from the compare-and-swap and shows that both clerks then "win".
"""

import threading

import pytest
from django.db import connections

from identity_verification import services
from identity_verification.models import VerificationCase
from portal.models import AuditEntry
from tests.concurrency import hold_the_first_caller
from tests.identity_verification.fixtures import make_case

Status = VerificationCase.Status


@pytest.fixture
def hold_the_winner(monkeypatch):
    """The first clerk past the compare-and-swap keeps the transaction open until the second one is blocked."""
    return hold_the_first_caller(monkeypatch, services, "user_mark_verified")


def _decide_at_once(case_id: int, clerks) -> list:
    """Each clerk approves in their own thread (so on their own connection); returns what each got."""
    barrier = threading.Barrier(len(clerks))
    outcomes = [None] * len(clerks)

    def decide(index, clerk):
        try:
            case = VerificationCase.objects.get(pk=case_id)
            barrier.wait()
            services.case_approve(case=case, clerk=clerk)
            outcomes[index] = "approved"
        except services.CaseStateChanged as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(index, clerk)) for index, clerk in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def concurrent_case(transactional_db, citizen, offices, clerk):
    return make_case(citizen, office=offices["transparency"], received_hours_ago=1, received_by=clerk)


def test_two_clerks_approving_at_once_record_exactly_one_decision(
    concurrent_case, clerk, second_clerk, hold_the_winner
):
    outcomes = _decide_at_once(concurrent_case.pk, [clerk, second_clerk])

    assert hold_the_winner == [True], "the second UPDATE never waited on the first: the test proved nothing"
    assert outcomes.count("approved") == 1
    (lost,) = [outcome for outcome in outcomes if isinstance(outcome, services.CaseStateChanged)]
    concurrent_case.refresh_from_db()
    winner = concurrent_case.decided_by
    assert winner in (clerk, second_clerk)
    assert f"έχει ήδη αποφασίσει ο/η {winner}" in str(lost)
    assert AuditEntry.objects.filter(action="identity_verification.case.approved").count() == 1
    assert AuditEntry.objects.filter(action="accounts.user.verified").count() == 1


def test_control_without_the_status_condition_both_clerks_win(
    concurrent_case, clerk, second_clerk, hold_the_winner, monkeypatch
):
    def transition_without_guard(*, case, from_status, **changes):
        return VerificationCase.objects.filter(pk=case.pk).update(**changes) == 1

    monkeypatch.setattr(services, "_transition", transition_without_guard)
    outcomes = _decide_at_once(concurrent_case.pk, [clerk, second_clerk])

    assert hold_the_winner == [True]
    assert outcomes == ["approved", "approved"]  # the bug the guard prevents: two decisions for one case
    assert AuditEntry.objects.filter(action="identity_verification.case.approved").count() == 2
