"""Under /dimos/<slug>/statistics/ (portal/urls.py includes it by name, so the core imports no feature app)."""

from django.urls import path

from requests_tracker.views import statistics

app_name = "requests_statistics"
urlpatterns = [
    path("", statistics.page, name="page"),
    path("requests.csv", statistics.requests_csv, name="requests_csv"),
]
