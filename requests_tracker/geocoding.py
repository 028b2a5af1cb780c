"""Addresses to places, through Nominatim (geopy), bounded to the municipality's area and cached.

A geocoder that is down or slow raises GeocoderUnavailable; the map and typed coordinates keep working without it.
"""

import hashlib
import logging
import math
from dataclasses import asdict, dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from portal.models import Municipality

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://nominatim.openstreetmap.org"
CACHE_SECONDS = 24 * 3600
# Half the side of the square around the municipality's map centre that counts as "its area".
DEFAULT_AREA_HALF_SIZE_KM = 10.0
KM_PER_DEGREE_LATITUDE = 111.0


class GeocoderUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Area:
    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude, longitude) -> bool:
        return self.south <= float(latitude) <= self.north and self.west <= float(longitude) <= self.east


def municipality_area(municipality: Municipality) -> Area:
    """The square around the map centre within which requests are accepted and addresses looked up."""
    half = float(getattr(settings, "REQUESTS_AREA_HALF_SIZE_KM", DEFAULT_AREA_HALF_SIZE_KM))
    latitude = float(municipality.map_center_latitude)
    longitude = float(municipality.map_center_longitude)
    dlat = half / KM_PER_DEGREE_LATITUDE
    dlng = half / (KM_PER_DEGREE_LATITUDE * max(math.cos(math.radians(latitude)), 0.01))
    return Area(latitude - dlat, longitude - dlng, latitude + dlat, longitude + dlng)


def _client() -> Nominatim:
    url = urlsplit(getattr(settings, "GEOCODER_URL", DEFAULT_URL) or DEFAULT_URL)
    return Nominatim(
        user_agent=getattr(settings, "GEOCODER_USER_AGENT", "DimosPortal/1.0 (+https://github.com/dimos-portal)"),
        domain=url.netloc + url.path.rstrip("/"),
        scheme=url.scheme or "https",
        timeout=float(getattr(settings, "GEOCODER_TIMEOUT", 5)),
    )


def geocode(*, query: str, municipality: Municipality, limit: int = 5) -> list[Place]:
    """Candidates for an address typed in Greek or Latin, inside the municipality's area, best first."""
    query = " ".join(query.split())[:200]
    if not query:
        return []
    key = "geocode:" + hashlib.sha256(f"{municipality.pk}:{query.casefold()}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return [Place(**place) for place in cached]
    area = municipality_area(municipality)
    try:
        found = _client().geocode(
            query,
            exactly_one=False,
            limit=limit,
            language="el,en",
            viewbox=[(area.south, area.west), (area.north, area.east)],
            bounded=True,
        )
    except GeopyError as error:
        logger.warning("Geocoder unavailable: %r", error)
        raise GeocoderUnavailable from error
    except Exception as error:  # a stand-in or proxy answering garbage is still "unavailable" to the citizen
        logger.warning("Geocoder failed: %r", error)
        raise GeocoderUnavailable from error
    places = [
        Place(label=location.address, latitude=round(location.latitude, 6), longitude=round(location.longitude, 6))
        for location in found or []
        if area.contains(location.latitude, location.longitude)
    ]
    cache.set(key, [asdict(place) for place in places], CACHE_SECONDS)
    return places


def reverse(*, latitude: float, longitude: float, municipality: Municipality) -> Place | None:
    """The address at a point (a moved marker), or None when there is none or it is outside the area. Cached."""
    area = municipality_area(municipality)
    if not area.contains(latitude, longitude):
        return None
    latitude, longitude = round(float(latitude), 5), round(float(longitude), 5)  # about a metre: a cache that hits
    key = f"geocode-reverse:{latitude}:{longitude}"
    cached = cache.get(key)
    if cached is not None:
        return Place(**cached) if cached else None
    try:
        found = _client().reverse((latitude, longitude), exactly_one=True, language="el,en", zoom=18)
    except GeopyError as error:
        logger.warning("Geocoder unavailable: %r", error)
        raise GeocoderUnavailable from error
    except Exception as error:  # as in geocode(): garbage from a proxy is "unavailable"
        logger.warning("Reverse geocoder failed: %r", error)
        raise GeocoderUnavailable from error
    place = None
    if found is not None and found.address:
        place = Place(label=found.address, latitude=latitude, longitude=longitude)
    cache.set(key, asdict(place) if place else {}, CACHE_SECONDS)
    return place


def first_match(*, query: str, municipality: Municipality) -> Place | None:
    """The place a typed address stands for when nobody picks a candidate (no map, or an Open311 client): the first.

    Raises GeocoderUnavailable like geocode(); None when nothing in the municipality's area matches.
    """
    places = geocode(query=query, municipality=municipality)
    return places[0] if places else None


def as_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))
