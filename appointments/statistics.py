"""The appointments' section of the public statistics and the staff dashboard (registered in apps.py): bookings per
service and month, the share cancelled and missed, and the wait until each service's next free time."""

from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from appointments.models import Appointment, Service
from appointments.selectors import first_free_slot
from portal.statistics import share

Status = Appointment.Status


def _bookings(municipality, filters):
    rows = Appointment.objects.bookings().filter(service__municipality=municipality)
    if filters is not None:
        if filters.department_id:
            rows = rows.filter(service__department_id=filters.department_id)
        with timezone.override(municipality.zone):
            if filters.date_from:
                rows = rows.filter(start__date__gte=filters.date_from)
            if filters.date_to:
                rows = rows.filter(start__date__lte=filters.date_to)
    return rows


def appointments_statistics_compute(municipality, filters=None, *, now: datetime | None = None) -> dict:
    """{"services": [{"service_el", "service_en", "bookings", "cancelled_share" (of all bookings), "no_show_share"
    (of the appointments that took place or were missed), "wait_hours" (from `now` to the next free time, None when
    nothing is free within the horizon)}], "months": [{"service_el", "service_en", "month" (a date, the 1st),
    "bookings"}], "median_wait_hours"}.

    Two aggregate queries for the bookings; the next free time is the slot engine's own (`first_free_slot`, a few
    queries per active service, so this runs in the beat task, not per page view).
    """
    now = now or timezone.now()
    rows = _bookings(municipality, filters)
    per_service = {
        row["service_id"]: row
        for row in rows.values("service_id").annotate(
            bookings=Count("pk"),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            no_show=Count("pk", filter=Q(status=Status.NO_SHOW)),
            attended=Count("pk", filter=Q(status=Status.ATTENDED)),
        )
    }
    with timezone.override(municipality.zone):
        months = list(
            rows.annotate(month=TruncMonth("start", tzinfo=municipality.zone))
            .values("service_id", "month")
            .annotate(bookings=Count("pk"))
            .order_by("service_id", "month")
        )
    services = Service.objects.filter(municipality=municipality, is_active=True).select_related("municipality")
    if filters is not None and filters.department_id:
        services = services.filter(department_id=filters.department_id)
    names, figures = {}, []
    for service in services.order_by("name_el"):
        names[service.pk] = (service.name_el, service.name_en or service.name_el)
        counts = per_service.get(service.pk, {"bookings": 0, "cancelled": 0, "no_show": 0, "attended": 0})
        slot = first_free_slot(service=service, now=now)
        figures.append(
            {
                "service_el": service.name_el,
                "service_en": service.name_en or service.name_el,
                "bookings": counts["bookings"],
                "cancelled_share": share(counts["cancelled"], counts["bookings"]),
                "no_show_share": share(counts["no_show"], counts["no_show"] + counts["attended"]),
                "wait_hours": round((slot.start - now).total_seconds() / 3600, 1) if slot else None,
            }
        )
    waits = sorted(row["wait_hours"] for row in figures if row["wait_hours"] is not None)
    middle = len(waits) // 2
    median_wait = None if not waits else waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    return {
        "services": figures,
        "months": [
            {
                "service_el": names[row["service_id"]][0],
                "service_en": names[row["service_id"]][1],
                "month": row["month"].date() if hasattr(row["month"], "date") else row["month"],
                "bookings": row["bookings"],
            }
            for row in months
            if row["service_id"] in names
        ],
        "median_wait_hours": median_wait,
        "computed_at": now,
    }


def appointments_statistics_table(figures: dict) -> list[list]:
    """Per service and month: the bookings; per service: the shares and the wait (no month: None, so an empty CSV
    cell and a JSON null)."""
    header = ["service", "month", "bookings", "cancelled_share", "no_show_share", "wait_hours_to_next_free_time"]
    rows = [
        [row["service_el"], row["month"].strftime("%Y-%m"), row["bookings"], None, None, None]
        for row in figures["months"]
    ]
    rows += [
        [row["service_el"], None, row["bookings"], row["cancelled_share"], row["no_show_share"], row["wait_hours"]]
        for row in figures["services"]
    ]
    return [header, *rows]
