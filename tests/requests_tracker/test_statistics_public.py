"""The public statistics page and its downloads as a new user found them (issue 16): empty states instead of an
empty chart and table, missing numbers as JSON null, the month-by-month figures as their own download (and in the
DCAT catalogue), each catalogue language naming the municipality in that language, the time the figures were
computed, and the Greek wording."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from requests_tracker import services
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db

FILED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 10:00 in Thessaloniki (EET)


@pytest.fixture(autouse=True)
def cold_cache():
    cache.clear()


@pytest.fixture
def filed(reporter, categories, clerk):
    """Two potholes on 2 March (one closed on 5 March), one bin on 1 April (never closed)."""
    with time_machine.travel(FILED):
        first = make_request(reporter, categories["potholes"])
        make_request(reporter, categories["potholes"])
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)):
        services.status_change(citizen_request=first, to_status="closed", clerk=clerk, resolution="resolved")
    with time_machine.travel(datetime(2026, 4, 1, 8, 0, tzinfo=UTC)):
        make_request(reporter, categories["bins"])
    return first


def test_a_municipality_without_requests_says_so_instead_of_an_empty_chart_and_table(chania):
    page = Client().get("/dimos/chania/statistics/").content.decode()
    assert '<p id="months-empty">Δεν υπάρχουν ακόμη αιτήματα.</p>' in page
    assert 'id="months-chart"' not in page and 'id="months-table"' not in page
    english = Client().get("/en/dimos/chania/statistics/").content.decode()
    assert '<p id="months-empty">No requests yet.</p>' in english


def test_missing_numbers_are_null_in_the_json_and_empty_in_the_csv(filed):
    with time_machine.travel(datetime(2026, 4, 2, 8, 0, tzinfo=UTC)):
        document = json.loads(Client().get("/dimos/thessaloniki/statistics/requests.json").content)
        text = Client().get("/dimos/thessaloniki/statistics/requests.csv").content.decode("utf-8-sig")
    bins = next(row for row in document["rows"] if row["category"] == "Κάδοι απορριμμάτων")
    assert bins["closing_median_working_days"] is None and bins["closed_within_target_share"] is None
    assert "" not in bins.values()
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert rows["Κάδοι απορριμμάτων"][5] == ""


def test_the_month_by_month_figures_are_their_own_download_equal_to_a_hand_count(filed):
    with time_machine.travel(datetime(2026, 4, 2, 8, 0, tzinfo=UTC)):
        page = Client().get("/dimos/thessaloniki/statistics/").content.decode()
        response = Client().get("/dimos/thessaloniki/statistics/requests-months.csv")
        document = json.loads(Client().get("/dimos/thessaloniki/statistics/requests-months.json").content)
    assert 'href="/dimos/thessaloniki/statistics/requests-months.csv"' in page
    assert response["Content-Disposition"] == 'attachment; filename="thessaloniki-requests-months.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["month", "filed", "closed", "closing_median_working_days"]
    assert [row[:3] for row in rows[1:]] == [["2026-03", "2", "1"], ["2026-04", "1", "0"]]
    assert rows[1][3] == "3.0" and rows[2][3] == ""  # closed after 3 working days; nothing closed in April
    assert document["rows"] == [
        {"month": "2026-03", "filed": 2, "closed": 1, "closing_median_working_days": 3},
        {"month": "2026-04", "filed": 1, "closed": 0, "closing_median_working_days": None},
    ]
    assert document["title"] == "Τα αιτήματα πολιτών ανά μήνα"


def test_the_catalogue_lists_the_months_and_names_the_municipality_in_each_language(thessaloniki):
    catalogue = json.loads(Client().get("/en/dimos/thessaloniki/statistics/catalogue.jsonld").content)
    (dataset,) = catalogue["dcat:dataset"]
    titles = {title["@language"]: title["@value"] for title in dataset["dct:title"]}
    assert titles == {
        "el": "Η εξυπηρέτηση σε αριθμούς · Δήμος Θεσσαλονίκης",
        "en": "Service levels in numbers · Municipality of Thessaloniki",
    }
    downloads = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
    for name in ("requests-months.csv", "requests-months.json"):
        url = f"http://testserver/en/dimos/thessaloniki/statistics/{name}"  # in the catalogue's language
        assert url in downloads and Client().get(url).status_code == 200
    # Without an English name, the English entry keeps the Greek one rather than nothing.
    thessaloniki.name_en = ""
    thessaloniki.save()
    catalogue = json.loads(Client().get("/en/dimos/thessaloniki/statistics/catalogue.jsonld").content)
    english = next(t for t in catalogue["dcat:dataset"][0]["dct:title"] if t["@language"] == "en")
    assert english["@value"] == "Service levels in numbers · Δήμος Θεσσαλονίκης"


def test_the_page_says_when_its_figures_were_computed_in_24_hour_time(filed):
    with time_machine.travel(datetime(2026, 4, 2, 13, 5, tzinfo=UTC)):  # 16:05 in Thessaloniki (EEST)
        greek = Client().get("/dimos/thessaloniki/statistics/").content.decode()
    with time_machine.travel(datetime(2026, 4, 2, 13, 20, tzinfo=UTC)):  # from the cache: the same moment
        english = Client().get("/en/dimos/thessaloniki/statistics/").content.decode()
    assert "Τελευταία ενημέρωση: 2 Απριλίου 2026, 16:05" in greek
    assert "Last updated: 2 April 2026, 16:05" in english


def test_the_greek_wording_of_the_statistics(filed, thessaloniki):
    card = Client().get("/dimos/thessaloniki/").content.decode()
    page = Client().get("/dimos/thessaloniki/statistics/").content.decode()
    assert "Η εξυπηρέτηση σε αριθμούς" in card
    assert '<h1 class="mb-3">Η εξυπηρέτηση σε αριθμούς</h1>' in page
    assert "<title>Η εξυπηρέτηση σε αριθμούς · Δήμος Θεσσαλονίκης" in page
    assert '<th scope="col">Ανοιχτά</th><th scope="col">Κλειστά</th>' in page
    assert ">Κλειστά αιτήματα</dt>" in page
    assert '<th scope="col">Ακυρωμένα</th>' in page and '<th scope="col">Απαντημένα</th>' in page
    assert "{#" not in page and "{%" not in page  # no template text printed as the page's own
    # «Ανοιχτά» for what is open; «ανοικτά δεδομένα», the fixed term, for open data, and only there.
    catalogue = (Path(settings.BASE_DIR) / "locale/el/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    lines = [line for line in catalogue.splitlines() if not line.startswith("#")]  # no obsolete entries
    translations = "\n".join(lines).replace('"\n"', "")  # a wrapped string joined again
    for match in re.finditer(r"ανοικτ\w*\s+(\w+)", translations, re.IGNORECASE):
        assert match.group(1).lower().startswith("δεδομέν"), match.group(0)
    assert not re.search(r"ανοιχτ\w*\s+δεδομέν", translations, re.IGNORECASE)


def test_no_json_download_writes_a_missing_number_as_an_empty_string(filed):
    catalogue = json.loads(Client().get("/dimos/thessaloniki/statistics/catalogue.jsonld").content)
    urls = [
        d["dcat:downloadURL"]["@id"]
        for d in catalogue["dcat:dataset"][0]["dcat:distribution"]
        if d["dct:format"] == "JSON"
    ]
    assert len(urls) >= 5
    for url in urls:
        rows = json.loads(Client().get(url).content)["rows"]
        assert all("" not in row.values() for row in rows), url
