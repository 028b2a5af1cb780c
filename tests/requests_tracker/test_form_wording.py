"""The words of the request list and form say what the page does: the search reaches descriptions too, and the
marker is grey until placed."""

import pytest
from django.urls import reverse

from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db


def test_the_search_label_names_what_the_search_matches(client, reporter, categories):
    make_request(reporter, categories["potholes"], title="Πρόβλημα στον δρόμο", description="Σπασμένο φρεάτιο.")
    page = client.get(reverse("requests_tracker:start", args=["thessaloniki"]), {"q": "φρεάτιο"}).content.decode()
    assert "Αναζήτηση σε τίτλους και περιγραφές" in page and "Αναζήτηση στους τίτλους" not in page
    assert "Πρόβλημα στον δρόμο" in page  # found by its description alone


def test_the_map_help_describes_the_marker_as_it_looks(client, reporter, categories):
    client.force_login(reporter)
    page = client.get(reverse("requests_tracker:create", args=["thessaloniki"])).content.decode()
    assert "Σύρετε τον δείκτη (γκρίζος μέχρι να τον τοποθετήσετε)" in page and "κόκκινο" not in page
