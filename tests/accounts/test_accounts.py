import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.forms import ProfileForm, normalise_mobile
from accounts.models import User
from accounts.validators import afm_is_valid
from tests.personas import PASSWORD


@pytest.mark.parametrize(
    ("afm", "valid"),
    [("090000045", True), ("094014201", True), ("090000046", False), ("12345678", False), ("00000000A", False)],
)
def test_afm_check_digit(afm, valid):
    assert afm_is_valid(afm) is valid


def test_afm_is_unique_when_present(citizen, django_user_model):
    from django.db import IntegrityError

    django_user_model.objects.create_user("a", afm="")
    django_user_model.objects.create_user("b", afm="")
    citizen.afm = "090000045"
    citizen.save()
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user("c", afm="090000045")


def test_mobile_numbers_are_normalised_with_greece_by_default():
    assert normalise_mobile("694 123 4567") == "+306941234567"
    assert normalise_mobile("+44 7400 123456") == "+447400123456"


def test_profile_rejects_an_invalid_phone_and_keeps_the_input(citizen):
    form = ProfileForm({"full_name": "Μαρία", "mobile_phone": "12", "language": "el"}, instance=citizen)
    assert not form.is_valid()
    assert form["mobile_phone"].value() == "12"


def test_verified_citizen_decorator(client, citizen):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from accounts.decorators import verified_citizen_required

    view = verified_citizen_required(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/book/")
    request.user = citizen
    assert view(request)["Location"] == reverse("identity_verification:start")
    services.user_mark_verified(user=citizen, method=User.VerificationMethod.IN_PERSON)
    assert citizen.is_verified_citizen
    assert view(request).content == b"ok"


def test_username_reminder_rate_limit_sends_nothing_more(client, citizen, django_capture_on_commit_callbacks):
    url = reverse("accounts:username_reminder")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post(url, {"email": "maria@example.gr"}).status_code == 302
        refused = client.post(url, {"email": "maria@example.gr"})
    assert refused.status_code == 429
    assert "Πάρα πολλές προσπάθειες" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_data_export_contains_the_users_data(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("accounts:data_export"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["username"] == "maria"
    assert data["account"]["full_name"] == "Μαρία Κουκουράκη"
    assert data["email_addresses"] == [{"email": "maria@example.gr", "verified": True, "primary": True}]


def test_data_export_is_never_kept_by_a_browser_or_proxy(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("accounts:data_export"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_account_deletion_needs_a_recent_login_and_anonymises_the_row(client, citizen):
    client.force_login(citizen)
    assert reverse("account_reauthenticate") in client.post(reverse("accounts:delete"))["Location"]
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("accounts:delete"))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.username.startswith("deleted-")
    assert (citizen.email, citizen.full_name, citizen.afm, citizen.is_active) == ("", "", "", False)
    assert not citizen.has_usable_password()
    assert not citizen.emailaddress_set.exists()
    assert not client.login(username="maria", password=PASSWORD)


def test_clerk_sees_only_citizens_of_their_municipality(client, citizen, thessaloniki, django_user_model):
    from django.contrib.auth.models import Permission

    other = django_user_model.objects.create_user("kostas", municipality=thessaloniki)
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True, municipality=thessaloniki)
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(clerk)
    page = client.get("/admin/accounts/user/").content.decode()
    assert "kostas" in page and "maria" not in page
    assert client.get(f"/admin/accounts/user/{citizen.pk}/change/").status_code == 302
    assert client.get(f"/admin/accounts/user/{other.pk}/change/").status_code == 200


def test_password_reminder_rate_limit_sends_nothing_more(client, citizen, django_capture_on_commit_callbacks):
    url = reverse("account_reset_password")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(url, {"email": "maria@example.gr"})
        refused = client.post(url, {"email": "maria@example.gr"})
    assert refused.status_code == 429
    assert "Πάρα πολλές προσπάθειες" in refused.content.decode()
    assert len(mail.outbox) == 3
