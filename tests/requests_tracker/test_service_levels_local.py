"""The municipality's own holidays (kept in the appointments' holiday calendar) count in the promised date, and the
reporter's «το αίτημά σας καταχωρίστηκε» e-mail states that date; existing requests got a promised date."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from appointments.models import Holiday
from portal.working_days import working_days_add, working_days_between
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db

MONDAY_2_MARCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_local_holiday_moves_the_promised_date(thessaloniki, chania, reporter, categories):
    Holiday.objects.create(municipality=thessaloniki, date=date(2026, 3, 10), name_el="Τοπική εορτή")
    assert working_days_add(date(2026, 3, 2), 10) == date(2026, 3, 16)  # weekends only
    assert working_days_add(date(2026, 3, 2), 10, municipality_id=thessaloniki.pk) == date(2026, 3, 17)
    assert working_days_add(date(2026, 3, 2), 10, municipality_id=chania.pk) == date(2026, 3, 16)  # not theirs
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 17), municipality_id=thessaloniki.pk) == 10
    with time_machine.travel(MONDAY_2_MARCH):
        filed = make_request(reporter, categories["potholes"])  # target: 10 working days
    assert filed.due_date == date(2026, 3, 17)


def test_filing_e_mails_the_reporter_the_expected_date(reporter, categories, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY_2_MARCH), django_capture_on_commit_callbacks(execute=True):
        filed = make_request(reporter, categories["potholes"])
    (message,) = [m for m in mail.outbox if reporter.email in m.to]
    assert message.subject.endswith(f"Το αίτημά σας {filed.code} καταχωρίστηκε")
    assert "Αναμένεται έως 16 Μαρτίου 2026." in message.body  # as the page writes it
    assert f"/requests/thessaloniki/r/{filed.code}/" in message.body


def test_the_migration_promises_a_date_to_requests_filed_before(reporter, categories):
    import importlib

    from django.apps import apps

    from requests_tracker.models import Request

    migration = importlib.import_module("requests_tracker.migrations.0015_promised_dates_for_existing_requests")
    with time_machine.travel(MONDAY_2_MARCH):
        filed = make_request(reporter, categories["potholes"])
    Request.objects.filter(pk=filed.pk).update(due_date=None, remind_on=None)
    migration.promise(apps, None)
    filed.refresh_from_db()
    assert (filed.due_date, filed.remind_on) == (date(2026, 3, 16), date(2026, 3, 12))  # 10 and 8 working days
