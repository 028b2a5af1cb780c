"""The password reminder's code dies with the password it was issued for, and its link works anywhere."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.personas import PASSWORD

NEW_PASSWORD = "brand-New-passw0rd"


def _ask_for_a_code(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "maria@example.gr"})
    return re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]+)*)\s*$", mail.outbox[-1].body, re.M).group(1)


def _set_password(client, password=NEW_PASSWORD):
    return client.post(reverse("account_complete_password_reset"), {"password1": password, "password2": password})


def test_a_code_sent_before_the_owner_changed_the_password_is_refused(
    client, citizen, django_capture_on_commit_callbacks
):
    code = _ask_for_a_code(client, django_capture_on_commit_callbacks)
    # The owner, logged in elsewhere, changes the password by hand within the code's 15 minutes.
    citizen.set_password("changed-by-Hand-2026")
    citizen.save()

    response = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    # Fault: the code was accepted and led to «new password».
    assert response["Location"] == reverse("account_reset_password")
    assert _set_password(client)["Location"] == reverse("account_reset_password")
    citizen.refresh_from_db()
    assert citizen.check_password("changed-by-Hand-2026")


def test_a_code_confirmed_before_the_change_cannot_finish_either(client, citizen, django_capture_on_commit_callbacks):
    code = _ask_for_a_code(client, django_capture_on_commit_callbacks)
    assert client.post(reverse("account_confirm_password_reset_code"), {"code": code}).status_code == 302
    citizen.set_password("changed-by-Hand-2026")
    citizen.save()
    assert _set_password(client)["Location"] == reverse("account_reset_password")
    citizen.refresh_from_db()
    assert citizen.check_password("changed-by-Hand-2026")


def test_the_code_still_works_when_nothing_changed(client, citizen, django_capture_on_commit_callbacks):
    code = _ask_for_a_code(client, django_capture_on_commit_callbacks)
    assert client.post(reverse("account_confirm_password_reset_code"), {"code": code}).status_code == 302
    assert _set_password(client).status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_the_emailed_link_opened_in_another_browser_asks_for_the_address(
    client, citizen, django_capture_on_commit_callbacks
):
    code = _ask_for_a_code(client, django_capture_on_commit_callbacks)
    phone = Client()
    link = reverse("account_confirm_password_reset_code") + f"?code={code}"
    page = phone.get(link)
    # Fault: a silent redirect to the login page.
    assert page.status_code == 200
    assert page.context["form"]["code"].value() == code
    response = phone.post(link, {"email": "maria@example.gr", "code": code})
    assert response["Location"] == reverse("account_complete_password_reset")
    assert _set_password(phone).status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    # The first browser's code is now void as well (the password changed).
    assert client.post(reverse("account_confirm_password_reset_code"), {"code": code})["Location"] == reverse(
        "account_reset_password"
    )


def test_in_another_browser_a_wrong_code_or_address_is_refused_and_counted(
    client, citizen, django_capture_on_commit_callbacks
):
    code = _ask_for_a_code(client, django_capture_on_commit_callbacks)
    phone = Client()
    url = reverse("account_confirm_password_reset_code")
    assert phone.post(url, {"email": "nobody@example.gr", "code": code}).status_code == 200
    for _attempt in range(3):
        assert phone.post(url, {"email": "maria@example.gr", "code": "WRONG-CODE"}).status_code == 200
    # Three wrong codes void it, as allauth does in the first browser.
    assert phone.post(url, {"email": "maria@example.gr", "code": code}).status_code == 200
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
