"""Service levels of citizen requests: the promised date, moving it with a reason, the department's reminder at 80 %
of the target, the supervisor's daily digest of overdue items, and «Δεν διορθώθηκε» after closing."""

from collections import defaultdict
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Municipality
from portal.services import audit_log, email_enqueue
from portal.working_days import working_days_add, working_days_between
from requests_tracker.caching import requests_changed
from requests_tracker.models import ERequest, OverdueDigest, Request, StatusChange
from requests_tracker.selectors.citizen_requests import overdue_q
from requests_tracker.selectors.erequests import erequest_overdue_q
from requests_tracker.services.shared import RequestError, StatusChanged, timeline_transition

Status = Request.Status
OPEN = (Status.REGISTERED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
REMINDER_SHARE = 0.8
REOPEN_NOTE_MAX = 500


def local_date(moment: datetime, municipality: Municipality) -> date:
    return timezone.localdate(moment, municipality.zone)


def today_in(municipality: Municipality, *, now: datetime | None = None) -> date:
    return local_date(now or timezone.now(), municipality)


def target_dates(*, start: date, target_working_days: int, municipality_id: int | None = None) -> tuple[date, date]:
    """(the promised date, the reminder day at 80 % of the target), both in working days after `start`; the
    municipality's own holidays (from the apps' holiday calendars) skipped when `municipality_id` is given."""
    reminder_days = max(1, int(target_working_days * REMINDER_SHARE))
    return (
        working_days_add(start, target_working_days, municipality_id=municipality_id),
        working_days_add(start, min(reminder_days, target_working_days), municipality_id=municipality_id),
    )


def working_days_since_filing(*, citizen_request: Request, moment: datetime) -> int:
    municipality = citizen_request.municipality
    return working_days_between(
        local_date(citizen_request.created_at, municipality),
        local_date(moment, municipality),
        municipality_id=municipality.pk,
    )


def first_answer_changes(*, citizen_request: Request, moment: datetime) -> dict:
    """The fields a first answer (the first step out of Registered, or the first staff reply) writes, once."""
    if citizen_request.first_answered_at is not None:
        return {}
    return {
        "first_answered_at": moment,
        "first_answer_working_days": working_days_since_filing(citizen_request=citizen_request, moment=moment),
    }


def first_answer_record(*, citizen_request: Request, moment: datetime) -> None:
    changes = first_answer_changes(citizen_request=citizen_request, moment=moment)
    if changes:
        Request.objects.filter(pk=citizen_request.pk, first_answered_at=None).update(**changes)


def request_due_date_move(*, citizen_request: Request, due_date: date, reason: str, clerk) -> Request:
    """Move the promised date, only with a reason: the timeline shows the new date and why; followers are told."""
    reason = reason.strip()
    if not reason:
        raise RequestError(
            _("Write why the expected date moves; the citizen reads it in the timeline."), field="reason"
        )
    if not citizen_request.is_open:
        raise RequestError(_("The request is no longer open."))
    today = today_in(citizen_request.municipality)
    if due_date < today:
        raise RequestError(_("The expected date cannot be in the past."), field="due_date")
    if due_date == citizen_request.due_date:
        raise RequestError(_("The request already has this expected date."), field="due_date")
    municipality_id = citizen_request.municipality_id
    remaining = working_days_between(today, due_date, municipality_id=municipality_id)
    remind_on = working_days_add(today, int(remaining * REMINDER_SHARE), municipality_id=municipality_id)
    with transaction.atomic():
        changed = Request.objects.filter(pk=citizen_request.pk, status=citizen_request.status).update(
            due_date=due_date, remind_on=remind_on, reminded_at=None, updated_at=timezone.now()
        )
        if changed != 1:
            raise StatusChanged(_("Someone else changed this request's status in the meantime. Reload and check."))
        requests_changed(municipality_id=citizen_request.municipality_id)  # Open311 shows the reason as a note
        StatusChange.objects.create(
            request=citizen_request,
            from_status=citizen_request.status,
            to_status=citizen_request.status,
            changed_by=clerk,
            note=reason,
            due_date=due_date,
        )
        audit_log(
            action="requests.request.due_date_moved",
            target=citizen_request,
            actor=clerk,
            municipality=citizen_request.municipality,
            data={"from": str(citizen_request.due_date or ""), "to": str(due_date), "reason": reason},
        )
        citizen_request.refresh_from_db()
        from requests_tracker.services.citizen_requests import followers_notify

        followers_notify(
            citizen_request=citizen_request, template="requests_tracker/email/due_date_moved", context={"note": reason}
        )
    return citizen_request


def request_reopen(*, citizen_request: Request, citizen, note: str, now: datetime | None = None) -> Request:
    """«Δεν διορθώθηκε»: the reporter or a voter, within 30 days of closing, sends it back to In progress.

    Compare-and-swap on Closed; the note goes into the timeline, the department is e-mailed, and `reopen_count`
    counts it for the statistics.
    """
    now = now or timezone.now()
    note = " ".join(note.split())
    is_follower = citizen_request.reporter_id == citizen.pk or citizen_request.votes.filter(citizen=citizen).exists()
    if not is_follower:
        raise RequestError(_("Only the citizen who filed the request, or who said they have it too, may reopen it."))
    if not note:
        raise RequestError(_("Say in a few words what is still wrong."), field="note")
    if len(note) > REOPEN_NOTE_MAX:
        raise RequestError(_("Keep the note under %(count)s characters.") % {"count": REOPEN_NOTE_MAX}, field="note")
    if not citizen_request.may_reopen(now=now):
        raise RequestError(_("A request can be reopened only within 30 days of its closing; file a new one."))
    with transaction.atomic():
        timeline_transition(
            target=citizen_request,
            from_status=Status.CLOSED,
            to_status=Status.IN_PROGRESS,
            actor=citizen,
            note=note,
            audit_action="requests.request.reopened",
            changes={
                "resolution": "",
                "duplicate_of": None,
                "closed_at": None,
                "closing_working_days": None,
                "reopen_count": F("reopen_count") + 1,
            },
        )
        citizen_request.refresh_from_db()
        department = citizen_request.department
        if department is not None and department.email:
            email_enqueue(
                to=[department.email],
                template="requests_tracker/email/reopened_department",
                context={"citizen_request": citizen_request, "note": note},
                language="el",
            )
    return citizen_request


def _open_requests(municipality_filter: Q | None = None):
    queryset = Request.objects.filter(status__in=OPEN, department__isnull=False)
    return queryset.filter(municipality_filter) if municipality_filter is not None else queryset


def reminders_send(*, now: datetime | None = None) -> int:
    """The department's reminder at 80 % of the target: one e-mail per department listing its requests due soon.

    The rows are claimed (reminded_at set, compare-and-swap on NULL, SKIP LOCKED) in the transaction that writes the
    e-mail into the outbox, so a second run, or two beats at once, remind once.
    """
    now = now or timezone.now()
    sent = 0
    for municipality in Municipality.objects.filter(citizen_requests__status__in=OPEN).distinct():
        today = today_in(municipality, now=now)
        with transaction.atomic():
            due = list(
                _open_requests(Q(municipality=municipality))
                .filter(remind_on__lte=today, reminded_at=None, due_date__gte=today)
                .exclude(department__email="")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("due_date", "pk")
            )
            if not due:
                continue
            Request.objects.filter(pk__in=[row.pk for row in due], reminded_at=None).update(reminded_at=now)
            by_department = defaultdict(list)
            for row in due:
                by_department[row.department_id].append(row)
            for department in Department.objects.filter(pk__in=by_department):
                email_enqueue(
                    to=[department.email],
                    template="requests_tracker/email/due_soon_department",
                    context={"department": department, "requests": by_department[department.pk], "today": today},
                    language="el",
                )
                sent += 1
    return sent


def overdue_digests_send(*, now: datetime | None = None) -> int:
    """Each department's supervisor gets one e-mail a day listing every overdue request and e-request.

    An OverdueDigest row per department and day (unique) is written with the e-mail: a second run that day finds it
    and sends nothing.
    """
    now = now or timezone.now()
    sent = 0
    departments = Department.objects.exclude(supervisor_email="").select_related("municipality")
    for department in departments:
        today = today_in(department.municipality, now=now)
        late_requests = list(Request.objects.filter(overdue_q(today=today), department=department).order_by("due_date"))
        late_erequests = list(
            ERequest.objects.filter(erequest_overdue_q(today=today), department=department)
            .select_related("type")
            .order_by("due_date")
        )
        if not late_requests and not late_erequests:
            continue
        try:
            with transaction.atomic():
                OverdueDigest.objects.create(
                    department=department, day=today, items=len(late_requests) + len(late_erequests)
                )
                email_enqueue(
                    to=[department.supervisor_email],
                    template="requests_tracker/email/overdue_digest",
                    context={
                        "department": department,
                        "requests": late_requests,
                        "erequests": late_erequests,
                        "count": len(late_requests) + len(late_erequests),
                        "today": today,
                    },
                    language="el",
                )
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent
