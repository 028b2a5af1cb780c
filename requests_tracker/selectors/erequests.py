"""Reads for e-requests, and the one place that says who may see one (its citizen, its department's clerks)."""

import re
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import user_is_clerk_of
from portal.models import Department, Municipality
from requests_tracker.models import DeliveryMethod, ERequest, ERequestType

QUEUE_STATUSES = ("open", "overdue", *ERequest.Status.values)
# The one rule of lateness for e-requests (the queue, its "overdue" filter, the dashboard, the supervisors' digest):
# not yet answered (an answer waiting for pick-up counts as given) and past its due date, a local day; due soon
# when that day is today or within EREQUEST_DUE_SOON_DAYS calendar days. No due date: neither.
EREQUEST_DUE_SOON_DAYS = 3


def erequest_overdue_q(*, today: date) -> Q:
    """E-requests not answered whose due date is before `today` (the municipality's local day)."""
    return ~Q(status__in=ERequest.DONE_STATUSES) & Q(due_date__lt=today)


def erequest_due_soon_q(*, today: date) -> Q:
    """E-requests not answered, due `today` or within EREQUEST_DUE_SOON_DAYS calendar days after it."""
    return ~Q(status__in=ERequest.DONE_STATUSES) & Q(
        due_date__gte=today, due_date__lte=today + timedelta(days=EREQUEST_DUE_SOON_DAYS)
    )


def erequest_deadline_annotate(queryset: QuerySet[ERequest], *, today: date) -> QuerySet[ERequest]:
    """Each row with `deadline_overdue` and `deadline_soon` (booleans) by erequest_overdue_q and erequest_due_soon_q."""
    return queryset.annotate(
        deadline_overdue=Case(When(erequest_overdue_q(today=today), then=Value(True)), default=Value(False)),
        deadline_soon=Case(When(erequest_due_soon_q(today=today), then=Value(True)), default=Value(False)),
    )


def erequest_types_list(*, municipality: Municipality) -> QuerySet[ERequestType]:
    return ERequestType.objects.filter(municipality=municipality, is_active=True).select_related("department")


def erequest_get_for_citizen(*, citizen, municipality: Municipality, public_id: UUID) -> ERequest:
    """The citizen's own e-request, or 404: nobody learns whether someone else's exists."""
    erequest = (
        ERequest.objects.select_related("municipality", "type", "department", "answer")
        .filter(municipality=municipality, public_id=public_id, citizen_id=getattr(citizen, "pk", None))
        .first()
    )
    if erequest is None:
        raise Http404
    return erequest


def is_erequest_clerk(*, user, department: Department) -> bool:
    """A clerk of the department's municipality with the e-requests office's rights, in that department."""
    if not user_is_clerk_of(
        user=user, municipality_id=department.municipality_id, permission="requests_tracker.change_erequest"
    ):
        return False
    return user.is_superuser or user.departments.filter(pk=department.pk).exists()


def clerk_departments(*, user, municipality: Municipality) -> QuerySet[Department]:
    departments = Department.objects.filter(municipality=municipality)
    if not user_is_clerk_of(user=user, municipality_id=municipality.pk, permission="requests_tracker.change_erequest"):
        return departments.none()
    return departments if user.is_superuser else departments.filter(staff=user)


def erequest_get_for_clerk(*, user, municipality: Municipality, public_id: UUID) -> ERequest:
    erequest = (
        ERequest.objects.select_related("municipality", "type", "department", "citizen", "answer")
        .filter(municipality=municipality, public_id=public_id)
        .first()
    )
    if erequest is None or not is_erequest_clerk(user=user, department=erequest.department):
        raise Http404
    return erequest


def may_see_file(*, user, attachment) -> bool:
    """A file of an e-request: its citizen (the answer only when it is delivered electronically) and its clerks."""
    erequest = attachment.erequest
    if not user.is_authenticated:
        return False
    if erequest.citizen_id == user.pk:
        return attachment.pk != erequest.answer_id or erequest.delivery_method == DeliveryMethod.ELECTRONIC
    return is_erequest_clerk(user=user, department=erequest.department)


def erequests_staff_queue(
    *, user, municipality: Municipality, department_id: int | None, status: str, type_id: int | None
) -> QuerySet[ERequest]:
    queryset = ERequest.objects.filter(
        municipality=municipality, department__in=clerk_departments(user=user, municipality=municipality)
    ).select_related("type", "department", "citizen", "municipality")
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    if type_id:
        queryset = queryset.filter(type_id=type_id)
    open_only = ~Q(status__in=ERequest.CLOSED_STATUSES)
    today = timezone.localdate(timezone.now(), municipality.zone)
    if status == "overdue":
        queryset = queryset.filter(erequest_overdue_q(today=today))
    elif status in ERequest.Status.values:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(open_only)
    return erequest_deadline_annotate(queryset, today=today).order_by("due_date", "created_at", "pk")


def postal_address_suggest(*, citizen) -> str:
    """The address to pre-fill: the account's, if it keeps one, else the one of the citizen's last e-request by post."""
    on_account = getattr(citizen, "postal_address", "") or ""
    if on_account:
        return on_account
    last = (
        ERequest.objects.filter(citizen=citizen, delivery_method=DeliveryMethod.POST)
        .exclude(postal_address="")
        .order_by("-created_at")
        .values_list("postal_address", flat=True)
        .first()
    )
    return last or ""


# --- For other apps (appointments' «Αριθμός Αίτησης»): a citizen's e-requests by protocol number.


def erequests_for_reference(*, citizen, municipality: Municipality) -> list[tuple[str, str]]:
    """(protocol label, subject) of the citizen's numbered e-requests in a municipality, newest first."""
    rows = ERequest.objects.filter(citizen=citizen, municipality=municipality, protocol_number__isnull=False)
    return [(erequest.protocol_label, erequest.subject) for erequest in rows.order_by("-created_at")[:50]]


def erequest_by_reference(*, municipality: Municipality, reference: str) -> ERequest | None:
    """The e-request a reference such as «1234/22-11-2026» (or «Αρ. Πρωτ. 1234/22-11-2026») points to, if any."""
    match = re.search(r"(\d+)\s*/\s*(\d{2})-(\d{2})-(\d{4})", reference or "")
    if match is None:
        return None
    number, day, month, year = (int(part) for part in match.groups())
    return (
        ERequest.objects.select_related("type", "department", "citizen")
        .filter(municipality=municipality, protocol_year=year, protocol_number=number)
        .filter(protocol_date__day=day, protocol_date__month=month)
        .first()
    )


def erequest_staff_url(*, user, municipality: Municipality, reference: str) -> str | None:
    """The clerk's page of the e-request a booking quotes, if it exists and the clerk may see it."""
    erequest = erequest_by_reference(municipality=municipality, reference=reference)
    if erequest is None or not is_erequest_clerk(user=user, department=erequest.department):
        return None
    return reverse(
        "requests_tracker:erequest_manage",
        kwargs={"municipality_slug": municipality.slug, "public_id": erequest.public_id},
    )
