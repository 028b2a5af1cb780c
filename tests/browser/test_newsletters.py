from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Interest, Newsletter, User
from tests.accounts.second_factor import SECRET, portal_login, totp_enrol
from tests.browser.fixtures import assert_accessible
from tests.emails import last_email_to, link_in

pytestmark = pytest.mark.browser


def test_admin_sends_a_newsletter_and_a_reader_unsubscribes(page, live_server, chania):
    culture = Interest.objects.create(municipality=chania, name_el="Πολιτισμός", name_en="Culture")
    reader = User.objects.create_user("anna", email="anna@example.gr", newsletter_opt_in=True)
    reader.interests.add(culture)
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    boss = User.objects.create_superuser("boss", "boss@example.gr", "boss-Passw0rd-long")
    totp_enrol(boss)

    portal_login(page, live_server, "boss", "boss-Passw0rd-long", next_url="/admin/", secret=SECRET)
    expect(page).to_have_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/accounts/newsletter/add/")
    page.get_by_label("Δήμος").select_option(label="Δήμος Χανίων")
    page.locator("#id_interests_from option", has_text="Πολιτισμός").dblclick()
    page.get_by_label("Θέμα (ελληνικά)").fill("Πολιτιστικό καλοκαίρι")
    page.get_by_label("Κείμενο (ελληνικά)").fill("Συναυλίες στο λιμάνι κάθε Σάββατο.")
    page.get_by_label("Θέμα (αγγλικά)").fill("Cultural summer")
    page.get_by_label("Κείμενο (αγγλικά)").fill("Concerts at the harbour every Saturday.")
    page.get_by_role("button", name="Αποθήκευση", exact=True).click()

    # Saved as a draft, it opens on its preview: both languages as readers will get them.
    expect(page.locator("#preview-el")).to_have_text("Προεπισκόπηση στα ελληνικά")
    expect(page.locator(".preview-subject").first).to_have_text("Πολιτιστικό καλοκαίρι")
    expect(page.locator(".preview-body").first).to_contain_text("Συναυλίες στο λιμάνι κάθε Σάββατο.")
    expect(page.locator(".preview-body").nth(1)).to_contain_text("Concerts at the harbour every Saturday.")
    assert_accessible(page)
    page.get_by_role("button", name="Αποστολή δοκιμής σε εμένα").click()
    expect(page.locator(".messagelist")).to_contain_text("boss@example.gr")
    tests_sent = [m.subject for m in mail.outbox if "boss@example.gr" in m.to]
    assert tests_sent == ["[Δοκιμή] Πολιτιστικό καλοκαίρι", "[Test] Cultural summer"]
    assert not [m for m in mail.outbox if "anna@example.gr" in m.to]  # nothing to readers yet

    expect(page.locator("#recipient-count")).to_have_text("Θα σταλεί σε 1 αναγνώστη.")
    page.get_by_role("button", name="Αποστολή σε 1 αναγνώστη").click()
    expect(page.get_by_text("αποστέλλεται")).to_be_visible()
    assert Newsletter.objects.get().status == Newsletter.Status.SENT

    email = last_email_to("anna@example.gr")
    assert email.subject == "Πολιτιστικό καλοκαίρι"
    link = urlsplit(link_in(email, "/newsletter/unsubscribe/"))
    page.goto(live_server.url + link.path)
    assert_accessible(page)
    page.get_by_role("button", name="Απεγγραφή").click()
    expect(page.get_by_role("status")).to_contain_text("Δεν θα λαμβάνετε πλέον")
    reader.refresh_from_db()
    assert reader.newsletter_opt_in is False
