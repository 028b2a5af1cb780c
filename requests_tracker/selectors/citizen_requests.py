"""Reads for citizen requests: the filtered list, map pins clustered on a grid, the detail page, the staff queue."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, FloatField, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Floor
from django.http import Http404, QueryDict

from accounts.selectors import user_is_clerk_of
from portal.models import Municipality
from requests_tracker.models import Category, Comment, Request, Vote

SORTS = {
    "date": ("created_at", "pk"),
    "-date": ("-created_at", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "status": ("status", "-created_at"),
    "-status": ("-status", "-created_at"),
}
PAGE_SIZES = (10, 20, 50, 100)
STATUS_FILTERS = ("open", *Request.Status.values)


@dataclass
class ListFilters:
    categories: list[int] = field(default_factory=list)
    status: str = ""
    mine: bool = False
    q: str = ""
    sort: str = "-date"
    per_page: int = 20

    @classmethod
    def from_query(cls, query: QueryDict) -> "ListFilters":
        categories = [int(value) for value in query.getlist("category") if value.isdigit()]
        try:
            per_page = int(query.get("per_page", 20))
        except ValueError:
            per_page = 20
        return cls(
            categories=categories,
            status=query.get("status", "") if query.get("status", "") in STATUS_FILTERS else "",
            mine=query.get("mine") == "1",
            q=" ".join(query.get("q", "").split())[:100],
            sort=query.get("sort", "-date") if query.get("sort") in SORTS else "-date",
            per_page=per_page if per_page in PAGE_SIZES else 20,
        )


def categories_list(*, municipality: Municipality) -> list[Category]:
    return list(Category.objects.filter(municipality=municipality).select_related("department"))


def requests_filtered(*, municipality: Municipality, filters: ListFilters, user=None) -> QuerySet[Request]:
    queryset = Request.objects.filter(municipality=municipality)
    if filters.categories:
        queryset = queryset.filter(category_id__in=filters.categories)
    if filters.status == "open":
        queryset = queryset.exclude(status=Request.Status.CLOSED)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.mine:
        queryset = queryset.filter(reporter=user) if user is not None and user.is_authenticated else queryset.none()
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(code__iexact=filters.q))
    return queryset


def requests_list(*, municipality: Municipality, filters: ListFilters, user=None) -> QuerySet[Request]:
    return (
        requests_filtered(municipality=municipality, filters=filters, user=user)
        .select_related("category")
        .order_by(*SORTS[filters.sort])
    )


def _cell_size(zoom: int) -> float:
    # A 256-pixel tile spans 360/2^zoom degrees of longitude; cells of a quarter tile (~64 px) keep pins apart.
    return 360.0 / (2 ** max(0, min(zoom, 20))) / 4


def map_pins(
    *, municipality: Municipality, filters: ListFilters, user, bbox: tuple[float, float, float, float], zoom: int
) -> list[dict]:
    """Pins for the visible area only, clustered on a grid by zoom in one GROUP BY query.

    A cell with one request is a pin (code, title, status); a cell with many is a cluster (count, centre).
    Two queries whatever the number of rows: the grouped cells, then the single pins' titles.
    """
    south, west, north, east = bbox
    cell = _cell_size(zoom)
    cells = (
        requests_filtered(municipality=municipality, filters=filters, user=user)
        .filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
        # Double precision, not numeric: grouping 100,000 rows on numeric division is several times slower.
        .annotate(
            row=Floor(Cast("latitude", FloatField()) / Value(cell)),
            col=Floor(Cast("longitude", FloatField()) / Value(cell)),
        )
        .values("row", "col")
        .annotate(
            count=Count("pk"),
            latitude_avg=Avg(Cast("latitude", FloatField())),
            longitude_avg=Avg(Cast("longitude", FloatField())),
            first=Min("pk"),
        )
        .order_by()
    )
    cells = list(cells[:2000])
    # Titles and codes only for cells of one request, in a second query by primary key: carrying text columns
    # through the GROUP BY made PostgreSQL sort wide rows on disk (100,000 rows: 3 times slower).
    singles = {
        row["pk"]: row
        for row in Request.objects.filter(pk__in=[cell["first"] for cell in cells if cell["count"] == 1]).values(
            "pk", "code", "title", "status"
        )
    }
    pins = []
    for cell_row in cells:
        pin = {
            "count": cell_row["count"],
            "lat": round(cell_row["latitude_avg"], 6),
            "lng": round(cell_row["longitude_avg"], 6),
        }
        single = singles.get(cell_row["first"]) if cell_row["count"] == 1 else None
        if single is not None:
            pin.update(
                code=single["code"],
                title=single["title"],
                status=single["status"],
                colour=Request.STATUS_PIN_COLOURS[single["status"]],
            )
        pins.append(pin)
    return pins


def request_get(*, municipality: Municipality, code: str) -> Request:
    try:
        return Request.objects.select_related("category", "department", "reporter", "duplicate_of").get(
            municipality=municipality, code=code.upper()
        )
    except Request.DoesNotExist as error:
        raise Http404 from error


def request_detail_parts(*, citizen_request: Request, user) -> dict:
    """What the detail and staff pages show; hidden comments reach the page only for the municipality's clerks."""
    is_staff = is_clerk(user=user, municipality=citizen_request.municipality)
    comments = citizen_request.comments.all() if is_staff else comments_visible(citizen_request=citizen_request)
    comments = comments.select_related("author")
    return {
        "attachments": list(citizen_request.attachments.all()),
        "comments": list(comments),
        "timeline": list(citizen_request.timeline.select_related("changed_by")),
        "has_voted": user.is_authenticated and Vote.objects.filter(request=citizen_request, citizen=user).exists(),
        "is_clerk": is_staff,
    }


def is_clerk(*, user, municipality: Municipality) -> bool:
    """A clerk of this municipality who may handle its requests (superusers everywhere)."""
    return user_is_clerk_of(user=user, municipality_id=municipality.pk, permission="requests_tracker.change_request")


def staff_queue(*, municipality: Municipality, department_id: int | None, status: str) -> QuerySet[Request]:
    queryset = Request.objects.filter(municipality=municipality).select_related("category", "department")
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    if status == "open" or not status:
        queryset = queryset.exclude(status=Request.Status.CLOSED)
    elif status in Request.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def comments_visible(*, citizen_request: Request) -> QuerySet[Comment]:
    """The comments the public reads: a moderator's hidden ones are left out (comment_count counts these)."""
    return citizen_request.comments.filter(is_hidden=False)
