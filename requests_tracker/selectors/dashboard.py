"""The staff dashboard's reads: who may open it, the requests and e-requests late or due soon, and each
department's backlog (open requests) at the end of each month."""

from datetime import date, datetime, timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_is_clerk_of
from portal.models import Department, Municipality
from portal.registry import DeadlineItem
from portal.statistics import StatisticsFilters
from requests_tracker.models import ERequest, Request
from requests_tracker.selectors.citizen_requests import (
    deadline_annotate,
    due_soon_q,
    is_clerk,
    overdue_q,
    today_in,
)
from requests_tracker.selectors.erequests import (
    clerk_departments,
    erequest_deadline_annotate,
    erequest_due_soon_q,
    erequest_overdue_q,
)

LIST_LIMIT = 100
DASHBOARD_PERMISSIONS = ("requests_tracker.change_request", "requests_tracker.change_erequest")
BACKLOG_MONTHS = 12


def dashboard_allowed(*, user, municipality: Municipality) -> bool:
    """A clerk of this municipality for citizen requests or for e-requests (the accounts app's one check)."""
    return any(
        user_is_clerk_of(user=user, municipality_id=municipality.pk, permission=permission)
        for permission in DASHBOARD_PERMISSIONS
    )


def request_list_url(user, municipality: Municipality) -> str | None:
    """The requests queue, for the clerks who may open it (requests clerks of `municipality`); else None."""
    if not is_clerk(user=user, municipality=municipality):
        return None
    return reverse("requests_tracker:staff_queue", args=[municipality.slug])


def request_deadlines_url(user, municipality: Municipality) -> str | None:
    """The requests queue showing only the overdue ones, for those who may open it; else None."""
    queue = request_list_url(user, municipality)
    return f"{queue}?overdue=1" if queue else None


def erequest_list_url(user, municipality: Municipality) -> str | None:
    """The e-requests queue, for clerks of at least one department's e-requests there; else None."""
    if not clerk_departments(user=user, municipality=municipality).exists():
        return None
    return reverse("requests_tracker:erequest_queue", args=[municipality.slug])


def _today(municipality: Municipality, now: datetime | None) -> date:
    return timezone.localdate(now or timezone.now(), municipality.zone)


def request_deadlines(
    user, municipality: Municipality, now: datetime | None = None, filters: StatisticsFilters | None = None
) -> list[DeadlineItem]:
    """Open citizen requests overdue or due soon (overdue_q, due_soon_q: the staff queue's rule), soonest first,
    at most LIST_LIMIT, of the filters' department and category, for the requests clerks of `municipality`
    (nothing for anyone else)."""
    if not is_clerk(user=user, municipality=municipality):
        return []
    today = today_in(municipality=municipality, now=now)
    requests = Request.objects.filter(municipality=municipality)
    if filters and filters.department_id:
        requests = requests.filter(department_id=filters.department_id)
    if filters and filters.category_id:
        requests = requests.filter(category_id=filters.category_id)
    rows = (
        deadline_annotate(
            requests.filter(overdue_q(today=today) | due_soon_q(today=today)),
            today=today,
        )
        .select_related("department")
        .order_by("due_date", "created_at")[:LIST_LIMIT]
    )
    return [
        DeadlineItem(
            title=f"{row.code} {row.title}",
            url=reverse("requests_tracker:staff_manage", args=[municipality.slug, row.code]),
            due=row.due_date,
            overdue=row.deadline_overdue,
            department=row.department.name if row.department else "",
        )
        for row in rows
    ]


def erequest_deadlines(
    user, municipality: Municipality, now: datetime | None = None, filters: StatisticsFilters | None = None
) -> list[DeadlineItem]:
    """E-requests of the clerk's departments (the filters' department only, when given) overdue or due soon
    (erequest_overdue_q, erequest_due_soon_q: the e-requests queue's rule), soonest first, at most LIST_LIMIT."""
    today = _today(municipality, now)
    erequests = ERequest.objects.filter(
        erequest_overdue_q(today=today) | erequest_due_soon_q(today=today),
        municipality=municipality,
        department__in=clerk_departments(user=user, municipality=municipality),
    )
    if filters and filters.department_id:
        erequests = erequests.filter(department_id=filters.department_id)
    rows = (
        erequest_deadline_annotate(erequests, today=today)
        .select_related("type", "department", "municipality")
        .order_by("due_date", "created_at")[:LIST_LIMIT]
    )
    return [
        DeadlineItem(
            title=f"{row.protocol_label or row.reference} {row.type.name}",
            url=reverse("requests_tracker:erequest_manage", args=[municipality.slug, row.public_id]),
            due=row.due_date,
            overdue=row.deadline_overdue,
            department=row.department.name,
        )
        for row in rows
    ]


def _month_ends(filters: StatisticsFilters | None, today: date) -> list[date]:
    """The last day of each month shown (the last one cut at today): the filter's range, else the last 12 months."""
    last = min(filters.date_to, today) if filters and filters.date_to else today
    first = filters.date_from if filters and filters.date_from else date(last.year - 1, last.month, 1)
    ends, month = [], date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), last))
        month = following
    return ends[-60:]  # at most five years


def department_backlog(
    *, municipality: Municipality, filters: StatisticsFilters | None = None, now: datetime | None = None
) -> dict:
    """Open requests per department at the end of each month (filed by then, not closed by then; withdrawn ones
    left out): {"days": [date, …], "departments": [{"name", "counts": [int per day]}]}. One query."""
    days = _month_ends(filters, _today(municipality, now))
    where, params = ["r.municipality_id = %s", "r.status <> %s"], [municipality.pk, Request.Status.WITHDRAWN]
    if filters and filters.department_id:
        where.append("r.department_id = %s")
        params.append(filters.department_id)
    if filters and filters.category_id:
        where.append("r.category_id = %s")
        params.append(filters.category_id)
    # Only table names and fixed clauses are formatted in; every value is a parameter.
    sql = f"""
        SELECT d.day, r.department_id, count(*)
          FROM unnest(%s::date[]) AS d(day)
          JOIN {Request._meta.db_table} r
            ON r.created_at < ((d.day + 1)::timestamp AT TIME ZONE %s)
           AND (r.closed_at IS NULL OR r.closed_at >= ((d.day + 1)::timestamp AT TIME ZONE %s))
         WHERE {" AND ".join(where)}
         GROUP BY d.day, r.department_id
    """  # noqa: S608
    zone = str(municipality.zone)
    with connection.cursor() as cursor:
        cursor.execute(sql, [days, zone, zone, *params])
        counts = {(day, department_id): count for day, department_id, count in cursor.fetchall()}
    names = {department.pk: department.name for department in Department.objects.filter(municipality=municipality)}
    department_ids = sorted(
        {department_id for _day, department_id in counts}, key=lambda pk: (pk is None, names.get(pk, ""))
    )
    return {
        "days": days,
        "departments": [
            {
                "name": names.get(department_id) or _("No department yet"),
                "counts": [counts.get((day, department_id), 0) for day in days],
            }
            for department_id in department_ids
        ],
    }


BACKLOG_COLOURS = ("#0d6efd", "#198754", "#dc3545", "#6f42c1", "#fd7e14", "#20c997", "#6c757d", "#d63384")
BACKLOG_WIDTH, BACKLOG_HEIGHT = 640, 200


def backlog_chart(backlog: dict) -> list[dict]:
    """Each department's line as SVG points on a BACKLOG_WIDTH × BACKLOG_HEIGHT canvas: [{"name", "colour",
    "points" ("x,y x,y …"), "last"}], the same numbers as the backlog table."""
    days = backlog["days"]
    peak = max([count for row in backlog["departments"] for count in row["counts"]] or [0]) or 1
    step = BACKLOG_WIDTH / max(len(days) - 1, 1)
    return [
        {
            "name": row["name"],
            "colour": BACKLOG_COLOURS[index % len(BACKLOG_COLOURS)],
            "points": " ".join(
                f"{round(position * step, 1)},{round(BACKLOG_HEIGHT - count / peak * (BACKLOG_HEIGHT - 10), 1)}"
                for position, count in enumerate(row["counts"])
            ),
            "last": row["counts"][-1] if row["counts"] else 0,
        }
        for index, row in enumerate(backlog["departments"])
    ]
