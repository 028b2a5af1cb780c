"""The citizen's own time zone: read from a cookie the browser sets (or the person chose), named in words.

Every page that shows a time to a citizen renders it in this zone on the server, so that days and times agree
with the person's own calendar even without JavaScript; Athens is the default when nothing is known. Clerks'
pages override it with their municipality's zone.
"""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import Locale, get_global
from babel.dates import get_timezone_location, get_timezone_name
from django.conf import settings
from django.utils import timezone, translation

COOKIE_NAME = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600  # seconds


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Every region zone the tz database has (a browser may report any of them), but UTC for the Etc/ ones.
    zones = {name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))}
    return frozenset(zones | {"UTC"})


@lru_cache(maxsize=1)
def _offered_zones() -> tuple[str, ...]:
    # The picker offers CLDR's canonical zones only (one per place: no "US/Pacific" beside America/Los_Angeles).
    canonical = set(get_global("zone_territories"))
    return tuple(sorted((canonical & _known_zones()) | {"UTC"}))


def zone_default() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_parse(value: str | None) -> ZoneInfo | None:
    """An IANA zone name (e.g. "America/Los_Angeles") as a ZoneInfo, or None if it is not one we offer."""
    if not value or value not in _known_zones():
        return None
    return ZoneInfo(value)


def zone_for_request(request) -> ZoneInfo:
    """The zone a person's browser reported or the person chose (the `tz` cookie); Athens otherwise."""
    return zone_parse(request.COOKIES.get(COOKIE_NAME)) or zone_default()


def _offset(zone: ZoneInfo, at: datetime) -> str:
    seconds = int(at.astimezone(zone).utcoffset().total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_label(zone: ZoneInfo, *, at: datetime | None = None, language: str | None = None) -> str:
    """The zone in words a citizen knows, with its offset at `at` (default now), in `language` (default active).

    E.g. «(UTC+02:00) Αθήνα — Ώρα Ανατολικής Ευρώπης», "(UTC-08:00) Los Angeles — Pacific Time": the
    offset first, as Windows and the myDimos.Live guide write it («(UTC+02:00) Athens, Bucharest»), then the
    city and the zone's common name from the Unicode CLDR (through Babel).
    """
    at = at or timezone.now()
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    offset = _offset(zone, at)
    if zone.key == "UTC":
        return f"({offset}) UTC"
    return f"({offset}) {_city(zone.key, language)} — {_zone_name(zone.key, language)}"


def _city(key: str, language: str) -> str:
    city = get_timezone_location(key, locale=language, return_city=True)
    return city.rsplit("/", 1)[-1].replace("_", " ")  # CLDR has no name for some: "Indiana/Indianapolis"


def _zone_name(key: str, language: str) -> str:
    # The zone's common name ("Ώρα Ανατολικής Ευρώπης"); where CLDR has none it falls back to a pattern with
    # brackets, so the country's name is shown instead.
    name = get_timezone_name(key, "long", locale=language)
    if "(" not in name and "[" not in name:
        return name
    territory = get_global("zone_territories").get(key, "")
    return Locale.parse(language).territories.get(territory, name)


@lru_cache(maxsize=8)
def _choices(language: str, day: str) -> tuple[tuple[str, str], ...]:
    at = datetime.fromisoformat(day)
    zones = [ZoneInfo(name) for name in _offered_zones()]
    labelled = [
        (zone.key, zone_label(zone, at=at, language=language), at.astimezone(zone).utcoffset()) for zone in zones
    ]
    labelled.sort(key=lambda item: (item[2], item[1]))
    seen: set[str] = set()
    unique = []
    for key, label, _offset in labelled:
        if label not in seen:  # two zones that read the same on that day: one entry is enough
            seen.add(label)
            unique.append((key, label))
    return tuple(unique)


def zone_choices(*, at: datetime | None = None, language: str | None = None) -> list[tuple[str, str]]:
    """Every offered zone as (IANA name, label), ordered west to east, for a picker; cached per language and day."""
    at = (at or timezone.now()).replace(minute=0, second=0, microsecond=0)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return list(_choices(language, at.date().isoformat() + "T12:00:00+00:00"))


class TimeZoneMiddleware:
    """Activates the person's zone for the request, so templates' date filters speak it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.time_zone = zone_for_request(request)
        with timezone.override(request.time_zone):
            return self.get_response(request)
