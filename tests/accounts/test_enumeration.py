"""No account is revealed by timing, and nobody can be locked out by a stranger.

The two paths of each form are compared by the work they do (password hashes, queries, e-mails written in the
request), never by wall time. The figures over HTTP are in the README («Benchmarks»).
"""

import runpy
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from tests.accounts.work import measured
from tests.personas import PASSWORD

SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings.py"


@pytest.fixture
def known(citizen):
    return citizen  # maria@example.gr, confirmed


def _signup(client, email: str, username: str):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Νίκος Π.",
            "username": username,
            "email": email,
            "password1": "Sup3r-long-passw0rd",
            "password2": "Sup3r-long-passw0rd",
            "privacy_consent": "on",
        },
    )


def test_signup_with_a_registered_address_hashes_like_a_new_one(client, known):
    with measured() as registered:
        response_registered = _signup(client, "maria@example.gr", "newcomer1")
    client.logout()
    with measured() as new:
        response_new = _signup(client, "nikos@example.gr", "newcomer2")

    # Fault: 0 hashes for a registered address against 1 for a new one (20 ms vs 285 ms over HTTP).
    assert registered.hashes == new.hashes == 1
    assert registered.emails_written == new.emails_written == 1
    assert response_registered.status_code == response_new.status_code == 302
    assert response_registered["Location"] == response_new["Location"]
    assert not User.objects.filter(username="newcomer1").exists()


@pytest.mark.parametrize("login", ["maria@example.gr", "MARIA@example.gr", "maria"])
def test_a_wrong_password_costs_the_same_for_a_registered_and_an_unknown_login(client, known, login):
    unknown = "nobody@example.gr" if "@" in login else "nobody"
    with measured() as registered:
        response_registered = client.post(reverse("account_login"), {"login": login, "password": "wrong-password"})
    with measured() as stranger:
        response_unknown = client.post(reverse("account_login"), {"login": unknown, "password": "wrong-password"})

    # Fault: a registered address cost 3 hashes (ModelBackend + allauth twice), an unknown one 2.
    assert registered.hashes == stranger.hashes == 1
    assert registered.statements == stranger.statements
    assert response_registered.status_code == response_unknown.status_code == 200


def test_the_right_password_still_logs_in_by_address_or_username(client, known):
    assert client.post(reverse("account_login"), {"login": "Maria@Example.gr", "password": PASSWORD}).status_code == 302
    client.logout()
    assert client.post(reverse("account_login"), {"login": "maria", "password": PASSWORD}).status_code == 302


def test_a_login_that_two_accounts_share_names_neither(client, known):
    # An address confirmed by nobody, but typed at sign-up by two accounts (before allauth's uniqueness).
    User.objects.create_user("twin1", email="twin@example.gr", password=PASSWORD)
    User.objects.create_user("twin2", email="twin@example.gr", password=PASSWORD)
    from accounts.auth_backends import user_for_login

    assert user_for_login("twin@example.gr") is None
    assert user_for_login("TWIN1") == User.objects.get(username="twin1")
    assert user_for_login("maria@example.gr") == known


def test_the_username_reminder_does_the_same_in_the_request_for_both(client, known, django_capture_on_commit_callbacks):
    url = reverse("accounts:username_reminder")
    with django_capture_on_commit_callbacks() as queued_known, measured() as registered:
        response_known = client.post(url, {"email": "maria@example.gr"})
    with django_capture_on_commit_callbacks() as queued_unknown, measured() as stranger:
        response_unknown = client.post(url, {"email": "nobody@example.gr"})

    # Fault: the known address's e-mail was written in the request (10.9 ms vs 6.7 ms).
    assert registered.queries == stranger.queries == []
    assert registered.emails_written == stranger.emails_written == 0
    assert len(queued_known) == len(queued_unknown) == 1  # one task each; the worker looks the address up
    assert response_known["Location"] == response_unknown["Location"]


def test_the_worker_writes_the_reminder_only_for_a_known_address(client, known, django_capture_on_commit_callbacks):
    from django.core import mail

    url = reverse("accounts:username_reminder")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "nobody@example.gr"})
        client.post(url, {"email": "maria@example.gr"})
    assert [message.to for message in mail.outbox] == [["maria@example.gr"]]
    assert "maria" in mail.outbox[0].body


WRONG = "wrong-password"


def _fail(client, ip: str, login: str = "maria", password: str = WRONG):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_a_stranger_cannot_lock_the_owner_out(client, known):
    stranger = "203.0.113.9"
    for _attempt in range(5):
        assert "δεν είναι σωστά" in _fail(client, stranger).content.decode()
    # The stranger is stopped…
    assert "Πολλές αποτυχημένες" in _fail(client, stranger, password=PASSWORD).content.decode()
    # …the owner, on their own device, is not (fault: «Πολλές αποτυχημένες προσπάθειες» for the owner too).
    response = client.post(
        reverse("account_login"), {"login": "maria", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 302


def test_the_owners_own_failures_still_count(client, known):
    for _attempt in range(5):
        _fail(client, "198.51.100.4")
    assert "Πολλές αποτυχημένες" in _fail(client, "198.51.100.4", password=PASSWORD).content.decode()


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_client_is_remote_addr_and_forwarded_headers_are_ignored():
    request = _request(REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert get_adapter().get_client_ip(request) == "198.51.100.4"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_is_the_proxys_own_hop():
    # The client may send any X-Forwarded-For; our proxy appends the address it saw: only that one counts.
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.4")
    assert get_adapter().get_client_ip(request) == "198.51.100.4"
    assert get_adapter().get_client_ip(_request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_citizens_do_not_share_one_counter(client, known):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    url = reverse("account_login")
    for _attempt in range(5):
        client.post(url, {"login": "maria", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    refused = client.post(url, {"login": "maria", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert "Πολλές αποτυχημένες" in refused.content.decode()
    owner = client.post(url, {"login": "maria", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert owner.status_code == 302


@pytest.mark.parametrize(("flag", "count"), [("1", 1), ("0", 0), ("", 0)])
def test_the_proxy_header_is_trusted_only_when_the_setting_says_so(monkeypatch, flag, count):
    monkeypatch.setenv("DJANGO_BEHIND_TLS_PROXY", flag)
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    assert runpy.run_path(str(SETTINGS))["ALLAUTH_TRUSTED_PROXY_COUNT"] == count


def test_a_confirmed_address_is_preferred_to_a_sign_up_address(db):
    owner = User.objects.create_user("owner", email="old@example.gr", password=PASSWORD)
    EmailAddress.objects.create(user=owner, email="shared@example.gr", verified=True, primary=True)
    User.objects.create_user("other", email="shared@example.gr", password=PASSWORD)
    from accounts.auth_backends import user_for_login

    assert user_for_login("shared@example.gr") == owner
