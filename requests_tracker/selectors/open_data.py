"""Open data: the requests as GeoJSON without personal data, and the municipality's DCAT-AP catalogue entry.

No title, description, address, reporter or photo leaves here: a code, a category, a status, the dates, the
promised date and a location rounded to three decimals of a degree (about 110 m north–south, 85 m east–west).
"""

from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone

from portal.models import Municipality
from portal.statistics import LICENCE_NAME, LICENCE_URL
from requests_tracker.models import Request
from requests_tracker.selectors.citizen_requests import PUBLIC_STATUSES

LOCATION_STEP = Decimal("0.001")


def rounded(value: Decimal) -> float:
    return float(Decimal(value).quantize(LOCATION_STEP, rounding=ROUND_HALF_UP))


def metadata(*, municipality: Municipality, url: str) -> dict:
    return {
        "publisher": municipality.name,
        "license": LICENCE_URL,
        "license_name": LICENCE_NAME,
        "source": url,
        "modified": timezone.now(),
    }


def requests_feature_collection(*, municipality: Municipality) -> dict:
    """A GeoJSON FeatureCollection of the public requests (withdrawn ones left out), newest first; one query."""
    rows = (
        Request.objects.filter(municipality=municipality, status__in=PUBLIC_STATUSES)
        .order_by("-created_at", "pk")
        .values_list(
            "code",
            "category__name_el",
            "category__name_en",
            "status",
            "created_at",
            "closed_at",
            "due_date",
            "latitude",
            "longitude",
        )
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [rounded(longitude), rounded(latitude)]},
            "properties": {
                "code": code,
                "category": category_el,
                "category_en": category_en or category_el,
                "status": status,
                "filed_at": created_at,
                "closed_at": closed_at,
                "expected_by": due_date,
            },
        }
        for (code, category_el, category_en, status, created_at, closed_at, due_date, latitude, longitude) in (
            rows.iterator(chunk_size=5000)
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def dcat_catalogue(
    *, municipality: Municipality, absolute: Callable[[str], str], sections: list, modified: datetime
) -> dict:
    """The municipality's DCAT-AP entry as JSON-LD: a dcat:Catalog with one dcat:Dataset (its service-level
    statistics) whose dcat:Distributions are each download, with licence (CC BY 4.0), publisher and media type."""
    slug = municipality.slug
    page = absolute(reverse("requests_statistics:page", args=[slug]))

    def url(name: str, **kwargs) -> str:
        return absolute(reverse(f"requests_statistics:{name}", kwargs={"municipality_slug": slug, **kwargs}))

    files = [
        ("requests.csv", url("requests_csv"), "text/csv", "CSV"),
        ("requests.json", url("requests_json"), "application/json", "JSON"),
        ("requests-months.csv", url("requests_months_csv"), "text/csv", "CSV"),
        ("requests-months.json", url("requests_months_json"), "application/json", "JSON"),
        ("requests.geojson", url("requests_geojson"), "application/geo+json", "GeoJSON"),
    ]
    for section in sections:
        files.append((f"{section.key}.csv", url("section", key=section.key, extension="csv"), "text/csv", "CSV"))
        files.append(
            (f"{section.key}.json", url("section", key=section.key, extension="json"), "application/json", "JSON")
        )
    # Each language's entry names the municipality in that language (the English name, else the Greek one), whatever
    # the language of the request that asked for the catalogue.
    name_el, name_en = municipality.name_el, municipality.name_en or municipality.name_el
    publisher = {"@type": "foaf:Agent", "foaf:name": name_el}
    licence = {"@id": LICENCE_URL}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": absolute(reverse("requests_statistics:catalogue", args=[slug])),
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "el", "@value": f"Ανοικτά δεδομένα εξυπηρέτησης · {name_el}"},
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:modified": {"@type": "xsd:dateTime", "@value": modified.isoformat()},
        "dcat:dataset": [
            {
                "@id": page + "#dataset",
                "@type": "dcat:Dataset",
                "dct:title": [
                    {"@language": "el", "@value": f"Η εξυπηρέτηση σε αριθμούς · {name_el}"},
                    {"@language": "en", "@value": f"Service levels in numbers · {name_en}"},
                ],
                "dct:description": [
                    {
                        "@language": "el",
                        "@value": "Αιτήματα πολιτών, ραντεβού, ηλεκτρονικές αιτήσεις και ταυτοποιήσεις: "
                        "χρόνοι απάντησης και πλήθη, χωρίς προσωπικά δεδομένα.",
                    },
                    {
                        "@language": "en",
                        "@value": "Citizen requests, appointments, e-requests and identity verification: "
                        "response times and counts, without personal data.",
                    },
                ],
                "dct:publisher": publisher,
                "dct:license": licence,
                "dct:modified": {"@type": "xsd:dateTime", "@value": modified.isoformat()},
                "dcat:landingPage": {"@id": page},
                "dcat:distribution": [
                    {
                        "@id": download,
                        "@type": "dcat:Distribution",
                        "dct:title": name,
                        "dcat:accessURL": {"@id": page},
                        "dcat:downloadURL": {"@id": download},
                        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
                        "dct:format": file_format,
                        "dct:license": licence,
                        "dct:modified": {"@type": "xsd:dateTime", "@value": modified.isoformat()},
                    }
                    for name, download, media_type, file_format in files
                ],
            }
        ],
    }
