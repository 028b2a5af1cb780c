import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from portal.models import Department, Municipality

pytest_plugins = ["tests.browser.fixtures", "tests.personas", "tests.objectstore"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; one test's attempts must not count against the next.
    cache.clear()


@pytest.fixture(autouse=True)
def _no_outside_geocoder(settings):
    # Tests never reach the Internet: unless a test starts the stand-in geocoder, address lookups go to a closed local
    # port and fail at once, as an outage would (the portal answers «address search unavailable»).
    settings.GEOCODER_URL = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves its language active in the thread; each test starts from the portal's default.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def chania(db) -> Municipality:
    municipality = Municipality.objects.create(
        slug="chania",
        name_el="Δήμος Χανίων",
        name_en="Municipality of Chania",
        map_center_latitude="35.513828",
        map_center_longitude="24.018038",
        contact_email="info@chania.example.gr",
    )
    Department.objects.create(municipality=municipality, name_el="Υπηρεσία Δόμησης", name_en="Building Service")
    return municipality


@pytest.fixture
def thessaloniki(db) -> Municipality:
    return Municipality.objects.create(
        slug="thessaloniki",
        name_el="Δήμος Θεσσαλονίκης",
        name_en="Municipality of Thessaloniki",
        map_center_latitude="40.629269",
        map_center_longitude="22.947412",
    )


@pytest.fixture
def database_down(transactional_db):
    """Point the default connection at a closed port for the duration of a test."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)
