"""Public statistics of a municipality's citizen requests: a handful of PostgreSQL aggregates (percentile_cont),
whatever the number of rows, cached per municipality and refreshed by a beat task."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import Floor, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from portal.models import Municipality
from portal.statistics import PercentileCont, StatisticsFilters, statistics_changed
from requests_tracker.models import Request

CACHE_SECONDS = 3600
OPEN_STATUSES = (Request.Status.REGISTERED, Request.Status.ACKNOWLEDGED, Request.Status.IN_PROGRESS)
CHART_WIDTH, CHART_HEIGHT, CHART_BAR_GAP = 640, 200, 4
# The map layer's areas: open requests counted per cell of 0.01° (about 1.1 km north–south, 0.85 km east–west here).
AREA_DECIMALS = 2


def _figures() -> dict:
    closed = Q(status=Request.Status.CLOSED)
    return {
        "open": Count("pk", filter=~closed),
        "closed": Count("pk", filter=closed),
        "first_answer_median": PercentileCont("first_answer_working_days", percentile=0.5),
        "first_answer_p90": PercentileCont("first_answer_working_days", percentile=0.9),
        "closing_median": PercentileCont("closing_working_days", percentile=0.5, filter=closed),
        "closing_p90": PercentileCont("closing_working_days", percentile=0.9, filter=closed),
        # Closed on or before the promised date (the municipality's day: the query runs in its zone).
        "within_target": Count("pk", filter=closed & Q(closed_at__date__lte=F("due_date"))),
        "with_target": Count("pk", filter=closed & Q(due_date__isnull=False)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
    }


def _shares(row: dict) -> dict:
    total = row["open"] + row["closed"]
    row["total"] = total
    row["within_target_share"] = row["within_target"] / row["with_target"] if row["with_target"] else None
    row["reopened_share"] = row["reopened"] / row["closed"] if row["closed"] else None
    return row


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


def month_chart(months: list[dict]) -> list[dict]:
    """Each month's bars (filed, closed) as SVG rectangles on a CHART_WIDTH × CHART_HEIGHT canvas."""
    peak = max([max(m["filed"], m["closed"]) for m in months] or [0]) or 1
    slot = CHART_WIDTH / max(len(months), 1)
    bar_width = max((slot - 3 * CHART_BAR_GAP) / 2, 1)
    chart = []
    for index, month in enumerate(months):
        bars = []
        for offset, key in enumerate(("filed", "closed")):
            height = month[key] / peak * (CHART_HEIGHT - 20)
            x = index * slot + CHART_BAR_GAP + offset * (bar_width + CHART_BAR_GAP)
            bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(CHART_HEIGHT - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    value=month[key],
                )
            )
        chart.append(
            {"month": month["month"], "filed": bars[0], "closed": bars[1], "label_x": round(index * slot + slot / 2, 1)}
        )
    return chart


def requests_filtered(*, municipality: Municipality, filters: StatisticsFilters | None = None):
    """The requests the figures count: all but withdrawn ones, narrowed by the staff dashboard's filters."""
    rows = Request.objects.filter(municipality=municipality).exclude(status=Request.Status.WITHDRAWN)
    if filters is None:
        return rows
    if filters.department_id:
        rows = rows.filter(department_id=filters.department_id)
    if filters.category_id:
        rows = rows.filter(category_id=filters.category_id)
    with timezone.override(municipality.zone):
        if filters.date_from:
            rows = rows.filter(created_at__date__gte=filters.date_from)
        if filters.date_to:
            rows = rows.filter(created_at__date__lte=filters.date_to)
    return rows


def open_areas(*, municipality: Municipality) -> list[dict]:
    """Open requests per map cell of 0.01°: [{"latitude", "longitude" (the cell's centre), "count"}], most first."""
    step = Decimal(1).scaleb(-AREA_DECIMALS)
    cells = (
        Request.objects.filter(municipality=municipality, status__in=OPEN_STATUSES)
        .annotate(cell_lat=Floor(F("latitude") / step), cell_lng=Floor(F("longitude") / step))
        .values("cell_lat", "cell_lng")
        .annotate(count=Count("pk"))
        .order_by("-count", "cell_lat", "cell_lng")
    )
    return [
        {
            "latitude": float((Decimal(cell["cell_lat"]) + Decimal("0.5")) * step),
            "longitude": float((Decimal(cell["cell_lng"]) + Decimal("0.5")) * step),
            "count": cell["count"],
        }
        for cell in cells
    ]


def requests_statistics_compute(*, municipality: Municipality, filters: StatisticsFilters | None = None) -> dict:
    """Three queries: the totals, per category, and per month of filing (a fourth, the map's areas, on the public
    page). `filters` narrows them for the staff dashboard."""
    rows = requests_filtered(municipality=municipality, filters=filters)
    with timezone.override(municipality.zone):
        totals = _shares(rows.aggregate(**_figures()))
        categories = [
            _shares(row)
            for row in rows.values("category_id", "category__name_el", "category__name_en", "category__position")
            .annotate(**_figures())
            .order_by("category__position", "category__name_el")
        ]
        months = [
            _shares({**row, "month": row["month"].date() if hasattr(row["month"], "date") else row["month"]})
            for row in rows.annotate(month=TruncMonth("created_at", tzinfo=municipality.zone))
            .values("month")
            .annotate(filed=Count("pk"), **_figures())
            .order_by("month")
        ]
    figures = {"totals": totals, "categories": categories, "months": months, "computed_at": timezone.now()}
    if filters is None:
        figures["areas"] = open_areas(municipality=municipality)
    return figures


def _cache_key(municipality: Municipality) -> str:
    return f"requests-statistics:{municipality.pk}"


def requests_statistics(*, municipality: Municipality, filters: StatisticsFilters | None = None) -> dict:
    """The cached figures (refreshed by the beat task statistics_refresh); computed on a cold cache, and always
    when the staff dashboard filters them."""
    if filters is not None:
        figures = requests_statistics_compute(municipality=municipality, filters=filters)
    else:
        figures = cache.get(_cache_key(municipality))
        if figures is None:
            figures = requests_statistics_refresh(municipality=municipality)
    english = (get_language() or "el").startswith("en")
    for row in figures["categories"]:
        row["category_name"] = (english and row["category__name_en"]) or row["category__name_el"]
    figures["chart"] = month_chart(figures["months"])
    return figures


def requests_statistics_refresh(*, municipality: Municipality) -> dict:
    """Recompute the figures into the cache and move the page's version (its cached copies); returns them."""
    figures = requests_statistics_compute(municipality=municipality)
    cache.set(_cache_key(municipality), figures, CACHE_SECONDS * 2)
    statistics_changed(municipality=municipality)
    return figures


def statistics_csv_rows(*, figures: dict) -> list[list]:
    """Per category and in total: the figures of the page, as rows of a CSV file (header first)."""
    header = [
        "category",
        "open",
        "closed",
        "first_answer_median_working_days",
        "first_answer_p90_working_days",
        "closing_median_working_days",
        "closing_p90_working_days",
        "closed_within_target_share",
        "reopened_share",
    ]

    def line(name, row):
        return [
            name,
            row["open"],
            row["closed"],
            *(
                None if row[key] is None else round(row[key], 2)
                for key in (
                    "first_answer_median",
                    "first_answer_p90",
                    "closing_median",
                    "closing_p90",
                    "within_target_share",
                    "reopened_share",
                )
            ),
        ]

    return [
        header,
        *(line(row["category__name_el"], row) for row in figures["categories"]),
        line("*", figures["totals"]),
    ]


def months_rows(*, figures: dict) -> list[list]:
    """The page's month-by-month table as rows of a download (header first): the month of filing ("YYYY-MM"), the
    requests filed, how many of them are closed, and their median working days to closing (None before any)."""
    header = ["month", "filed", "closed", "closing_median_working_days"]
    return [
        header,
        *(
            [
                row["month"].strftime("%Y-%m"),
                row["filed"],
                row["closed"],
                None if row["closing_median"] is None else round(row["closing_median"], 2),
            ]
            for row in figures["months"]
        ),
    ]
