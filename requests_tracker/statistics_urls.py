"""Under /dimos/<slug>/statistics/ (portal/urls.py includes it by name, so the core imports no feature app)."""

from django.urls import path, register_converter

from requests_tracker.views import statistics


class DownloadFormat:
    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DownloadFormat, "download_format")

app_name = "requests_statistics"
urlpatterns = [
    path("", statistics.page, name="page"),
    path("requests.csv", statistics.requests_csv, name="requests_csv"),
    path("requests.json", statistics.requests_json, name="requests_json"),
    path("requests-months.csv", statistics.requests_months_csv, name="requests_months_csv"),
    path("requests-months.json", statistics.requests_months_json, name="requests_months_json"),
    path("requests.geojson", statistics.requests_geojson, name="requests_geojson"),
    path("catalogue.jsonld", statistics.catalogue, name="catalogue"),
    path("staff/", statistics.staff_dashboard, name="dashboard"),
    path("<slug:key>.<download_format:extension>", statistics.section_download, name="section"),
]
