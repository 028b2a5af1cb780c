from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.selectors import municipality_get


def start(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    # The booking flow arrives with the appointments issue; until then the page says so.
    municipality = municipality_get(slug=municipality_slug)
    return render(request, "appointments/start.html", {"municipality": municipality})
