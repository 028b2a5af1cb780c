"""The portal's URLs plus `/bench/floor`: the cheapest Django response that still touches the database."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal import urls as portal_urls


def floor_view(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor_view, name="bench_floor"), *portal_urls.urlpatterns]

handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
