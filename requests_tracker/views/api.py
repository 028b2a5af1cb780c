"""JSON endpoints for the pages' scripts: address candidates, map pins, staged uploads."""

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.selectors import municipality_get
from requests_tracker import selectors, services, uploads
from requests_tracker.geocoding import GeocoderUnavailable, geocode


@require_GET
def geocode_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    municipality = municipality_get(slug=municipality_slug)
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
        {"results": [{"label": p.label, "lat": p.latitude, "lng": p.longitude} for p in places]},
    )


@require_GET
def map_json(request: HttpRequest, municipality_slug: str) -> JsonResponse:
    municipality = municipality_get(slug=municipality_slug)
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
    try:
        checked = uploads.upload_check(file)
        attachment = services.attachment_stage(
            user=request.user, checked=checked, staged_ids=request.POST.getlist("attachment")
        )
    except ValidationError as error:
        return JsonResponse({"error": f"{uploads.filename_clean(file.name)}: {' '.join(error.messages)}"}, status=400)
    except services.RequestError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {"id": attachment.pk, "name": attachment.original_name, "kind": attachment.kind, "size": attachment.size},
        status=201,
    )
