import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Interest, User
from tests.browser.fixtures import assert_accessible
from tests.emails import last_email_to, link_in
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


def _local(live_server, url: str) -> str:
    """Links in e-mails name the live server's host; keep the path and query."""
    parts = urlsplit(url)
    return f"{live_server.url}{parts.path}?{parts.query}" if parts.query else f"{live_server.url}{parts.path}"


def _log_in(page, live_server, login: str, password: str):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Όνομα χρήστη ή e-mail").fill(login)
    page.get_by_label(re.compile(r"^\s*Κωδικός πρόσβασης\*?\s*$")).fill(password)
    page.get_by_role("button", name="Είσοδος").click()


def test_signup_activation_and_login(page, live_server, chania):
    culture = Interest.objects.create(municipality=chania, name_el="Πολιτισμός", name_en="Culture")
    page.goto(live_server.url + "/")
    page.get_by_role("banner").get_by_role("link", name="Εγγραφή").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Εγγραφή νέου χρήστη")
    assert_accessible(page)

    page.get_by_label("Ονοματεπώνυμο").fill("Νίκος Παπαδόπουλος")
    page.get_by_label("Όνομα χρήστη").fill("nikos")
    page.get_by_label("E-mail").fill("nikos@example.gr")
    page.get_by_label(re.compile(r"^\s*Κωδικός πρόσβασης\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Κωδικός πρόσβασης (ξανά)").fill("something-else-entirely")
    page.get_by_label("Δήμος Χανίων: Πολιτισμός").check()
    page.get_by_role("button", name="Δημιουργία λογαριασμού").click()

    # Mismatched passwords and no consent: clear errors, and what was typed is kept.
    expect(page.get_by_text("Πρέπει να αποδεχθείτε την πολιτική απορρήτου")).to_be_visible()
    expect(page.get_by_label("Ονοματεπώνυμο")).to_have_value("Νίκος Παπαδόπουλος")
    expect(page.get_by_label("E-mail")).to_have_value("nikos@example.gr")
    assert_accessible(page)

    page.get_by_label(re.compile(r"^\s*Κωδικός πρόσβασης\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Κωδικός πρόσβασης (ξανά)").fill(PASSWORD)
    page.get_by_label("Έχω διαβάσει την πολιτική απορρήτου").check()
    page.get_by_role("button", name="Δημιουργία λογαριασμού").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιβεβαιώστε τη διεύθυνση e-mail σας")

    user = User.objects.get(username="nikos")
    assert user.full_name == "Νίκος Παπαδόπουλος"
    assert user.privacy_consent_at is not None and user.privacy_policy_version
    assert list(user.interests.all()) == [culture] and user.newsletter_opt_in
    assert user.language == "el"

    # Not confirmed yet: no login.
    _log_in(page, live_server, "nikos", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιβεβαιώστε τη διεύθυνση e-mail σας")

    confirmation = last_email_to("nikos@example.gr")
    page.goto(_local(live_server, link_in(confirmation, "/accounts/confirm-email/")))
    assert_accessible(page)
    page.get_by_role("button", name="Επιβεβαίωση").click()

    _log_in(page, live_server, "nikos@example.gr", PASSWORD)
    expect(page.get_by_role("banner").get_by_role("link", name=re.compile("Ο λογαριασμός μου"))).to_be_visible()


def test_password_reminder_by_code(page, live_server, citizen):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Ξεχάσατε τον κωδικό σας;").click()
    assert_accessible(page)
    page.get_by_label("E-mail").fill("maria@example.gr")
    page.get_by_role("button", name="Νέος κωδικός πρόσβασης").click()

    message = last_email_to("maria@example.gr")
    code = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]+)*)\s*$", message.body, re.M).group(1)
    page.goto(_local(live_server, link_in(message, "/accounts/password/reset/confirm/")))
    expect(page.get_by_label(re.compile(r"^\s*Κωδικός\*?\s*$"))).to_have_value(code)
    assert_accessible(page)
    page.get_by_role("button", name="Επιβεβαίωση").click()

    page.get_by_label(re.compile(r"^\s*Νέος κωδικός πρόσβασης\*?\s*$")).fill("brand-New-passw0rd")
    page.get_by_label("Νέος κωδικός πρόσβασης (ξανά)").fill("brand-New-passw0rd")
    page.get_by_role("button", name="Αλλαγή κωδικού πρόσβασης").click()
    citizen.refresh_from_db()
    assert citizen.check_password("brand-New-passw0rd")


def test_password_reminder_looks_the_same_for_an_unknown_address(page, live_server, citizen):
    page.goto(live_server.url + "/accounts/password/reset/")
    page.get_by_label("E-mail").fill("nobody@example.gr")
    page.get_by_role("button", name="Νέος κωδικός πρόσβασης").click()
    unknown_heading = page.get_by_role("heading", level=1).inner_text()
    assert "maria@example.gr" not in [address for message in mail.outbox for address in message.to]

    page.goto(live_server.url + "/accounts/password/reset/")
    page.get_by_label("E-mail").fill("maria@example.gr")
    page.get_by_role("button", name="Νέος κωδικός πρόσβασης").click()
    assert page.get_by_role("heading", level=1).inner_text() == unknown_heading


def test_username_reminder(page, live_server, citizen):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Ξεχάσατε το όνομα χρήστη σας;").click()
    assert_accessible(page)
    page.get_by_label("E-mail").fill("maria@example.gr")
    page.get_by_role("button", name="Αποστολή").click()
    known = page.locator("main").inner_text()
    assert "maria" in last_email_to("maria@example.gr").body

    page.goto(live_server.url + "/accounts/username/reminder/")
    page.get_by_label("E-mail").fill("nobody@example.gr")
    page.get_by_role("button", name="Αποστολή").click()
    assert page.locator("main").inner_text() == known
    assert not [m for m in mail.outbox if "nobody@example.gr" in m.to]
    assert_accessible(page)


def test_failed_logins_are_limited_per_account(page, live_server, citizen):
    for _attempt in range(5):
        _log_in(page, live_server, "maria", "wrong-password")
        expect(page.get_by_text("δεν είναι σωστά")).to_be_visible()
    _log_in(page, live_server, "maria", PASSWORD)
    expect(page.get_by_text("Πολλές αποτυχημένες προσπάθειες σύνδεσης")).to_be_visible()
    assert_accessible(page)
