"""Reads for e-requests, and the one place that says who may see one (its citizen, its department's clerks)."""

import re
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import user_is_clerk_of
from portal.models import Department, Municipality
from requests_tracker.models import DeliveryMethod, ERequest, ERequestType

QUEUE_STATUSES = ("open", "overdue", *ERequest.Status.values)


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
    if status == "overdue":
        today = timezone.localdate(timezone.now(), municipality.zone)
        queryset = queryset.filter(~Q(status__in=ERequest.DONE_STATUSES), due_date__lt=today)
    elif status in ERequest.Status.values:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(open_only)
    return queryset.order_by("due_date", "created_at", "pk")


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
