"""What every app's statistics share: the percentile aggregate, the staff dashboard's filters, the per-municipality
cache of the registered sections (refreshed by the beat task `portal.tasks.statistics_refresh`), and the open-data
licence and file formats of the downloads."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Aggregate, FloatField

from portal.caching import data_changed
from portal.registry import StatisticsSection, statistics_sections

CACHE_SECONDS = 3600
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(p) WITHIN GROUP (ORDER BY …): the continuous percentile, NULLs ignored."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


@dataclass(frozen=True)
class StatisticsFilters:
    """The staff dashboard's choice: a department and a category (ids, or None for all) and the days of filing
    (local dates, both included, or None for no bound)."""

    department_id: int | None = None
    category_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def statistics_version(slug: str) -> str:
    """The name of the data version of a municipality's public statistics page (by slug: the page's cached copy is
    found without reading the municipality), moved by every refresh of its figures."""
    return f"statistics:{slug}"


def statistics_changed(*, municipality) -> None:
    """New figures are in the cache: the page's cached copies are out of date. At once, since the cache was written
    at once (the beat task runs outside a transaction; a caller inside one moves it again on commit)."""
    data_changed(statistics_version(municipality.slug), at_once=True)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as «—», an empty CSV cell, JSON null)."""
    return part / whole if whole else None


def _cache_key(section: StatisticsSection, municipality) -> str:
    return f"statistics:{section.key}:{municipality.pk}"


def section_figures(*, section: StatisticsSection, municipality, filters: StatisticsFilters | None = None) -> dict:
    """The section's figures: from the cache on the public page (computed on a cold cache), fresh when filtered."""
    if filters is not None:
        return section.compute(municipality, filters)
    figures = cache.get(_cache_key(section, municipality))
    if figures is None:
        figures = section_refresh(section=section, municipality=municipality)
    return figures


def section_refresh(*, section: StatisticsSection, municipality) -> dict:
    """Recompute one section of one municipality into the cache, and move the page's version; returns the figures."""
    figures = section.compute(municipality, None)
    cache.set(_cache_key(section, municipality), figures, CACHE_SECONDS * 2)
    statistics_changed(municipality=municipality)
    return figures


def sections_refresh(*, municipality) -> int:
    """Recompute every registered section of one municipality into the cache; returns how many."""
    sections = statistics_sections()
    for section in sections:
        section_refresh(section=section, municipality=municipality)
    return len(sections)


def section_get(*, key: str) -> StatisticsSection | None:
    return next((section for section in statistics_sections() if section.key == key), None)


def _cell(value, *, missing=""):
    if value is None:
        return missing
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def table_csv(rows: list[list]) -> str:
    """The rows (header first) as CSV text, a missing figure (None) as an empty cell; a BOM first, so that
    spreadsheet programs read Greek as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows([[_cell(value) for value in row] for row in rows])
    return out.getvalue()


def table_json(rows: list[list], *, title: str, municipality, modified: datetime | None, url: str) -> str:
    """The rows as JSON objects (the header's names as keys) with the licence, publisher and source alongside; a
    missing figure (None: nothing to count yet) is `null`, never an empty string."""
    header, *body = rows or [[]]
    document = {
        "title": title,
        "publisher": municipality.name,
        "license": LICENCE_URL,
        "license_name": LICENCE_NAME,
        "source": url,
        "modified": modified,
        "rows": [dict(zip(header, (_cell(value, missing=None) for value in row), strict=False)) for row in body],
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
