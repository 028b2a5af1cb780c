"""The public list as Improve My City users expect it: Greek-aware search and sort, the workflow's status order."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from requests_tracker import services
from requests_tracker.models import Request
from tests.requests_tracker.fixtures import make_request


def _titles(client, **query) -> list[str]:
    response = client.get(reverse("requests_tracker:start", args=["thessaloniki"]), query)
    assert response.status_code == 200
    return [row.title for row in response.context["page"]]


@pytest.fixture
def potholes(reporter, categories):
    make_request(reporter, categories["potholes"], title="Λακκούβα στην Τσιμισκή", description="Βαθιά.")
    make_request(reporter, categories["potholes"], title="Σπασμένο πεζοδρόμιο", description="Και μια λακκούβα δίπλα.")
    make_request(reporter, categories["bins"], title="Ξεχειλισμένος κάδος", description="Δεν άδειασε.")


@pytest.mark.parametrize("typed", ["λακκούβα", "ΛΑΚΚΟΥΒΑ", "λακκουβα", "Λακκουβα", "ΛΑΚΚΟΎΒΑ"])
def test_search_ignores_accents_and_case_in_title_and_description(client, potholes, typed):
    assert sorted(_titles(client, q=typed)) == ["Λακκούβα στην Τσιμισκή", "Σπασμένο πεζοδρόμιο"]


def test_search_treats_final_sigma_as_sigma(client, reporter, categories):
    make_request(reporter, categories["potholes"], title="Κατεστραμμένος δρόμος", description="Χωρίς άσφαλτο.")
    assert _titles(client, q="ΚΑΤΕΣΤΡΑΜΜΕΝΟΣ ΔΡΟΜΟΣ") == ["Κατεστραμμένος δρόμος"]
    assert _titles(client, q="δρομοσ") == ["Κατεστραμμένος δρόμος"]


def test_search_finds_a_code_and_treats_like_wildcards_as_text(client, potholes):
    code = Request.objects.get(title="Ξεχειλισμένος κάδος").code
    assert _titles(client, q=code.lower()) == ["Ξεχειλισμένος κάδος"]
    assert _titles(client, q="%") == []
    assert _titles(client, q="_") == []


def test_the_search_is_served_by_the_trigram_index(potholes):
    from requests_tracker.selectors import text_search

    queryset = text_search(Request.objects.all(), "ΛΑΚΚΟΥΒΑ")
    with connection.cursor() as cursor:
        # Three rows: a sequential or plain index scan would win; without them the planner shows the index it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "requests_search_trgm_idx" in plan


def test_title_sort_is_greek_alphabetical_whatever_the_database_collation(client, reporter, categories):
    for title in ["Όχημα εγκαταλελειμμένο", "Απότιστο παρτέρι", "βλάβη φανοστάτη", "Ζημιά σε παγκάκι", "ωραίο δέντρο"]:
        make_request(reporter, categories["potholes"], title=title)
    expected = ["Απότιστο παρτέρι", "βλάβη φανοστάτη", "Ζημιά σε παγκάκι", "Όχημα εγκαταλελειμμένο", "ωραίο δέντρο"]
    assert _titles(client, sort="title") == expected
    assert _titles(client, sort="-title") == expected[::-1]


@pytest.fixture
def one_of_each_status(reporter, categories, clerk):
    made = {}
    for status in ["closed", "registered", "in_progress", "acknowledged"]:
        citizen_request = make_request(reporter, categories["potholes"], title=status)
        path = Request.WORKFLOW[1 : Request.WORKFLOW.index(status) + 1]
        for step in path:
            citizen_request = services.status_change(
                citizen_request=citizen_request,
                to_status=step,
                clerk=clerk,
                resolution="resolved" if step == "closed" else "",
            )
        made[status] = citizen_request
    return made


def test_status_sort_follows_the_workflow(client, one_of_each_status):
    assert _titles(client, sort="status") == ["registered", "acknowledged", "in_progress", "closed"]
    assert _titles(client, sort="-status") == ["closed", "in_progress", "acknowledged", "registered"]


def test_the_status_after_registered_has_the_guides_word():
    with translation.override("el"):
        assert str(Request.Status.REGISTERED.label) == "Καταχωρίστηκε"
        assert str(Request.Status.ACKNOWLEDGED.label) == "Γνωστοποιήθηκε"


def test_search_keeps_the_list_at_its_query_count(client, potholes):
    url = reverse("requests_tracker:start", args=["thessaloniki"])
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    cache.clear()  # both cold: the first page cached the filters' categories
    with CaptureQueriesContext(connection) as searched:
        client.get(url, {"q": "ΛΑΚΚΟΥΒΑ"})
    assert len(searched) == len(plain)
