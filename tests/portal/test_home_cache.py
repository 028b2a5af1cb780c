"""The home page's list of municipalities is cached per language and follows every change of a municipality."""

import pytest

from portal.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a change and what it leaves for the commit, as a committed transaction would (the test's never commits)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def test_a_repeated_home_page_costs_no_query(client, chania, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert "Δήμος Χανίων" in client.get("/").content.decode()


def test_each_language_has_its_own_cached_list(client, chania):
    assert "Δήμος Χανίων" in client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert "Municipality of Chania" in english and "Δήμος Χανίων" not in english


def test_an_edited_municipality_shows_at_once(client, chania, committed):
    client.get("/")
    client.get("/en/")
    chania.name_el, chania.name_en, chania.address = "Δήμος Χανίων Κρήτης", "Chania, Crete", "Κυδωνίας 29"
    committed(chania.save)
    greek = client.get("/").content.decode()
    assert "Δήμος Χανίων Κρήτης" in greek and "Κυδωνίας 29" in greek
    assert "Chania, Crete" in client.get("/en/").content.decode()


def test_a_municipality_added_or_removed_shows_at_once(client, chania, committed):
    client.get("/")
    committed(
        Municipality.objects.create,
        slug="volos",
        name_el="Δήμος Βόλου",
        name_en="Municipality of Volos",
        map_center_latitude="39.361",
        map_center_longitude="22.942",
    )
    assert "Δήμος Βόλου" in client.get("/").content.decode()
    committed(Municipality.objects.filter(slug="volos").delete)
    assert "Δήμος Βόλου" not in client.get("/").content.decode()
