"""Staff log in on the portal's own page and must have a second factor; citizens may add one."""

from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import selectors
from accounts.models import User
from portal.models import OutboundEmail
from tests.accounts.second_factor import totp_code, totp_enrol
from tests.personas import PASSWORD

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)  # any date further back than the grace period


def _staff(username="clerk", *, permissions=(), **fields) -> User:
    """A member of staff as an administrator makes one in the admin: no allauth e-mail record at all."""
    user = User.objects.create_user(username, email=f"{username}@dimos.example.gr", password=PASSWORD, is_staff=True)
    user.user_permissions.add(*(Permission.objects.get(codename=codename) for codename in permissions))
    User.objects.filter(pk=user.pk).update(**fields)
    user.refresh_from_db()
    return user


def _log_in(client, login, password=PASSWORD, next_url=""):
    data = {"login": login, "password": password}
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_staff_made_in_the_admin_log_in_without_confirming_their_email(client, db):
    clerk = _staff(permissions=["view_verificationdocument"])
    response = _log_in(client, "clerk")
    # Not «Επιβεβαιώστε την διεύθυνση e-mail σας»: straight to the second-factor page, and no e-mail.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor") + "?next=%2F"
    assert mail.outbox == []
    assert EmailAddress.objects.get(user=clerk).verified  # the administrator vouches for a staff address
    assert client.get(response["Location"]).status_code == 200


def test_a_staff_address_left_unconfirmed_by_an_earlier_try_is_vouched_for(client, db):
    clerk = _staff(permissions=["view_verificationdocument"])
    EmailAddress.objects.create(user=clerk, email=clerk.email, verified=False, primary=True)
    _log_in(client, "clerk")
    assert EmailAddress.objects.get(user=clerk).verified
    # allauth asks for the password again before enrolment; then the address no longer stands in the way.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_citizens_still_confirm_their_email_first(client, chania):
    User.objects.create_user("nikos", email="nikos@example.gr", password=PASSWORD)
    response = _log_in(client, "nikos")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert OutboundEmail.objects.filter(to=["nikos@example.gr"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_every_demo_staff_login_reaches_the_portal(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mail.outbox.clear()  # the demo's bookings e-mailed their citizens
    second_factor = reverse("accounts:second_factor")
    logins = [
        ("admin", "demo-admin-2026", second_factor),
        ("clerk.chania", "demo-clerk-2026", second_factor),  # identity documents
        ("clerk.building1", "demo-clerk-2026", second_factor),  # bookings
        ("clerk.building2", "demo-clerk-2026", second_factor),
        ("clerk.building3", "demo-clerk-2026", second_factor),
        ("clerk.parks", "demo-clerk-2026", second_factor),  # Thessaloniki's bookings
        ("clerk.roads", "demo-clerk-2026", second_factor),
        ("clerk.thessaloniki", "demo-clerk-2026", "/"),  # public requests only: no second factor asked
    ]
    for login, password, destination in logins:
        client.logout()
        response = _log_in(client, login, password)
        assert response.status_code == 302, login
        assert response["Location"].split("?")[0] == destination, login
    assert mail.outbox == []


def test_the_admin_login_is_the_portals(client, db):
    response = client.get("/admin/login/?next=/admin/identity_verification/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fidentity_verification%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_citizen_sent_to_the_admin_is_refused_not_looped(client, citizen):
    client.force_login(citizen)
    assert client.get("/admin/", follow=True).status_code == 403


def test_staff_with_a_second_factor_are_asked_for_it_and_then_reach_the_admin(client, db):
    clerk = _staff(permissions=["view_verificationdocument", "view_verificationcase"])
    totp_enrol(clerk)
    response = _log_in(client, "clerk", next_url="/admin/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # not logged in yet

    response = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"})
    assert response.status_code == 200  # a wrong code: asked again
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/identity_verification/verificationcase/",
        "/appointments/staff/",
        "/requests/chania/staff/",
        "/requests/chania/e-staff/",
        "/verification/documents/00000000-0000-0000-0000-000000000000/",
        "/en/appointments/staff/",
    ],
)
def test_once_due_staff_pages_refuse_a_session_without_a_second_factor(client, chania, path):
    clerk = _staff(permissions=["view_verificationdocument"], date_joined=LONG_AGO)
    client.force_login(clerk)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("accounts:second_factor"))


def test_once_due_a_clerk_may_still_use_the_citizens_pages(client, chania):
    clerk = _staff(permissions=["view_verificationdocument"], date_joined=LONG_AGO)
    client.force_login(clerk)
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_once_due_the_enrolment_pages_and_logout_stay_open(client, chania):
    clerk = _staff(permissions=["view_verificationdocument"], date_joined=LONG_AGO)
    client.force_login(clerk)
    page = client.get(reverse("accounts:second_factor"))
    assert page.status_code == 200 and not page.context["next_url"] and page.context["overdue"]
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


def test_before_it_is_due_staff_may_postpone(client, chania):
    clerk = _staff(permissions=["view_verificationdocument"])
    client.force_login(clerk)
    page = client.get(reverse("accounts:second_factor") + "?next=/admin/")
    assert not page.context["overdue"] and page.context["next_url"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Only a path on this site is offered as "later".
    assert client.get(reverse("accounts:second_factor") + "?next=https://evil.example/").context["next_url"] == ""


def test_an_enrolled_clerk_passes_the_guard(client, chania):
    clerk = _staff(permissions=["view_verificationdocument"], date_joined=LONG_AGO)
    totp_enrol(clerk)
    client.force_login(clerk)
    assert client.get("/admin/").status_code == 200


def test_who_must_use_a_second_factor(db, chania):
    from appointments.models import StaffMember

    assert selectors.staff_must_use_second_factor(user=_staff("documents", permissions=["view_verificationdocument"]))
    assert selectors.staff_must_use_second_factor(user=_staff("erequests", permissions=["change_erequest"]))
    assert selectors.staff_must_use_second_factor(user=_staff("root", is_superuser=True))
    booking_clerk = _staff("bookings")
    StaffMember.objects.create(user=booking_clerk, municipality=chania)
    assert selectors.staff_must_use_second_factor(user=booking_clerk)
    # Staff who only edit newsletter topics see no personal data; citizens are never required to.
    assert not selectors.staff_must_use_second_factor(user=_staff("topics", permissions=["change_interest"]))
    citizen = User.objects.create_user("citizen", password=PASSWORD)
    assert not selectors.staff_must_use_second_factor(user=citizen)


def test_a_citizen_may_turn_on_an_authenticator_app(client, citizen):
    _log_in(client, "maria")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    profile = client.get(reverse("accounts:profile"))
    assert reverse("mfa_index").encode() in profile.content
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=citizen, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=citizen, type=Authenticator.Type.RECOVERY_CODES).exists()
