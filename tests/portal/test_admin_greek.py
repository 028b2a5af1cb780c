"""The admin in Greek: Django's strings its Greek catalogue lacks, the JavaScript picker, the column headers.

A catalogue check that fails on any of the words issue 13 §4 found in English on Greek admin pages.
"""

import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils import translation

from accounts.models import Newsletter
from portal import admin_wording

DJANGO = Path(django.__file__).parent
OUR_JS_CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "el" / "LC_MESSAGES" / "djangojs.po"

# Issue 13 §4: English left on Greek admin pages.
FOUND_IN_ENGLISH = ["Show counts", "Hide counts", "Start typing to filter…"]
FOUND_IN_ENGLISH_JS = [
    "Choose all %s",
    "Remove all %s",
    'Choose %s by selecting them and then select the "Choose" arrow button.',  # the interests picker's sentence
    'Remove %s by selecting them and then select the "Remove" arrow button.',
    "Available %s",
    "Chosen %s",
]
# Column headers that are the same in Greek: codes and names.
SAME_IN_GREEK = {"ID", "IBAN", "e-mail", "TAXISnet", "slug", "RF", "URL"}
# allauth's own admins (social accounts, authenticators) name their columns in plain, untranslatable English.
OUR_APPS = {"portal", "accounts", "appointments", "requests_tracker", "identity_verification", "auth"}


def _ids(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file) if message.id}


def _words(text: str) -> str:
    return re.sub(r"%\(\w+\)[sd]|%[sd]|\{\}|<[^>]+>|\b[a-zA-Z]-[a-zA-Z]\b|Single Sign-On|LDAP|@/\./\+/-/_", " ", text)


def test_every_override_is_still_a_django_message():
    django_ids = set()
    for package in ["contrib/admin", "contrib/auth", "conf"]:
        django_ids |= _ids(DJANGO / package / "locale" / "en" / "LC_MESSAGES" / "django.po")
    ours = [msgid for msgid in admin_wording.MSGIDS if isinstance(msgid, str)] + ["entry"]  # and a plural
    assert [msgid for msgid in ours if msgid not in django_ids] == []
    js_ids = _ids(DJANGO / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po")
    assert _ids(OUR_JS_CATALOGUE) - js_ids == set()


@pytest.mark.parametrize("msgid", FOUND_IN_ENGLISH + [m for m in admin_wording.MSGIDS if isinstance(m, str)])
def test_the_admins_strings_are_greek(msgid):
    with translation.override("el"):
        greek = translation.gettext(msgid)
    assert greek != msgid
    assert not re.search(r"[A-Za-z]{3,}", _words(greek)), greek


def test_the_admins_javascript_is_greek(admin_client):
    script = admin_client.get("/admin/jsi18n/").content.decode()
    script = re.sub(r"\\u([0-9a-f]{4})", lambda match: chr(int(match.group(1), 16)), script)  # JSON's \\u03b5…
    for greek in [
        "Επιλογή όλων: %s",
        "Αφαίρεση όλων: %s",
        "Διαλέξτε %s και πατήστε το βέλος «Επιλογή».",
        "Διαθέσιμα: %s",
    ]:
        assert greek in script


def test_every_column_header_of_the_admin_is_greek():
    english = []
    with translation.override("el"):
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label not in OUR_APPS:
                continue
            for name in model_admin.list_display:
                if name == "__str__" or callable(name):
                    continue
                label = str(label_for_field(name, model, model_admin))
                if label not in SAME_IN_GREEK and not re.search(r"[α-ωΑ-Ωά-ώ]", label):
                    english.append(f"{model._meta.label}.{name}: {label}")
    assert english == []


def test_the_changelist_shows_greek_headers_and_filters(admin_client, chania):
    Newsletter.objects.create(municipality=chania, subject_el="Καλοκαίρι")
    page = admin_client.get("/admin/accounts/newsletter/").content.decode()
    assert "Εμφάνιση πλήθους" in page and "Show counts" not in page
    assert ">Δήμος<" in page


def test_the_appointment_change_form_labels_are_greek():
    from django.utils import translation

    from appointments.models import Appointment, TimeOff, WorkingHours

    with translation.override("el"):
        labels = [str(Appointment._meta.get_field(name).verbose_name) for name in ("service", "clerk", "citizen")] + [
            str(model._meta.get_field("staff").verbose_name) for model in (WorkingHours, TimeOff)
        ]
    assert labels == ["υπηρεσία", "υπάλληλος", "δημότης", "υπάλληλος", "υπάλληλος"]
