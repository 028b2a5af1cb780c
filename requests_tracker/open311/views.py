"""Open311 GeoReport v2: discovery, services and requests, in XML and JSON; jurisdiction_id is the slug."""

import hashlib
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dateutil import parser as dateparser
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from portal.caching import cached, data_version_time
from portal.models import Municipality
from portal.selectors import municipality_cached
from requests_tracker import selectors, throttle
from requests_tracker import services as request_services
from requests_tracker.caching import page_key, requests_version
from requests_tracker.geocoding import as_decimal
from requests_tracker.models import Category, Request
from requests_tracker.open311.render import error, respond
from requests_tracker.services.open311 import Open311Error

MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)


def _handle(view):
    def wrapper(request, *args, fmt, **kwargs):
        try:
            _check_parameters(request, kwargs)
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as problem:
            return error(problem.description, fmt=fmt, status=problem.status)

    wrapper.__name__ = view.__name__
    return wrapper


def _check_parameters(request, path_values: dict) -> None:
    """A NUL byte cannot be stored or compared by PostgreSQL: refuse it in any parameter, by name, before the ORM."""
    for source in (request.GET, request.POST):
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise Open311Error(400, f"{name.replace(chr(0), '')} must not contain NUL characters")
    for name, value in path_values.items():
        if "\x00" in str(value):
            raise Open311Error(400, f"{name} must not contain NUL characters")


def _jurisdiction(request) -> Municipality:
    slug = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if not slug:
        only = list(Municipality.objects.all()[:2])
        if len(only) == 1:
            return only[0]
        raise Open311Error(400, "jurisdiction_id is required: the slug of the municipality, e.g. thessaloniki")
    try:
        return municipality_cached(slug=slug)  # a poller asks often: no query while the municipalities are unchanged
    except Http404:
        raise Open311Error(404, f"Unknown jurisdiction_id: {slug}") from None


@require_GET
@_handle
def discovery(request, *, fmt):
    base = request.build_absolute_uri(reverse("open311:index"))
    return respond(
        {
            "changeset": "2026-01-01T00:00:00+02:00",
            "contact": "Dimos Portal",
            "key_service": "API keys are issued by each municipality's administrators.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rstrip("/"),
                    "changeset": "2026-01-01T00:00:00+02:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt=fmt,
        root="discovery",
        item=None,
    )


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name_el,
        "description": category.name_en or category.name_el,
        "metadata": False,
        "type": "batch",
        "keywords": "",
        "group": category.department.name_el if category.department else "",
    }


@require_GET
@_handle
def services(request, *, fmt):
    municipality = _jurisdiction(request)
    categories = selectors.open311_services(municipality=municipality)
    return respond([_service(category) for category in categories], fmt=fmt, root="services", item="service")


@require_GET
@_handle
def service_definition(request, *, code, fmt):
    municipality = _jurisdiction(request)
    if not Category.objects.filter(municipality=municipality, code=code).exists():
        raise Open311Error(404, f"Unknown service_code: {code}")
    return respond({"service_code": code, "attributes": []}, fmt=fmt, root="service_definition", item=None)


def _as_open311(request, row: dict, zone) -> dict:
    """One request (a dict of selectors.open311.OPEN311_FIELDS) as GeoReport v2 shows it."""
    media_url = ""
    if row["media_id"]:
        media_url = request.build_absolute_uri(reverse("requests_tracker:attachment", args=[row["media_id"]]))
    return {
        "service_request_id": row["code"],
        "status": "closed" if row["status"] in Request.FINISHED else "open",
        "status_notes": _status_notes(row),
        "service_name": row["category__name_el"],
        "service_code": row["category__code"],
        "description": row["description"],
        "agency_responsible": row["department__name_el"] or "",
        "service_notice": "",
        "requested_datetime": timezone.localtime(row["created_at"], zone).isoformat(),
        "updated_datetime": timezone.localtime(row["updated_at"], zone).isoformat(),
        "expected_datetime": "",
        "address": row["address"],
        "address_id": "",
        "zipcode": "",
        "lat": float(row["latitude"]),
        "long": float(row["longitude"]),
        "media_url": media_url,
    }


def _status_notes(row: dict) -> str:
    note = row["status_notes"] or ""
    if row["status"] == Request.Status.WITHDRAWN:
        # Open311 has no "withdrawn": the request is closed, and the note says why.
        return "Withdrawn by the citizen" + (f": {note}" if note else "")
    return note


# Dates far from now cannot be shifted by the 90-day window without leaving Python's calendar (years 1 to 9999).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _date(value: str, name: str):
    try:
        moment = dateparser.isoparse(value)
        moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        in_range = EARLIEST <= moment <= LATEST
    except (ValueError, OverflowError) as problem:
        raise Open311Error(
            400, f"{name} must be an ISO 8601 date and time, e.g. 2026-01-31T00:00:00+02:00"
        ) from problem
    if not in_range:
        raise Open311Error(400, f"{name} out of range: years 1900 to 9000")
    return moment


# A poll's answer is kept this long at most (a change of the municipality's requests ends it at once): the default
# window ends «now», so a kept answer may miss a request that left the 90 days within the last minute.
OPEN311_CACHE_SECONDS = 60


@csrf_exempt  # an API for other systems, authenticated by api_key, not by a browser session
@require_http_methods(["GET", "POST"])
@_handle
def requests(request, *, fmt):
    """GET: the municipality's requests, answered from a cache per query string and data version, with an ETag and
    Last-Modified; a client polling with If-None-Match or If-Modified-Since gets 304 while nothing changed."""
    if request.method == "POST":
        return _create(request, fmt=fmt)
    municipality = _jurisdiction(request)
    key = page_key(
        "open311",
        municipality_id=municipality.pk,
        parts=(fmt, request.scheme, request.get_host(), sorted(request.GET.lists())),
    )
    version_time = data_version_time(requests_version(municipality_id=municipality.pk))
    answer = cached(
        key, lambda: _requests_answer(request, municipality, fmt, version_time), timeout=OPEN311_CACHE_SECONDS
    )
    not_modified = get_conditional_response(request, etag=answer["etag"], last_modified=answer["modified"])
    response = not_modified or HttpResponse(answer["body"], content_type=answer["content_type"])
    response["ETag"] = answer["etag"]
    response["Last-Modified"] = http_date(answer["modified"])
    return response


def _requests_answer(request, municipality: Municipality, fmt: str, version_time) -> dict:
    """The answer's body and validators: the ETag a digest of the body; Last-Modified the newest update of a row
    shown or of the data version (a deletion leaves no row behind to date it), in whole seconds."""
    rows = _requests_rows(request, municipality)
    response = respond(
        [_as_open311(request, row, municipality.zone) for row in rows], fmt=fmt, root="service_requests", item="request"
    )
    newest = max([row["updated_at"] for row in rows] + [version_time])
    return {
        "body": response.content,
        "content_type": response["Content-Type"],
        "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
        "modified": math.ceil(newest.timestamp()),
    }


def _requests_rows(request, municipality: Municipality) -> list[dict]:
    queryset = selectors.open311_requests(municipality=municipality)
    ids = [value.strip().upper() for value in request.GET.get("service_request_id", "").split(",") if value.strip()]
    if ids:
        queryset = queryset.filter(code__in=ids[:MAX_RESULTS])  # the standard: ids override the other filters
    else:
        end = _date(request.GET["end_date"], "end_date") if request.GET.get("end_date") else None
        start = _date(request.GET["start_date"], "start_date") if request.GET.get("start_date") else None
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - MAX_SPAN
        if end is None:
            end = start + MAX_SPAN
        if end < start:
            raise Open311Error(400, "end_date must not be before start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
        queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
        if request.GET.get("service_code"):
            codes = [code.strip() for code in request.GET["service_code"].split(",")]
            queryset = queryset.filter(category__code__in=codes)
        status = request.GET.get("status", "")
        if status == "open":
            queryset = queryset.exclude(status__in=Request.FINISHED)
        elif status == "closed":
            queryset = queryset.filter(status__in=Request.FINISHED)
        elif status:
            raise Open311Error(400, "status must be open or closed")
    return list(queryset.order_by("-created_at", "-pk")[:MAX_RESULTS])


@require_GET
@_handle
def request_one(request, *, request_id, fmt):
    municipality = _jurisdiction(request)
    row = selectors.open311_requests(municipality=municipality).filter(code=request_id.upper()).first()
    if row is None:
        raise Open311Error(404, f"Unknown service_request_id: {request_id}")
    return respond([_as_open311(request, row, municipality.zone)], fmt=fmt, root="service_requests", item="request")


def _degrees(value: str, *, limit: int) -> Decimal | None:
    if not value:
        return None
    try:
        degrees = float(value)
    except ValueError as problem:
        raise Open311Error(400, "lat and long must be decimal degrees") from problem
    if not math.isfinite(degrees) or abs(degrees) > limit:
        raise Open311Error(400, "lat/long out of range: lat -90 to 90, long -180 to 180")
    return as_decimal(degrees)


def _create(request, *, fmt):
    municipality = _jurisdiction(request)
    if not throttle.allowed(request, action="open311_post"):
        raise Open311Error(429, "Too many requests; try again later")
    latitude = _degrees(request.POST.get("lat", ""), limit=90)
    longitude = _degrees(request.POST.get("long", ""), limit=180)
    created = request_services.open311_request_create(
        municipality=municipality,
        api_key=request.POST.get("api_key", ""),
        service_code=request.POST.get("service_code", ""),
        description=request.POST.get("description", ""),
        address=request.POST.get("address_string", ""),
        latitude=latitude,
        longitude=longitude,
    )
    return respond(
        [{"service_request_id": created.code, "service_notice": "", "account_id": ""}],
        fmt=fmt,
        root="service_requests",
        item="request",
    )
