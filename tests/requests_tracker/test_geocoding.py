"""The geocoding client against a Nominatim stand-in over real HTTP (the client is never patched)."""

import pytest
from django.urls import reverse

from requests_tracker.geocoding import GeocoderUnavailable, geocode

pytestmark = pytest.mark.django_db


def test_candidates_in_greek_and_latin_bounded_to_the_municipality(geocoder, thessaloniki):
    greek = geocode(query="Ίωνος Δραγούμη 47", municipality=thessaloniki)
    latin = geocode(query="ionos dragoumi 47", municipality=thessaloniki)
    assert greek[0].label.startswith("47, Ίωνος Δραγούμη") and latin[0] == greek[0]
    sent = geocoder.requests[0]
    assert sent["params"]["bounded"] == "1" and sent["params"]["viewbox"]
    assert "DimosPortal" in sent["user_agent"]


def test_places_outside_the_area_are_not_offered(geocoder, thessaloniki):
    assert geocode(query="Κυδωνίας 29", municipality=thessaloniki) == []


def test_results_are_cached(geocoder, thessaloniki):
    geocode(query="Τσιμισκή", municipality=thessaloniki)
    geocode(query="τσιμισκή", municipality=thessaloniki)
    assert len(geocoder.requests) == 1


@pytest.mark.parametrize("failure", ["error", "hang"])
def test_a_geocoder_that_is_down_raises_unavailable(geocoder, thessaloniki, failure):
    geocoder.failure = failure
    with pytest.raises(GeocoderUnavailable):
        geocode(query="Εγνατία", municipality=thessaloniki)


def test_json_endpoint(client, geocoder, thessaloniki):
    url = reverse("requests_tracker:geocode_json", args=["thessaloniki"])
    data = client.get(url, {"q": "Εγνατία"}).json()
    assert data["results"][0]["lat"] == pytest.approx(40.6385)
    geocoder.failure = "error"
    response = client.get(url, {"q": "Μητροπόλεως"})
    assert response.status_code == 503 and response.json()["error"]
