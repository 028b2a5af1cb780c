"""Reads for citizen requests: the filtered list, map pins clustered on a grid, the detail page, the staff queue."""

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Avg, Case, Count, FloatField, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Floor
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.selectors import user_is_clerk_of
from portal.caching import MUNICIPALITIES_VERSION, cached
from portal.models import Municipality
from requests_tracker.caching import page_key, version_name
from requests_tracker.models import (
    MAP_CELL_ZOOMS,
    Category,
    Comment,
    CommentSignature,
    MapCell,
    Request,
    Vote,
    map_cell_degrees,
)
from requests_tracker.models.citizen_requests import (
    SearchDocument,
    SearchNormalise,
    status_rank,
    title_sort_key,
)


def _sorts() -> dict[str, tuple]:
    title = title_sort_key()
    return {
        "date": ("created_at", "pk"),
        "-date": ("-created_at", "-pk"),
        "title": (title.asc(), "pk"),
        "-title": (title.desc(), "-pk"),
        "status": (status_rank().asc(), "-created_at"),
        "-status": (status_rank().desc(), "-created_at"),
    }


SORTS = _sorts()
PAGE_SIZES = (10, 20, 50, 100)
# The public list never shows withdrawn requests (their pages stay, for the record).
PUBLIC_STATUSES = [status for status in Request.Status.values if status != Request.Status.WITHDRAWN]
STATUS_FILTERS = ("open", *PUBLIC_STATUSES)
SEARCH_MAX_LENGTH = 100


def text_search(queryset: QuerySet[Request], text: str) -> QuerySet[Request]:
    """Title or description contains `text`, ignoring case, accents and final sigma; or the code is `text`.

    Both sides go through the same database function, and the trigram index on the document serves the LIKE.
    """
    return queryset.alias(search_document=SearchDocument()).filter(
        Q(search_document__contains=SearchNormalise(Value(text))) | Q(code=text.upper())
    )


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 9


def _clean_text(value: str) -> str:
    # A NUL cannot reach PostgreSQL (psycopg refuses it); other control characters mean nothing in a search either.
    value = "".join(char for char in value if char.isprintable() or char == " ")
    return " ".join(value.split())[:SEARCH_MAX_LENGTH]


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
        # ASCII digits of a sane length only: "²" is a digit to str.isdigit() but not to int(), and a 30-digit id
        # overflows PostgreSQL's integer.
        categories = [int(value) for value in query.getlist("category") if _is_id(value)]
        try:
            per_page = int(query.get("per_page", 20))
        except ValueError:
            per_page = 20
        return cls(
            categories=categories,
            status=query.get("status", "") if query.get("status", "") in STATUS_FILTERS else "",
            mine=query.get("mine") == "1",
            q=_clean_text(query.get("q", "")),
            sort=query.get("sort", "-date") if query.get("sort") in SORTS else "-date",
            per_page=per_page if per_page in PAGE_SIZES else 20,
        )


def categories_list(*, municipality: Municipality) -> list[Category]:
    return list(Category.objects.filter(municipality=municipality).select_related("department"))


def categories_for_filters(*, municipality: Municipality) -> list[Category]:
    """The categories the public list offers as filters, cached at the municipality's data version (a category's
    save or deletion moves it)."""
    key = page_key("categories", municipality_id=municipality.pk, parts=())
    return cached(key, lambda: list(Category.objects.filter(municipality=municipality)), timeout=LIST_CACHE_SECONDS)


def requests_filtered(*, municipality: Municipality, filters: ListFilters, user=None) -> QuerySet[Request]:
    queryset = Request.objects.filter(municipality=municipality).exclude(status=Request.Status.WITHDRAWN)
    if filters.categories:
        queryset = queryset.filter(category_id__in=filters.categories)
    if filters.status == "open":
        queryset = queryset.exclude(status__in=Request.FINISHED)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.mine:
        queryset = queryset.filter(reporter=user) if user is not None and user.is_authenticated else queryset.none()
    if filters.q:
        queryset = text_search(queryset, filters.q)
    return queryset


def requests_list(*, municipality: Municipality, filters: ListFilters, user=None) -> QuerySet[Request]:
    """The public list in the chosen order; composite indexes serve each order with a category filter or without
    (models.citizen_requests.Request.Meta.indexes)."""
    return (
        requests_filtered(municipality=municipality, filters=filters, user=user)
        .select_related("category")
        .order_by(*SORTS[filters.sort])
    )


# The list counts its matches up to here and then says «more than 10.000»: counting 150,000 matches costs more than
# the page itself, and nobody reads page 501. Pages stop at the cap too, which bounds OFFSET.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most COUNT_CAP rows; `capped` says whether there were more."""

    capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


def requests_list_key(
    *, municipality: Municipality, filters: ListFilters, query: str, page: str, user, language: str, zone
) -> str:
    """The cache key of one page of the public list's results, at the municipality's data version: per language
    and time zone (dates), per query string (the page links repeat it) and page, and per person when logged in
    (their «My request» ribbons and «only mine»), so that one citizen never sees another's."""
    person = user.pk if user is not None and user.is_authenticated else None
    return page_key(
        "list", municipality_id=municipality.pk, parts=(language, str(zone), filters, query, page[:12], person)
    )


def requests_page_versions(*, municipality: Municipality) -> list[str]:
    """What the visitor's list page shows: the municipality's requests and categories, and the municipality."""
    return [version_name(municipality.pk), MUNICIPALITIES_VERSION]


def _cell_size(zoom: int) -> float:
    # A 256-pixel tile spans 360/2^zoom degrees of longitude; cells of a quarter tile (~64 px) keep pins apart.
    return 360.0 / (2 ** max(0, min(zoom, 20))) / 4


# Map clusters are cached this long at most (the data version ends them sooner); the list's results likewise.
MAP_CACHE_SECONDS = 600
LIST_CACHE_SECONDS = 600


def map_pins(
    *, municipality: Municipality, filters: ListFilters, user, bbox: tuple[float, float, float, float], zoom: int
) -> list[dict]:
    """Pins for the visible area, clustered on a grid by zoom: the cells that meet `bbox` (south, west, north, east
    in degrees).

    The cells are computed for the box widened to whole tiles of the zoom (so that nearby views share them) and
    cached per municipality, filters, zoom and tile-aligned box at the municipality's data version
    (requests_tracker.caching): a cached view costs no query. «Only mine» is personal and never cached. A cell
    with one request is a pin (code, title, status); a cell with many is a cluster (count, centre).
    """
    south, west, north, east = bbox
    cell = _cell_size(zoom)
    tile = cell * 4
    aligned = (
        math.floor(south / tile) * tile,
        math.floor(west / tile) * tile,
        math.ceil(north / tile) * tile,
        math.ceil(east / tile) * tile,
    )

    def build() -> list[dict]:
        return _map_cells(municipality=municipality, filters=filters, user=user, bbox=aligned, cell=cell)

    if filters.mine:
        cells = build()
    else:
        shared = replace(filters, mine=False, per_page=0, sort="")  # neither changes the pins
        key = page_key("map", municipality_id=municipality.pk, parts=(shared, zoom, aligned))
        cells = cached(key, build, timeout=MAP_CACHE_SECONDS)
    rows = (math.floor(south / cell), math.floor(north / cell))
    cols = (math.floor(west / cell), math.floor(east / cell))
    return [
        {key: value for key, value in pin.items() if key not in ("row", "col")}
        for pin in cells
        if rows[0] <= pin["row"] <= rows[1] and cols[0] <= pin["col"] <= cols[1]
    ]


def _map_cells(
    *, municipality: Municipality, filters: ListFilters, user, bbox: tuple[float, float, float, float], cell: float
) -> list[dict]:
    """The grid cells of `cell` degrees in `bbox`, each a pin (one request: code, title, status) or a cluster (count,
    centre), with its `row` and `col`. At zoom 18 and below, without a search or «only mine», from the cells the
    database keeps (MapCell: a few thousand rows whatever the number of requests); otherwise by grouping the
    requests themselves (a small area at a street zoom). Both give the same cells."""
    kept_zooms = [zoom for zoom in MAP_CELL_ZOOMS if cell >= map_cell_degrees(zoom)]
    if kept_zooms and not filters.q and not filters.mine:
        return _map_cells_kept(
            municipality=municipality, filters=filters, bbox=bbox, cell=cell, kept_zoom=min(kept_zooms)
        )
    return _map_cells_grouped(municipality=municipality, filters=filters, user=user, bbox=bbox, cell=cell)


def _map_cells_kept(
    *,
    municipality: Municipality,
    filters: ListFilters,
    bbox: tuple[float, float, float, float],
    cell: float,
    kept_zoom: int,
) -> list[dict]:
    """_map_cells from MapCell: the cells of the grid kept at `kept_zoom` (of MAP_CELL_ZOOMS, at or above the map's
    zoom) added up into cells of `cell` degrees (a power of two times theirs, as every zoom's are), then the single
    pins' rows by the ids their cells carry: two queries whatever the number of rows. `bbox` is aligned to whole
    tiles of the map's zoom (map_pins), so it holds whole kept cells: those inside it are counted. Never «only mine»
    nor a search (_map_cells sends those to the grouping)."""
    south, west, north, east = bbox
    kept_cell = map_cell_degrees(kept_zoom)
    factor = round(cell / kept_cell)
    kept = MapCell.objects.filter(
        municipality=municipality,
        zoom=kept_zoom,
        count__gt=0,
        row__gte=math.floor(south / kept_cell),
        row__lt=math.ceil(north / kept_cell),
        col__gte=math.floor(west / kept_cell),
        col__lt=math.ceil(east / kept_cell),
    ).exclude(status=Request.Status.WITHDRAWN)
    if filters.categories:
        kept = kept.filter(category_id__in=filters.categories)
    if filters.status == "open":
        kept = kept.exclude(status__in=Request.FINISHED)
    elif filters.status:
        kept = kept.filter(status=filters.status)
    cells = list(
        kept.annotate(
            cell_row=Floor(Cast("row", FloatField()) / Value(float(factor))),
            cell_col=Floor(Cast("col", FloatField()) / Value(float(factor))),
        )
        .values("cell_row", "cell_col")
        .annotate(
            total=Sum("count"),
            latitude_sum=Sum("latitude_sum"),
            longitude_sum=Sum("longitude_sum"),
            id_sum=Sum("id_sum"),
        )
        .filter(total__gt=0)
        .order_by()[:2000]
    )
    # A cell of one request carries that request's id (the sum of one id): its pin's code and title by primary key.
    single_ids = [int(row["id_sum"]) for row in cells if row["total"] == 1]
    found = {
        row["pk"]: row
        for row in Request.objects.filter(pk__in=single_ids, municipality=municipality).values(
            "pk", "code", "title", "status"
        )
    }
    pins = []
    for cell_row in cells:
        row, col = int(cell_row["cell_row"]), int(cell_row["cell_col"])
        total = cell_row["total"]
        pin = {
            "count": total,
            "lat": round(float(cell_row["latitude_sum"]) / total, 6),
            "lng": round(float(cell_row["longitude_sum"]) / total, 6),
            "row": row,
            "col": col,
        }
        pins.append(_pin_named(pin, found.get(int(cell_row["id_sum"])) if total == 1 else None))
    return pins


def _pin_named(pin: dict, single: dict | None) -> dict:
    """A cell's pin, with the code, title, status and colour of its one request when it holds exactly one."""
    if single is not None:
        pin.update(
            code=single["code"],
            title=single["title"],
            status=single["status"],
            colour=Request.STATUS_PIN_COLOURS[single["status"]],
        )
    return pin


def _map_cells_grouped(
    *, municipality: Municipality, filters: ListFilters, user, bbox: tuple[float, float, float, float], cell: float
) -> list[dict]:
    """The grid cells of `cell` degrees in `bbox` in one GROUP BY query, then the single pins' titles: two queries
    whatever the number of rows. Each pin carries its cell's `row` and `col`."""
    south, west, north, east = bbox
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
            "row": int(cell_row["row"]),
            "col": int(cell_row["col"]),
        }
        pins.append(_pin_named(pin, singles.get(cell_row["first"]) if cell_row["count"] == 1 else None))
    return pins


NEARBY_METRES = 150
METRES_PER_DEGREE = 111_000


def nearby_open(
    *, municipality: Municipality, category_id: int, latitude: float, longitude: float, limit: int = 5
) -> list[dict]:
    """Open requests of the same category within NEARBY_METRES, nearest first: «vote for it instead» (FixMyStreet).

    A bounding box on the location index, then the exact distance on the few rows it leaves.
    """
    dlat = NEARBY_METRES / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(latitude)), 0.01)
    rows = (
        Request.objects.filter(
            municipality=municipality,
            category_id=category_id,
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        )
        .exclude(status__in=Request.FINISHED)
        .values("code", "title", "status", "vote_count", "latitude", "longitude")[:200]
    )
    found = []
    for row in rows:
        north = (float(row["latitude"]) - latitude) * METRES_PER_DEGREE
        east = (float(row["longitude"]) - longitude) * METRES_PER_DEGREE * math.cos(math.radians(latitude))
        distance = math.hypot(north, east)
        if distance <= NEARBY_METRES:
            found.append({**row, "distance": round(distance)})
    found.sort(key=lambda row: row["distance"])
    return found[:limit]


def request_get(*, municipality: Municipality, code: str) -> Request:
    if not code.isprintable():  # a NUL (or any control character) is a malformed address, never a code
        raise BadRequest("malformed request code")
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
    comments = list(comments.select_related("author", "author__request_comment_signature"))
    for comment in comments:
        comment.signed_as = comment_signature(user=comment.author) if comment.author else ""
    timeline = list(citizen_request.timeline.select_related("changed_by"))
    has_voted = user.is_authenticated and Vote.objects.filter(request=citizen_request, citizen=user).exists()
    return {
        "attachments": list(citizen_request.attachments.all()),
        "comments": list(comments),
        "timeline": timeline,
        "path": request_path(citizen_request=citizen_request, timeline=timeline),
        "has_voted": has_voted,
        "is_clerk": is_staff,
        # «Δεν διορθώθηκε»: the reporter and voters, within the window after closing.
        "may_reopen": citizen_request.may_reopen()
        and user.is_authenticated
        and (citizen_request.reporter_id == user.pk or has_voted),
    }


@dataclass(frozen=True)
class PathStep:
    status: str
    label: str
    state: str  # "done", "skipped" (passed over without ever being reached), "current" or "ahead"
    when: datetime | None = None


def request_path(*, citizen_request: Request, timeline: list) -> list[PathStep]:
    """The guide's §7 «Σχηματική απεικόνιση»: the whole path, Registered → … → Closed, with the steps still ahead.

    A withdrawn request's path ends at Withdrawn. The time of a step is when the request last reached it. A step
    before the current one that the request never reached (a clerk moved it from Registered straight to Closed) is
    "skipped", not "done". The first step is always done: a request is registered when it is filed.
    """
    reached = {step.to_status: step.created_at for step in timeline if step.due_date is None}
    path = list(Request.WORKFLOW)
    if citizen_request.is_withdrawn:
        path = [Request.Status.REGISTERED, Request.Status.WITHDRAWN]
    current = path.index(citizen_request.status) if citizen_request.status in path else 0
    return [
        PathStep(
            status=status,
            label=Request.Status(status).label,
            state=(
                ("done" if index == 0 or status in reached else "skipped")
                if index < current
                else "current"
                if index == current
                else "ahead"
            ),
            when=reached.get(status) if index <= current else None,
        )
        for index, status in enumerate(path)
    ]


def initials(full_name: str) -> str:
    """«Ελένη Παπαδοπούλου» → «Ε. Π.»; a name already shortened («Ελένη Π.») gives the same."""
    letters = [part[0].upper() for part in full_name.replace(".", " ").split() if part[:1].isalpha()]
    return " ".join(f"{letter}." for letter in letters[:3])


def comment_signature(*, user) -> str:
    """How the user's comments are signed in public: their chosen display name, else their initials."""
    try:
        chosen = user.request_comment_signature
    except CommentSignature.DoesNotExist:
        chosen = None
    if chosen is not None and chosen.shown_as == CommentSignature.ShownAs.DISPLAY_NAME and chosen.display_name:
        return chosen.display_name
    return initials(user.full_name or "") or initials(user.username)


def is_clerk(*, user, municipality: Municipality) -> bool:
    """A clerk of this municipality who may handle its requests (superusers everywhere)."""
    return user_is_clerk_of(user=user, municipality_id=municipality.pk, permission="requests_tracker.change_request")


STAFF_SORTS = {
    "date": ("created_at", "pk"),
    "-date": ("-created_at", "-pk"),
    "status": (status_rank().asc(), "created_at", "pk"),
    "-status": (status_rank().desc(), "created_at", "pk"),
    "votes": ("-vote_count", "created_at", "pk"),
    "title": (title_sort_key().asc(), "pk"),
}
STAFF_PAGE_SIZE = 25

# The one rule of lateness for citizen requests, read by the staff queue, the dashboard and the overdue digest:
# an open request is overdue once its promised date (due_date, a local day) has passed, and due soon when that date
# is today or within DUE_SOON_DAYS calendar days. A request with no promised date is neither: nothing was promised.
DUE_SOON_DAYS = 3
OPEN_STATUSES = tuple(status for status in Request.Status.values if status not in Request.FINISHED)


def today_in(*, municipality: Municipality, now: datetime | None = None) -> date:
    """The municipality's local day at `now` (default: the current time)."""
    return timezone.localdate(now or timezone.now(), municipality.zone)


def overdue_q(*, today: date) -> Q:
    """Open requests whose promised date is before `today` (the municipality's local day)."""
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


def due_soon_q(*, today: date) -> Q:
    """Open requests promised for `today` or within DUE_SOON_DAYS calendar days after it (not yet overdue)."""
    return Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))


def deadline_annotate(queryset: QuerySet[Request], *, today: date) -> QuerySet[Request]:
    """Each row with `deadline_overdue` and `deadline_soon` (booleans, never NULL) by overdue_q and due_soon_q."""
    return queryset.annotate(
        deadline_overdue=Case(When(overdue_q(today=today), then=Value(True)), default=Value(False)),
        deadline_soon=Case(When(due_soon_q(today=today), then=Value(True)), default=Value(False)),
    )


@dataclass
class StaffFilters:
    q: str = ""
    category_id: int | None = None
    department_id: int | None = None
    status: str = "open"
    overdue: bool = False
    sort: str = "date"

    @classmethod
    def from_query(cls, query: QueryDict) -> "StaffFilters":
        category, department = query.get("category", ""), query.get("department", "")
        status = query.get("status", "open")
        return cls(
            q=_clean_text(query.get("q", "")),
            category_id=int(category) if _is_id(category) else None,
            department_id=int(department) if _is_id(department) else None,
            status=status if status in ("open", "all", *Request.Status.values) else "open",
            overdue=query.get("overdue") == "1",
            sort=query.get("sort", "date") if query.get("sort") in STAFF_SORTS else "date",
        )


def staff_queue(*, municipality: Municipality, filters: StaffFilters) -> QuerySet[Request]:
    """The clerk's queue: search by code or text, filter by category, department, status and overdue, sorted; each
    row annotated by deadline_annotate (the dashboard's rule of overdue and due soon)."""
    queryset = Request.objects.filter(municipality=municipality).select_related("category", "department")
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.category_id:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.status == "open":
        queryset = queryset.exclude(status__in=Request.FINISHED)
    elif filters.status in Request.Status.values:
        queryset = queryset.filter(status=filters.status)
    today = today_in(municipality=municipality)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today=today))
    if filters.q:
        queryset = text_search(queryset, filters.q)
    return deadline_annotate(queryset, today=today).order_by(*STAFF_SORTS[filters.sort])


def comments_visible(*, citizen_request: Request) -> QuerySet[Comment]:
    """The comments the public reads: a moderator's hidden ones are left out (comment_count counts these)."""
    return citizen_request.comments.filter(is_hidden=False)
