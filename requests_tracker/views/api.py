"""JSON endpoints for the pages' scripts: address candidates, map pins, staged uploads."""

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.selectors import municipality_cached, municipality_get
from requests_tracker import selectors, services, throttle, uploads
from requests_tracker.geocoding import GeocoderUnavailable, geocode
from requests_tracker.geocoding import reverse as reverse_geocode
from requests_tracker.models import Request
from requests_tracker.views.public import TOO_MANY


@require_GET
def geocode_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    municipality = municipality_get(slug=municipality_slug)
    if not throttle.allowed(request, action="geocode"):
        return JsonResponse({"error": str(TOO_MANY), "results": []}, status=429)
    query = "".join(char for char in request.GET.get("q", "") if char.isprintable())
    try:
        places = geocode(query=query, municipality=municipality)
    except GeocoderUnavailable:
        return JsonResponse(
            {
                "error": _(
                    "The address search is not available right now. Place the marker on the map yourself; "
                    "the request can be filed all the same."
                ),
                "results": [],
            },
            status=503,
        )
    return JsonResponse(
        {
            "results": [
                {"label": p.label, "lat": p.latitude, "lng": p.longitude, "token": services.address_token(p.label)}
                for p in places
            ]
        },
    )


@require_GET
def reverse_geocode_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    """The address at a moved marker, with the token that lets the form save it; an empty label when none."""
    municipality = municipality_get(slug=municipality_slug)
    if not throttle.allowed(request, action="geocode"):
        return JsonResponse({"error": str(TOO_MANY)}, status=429)
    point = _point(request)
    if point is None:
        return JsonResponse({"error": "lat and lng must be finite degrees"}, status=400)
    try:
        place = reverse_geocode(latitude=point[0], longitude=point[1], municipality=municipality)
    except GeocoderUnavailable:
        return JsonResponse({"error": _("The address search is not available right now."), "label": ""}, status=503)
    if place is None:
        return JsonResponse({"label": "", "token": ""})
    return JsonResponse({"label": place.label, "token": services.address_token(place.label)})


@require_GET
def nearby_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    """Open requests of the chosen category near the marker, for «Is it one of these? Vote for it instead»."""
    municipality = municipality_get(slug=municipality_slug)
    point = _point(request)
    category = request.GET.get("category", "")
    if point is None or not (category.isascii() and category.isdigit() and len(category) <= 9):
        return JsonResponse({"error": "lat, lng and category are required"}, status=400)
    rows = selectors.nearby_open(
        municipality=municipality, category_id=int(category), latitude=point[0], longitude=point[1]
    )
    return JsonResponse(
        {
            "results": [
                {
                    "code": row["code"],
                    "title": row["title"],
                    "status": str(Request.Status(row["status"]).label),
                    "votes": row["vote_count"],
                    "distance": row["distance"],
                    "url": reverse("requests_tracker:detail", args=[municipality.slug, row["code"]]),
                }
                for row in rows
            ]
        }
    )


def _point(request) -> tuple[float, float] | None:
    try:
        latitude, longitude = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude) and abs(latitude) <= 90 and abs(longitude) <= 180):
        return None
    return latitude, longitude


@require_GET
def map_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    municipality = municipality_cached(slug=municipality_slug)
    try:
        south, west, north, east = (float(value) for value in request.GET.get("bbox", "").split(","))
        zoom = int(request.GET.get("zoom", municipality.map_zoom))
    except ValueError:
        return JsonResponse({"error": "bbox=south,west,north,east and zoom are required"}, status=400)
    # float() takes "nan" and "inf": compared with a numeric column they make PostgreSQL fail, so refuse them here.
    if not all(math.isfinite(value) for value in (south, west, north, east)) or not (
        -90 <= south <= 90 and -90 <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180
    ):
        return JsonResponse(
            {"error": "bbox must be finite degrees: latitudes -90 to 90, longitudes -180 to 180"}, status=400
        )
    filters = selectors.ListFilters.from_query(request.GET)
    pins = selectors.map_pins(
        municipality=municipality, filters=filters, user=request.user, bbox=(south, west, north, east), zoom=zoom
    )
    return JsonResponse({"pins": pins})


@never_cache
@login_required
@require_POST
def upload(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    """One file from the form's script (drag-and-drop or the file button), checked and staged."""
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse({"error": _("No file was received.")}, status=400)
    if not throttle.allowed(request, action="upload"):
        return JsonResponse({"error": str(TOO_MANY)}, status=429)
    try:
        services.staged_quota_check(user=request.user, adding=file.size)
        checked = uploads.upload_check(file)
        services.staged_duplicate_check(
            user=request.user, checked=checked, staged_ids=request.POST.getlist("attachment")
        )
        attachment = services.attachment_stage(
            user=request.user, checked=checked, staged_ids=request.POST.getlist("attachment")
        )
    except ValidationError as error:
        return JsonResponse({"error": f"{uploads.filename_clean(file.name)}: {' '.join(error.messages)}"}, status=400)
    except services.RequestError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "id": attachment.pk,
            "name": attachment.original_name,
            "kind": attachment.kind,
            "size": attachment.size,
            "thumb": reverse("requests_tracker:attachment_thumb", args=[attachment.public_id])
            if attachment.thumbnail
            else "",
            "remove": reverse("requests_tracker:staged_remove", args=[municipality_slug, attachment.pk]),
        },
        status=201,
    )


@never_cache
@login_required
@require_POST
def staged_remove(request: HttpRequest, municipality_slug: str, attachment_id: int) -> JsonResponse:
    """Take a staged file off the form before filing (only its uploader's, only while it is not filed)."""
    staged = selectors.staged_attachments(user=request.user, ids=[attachment_id])
    if not staged:
        return JsonResponse({"error": _("This file is not among your staged files.")}, status=404)
    services.attachment_remove(attachment=staged[0], user=request.user)
    return JsonResponse({"removed": attachment_id})
