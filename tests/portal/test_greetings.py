"""One greeting for every e-mail to a person, with the first name in the vocative, and dates as pages write them."""

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from portal.greetings import first_name, greeting, vocative

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(
    ("nominative", "expected"),
    [
        # -ος of two syllables, or stressed on the penult: -ο
        ("Γιώργος", "Γιώργο"),
        ("Νίκος", "Νίκο"),
        ("Σπύρος", "Σπύρο"),
        ("Παύλος", "Παύλο"),
        ("Κυριάκος", "Κυριάκο"),
        ("Στέλιος", "Στέλιο"),  # synizesis: two syllables in speech
        # -ος of more than two syllables stressed on the antepenult: -ε
        ("Αλέξανδρος", "Αλέξανδρε"),
        ("Θεόδωρος", "Θεόδωρε"),
        ("Χριστόφορος", "Χριστόφορε"),
        ("Νικόλαος", "Νικόλαε"),
        ("Ευάγγελος", "Ευάγγελε"),
        # -ης → -η, -ας → -α, the accent kept
        ("Παναγιώτης", "Παναγιώτη"),
        ("Γιάννης", "Γιάννη"),
        ("Κώστας", "Κώστα"),
        ("Λουκάς", "Λουκά"),
        ("Ηλίας", "Ηλία"),
        # feminine names, and anything else, unchanged
        ("Μαρία", "Μαρία"),
        ("Ελένη", "Ελένη"),
        ("Δέσποινα", "Δέσποινα"),
        ("Giorgos", "Giorgos"),
        # capitals and double names
        ("ΝΙΚΟΣ", "ΝΙΚΟ"),
        ("Γιώργος-Νικόλαος", "Γιώργο-Νικόλαε"),
    ],
)
def test_the_vocative_of_greek_first_names(nominative, expected):
    assert vocative(nominative) == expected


def test_the_greeting_uses_the_first_name_in_the_readers_language():
    user = SimpleNamespace(full_name="Γιώργος Παπαδόπουλος")
    with translation.override("el"):
        assert greeting(user) == "Γεια σας, Γιώργο,"
        assert greeting("Μαρία Κ.") == "Γεια σας, Μαρία,"
        assert greeting(SimpleNamespace(full_name="")) == "Γεια σας,"
        assert greeting(None) == "Γεια σας,"
    with translation.override("en"):
        assert greeting(SimpleNamespace(full_name="Giorgos Papadopoulos")) == "Dear Giorgos,"
        assert greeting("Γιώργος Παπαδόπουλος") == "Dear Γιώργος,"  # no Greek case outside Greek
        assert greeting("") == "Hello,"
    assert first_name("  Νίκος   Νικολάου ") == "Νίκος"


def _email_bodies():
    for path in sorted(TEMPLATES.rglob("*.txt")):
        if "email" in path.parts and not path.name.endswith("_subject.txt"):
            yield path.relative_to(TEMPLATES), path.read_text(encoding="utf-8")


def test_every_email_greets_through_the_one_greeting():
    for path, text in _email_bodies():
        assert "Dear {{" not in text and '"Hello' not in text and "Hello {{" not in text, path
    greeted = [path for path, text in _email_bodies() if "{% email_greeting" in text]
    assert len(greeted) == 19  # every e-mail to a citizen; those to departments and clerks greet nobody


def test_no_email_writes_dates_as_numbers():
    for path in sorted(TEMPLATES.rglob("*.txt")):
        if "email" in path.parts:
            text = path.read_text(encoding="utf-8")
            for numeric in ('"d-m-Y"', '"j/n/Y', '"DATETIME_FORMAT"', '"SHORT_DATE_FORMAT"', '"d/m/Y'):
                assert numeric not in text, (path, numeric)


def _request_context(recipient):
    municipality = SimpleNamespace(slug="thessaloniki")
    citizen_request = SimpleNamespace(
        code="THE-2026-00042", title="Λακκούβα", due_date=date(2026, 12, 14), municipality=municipality
    )
    return {"recipient": recipient, "citizen_request": citizen_request, "site_url": "https://portal.example.gr"}


def test_a_request_email_greets_in_the_vocative_and_writes_the_date_as_the_page_does():
    recipient = SimpleNamespace(full_name="Γιώργος Παπαδόπουλος", username="giorgos", language="el")
    with translation.override("el"):
        body = render_to_string("requests_tracker/email/request_filed.txt", _request_context(recipient))
    assert body.startswith("Γεια σας, Γιώργο,\n")
    assert "Αγαπητή/έ" not in body
    assert "14 Δεκεμβρίου 2026" in body and "14-12-2026" not in body
    recipient.language = "en"
    with translation.override("en"):
        body = render_to_string("requests_tracker/email/request_filed.txt", _request_context(recipient))
    assert body.startswith("Dear Γιώργος,\n") and "14 December 2026" in body


def test_an_appointment_email_greets_like_a_request_email():
    appointment = SimpleNamespace(
        full_name="Παναγιώτης Νικολάου",
        service=SimpleNamespace(name="Πολεοδομία"),
        start=datetime(2026, 12, 14, 8, 30, tzinfo=UTC),
        end=datetime(2026, 12, 14, 8, 50, tzinfo=UTC),
    )
    context = {
        "appointment": appointment,
        "message": "Το τοπογραφικό.",
        "zone_name": "",
        "site_url": "https://portal.example.gr",
        "upload_url": "/x/",
        "reply_to": "clerk@example.gr",
    }
    with translation.override("el"):
        body = render_to_string("appointments/email/document_request.txt", context)
    assert body.startswith("Γεια σας, Παναγιώτη,\n")
    assert "14 Δεκεμβρίου 2026" in body
