"""The public statistics page of a municipality (citizen requests, then each section the apps registered), its
downloads (CSV, JSON, GeoJSON, the DCAT-AP catalogue entry), and the staff dashboard."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.caching import MUNICIPALITIES_VERSION, anonymous_page, data_version
from portal.registry import deadline_sources, statistics_sections
from portal.selectors import municipality_get
from portal.statistics import (
    CACHE_SECONDS,
    LICENCE_URL,
    section_figures,
    section_get,
    statistics_version,
    table_csv,
    table_json,
)
from requests_tracker.forms.statistics import DashboardFiltersForm
from requests_tracker.selectors import dashboard, open_data, statistics
from requests_tracker.views.public import map_context

LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'


def _sections(municipality, filters=None) -> list[dict]:
    return [
        {"section": section, "figures": section_figures(section=section, municipality=municipality, filters=filters)}
        for section in statistics_sections()
    ]


def _chart_context() -> dict:
    return {"chart_width": statistics.CHART_WIDTH, "chart_height": statistics.CHART_HEIGHT}


@require_GET
def page(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """Anonymous visitors get the whole page from the cache (no query) until a refresh or a change of the
    municipalities moves its versions; everyone else the page with its body from the fragment cache."""
    versions = [statistics_version(municipality_slug), MUNICIPALITIES_VERSION]

    def build() -> HttpResponse:
        municipality = municipality_get(slug=municipality_slug)
        figures = statistics.requests_statistics(municipality=municipality)
        return render(
            request,
            "requests_tracker/statistics.html",
            {
                "municipality": municipality,
                **figures,
                **_chart_context(),
                "sections": _sections(municipality),
                "versions": [data_version(name) for name in versions],
                **map_context(municipality),
            },
        )

    return anonymous_page(
        request, key=f"statistics:{municipality_slug}", versions=versions, build=build, timeout=CACHE_SECONDS
    )


def _download(body: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = LICENCE_LINK  # the licence, for files that have no metadata of their own (CSV)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _requests_table_csv(municipality_slug: str, *, rows_of, name: str) -> HttpResponse:
    """One table of the requests' figures (`rows_of(figures=…)`: a header row, then rows) as CSV."""
    municipality = municipality_get(slug=municipality_slug)
    figures = statistics.requests_statistics(municipality=municipality)
    return _download(
        table_csv(rows_of(figures=figures)),
        content_type="text/csv; charset=utf-8",
        filename=f"{municipality.slug}-{name}.csv",
    )


def _requests_table_json(request: HttpRequest, municipality_slug: str, *, rows_of, name: str, title) -> HttpResponse:
    """The same table as JSON with its title, licence, publisher and the time its figures were computed."""
    municipality = municipality_get(slug=municipality_slug)
    figures = statistics.requests_statistics(municipality=municipality)
    body = table_json(
        rows_of(figures=figures),
        title=title,
        municipality=municipality,
        modified=figures.get("computed_at"),
        url=request.build_absolute_uri(),
    )
    return _download(body, content_type="application/json", filename=f"{municipality.slug}-{name}.json")


@require_GET
def requests_csv(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return _requests_table_csv(municipality_slug, rows_of=statistics.statistics_csv_rows, name="requests-statistics")


@require_GET
def requests_json(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return _requests_table_json(
        request,
        municipality_slug,
        rows_of=statistics.statistics_csv_rows,
        name="requests-statistics",
        title=_("Citizen requests in numbers"),
    )


@require_GET
def requests_months_csv(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return _requests_table_csv(municipality_slug, rows_of=statistics.months_rows, name="requests-months")


@require_GET
def requests_months_json(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return _requests_table_json(
        request,
        municipality_slug,
        rows_of=statistics.months_rows,
        name="requests-months",
        title=_("Citizen requests month by month"),
    )


@require_GET
def requests_geojson(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    document = open_data.requests_feature_collection(municipality=municipality)
    document["metadata"] = open_data.metadata(municipality=municipality, url=request.build_absolute_uri())
    return _download(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/geo+json",
        filename=f"{municipality.slug}-requests.geojson",
    )


@require_GET
def section_download(request: HttpRequest, municipality_slug: str, key: str, extension: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    section = section_get(key=key)
    if section is None:
        raise Http404
    figures = section_figures(section=section, municipality=municipality)
    rows = section.table(figures)
    filename = f"{municipality.slug}-{section.key}-statistics.{extension}"
    if extension == "csv":
        return _download(table_csv(rows), content_type="text/csv; charset=utf-8", filename=filename)
    body = table_json(
        rows,
        title=str(section.title),
        municipality=municipality,
        modified=figures.get("computed_at"),
        url=request.build_absolute_uri(),
    )
    return _download(body, content_type="application/json", filename=filename)


@require_GET
def catalogue(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    document = open_data.dcat_catalogue(
        municipality=municipality,
        absolute=request.build_absolute_uri,
        sections=statistics_sections(),
        modified=timezone.now(),
    )
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/ld+json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_GET
def staff_dashboard(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    if not dashboard.dashboard_allowed(user=request.user, municipality=municipality):
        raise PermissionDenied
    form = DashboardFiltersForm(request.GET or None, municipality=municipality)
    filters = form.filters()
    figures = statistics.requests_statistics(municipality=municipality, filters=filters)
    backlog = dashboard.department_backlog(municipality=municipality, filters=filters)
    deadlines = []
    for source in deadline_sources():
        list_url = source.url_for(request.user, municipality)
        items = source.items(request.user, municipality, None, filters)
        if list_url or items:  # only the work this person may act on, and links only to pages they may open
            deadlines.append({"source": source, "items": items, "list_url": list_url})
    return render(
        request,
        "requests_tracker/staff/dashboard.html",
        {
            "municipality": municipality,
            "form": form,
            **figures,
            **_chart_context(),
            "sections": _sections(municipality, filters),
            "deadlines": deadlines,
            "backlog": backlog,
            "backlog_chart": dashboard.backlog_chart(backlog),
            "requests_queue_url": dashboard.request_list_url(request.user, municipality),
            "public_url": reverse("requests_statistics:page", args=[municipality.slug]),
        },
    )
