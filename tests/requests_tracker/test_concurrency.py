"""Two clerks change one request's status at the same moment, each on their own PostgreSQL connection.

The winner's UPDATE holds the row lock until its transaction commits; the loser's UPDATE waits, re-reads the row,
finds another status and changes nothing. The winner's transaction is held open until PostgreSQL reports the
loser waiting on the lock, so the two really overlap. The control run drops the status condition from the
compare-and-swap and shows that both clerks then "win" and write two timeline entries.
"""

import threading

import pytest
from django.db import connections

from requests_tracker import services
from requests_tracker.models import Request, StatusChange
from requests_tracker.services import shared as shared_services
from tests.concurrency import hold_the_first_caller
from tests.requests_tracker.fixtures import make_clerk, make_request


@pytest.fixture
def hold_the_winner(monkeypatch):
    """The first clerk past the compare-and-swap keeps the transaction open until the second one is blocked."""
    return hold_the_first_caller(monkeypatch, shared_services, "audit_log")


def _change_at_once(request_id: int, clerks) -> list:
    barrier = threading.Barrier(len(clerks))
    outcomes = [None] * len(clerks)

    def change(index, clerk):
        try:
            citizen_request = Request.objects.get(pk=request_id)
            barrier.wait()
            services.status_change(citizen_request=citizen_request, to_status="acknowledged", clerk=clerk)
            outcomes[index] = "changed"
        except services.StatusChanged as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=change, args=(index, clerk)) for index, clerk in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def concurrent_request(transactional_db, reporter, categories):
    return make_request(reporter, categories["potholes"])


def test_two_clerks_one_wins_and_one_timeline_entry(concurrent_request, thessaloniki, hold_the_winner):
    clerks = [make_clerk("clerk.a", thessaloniki), make_clerk("clerk.b", thessaloniki)]
    outcomes = _change_at_once(concurrent_request.pk, clerks)
    assert hold_the_winner == [True], "the second clerk never waited on the lock: the test did not overlap"
    assert outcomes.count("changed") == 1
    assert sum(isinstance(outcome, services.StatusChanged) for outcome in outcomes) == 1
    assert StatusChange.objects.filter(request=concurrent_request, to_status="acknowledged").count() == 1


def test_control_without_the_status_condition_both_win(concurrent_request, thessaloniki, hold_the_winner, monkeypatch):
    """Drop `status=old` from the UPDATE's filter and the guard is gone: the test above would fail."""
    real_filter = Request.objects.filter

    def filter_without_status(*args, **kwargs):
        kwargs.pop("status", None)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Request.objects, "filter", filter_without_status)
    clerks = [make_clerk("clerk.a", thessaloniki), make_clerk("clerk.b", thessaloniki)]
    outcomes = _change_at_once(concurrent_request.pk, clerks)
    assert outcomes == ["changed", "changed"]
    assert StatusChange.objects.filter(request=concurrent_request, to_status="acknowledged").count() == 2
