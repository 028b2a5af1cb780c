"""100 e-requests filed at once in one municipality get 100 distinct, consecutive protocol numbers.

Each filing runs in its own thread, so on its own PostgreSQL connection and in its own transaction. The first
filing to take a number holds the counter row's lock until PostgreSQL reports another filing waiting on it, so
the filings really overlap. The control run swaps the register for a naive max()+1 allocator: two filings read
the same maximum, the unique constraint refuses the second number, and the result is no longer 1..100.

The same is done through the live server: form POSTs over HTTP, each citizen with their own session cookie.
32 threads share the 100 filings: the embedded PostgreSQL allows 100 connections in all, for every test run.
"""

import contextlib
import re
import threading

import pytest
import requests
from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.test import Client

from requests_tracker import protocol, services
from requests_tracker.models import ERequest
from requests_tracker.services import erequests as erequest_services_module
from tests.concurrency import hold_the_first_caller
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.erequest_fixtures import make_verified

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types

FILINGS = 100
THREADS = 32


def _file_at_once(erequest_type, citizens) -> list:
    barrier = threading.Barrier(THREADS)
    queue = list(range(FILINGS))
    take = threading.Lock()
    errors = []

    def worker():
        try:
            barrier.wait()
            while True:
                with take:
                    if not queue:
                        return
                    index = queue.pop()
                try:
                    services.erequest_file(
                        citizen=citizens[index % len(citizens)],
                        erequest_type=erequest_type,
                        subject=f"Αίτηση {index}",
                        description="Ταυτόχρονη υποβολή.",
                        delivery_method="electronic",
                    )
                except Exception as error:  # collected: the assertion shows them
                    errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.fixture
def citizens(transactional_db, chania):
    return [make_verified(f"citizen{index}", chania) for index in range(10)]


def test_100_concurrent_filings_get_100_consecutive_numbers(citizens, erequest_types, monkeypatch):
    # The first filing holds the counter row's lock until another filing waits for it.
    saw_blocked = hold_the_first_caller(monkeypatch, protocol.DatabaseProtocol, "register", after=True)
    errors = _file_at_once(erequest_types["land_use"], citizens)

    assert errors == []
    assert saw_blocked == [True], "no filing ever waited on another: the test did not overlap"
    numbers = sorted(ERequest.objects.values_list("protocol_number", flat=True))
    assert numbers == list(range(1, FILINGS + 1))  # distinct, consecutive, no gap
    assert not ERequest.objects.filter(status="submitted").exists()


class NaiveMaxPlusOne:
    """The bug the register prevents: read the largest number so far and add one (two filings read the same)."""

    pair = None

    def register(self, *, erequest):
        today = protocol.timezone.localdate()
        last = ERequest.objects.filter(municipality=erequest.municipality, protocol_year=today.year).aggregate(
            last=Max("protocol_number")
        )["last"]
        # Filings wait in pairs after reading the maximum, so that two of them surely read the same one.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.pair.wait()
        return protocol.ProtocolEntry(number=(last or 0) + 1, year=today.year, date=today)


def test_control_a_naive_max_plus_one_allocator_fails_the_same_test(citizens, erequest_types, settings, monkeypatch):
    NaiveMaxPlusOne.pair = threading.Barrier(2, timeout=10)
    settings.PROTOCOL_BACKEND = "tests.requests_tracker.test_erequest_concurrency.NaiveMaxPlusOne"
    monkeypatch.setattr(erequest_services_module, "_numbering_enqueue", lambda erequest_id: None)  # no second try

    errors = _file_at_once(erequest_types["land_use"], citizens)

    assert errors == []  # every e-request is saved, numbered or not: a failed numbering loses nothing
    assert ERequest.objects.count() == FILINGS
    numbers = sorted(ERequest.objects.exclude(protocol_number=None).values_list("protocol_number", flat=True))
    assert numbers != list(range(1, FILINGS + 1))
    assert ERequest.objects.filter(status="submitted", protocol_number=None).exists()  # refused by the constraint


def _live_filings(live_server, citizens, erequest_type) -> list[int]:
    """100 form submissions over HTTP from THREADS threads, each citizen with their own session cookie."""
    sessions = []
    for citizen in citizens:
        client = Client()
        client.force_login(citizen)
        http = requests.Session()
        http.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
        page = http.get(f"{live_server.url}/requests/chania/e/new/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        sessions.append((http, token))
    barrier = threading.Barrier(THREADS)
    queue = list(range(FILINGS))
    take = threading.Lock()
    statuses = []

    def worker():
        barrier.wait()
        while True:
            with take:
                if not queue:
                    return
                index = queue.pop()
            http, token = sessions[index % len(sessions)]
            response = http.post(
                f"{live_server.url}/requests/chania/e/new/",
                data={
                    "csrfmiddlewaretoken": token,
                    "type": erequest_type.pk,
                    "subject": f"Αίτηση {index}",
                    "description": "Ταυτόχρονη υποβολή.",
                    "delivery_method": "electronic",
                },
                headers={"Referer": f"{live_server.url}/requests/chania/e/new/"},
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return statuses


def test_100_filings_through_the_live_server_get_100_consecutive_numbers(live_server, erequest_types, chania):
    # One session per thread's citizen: each request is a real form POST with its own cookie and CSRF token.
    citizens = [make_verified(f"web{index}", chania) for index in range(THREADS)]
    statuses = _live_filings(live_server, citizens, erequest_types["land_use"])
    assert statuses == [302] * FILINGS
    numbers = sorted(ERequest.objects.values_list("protocol_number", flat=True))
    assert numbers == list(range(1, FILINGS + 1))


def test_control_through_the_live_server_with_a_naive_allocator(
    live_server, erequest_types, chania, settings, monkeypatch
):
    NaiveMaxPlusOne.pair = threading.Barrier(2, timeout=10)
    settings.PROTOCOL_BACKEND = "tests.requests_tracker.test_erequest_concurrency.NaiveMaxPlusOne"
    monkeypatch.setattr(erequest_services_module, "_numbering_enqueue", lambda erequest_id: None)
    citizens = [make_verified(f"web{index}", chania) for index in range(THREADS)]
    statuses = _live_filings(live_server, citizens, erequest_types["land_use"])
    assert statuses == [302] * FILINGS  # every filing is saved …
    numbers = sorted(ERequest.objects.exclude(protocol_number=None).values_list("protocol_number", flat=True))
    assert numbers != list(range(1, FILINGS + 1))  # … but without the register, not every one is numbered
