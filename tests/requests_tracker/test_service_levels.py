"""Service levels of citizen requests: the promised date in working days, moving it with a reason, the department's
80 % reminder, the supervisor's daily overdue digest (one for many items), and «Δεν διορθώθηκε» within 30 days.

Every test freezes the clock: nothing depends on today's date."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from portal.models import OutboundEmail
from requests_tracker import services
from requests_tracker.models import OverdueDigest, Request, StatusChange
from tests.emails import emails_to
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db

# Tuesday 24 March 2026, 10:00 in Athens: Wednesday 25 March is Independence Day.
BEFORE_INDEPENDENCE_DAY = datetime(2026, 3, 24, 8, 0, tzinfo=UTC)
# Thursday 9 April 2026, 10:00 in Athens: Good Friday 10 April and Easter Monday 13 April follow.
BEFORE_EASTER = datetime(2026, 4, 9, 7, 0, tzinfo=UTC)


def _departments_with_mail(categories):
    roads = categories["potholes"].department
    roads.email = "roads@thessaloniki.gr"
    roads.supervisor_email = "head.roads@thessaloniki.gr"
    roads.save()
    return roads


def test_the_target_date_skips_a_holiday_and_a_weekend(reporter, categories):
    categories["potholes"].target_working_days = 3
    categories["potholes"].save()
    with time_machine.travel(BEFORE_INDEPENDENCE_DAY):
        filed = make_request(reporter, categories["potholes"])
    # Thu 26, Fri 27, (Sat, Sun), Mon 30 — Wednesday 25 March skipped.
    assert filed.due_date == date(2026, 3, 30)
    assert filed.remind_on == date(2026, 3, 27)  # 80 % of 3 → 2 working days


def test_the_target_date_skips_good_friday_and_easter_monday(reporter, categories):
    with time_machine.travel(BEFORE_EASTER):
        filed = make_request(reporter, categories["potholes"])  # the default target: 10 working days
    # Tue 14 … Fri 17 (4), Mon 20 … Fri 24 (9), Mon 27 April (10).
    assert filed.due_date == date(2026, 4, 27)
    assert filed.remind_on == date(2026, 4, 23)


def test_an_e_request_types_working_days_target_never_passes_the_legal_deadline():
    from requests_tracker.models import ERequestType
    from requests_tracker.services.erequests import erequest_due_date

    kind = ERequestType(response_days=50, target_working_days=5)
    assert erequest_due_date(erequest_type=kind, start=date(2026, 3, 24)) == date(2026, 4, 1)
    kind.target_working_days = 60
    assert erequest_due_date(erequest_type=kind, start=date(2026, 3, 24)) == date(2026, 5, 13)


def test_the_date_moves_only_with_a_reason_written_in_the_timeline(reporter, categories, clerk):
    with time_machine.travel(BEFORE_INDEPENDENCE_DAY):
        filed = make_request(reporter, categories["potholes"])
        with pytest.raises(services.RequestError):
            services.request_due_date_move(citizen_request=filed, due_date=date(2026, 5, 4), reason="  ", clerk=clerk)
        filed.refresh_from_db()
        assert filed.due_date == date(2026, 4, 8)
        services.request_due_date_move(
            citizen_request=filed, due_date=date(2026, 5, 4), reason="Αναμένεται υλικό από προμηθευτή.", clerk=clerk
        )
    filed.refresh_from_db()
    assert filed.due_date == date(2026, 5, 4)
    step = StatusChange.objects.get(request=filed, due_date__isnull=False)
    assert step.note == "Αναμένεται υλικό από προμηθευτή." and step.changed_by == clerk
    assert step.from_status == step.to_status == Request.Status.REGISTERED
    # Dates in e-mails as on the pages: «4 Μαΐου 2026», the month in the genitive.
    assert OutboundEmail.objects.filter(to=[reporter.email], subject__contains="4 Μαΐου 2026").exists()


def test_the_department_is_reminded_once_at_80_percent_in_one_email(
    reporter, categories, django_capture_on_commit_callbacks
):
    _departments_with_mail(categories)
    with time_machine.travel(BEFORE_INDEPENDENCE_DAY):
        first = make_request(reporter, categories["potholes"], title="Πρώτη λακκούβα")
        second = make_request(reporter, categories["potholes"], title="Δεύτερη λακκούβα")
        make_request(reporter, categories["bins"], title="Κάδος")  # its department has no address: not reminded
    assert first.remind_on == date(2026, 4, 6)  # 8 working days after 24 March
    with time_machine.travel(datetime(2026, 4, 3, 7, 0, tzinfo=UTC)):  # the Friday before: too early
        assert services.reminders_send() == 0
    with (
        time_machine.travel(datetime(2026, 4, 6, 7, 0, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0  # the next hour's beat: each request is reminded once
    (message,) = emails_to("roads@thessaloniki.gr")
    assert first.code in message.body and second.code in message.body
    assert "8 Απριλίου 2026" in message.body
    assert Request.objects.filter(reminded_at__isnull=False).count() == 2


def test_overdue_items_reach_the_supervisor_in_one_daily_digest(
    reporter, categories, django_capture_on_commit_callbacks
):
    _departments_with_mail(categories)
    with time_machine.travel(BEFORE_INDEPENDENCE_DAY):
        codes = [make_request(reporter, categories["potholes"], title=f"Λακκούβα {n}").code for n in range(3)]
    # Due Wednesday 8 April; on Thursday 9 April they are overdue.
    with (
        time_machine.travel(datetime(2026, 4, 8, 12, 0, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.overdue_digests_send() == 0
    with (
        time_machine.travel(datetime(2026, 4, 9, 5, 0, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.overdue_digests_send() == 1
        assert services.overdue_digests_send() == 0  # the hourly beat again: one digest a day
    (digest,) = emails_to("head.roads@thessaloniki.gr")
    assert all(code in digest.body for code in codes)
    assert "3" in digest.subject
    assert OverdueDigest.objects.get().items == 3
    with (
        time_machine.travel(datetime(2026, 4, 14, 5, 0, tzinfo=UTC)),  # the next working day after Easter
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.overdue_digests_send() == 1
    assert len(emails_to("head.roads@thessaloniki.gr")) == 2


def test_the_staff_desk_marks_requests_past_their_date_overdue(reporter, categories, clerk, client):
    with time_machine.travel(BEFORE_INDEPENDENCE_DAY):
        late = make_request(reporter, categories["potholes"], title="Παλιά")
    with time_machine.travel(datetime(2026, 4, 9, 7, 0, tzinfo=UTC)):
        fresh = make_request(reporter, categories["potholes"], title="Νέα")
        client.force_login(clerk)
        page = client.get("/requests/thessaloniki/staff/?overdue=1")
    assert [row.pk for row in page.context["page"]] == [late.pk]
    assert fresh.code not in page.content.decode()


def _closed(reporter, categories, clerk, *, when):
    with time_machine.travel(when - timedelta(days=3)):
        filed = make_request(reporter, categories["potholes"])
    with time_machine.travel(when):
        return services.status_change(
            citizen_request=filed, to_status="closed", clerk=clerk, resolution="resolved", note="Επισκευάστηκε."
        )


def test_the_reporter_reopens_within_30_days_and_the_department_is_told(
    reporter, neighbour, categories, clerk, django_capture_on_commit_callbacks
):
    _departments_with_mail(categories)
    closed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    closed = _closed(reporter, categories, clerk, when=closed_at)
    # Filed on Friday 27 February, closed on Monday 2 March: one working day.
    assert closed.closing_working_days == 1 and closed.first_answer_working_days == 1
    mail.outbox.clear()
    with (
        time_machine.travel(closed_at + timedelta(days=29)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.request_reopen(citizen_request=closed, citizen=reporter, note="Η λακκούβα άνοιξε ξανά.")
    closed.refresh_from_db()
    assert closed.status == Request.Status.IN_PROGRESS
    assert closed.reopen_count == 1 and closed.closed_at is None and closed.resolution == ""
    step = closed.timeline.last()
    assert (step.from_status, step.to_status, step.note) == ("closed", "in_progress", "Η λακκούβα άνοιξε ξανά.")
    assert "Η λακκούβα άνοιξε ξανά." in emails_to("roads@thessaloniki.gr")[0].body


def test_reopening_is_refused_after_30_days_and_to_strangers(reporter, neighbour, categories, clerk):
    closed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    closed = _closed(reporter, categories, clerk, when=closed_at)
    with time_machine.travel(closed_at + timedelta(days=10)), pytest.raises(services.RequestError):
        services.request_reopen(citizen_request=closed, citizen=neighbour, note="Δεν φτιάχτηκε.")  # not a voter
    with time_machine.travel(closed_at + timedelta(days=30, minutes=1)), pytest.raises(services.RequestError):
        services.request_reopen(citizen_request=closed, citizen=reporter, note="Δεν φτιάχτηκε.")
    closed.refresh_from_db()
    assert closed.status == Request.Status.CLOSED and closed.reopen_count == 0


def test_a_voter_may_reopen_too(reporter, neighbour, categories, clerk):
    closed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    closed = _closed(reporter, categories, clerk, when=closed_at)
    services.vote_add(citizen_request=closed, citizen=neighbour)
    with time_machine.travel(closed_at + timedelta(days=5)):
        services.request_reopen(citizen_request=closed, citizen=neighbour, note="Still broken.")
    closed.refresh_from_db()
    assert closed.status == Request.Status.IN_PROGRESS
