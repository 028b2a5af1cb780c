"""A citizen logs in with TAXISnet in Chromium, against the stand-in GSIS server."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from accounts.models import User
from portal.models import OutboundEmail
from tests.browser.fixtures import assert_accessible
from tests.stubs.gsis import GsisStub, point_settings_at

pytestmark = pytest.mark.browser

ANNA_AFM = "123456783"  # the stand-in sends her names as character references, padded with spaces


@pytest.fixture
def gsis(settings, live_server):
    with GsisStub() as stub:
        point_settings_at(settings, stub, timeout=2)
        yield stub


def start_taxisnet_login(page: Page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Σύνδεση με TAXISnet").click()


def choose_at_gsis(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Σύνδεση με κωδικούς TAXISnet")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(name)).click()


def give_email(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Ένα τελευταίο βήμα: η διεύθυνση e-mail σας")
    assert_accessible(page)
    page.locator("input[name=email]").fill(email)
    consent = page.locator("input[name=privacy_consent]")
    if consent.count():
        consent.check()
    page.get_by_role("button", name="Συνέχεια").click()


def test_citizen_logs_in_with_taxisnet_then_out_through_gsis(page, live_server, gsis):
    start_taxisnet_login(page, live_server)
    choose_at_gsis(page, "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    expect(page.get_by_text("Καλώς ήρθατε, ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ.")).to_be_visible()
    give_email(page, "anna@example.gr")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("navigation", name="Κύρια πλοήγηση")).to_contain_text("ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    assert_accessible(page)
    user = User.objects.get()
    assert user.afm == ANNA_AFM
    assert (user.first_name, user.last_name, user.father_name, user.birth_year) == (
        "ΑΝΝΑ",
        "ΠΑΠΑΔΟΠΟΥΛΟΥ",
        "ΓΕΩΡΓΙΟΣ",
        1985,
    )
    assert user.is_verified_citizen and user.identity_verification_method == User.VerificationMethod.TAXISNET
    assert not EmailAddress.objects.get(user=user).verified
    assert "/accounts/confirm-email/" in OutboundEmail.objects.get(to=["anna@example.gr"]).body_text

    page.get_by_role("button", name="Αποσύνδεση").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Είσοδος")).to_be_visible()
    assert gsis.logouts == [{"client_id": gsis.client_id, "url": live_server.url + "/"}]
    assert_accessible(page)

    # The second time GSIS's answer finds the same account: no e-mail step, no new user.
    start_taxisnet_login(page, live_server)
    choose_at_gsis(page, "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("navigation", name="Κύρια πλοήγηση")).to_contain_text("ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    assert User.objects.count() == 1 and SocialAccount.objects.get().user == user


def test_gsis_not_responding_shows_a_clear_page(page, live_server, gsis):
    gsis.failure = "error"
    start_taxisnet_login(page, live_server)
    choose_at_gsis(page, "ΕΛΕΝΗ")

    expect(page.get_by_role("heading", level=1)).to_have_text("Η σύνδεση με TAXISnet απέτυχε")
    expect(page.get_by_role("alert")).to_have_text("Το TAXISnet δεν αποκρίνεται, δοκιμάστε ξανά αργότερα.")
    assert_accessible(page)
    assert not User.objects.exists()


def test_the_email_of_a_local_account_does_not_merge_it(page, live_server, gsis):
    local = User.objects.create_user("maria", "anna@example.gr", "a-long-password-1")
    EmailAddress.objects.create(user=local, email="anna@example.gr", verified=True, primary=True)

    start_taxisnet_login(page, live_server)
    choose_at_gsis(page, "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    give_email(page, "anna@example.gr")

    # The page does not say whether the address is registered; the owner is told by e-mail.
    expect(page.get_by_role("link", name="Είσοδος")).to_be_visible()
    assert_accessible(page)
    assert list(User.objects.all()) == [local]
    local.refresh_from_db()
    assert local.afm == "" and not local.is_verified_citizen
    assert not SocialAccount.objects.exists()


def test_a_local_user_links_taxisnet_from_the_account_page(page, live_server, gsis, client):
    local = User.objects.create_user("maria", "maria@example.gr", "a-long-password-1")
    client.force_login(local)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(live_server.url + "/accounts/3rdparty/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Συνδεδεμένοι λογαριασμοί")
    assert_accessible(page)
    page.get_by_role("button", name="Σύνδεση του TAXISnet με αυτόν τον λογαριασμό").click()
    choose_at_gsis(page, "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")

    expect(page.get_by_role("group", name="Μπορείτε να εισέρχεστε σε αυτόν τον λογαριασμό με:")).to_contain_text(
        f"TAXISnet: ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ (ΑΦΜ {ANNA_AFM})"
    )
    assert_accessible(page)
    local.refresh_from_db()
    assert local.afm == ANNA_AFM and local.identity_verification_method == User.VerificationMethod.TAXISNET


def test_cancelling_at_gsis_in_english(page, live_server, gsis):
    page.goto(live_server.url + "/en/accounts/taxisnet/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with TAXISnet")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to TAXISnet").click()
    page.get_by_role("link", name="Ακύρωση").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("TAXISnet login cancelled")
    assert_accessible(page)
    assert not User.objects.exists()
