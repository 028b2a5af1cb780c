"""Greek that reads like the seeds. A catalogue check that fails on any of these faults."""

import re
from pathlib import Path

import allauth
import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts import allauth_wording

OUR_CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "el" / "LC_MESSAGES" / "django.po"
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "el" / "LC_MESSAGES" / "django.po"

# The faults of allauth's stock Greek, and their kin.
FAULTS = {
    "«Συνθηματικό» beside «κωδικός» (the seeds say «κωδικός πρόσβασης»)": re.compile(r"[Σσ]υνθηματικ"),
    "«την διεύθυνση» (τη διεύθυνση)": re.compile(r"\bτην διεύθυνση"),
    "«Επιβεβαίωση διεύθυνση» (genitive: διεύθυνσης)": re.compile(r"Επιβεβαίωση διεύθυνση\b"),
    "a stray parenthesis after the address": re.compile(r"%\(recipient\)s\)"),
    "a Latin letter inside a Greek word («Aνάκτησης»)": re.compile(r"[A-Za-z][α-ωά-ώ]|[α-ωά-ώ][A-Za-z]"),
    "12-hour times («3:13 μμ.»)": re.compile(r"\b[πμ]\.?μ\.(?!\w)"),
    "English left in Greek («Authenticator»)": re.compile(r"Authenticator"),
}


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def _text(text: str) -> str:
    """The words of a message, without its placeholders (whose «s» would sit next to a Greek letter)."""
    return PLACEHOLDER.sub(" ", text)


def _greek(msgid: str) -> str:
    with translation.override("el"):
        return translation.gettext(msgid)


def _catalogue(path: Path):
    with path.open("rb") as file:
        return read_po(file, locale="el")


def test_every_override_is_still_an_allauth_message():
    allauth_ids = {message.id for message in _catalogue(ALLAUTH_CATALOGUE) if message.id}
    assert [msgid for msgid in allauth_wording.MSGIDS if msgid not in allauth_ids] == []


@pytest.mark.parametrize("fault", FAULTS)
def test_the_greek_that_allauth_shows_has_none_of_the_faults(fault):
    pattern = FAULTS[fault]
    shown = {msgid: _greek(msgid) for msgid in allauth_wording.MSGIDS}
    assert {msgid: text for msgid, text in shown.items() if pattern.search(_text(text))} == {}


@pytest.mark.parametrize("fault", FAULTS)
def test_our_catalogue_has_none_of_the_faults(fault):
    pattern = FAULTS[fault]
    bad = []
    for message in _catalogue(OUR_CATALOGUE):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        bad += [text for text in strings if text and pattern.search(_text(text))]
    assert bad == []


def test_the_fault_patterns_catch_the_stock_wording():
    stock = {message.id: message.string for message in _catalogue(ALLAUTH_CATALOGUE) if message.id}
    for fault, example in [
        ("«Συνθηματικό» beside «κωδικός» (the seeds say «κωδικός πρόσβασης»)", "Password"),
        ("«την διεύθυνση» (τη διεύθυνση)", "Verify Your Email Address"),
        ("«Επιβεβαίωση διεύθυνση» (genitive: διεύθυνσης)", "Confirm Email Address"),
        ("a Latin letter inside a Greek word («Aνάκτησης»)", "Recovery Codes"),
    ]:
        assert FAULTS[fault].search(stock[example]), fault


def test_the_login_page_says_kodikos_prosvasis(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "Κωδικός πρόσβασης" in page and "Συνθηματικό" not in page


def test_email_subjects_carry_no_host_prefix(client, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "maria@example.gr"})
    (message,) = mail.outbox
    assert not message.subject.startswith("[")  # fault: «[127.0.0.1:8000] …»
    assert "testserver" not in message.subject


def _signup(client, language="el"):
    with translation.override(language):
        url = reverse("account_signup")
    return client.post(
        url,
        {
            "full_name": "Νίκος O'Brien",
            "username": "nikos",
            "email": "nikos@example.gr",
            "password1": "Sup3r-long-passw0rd",
            "password2": "Sup3r-long-passw0rd",
            "privacy_consent": "on",
        },
    )


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("el", "λογαριασμό στην Πύλη του Δήμου."), ("en", "register an account on Dimos Portal.")],
)
def test_allauths_e_mails_name_the_portal_not_the_host(
    client, db, django_capture_on_commit_callbacks, language, sentence
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, language)
    (message,) = mail.outbox
    assert sentence in message.body  # not «…στο 127.0.0.1:8000»
    words = message.body.split("http://testserver")[0]  # the links carry the host; the words may not
    assert "testserver" not in words and "127.0.0.1" not in words
    assert "&#x27;" not in message.body and "&quot;" not in message.subject
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert ("Πύλη του Δήμου" if language == "el" else "Dimos Portal") in html
