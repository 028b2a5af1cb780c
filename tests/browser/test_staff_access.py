"""In a browser: a clerk made in the admin logs in at the portal's page, enrols an authenticator app and
reaches the calendar; the admin itself is entered through the same page, with its second factor."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.second_factor import SECRET, portal_login, totp_code, totp_enrol
from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser

CLERK_PASSWORD = "Clerk-passw0rd-2026"


def test_a_clerk_made_in_the_admin_logs_in_enrols_and_reaches_the_calendar(page, live_server, chania):
    from appointments.models import StaffMember

    boss = User.objects.create_superuser("boss", "boss@dimos.example.gr", "boss-Passw0rd-long")
    totp_enrol(boss)

    # The admin's own login sends to the portal's page; the administrator answers their second factor there.
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    portal_login(page, live_server, "boss", "boss-Passw0rd-long", next_url="/admin/", secret=SECRET)
    expect(page).to_have_url(live_server.url + "/admin/")

    page.goto(live_server.url + "/admin/accounts/user/add/")
    page.locator("#id_username").fill("clerk.new")
    page.locator("#id_password1").fill(CLERK_PASSWORD)
    page.locator("#id_password2").fill(CLERK_PASSWORD)
    page.locator("input[name=_continue]").click()
    expect(page.locator("#id_full_name")).to_be_visible()
    page.locator("#id_full_name").fill("Κατερίνα Νέα")
    page.locator("#id_email").fill("katerina@dimos.example.gr")
    page.locator("#id_municipality").select_option(label="Δήμος Χανίων")
    page.locator("#id_is_staff").check()
    page.locator("input[name=_save]").click()
    clerk = User.objects.get(username="clerk.new")
    assert clerk.is_staff
    # The appointments app's own admin makes the user a clerk there; this test is about the login.
    StaffMember.objects.create(user=clerk, municipality=chania)
    page.get_by_role("button", name=re.compile("Αποσύνδεση")).click()

    # The clerk: the portal's login page, no e-mail confirmation wall, straight to the second factor.
    portal_login(page, live_server, "clerk.new", CLERK_PASSWORD, next_url="/appointments/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Δεύτερος παράγοντας για το προσωπικό")
    assert_accessible(page)
    page.get_by_role("link", name="Χρήση εφαρμογής επαλήθευσης").click()

    # allauth asks for the password once more before a factor is added.
    page.locator("#id_password").fill(CLERK_PASSWORD)
    page.locator("main form button[type=submit]").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert_accessible(page)
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()

    # Recovery codes are shown once the app is active; then the calendar opens.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Κωδικοί ανάκτησης")
    page.goto(live_server.url + "/appointments/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Το ημερολόγιό μου")

    # Next time, the login asks for the app's code.
    page.context.clear_cookies()
    portal_login(page, live_server, "clerk.new", CLERK_PASSWORD, next_url="/appointments/staff/")
    expect(page.locator("#id_code")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_code").fill(totp_code(secret, step=1))
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Το ημερολόγιό μου")
