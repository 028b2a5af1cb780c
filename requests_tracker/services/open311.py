"""Writes for Open311 clients: their API keys, and a citizen request filed through GeoReport v2."""

import secrets
from decimal import Decimal

from portal.models import Municipality
from requests_tracker.models import ApiKey, Category, Request
from requests_tracker.services.citizen_requests import (
    AddressLookupUnavailable,
    AddressNotFound,
    LocationMissing,
    OutsideArea,
    request_create,
)
from requests_tracker.services.shared import RequestError


class Open311Error(RequestError):
    """A refusal in the API's own terms: an HTTP status and an English description (a GeoReport v2 error)."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# The API's descriptions for the refusals the web form words for citizens.
LOCATION_ERRORS = {
    LocationMissing: "A location is required: lat and long, or address_string",
    AddressLookupUnavailable: "address_string cannot be looked up now; send lat and long",
    AddressNotFound: "address_string was not found in this jurisdiction",
    OutsideArea: "lat/long is outside the jurisdiction",
}


def api_key_create(*, municipality: Municipality, name: str) -> tuple[ApiKey, str]:
    """A new key; the clear text is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(municipality=municipality, name=name, key_hash=ApiKey.hash(key), key_prefix=key[:8])
    return api_key, key


def open311_request_create(
    *,
    municipality: Municipality,
    api_key: str,
    service_code: str,
    description: str,
    address: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> Request:
    """POST /requests: an active key of this municipality, a known service; the title is the description's first line.

    Without lat and long, address_string is looked up like the form's typed address (location_resolve).
    """
    if not api_key:
        raise Open311Error(403, "api_key is required to create a request")
    if not ApiKey.objects.filter(municipality=municipality, key_hash=ApiKey.hash(api_key), is_active=True).exists():
        raise Open311Error(403, "Invalid api_key for this jurisdiction")
    category = Category.objects.filter(municipality=municipality, code=service_code).first()
    if category is None:
        if not service_code:
            raise Open311Error(400, "service_code is required")
        raise Open311Error(404, f"Unknown service_code: {service_code}")
    description = description.strip()[:4000]
    try:
        return request_create(
            municipality=municipality,
            reporter=None,
            category=category,
            title=description.split("\n", 1)[0][:80] or category.name_el,
            description=description or category.name_el,
            latitude=latitude,
            longitude=longitude,
            address=address.strip()[:255],
        )
    except RequestError as problem:
        # Never the web form's Greek words for a citizen ("move the marker"): a machine-worded English description.
        raise Open311Error(400, LOCATION_ERRORS.get(type(problem), "The request could not be filed")) from problem
