"""Plain-text e-mails read as text: no HTML entities, sentences apart, an HTML alternative, a readable console."""

import io
import runpy
from pathlib import Path
from types import SimpleNamespace

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from portal import services
from portal.mail import ConsoleEmailBackend

SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings.py"
QUOTED = 'Αντίγραφο "άδειας" του O\'Brien & Σια <μόνο>'
NO_ID = "00000000-0000-0000-0000-000000000000"


def _html(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_subject_and_body_carry_quotes_and_apostrophes_as_they_are(chania, django_capture_on_commit_callbacks):
    item = SimpleNamespace(municipality=chania, description=QUOTED, public_id=NO_ID)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_enqueue(
            to=["maria@example.gr"],
            template="requests_tracker/email/payment_due",
            context={"item": item, "recipient": "D'Arcy O'Brien"},
            language="el",
        )
        services.email_enqueue(
            to=["maria@example.gr"],
            template="accounts/email/newsletter",
            context={"subject": QUOTED, "body": "", "newsletter": SimpleNamespace(municipality=chania)},
            language="el",
        )
    payment, newsletter = mail.outbox
    assert QUOTED in payment.body and "Γεια σας, D'Arcy," in payment.body  # the greeting: first name only
    assert newsletter.subject == QUOTED
    for text in (payment.body, newsletter.subject, newsletter.body):
        assert "&quot;" not in text and "&#x27;" not in text and "&amp;" not in text and "&lt;" not in text


def test_an_e_mail_without_html_gets_one_with_the_municipality_and_clickable_links(
    chania, django_capture_on_commit_callbacks
):
    item = SimpleNamespace(municipality=chania, description=QUOTED, public_id=NO_ID)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_enqueue(
            to=["maria@example.gr"],
            template="requests_tracker/email/payment_due",
            context={"item": item, "recipient": "Μαρία"},
            language="el",
        )
    (message,) = mail.outbox
    html = _html(message)
    assert "Δήμος Χανίων" in html and "Πύλη του Δήμου" in html
    assert f'<a href="http://127.0.0.1:8000/requests/payments/{NO_ID}/"' in html
    assert "Αντίγραφο &quot;άδειας&quot; του O&#x27;Brien &amp; Σια &lt;μόνο&gt;" in html  # escaped here, as HTML
    assert '<html lang="el">' in html


def test_the_html_alternative_is_in_the_readers_language_and_names_the_portal_without_a_municipality(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.email_enqueue(
            to=["a@example.gr"], template="portal/email/test", context={"name": "Ann"}, language="en"
        )
    html = _html(mail.outbox[0])
    assert '<html lang="en">' in html and "Dimos Portal" in html and "Dear Ann," in html


def test_a_logo_in_static_heads_the_html(chania, settings, tmp_path):
    (tmp_path / "portal" / "logos").mkdir(parents=True)
    (tmp_path / "portal" / "logos" / "chania.png").write_bytes(b"\x89PNG")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    html = services.email_html(subject="Θέμα", body_text="Κείμενο", municipality=chania, language="el")
    assert '<img src="http://127.0.0.1:8000/static/portal/logos/chania.png"' in html


def test_no_logo_no_image(chania):
    html = services.email_html(subject="Θέμα", body_text="Κείμενο", municipality=chania, language="el")
    assert "<img" not in html


def test_a_note_after_a_sentence_starts_on_its_own_line(chania):
    erequest = SimpleNamespace(
        subject="Βεβαίωση",
        type=SimpleNamespace(name="Βεβαίωση μόνιμης κατοικίας"),
        get_status_display="απαντήθηκε",
        protocol_label="Αρ. πρωτ. 12/2026",
        status="answered",
        delivery_method="electronic",
        municipality=chania,
        public_id=NO_ID,
    )
    with translation.override("el"):
        text = services.text_render(
            "requests_tracker/email/erequest_status.txt",
            {"erequest": erequest, "note": "Ελέγξτε τη διεύθυνση.", "recipient": "Μαρία"},
        )
    assert "από τη σελίδα του e-αιτήματος.\nΣημείωση: Ελέγξτε τη διεύθυνση." in text


def test_text_tidy_keeps_one_blank_line_between_paragraphs():
    assert services.text_tidy("\n\nΑ\n\n\n\nΒ  \n\n") == "Α\n\nΒ\n"


def test_the_console_prints_subjects_and_bodies_decoded():
    message = EmailMultiAlternatives(
        "Δοκιμαστικό μήνυμα από την Πύλη του Δήμου",
        "Γεια σας Μαρία,\n" + "πολύ μεγάλη γραμμή " * 20,
        "Πύλη του Δήμου <no-reply@example.gr>",
        ["maria@example.gr"],
    )
    message.attach_alternative("<p>Γεια σας</p>", "text/html")
    message.attach("invite.ics", "BEGIN:VCALENDAR", "text/calendar")
    stream = io.StringIO()
    ConsoleEmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: Δοκιμαστικό μήνυμα από την Πύλη του Δήμου\n" in printed
    assert "From: Πύλη του Δήμου <no-reply@example.gr>" in printed
    assert "Γεια σας Μαρία," in printed and "πολύ μεγάλη γραμμή " * 20 in printed
    assert "=?utf-8?" not in printed
    assert "[text/html" in printed and "[text/calendar invite.ics" in printed


def test_make_run_uses_the_decoding_console(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert runpy.run_path(str(SETTINGS))["EMAIL_BACKEND"] == "portal.mail.ConsoleEmailBackend"
    monkeypatch.setenv("EMAIL_URL", "smtp://mail.example.gr:587/?tls=True")
    assert runpy.run_path(str(SETTINGS))["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
