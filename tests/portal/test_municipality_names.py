"""A municipality's name in the case its Greek sentence needs: «του Δήμου Χανίων», «από τον Δήμο Χανίων»."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.models import Municipality

NO_ID = "00000000-0000-0000-0000-000000000000"
migration = importlib.import_module("portal.migrations.0004_municipality_name_cases")


def _render(template: str, context: dict, language: str = "el") -> str:
    with translation.override(language):
        return render_to_string(template, context)


def test_the_stored_forms_are_used_in_greek_and_the_name_in_english(chania):
    chania.name_genitive_el, chania.name_accusative_el = "Δήμου Χανίων", "Δήμο Χανίων"
    with translation.override("el"):
        assert (chania.name_genitive, chania.name_accusative) == ("Δήμου Χανίων", "Δήμο Χανίων")
    with translation.override("en"):
        assert (chania.name_genitive, chania.name_accusative) == ("Municipality of Chania",) * 2


def test_a_municipality_without_stored_forms_gets_them_from_its_name(db):
    kos = Municipality(name_el="Δήμος Κω", map_center_latitude=0, map_center_longitude=0)
    other = Municipality(name_el="Περιφέρεια Κρήτης", map_center_latitude=0, map_center_longitude=0)
    with translation.override("el"):
        assert (kos.name_genitive, kos.name_accusative) == ("Δήμου Κω", "Δήμο Κω")
        assert other.name_genitive == "Περιφέρεια Κρήτης"  # no rule: the name as it is, never a wrong guess


def test_the_migration_fills_the_demo_municipalities(chania, thessaloniki):
    migration.fill_name_cases(apps, None)
    chania.refresh_from_db()
    thessaloniki.refresh_from_db()
    assert (chania.name_genitive_el, chania.name_accusative_el) == ("Δήμου Χανίων", "Δήμο Χανίων")
    assert (thessaloniki.name_genitive_el, thessaloniki.name_accusative_el) == (
        "Δήμου Θεσσαλονίκης",
        "Δήμο Θεσσαλονίκης",
    )


def test_the_migration_keeps_forms_already_typed(chania):
    Municipality.objects.filter(pk=chania.pk).update(name_genitive_el="Δήμου Χανίων Κρήτης")
    migration.fill_name_cases(apps, None)
    chania.refresh_from_db()
    assert (chania.name_genitive_el, chania.name_accusative_el) == ("Δήμου Χανίων Κρήτης", "Δήμο Χανίων")


def test_newsletter_footer_says_tou_dimou_chanion(chania):
    newsletter = SimpleNamespace(municipality=chania)
    text = _render("accounts/email/newsletter.txt", {"newsletter": newsletter, "body": "", "unsubscribe_url": ""})
    assert "ενημερωτικό δελτίο του Δήμου Χανίων επειδή" in text
    assert "φορέα" not in text
    english = _render("accounts/email/newsletter.txt", {"newsletter": newsletter, "body": ""}, "en")
    assert "newsletter of the Municipality of Chania because" in english


def test_the_verification_e_mail_says_apo_ton_dimo_chanion(chania):
    case = SimpleNamespace(reference="ΤΑΥ-1", method="upload", get_method_display="ανέβασμα δικαιολογητικών")
    text = _render("identity_verification/email/submitted.txt", {"case": case, "municipality": chania})
    assert "για ταυτοποίηση από τον Δήμο Χανίων (ανέβασμα δικαιολογητικών)" in text


def test_the_application_form_says_tou_dimou_chanion(client, citizen, chania):
    case = SimpleNamespace(municipality=chania, public_id=NO_ID, reference="Τ-1")
    with translation.override("el"):
        html = render_to_string("identity_verification/application_form.html", {"case": case, "citizen": citizen})
    assert "ηλεκτρονικές υπηρεσίες του Δήμου Χανίων. Επισυνάπτω" in " ".join(html.split())
    assert "φορέα" not in html


def test_a_payment_request_says_o_dimos_chanion(chania):
    item = SimpleNamespace(municipality=chania, description="Αντίγραφο άδειας", public_id=NO_ID)
    text = _render("requests_tracker/email/payment_due.txt", {"item": item, "recipient": "Μαρία"})
    assert "Ο Δήμος Χανίων σας ζητά να πληρώσετε: Αντίγραφο άδειας." in text


def test_the_e_requests_page_says_apo_ton_dimo_chanion(client, chania):
    html = client.get(reverse("requests_tracker:erequest_types", args=["chania"])).content.decode()
    assert "βεβαιώσεις από τον Δήμο Χανίων." in " ".join(html.split())
    assert "τον Δήμος" not in html
