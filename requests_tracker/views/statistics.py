"""The public statistics page of a municipality's citizen requests, and its figures as CSV."""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.selectors import municipality_get
from requests_tracker.selectors import statistics


@require_GET
def page(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    figures = statistics.requests_statistics(municipality=municipality)
    return render(
        request,
        "requests_tracker/statistics.html",
        {
            "municipality": municipality,
            **figures,
            "chart_width": statistics.CHART_WIDTH,
            "chart_height": statistics.CHART_HEIGHT,
        },
    )


@require_GET
def requests_csv(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    figures = statistics.requests_statistics(municipality=municipality)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{municipality.slug}-requests-statistics.csv"'
    response.write("\ufeff")  # a BOM, so that spreadsheet programs read the Greek names as UTF-8
    csv.writer(response).writerows(statistics.statistics_csv_rows(figures=figures))
    return response
