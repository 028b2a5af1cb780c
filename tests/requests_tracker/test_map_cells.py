"""The map's kept cells (MapCell, maintained by database triggers) are always exactly the requests, and the map's
clusters from them are the clusters the grouping of the requests gives."""

import math
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_tracker import services
from requests_tracker.models import MAP_CELL_ZOOMS, MapCell, Request, map_cell_degrees
from requests_tracker.selectors import citizen_requests as selectors
from tests.requests_tracker.fixtures import CENTRE, make_request

pytestmark = pytest.mark.django_db


def _cells_of_requests() -> Counter:
    """What the cells should hold, computed from the requests in Python: (municipality, zoom, row, col, status,
    category) -> (count, latitude sum, longitude sum, id sum)."""
    expected = Counter()
    sums = {}
    for row in Request.objects.values("pk", "municipality_id", "category_id", "status", "latitude", "longitude"):
        for zoom in MAP_CELL_ZOOMS:
            key = (
                row["municipality_id"],
                zoom,
                math.floor(float(row["latitude"]) / map_cell_degrees(zoom)),
                math.floor(float(row["longitude"]) / map_cell_degrees(zoom)),
                row["status"],
                row["category_id"],
            )
            expected[key] += 1
            latitude, longitude, ids = sums.get(key, (Decimal(0), Decimal(0), Decimal(0)))
            sums[key] = (latitude + row["latitude"], longitude + row["longitude"], ids + row["pk"])
    return {key: (count, *sums[key]) for key, count in expected.items()}


def _cells_kept() -> dict:
    return {
        (cell.municipality_id, cell.zoom, cell.row, cell.col, cell.status, cell.category_id): (
            cell.count,
            cell.latitude_sum,
            cell.longitude_sum,
            cell.id_sum,
        )
        for cell in MapCell.objects.filter(count__gt=0)
    }


def test_the_cells_follow_every_kind_of_change(reporter, neighbour, clerk, categories):
    assert _cells_kept() == {}
    first = make_request(reporter, categories["potholes"])
    second = make_request(reporter, categories["potholes"], latitude=CENTRE[0] + Decimal("0.01"))
    third = make_request(neighbour, categories["other"], longitude=CENTRE[1] - Decimal("0.02"))
    assert _cells_kept() == _cells_of_requests()
    assert sum(count for count, _lat, _lng, _ids in _cells_kept().values()) == 3 * len(MAP_CELL_ZOOMS)

    services.status_change(citizen_request=first, to_status="acknowledged", clerk=clerk)
    services.category_change(citizen_request=second, category=categories["bins"], clerk=clerk)
    services.request_withdraw(citizen_request=third, user=neighbour)
    services.vote_add(citizen_request=first, citizen=neighbour)  # moves nothing on the map
    Request.objects.filter(pk=second.pk).update(latitude=F("latitude") + Decimal("0.5"))  # as an edit would
    assert _cells_kept() == _cells_of_requests()

    # A bulk change of many rows in one statement, then deletions.
    Request.objects.update(status="in_progress")
    assert _cells_kept() == _cells_of_requests()
    Request.objects.filter(pk=first.pk).delete()
    assert _cells_kept() == _cells_of_requests()
    Request.objects.all().delete()
    assert _cells_kept() == {}


def _aligned(bbox, cell):
    tile = cell * 4
    south, west, north, east = bbox
    return (
        math.floor(south / tile) * tile,
        math.floor(west / tile) * tile,
        math.ceil(north / tile) * tile,
        math.ceil(east / tile) * tile,
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "open"},
        {"status": "closed"},
        {"categories": "potholes"},
        {"status": "registered", "categories": "bins"},
    ],
    ids=["all", "open", "closed", "category", "status and category"],
)
def test_the_kept_cells_give_the_clusters_of_the_grouped_requests(reporter, clerk, categories, filters):
    generator = random.Random(17)  # a fixed scatter: dense clusters in the centre, single pins further out
    chosen = [categories["potholes"], categories["other"], categories["bins"]]
    filed = []
    for index in range(120):
        spread = Decimal("0.004") if index % 3 else Decimal("0.08")
        filed.append(
            make_request(
                reporter,
                generator.choice(chosen),
                title=f"Πρόβλημα {index}",
                latitude=CENTRE[0] + spread * Decimal(generator.uniform(-1, 1)).quantize(Decimal("0.000001")),
                longitude=CENTRE[1] + spread * Decimal(generator.uniform(-1, 1)).quantize(Decimal("0.000001")),
            )
        )
    for citizen_request in filed[::4]:
        services.status_change(citizen_request=citizen_request, to_status="closed", clerk=clerk, resolution="resolved")
    for citizen_request in filed[1::8]:
        services.request_withdraw(citizen_request=citizen_request, user=reporter)
    municipality = categories["potholes"].municipality
    query = {**filters}
    if "categories" in filters:
        query["categories"] = [categories[filters["categories"]].pk]
    list_filters = selectors.ListFilters(**query)
    for zoom, kept_zoom in ((10, 16), (12, 16), (13, 16), (15, 16), (16, 16), (13, 18), (17, 18), (18, 18)):
        cell = selectors._cell_size(zoom)
        bbox = _aligned((40.5, 22.8, 40.8, 23.1), cell)
        kept = selectors._map_cells_kept(
            municipality=municipality, filters=list_filters, bbox=bbox, cell=cell, kept_zoom=kept_zoom
        )
        grouped = selectors._map_cells_grouped(
            municipality=municipality, filters=list_filters, user=None, bbox=bbox, cell=cell
        )
        assert kept, zoom
        by_cell = {(pin["row"], pin["col"]): pin for pin in grouped}
        assert sorted(by_cell) == sorted((pin["row"], pin["col"]) for pin in kept), zoom
        for pin in kept:
            other = by_cell[(pin["row"], pin["col"])]
            # The centres differ at most in the last decimal: an exact sum against PostgreSQL's float average.
            assert abs(pin.pop("lat") - other.pop("lat")) <= 1.5e-6
            assert abs(pin.pop("lng") - other.pop("lng")) <= 1.5e-6
            assert pin == other, zoom
        assert any("code" in pin for pin in kept) or zoom <= 12


@pytest.mark.parametrize("zoom", [13, 17, 18])
def test_the_map_groups_the_kept_cells_up_to_a_street_zoom(client, reporter, categories, zoom):
    make_request(reporter, categories["potholes"])
    with CaptureQueriesContext(connection) as queries:
        pins = client.get(
            reverse("requests_tracker:map_json", args=["thessaloniki"]), {"bbox": "40.5,22.8,40.8,23.1", "zoom": zoom}
        ).json()["pins"]
    assert [pin["count"] for pin in pins] == [1] and pins[0]["title"] == "Λακκούβα στην Τσιμισκή"
    grouped = [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]
    assert grouped and all('FROM "requests_tracker_mapcell"' in sql for sql in grouped)
