import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Municipality


def test_home_lists_municipalities_in_greek(client, chania, thessaloniki):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="el" data-time-zone="Europe/Athens">' in html
    assert "Επιλέξτε τον δήμο σας" in html
    assert "Δήμος Χανίων" in html and "Δήμος Θεσσαλονίκης" in html


def test_home_in_english_under_its_prefix(client, chania):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en" data-time-zone="Europe/Athens">' in html
    assert "Choose your municipality" in html
    assert "Municipality of Chania" in html


def test_choosing_a_municipality_leads_to_its_services(client, chania):
    response = client.get(reverse("portal:municipality_choose"), {"municipality": "chania"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ραντεβού" in page and "Αιτήματα πολιτών" in page and "Ο λογαριασμός μου" in page
    assert reverse("appointments:start", kwargs={"municipality_slug": "chania"}) in page


def test_choosing_nothing_returns_home(client, chania):
    response = client.get(reverse("portal:municipality_choose"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_unknown_municipality_is_a_friendly_404_in_both_languages(client, db):
    greek = client.get("/dimos/atlantis/")
    assert greek.status_code == 404
    assert "Η σελίδα δεν βρέθηκε" in greek.content.decode()
    english = client.get("/en/dimos/atlantis/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()


def test_the_privacy_policy_names_the_controller_and_the_citizens_rights(client, chania):
    page = client.get(reverse("portal:privacy")).content.decode()
    assert "<h1>Πολιτική απορρήτου</h1>" in page
    assert str(_("You can correct your details and delete your account at any time.")) in page
    assert str(_("Every decision a clerk takes on your case is recorded with who took it and when.")) in page


def test_the_accessibility_statement_names_the_standard_and_how_to_complain(client, chania):
    page = client.get(reverse("portal:accessibility")).content.decode()
    assert "WCAG" in page and "4591/2019" in page
    assert str(_("Tell us about a problem")) in page


def test_privacy_page_shows_each_municipalitys_policy(client, chania):
    chania.privacy_policy_el = "Ο Δήμος Χανίων επεξεργάζεται τα δεδομένα σας."
    chania.save()
    assert "Ο Δήμος Χανίων επεξεργάζεται" in client.get(reverse("portal:privacy")).content.decode()


def test_municipality_name_follows_language(chania):
    from django.utils import translation

    with translation.override("en"):
        assert chania.name == "Municipality of Chania"
    with translation.override("el"):
        assert chania.name == "Δήμος Χανίων"
    chania.name_en = ""
    with translation.override("en"):
        assert chania.name == "Δήμος Χανίων"


def test_municipality_names_are_unique_case_insensitively(chania):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Municipality.objects.create(
            slug="chania-2", name_el="ΔΉΜΟΣ ΧΑΝΊΩΝ".lower(), map_center_latitude=0, map_center_longitude=0
        )


def test_pages_say_the_service_is_unavailable_when_the_database_is_down(client, database_down):
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert "Η υπηρεσία δεν είναι προσωρινά διαθέσιμη" in response.content.decode()
    english = client.get("/en/")
    assert english.status_code == 503
    assert "Service temporarily unavailable" in english.content.decode()


def test_an_error_flash_is_announced_and_a_field_with_an_error_points_at_it(client, citizen):
    # The verification request form (crispy-forms): a wrong ΑΦΜ is marked invalid and described by its error.
    client.force_login(citizen)
    response = client.post(reverse("identity_verification:request"), {"afm": "123"}, follow=True)
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_afm_error"' in page and 'id="id_afm_error"' in page


def test_error_messages_are_alerts_and_others_are_statuses(rf, citizen):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = citizen
    context = {
        "messages": [Message(constants.ERROR, "κακό"), Message(constants.SUCCESS, "καλό")],
        "DEFAULT_MESSAGE_LEVELS": constants.DEFAULT_LEVELS,
    }
    page = render_to_string("base.html", context, request=request)
    assert 'role="alert">κακό<' in page
    assert 'role="status">καλό<' in page
