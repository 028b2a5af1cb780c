"""TAXISnet login against the stand-in GSIS server, through Django's test client."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from portal.models import OutboundEmail
from tests.stubs.gsis import GsisStub, point_settings_at

ANNA_AFM = "123456783"  # her names come as character references, padded with spaces
NIKOS_AFM = "044444444"  # "null" mother's name and birth year


@pytest.fixture
def gsis(settings):
    with GsisStub() as stub:
        point_settings_at(settings, stub)
        yield stub


def go_to_gsis(client, *, prefix: str = "", process: str | None = None) -> str:
    """Press «Σύνδεση με TAXISnet»: allauth answers with a redirect to GSIS's authorize page."""
    response = client.post(f"{prefix}/accounts/taxisnet/login/" + (f"?process={process}" if process else ""))
    assert response.status_code == 302, response.content
    return response["Location"]


def choose_citizen(gsis: GsisStub, authorize_url: str, citizen: str) -> str:
    """What the citizen does at GSIS; returns the portal URL GSIS sends the browser back to."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200 and 'lang="el"' in page.text
    response = requests.post(
        f"{gsis.base_url}/oauth/authorize",
        data={"citizen": citizen, "redirect_uri": query["redirect_uri"], "state": query["state"]},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(response.headers["Location"])
    return f"{back.path}?{back.query}"


def taxisnet_login(client, gsis: GsisStub, citizen: str, **kwargs):
    return client.get(choose_citizen(gsis, go_to_gsis(client, **kwargs), citizen))


def give_email(client, email: str):
    return client.post("/accounts/3rdparty/signup/", {"email": email, "privacy_consent": "on"})


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_authorize_request_follows_the_gsis_protocol(client, gsis, db):
    url = urlsplit(go_to_gsis(client, prefix="/en"))
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{gsis.base_url}/oauth/authorize"
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [gsis.client_id]
    assert query["scope"] == ["read"]
    assert query["state"][0]
    # One redirect URI to register at GSIS, whatever the page's language.
    assert query["redirect_uri"] == ["http://testserver/accounts/taxisnet/login/callback/"]


def test_first_login_asks_for_an_email_then_the_citizen_is_verified(client, gsis, db):
    response = taxisnet_login(client, gsis, "anna")

    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/signup/"
    assert not User.objects.exists()
    form = client.get("/accounts/3rdparty/signup/")
    assert "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ" in form.content.decode()
    assert 'name="username"' not in form.content.decode()
    # The consent box has the policy beside it (fault: no link to it on this step).
    page = form.content.decode()
    assert 'name="privacy_consent"' in page and f'href="{reverse("portal:privacy")}"' in page
    assert page.index('name="privacy_consent"') < page.index(f'href="{reverse("portal:privacy")}"')

    response = give_email(client, "anna@example.gr")

    assert response.status_code == 302
    user = User.objects.get()
    assert logged_in_user(client) == user
    assert user.afm == ANNA_AFM
    assert (user.first_name, user.last_name, user.full_name) == ("ΑΝΝΑ", "ΠΑΠΑΔΟΠΟΥΛΟΥ", "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    assert (user.father_name, user.mother_name, user.birth_year) == ("ΓΕΩΡΓΙΟΣ", "ΜΑΡΙΑ", 1985)
    assert user.is_verified_citizen
    assert user.identity_verification_method == User.VerificationMethod.TAXISNET
    assert not user.has_usable_password()
    assert user.privacy_consent_at is not None
    assert SocialAccount.objects.get(user=user).uid == ANNA_AFM
    # Logged in, while the address waits for its confirmation link.
    assert not EmailAddress.objects.get(user=user, email="anna@example.gr").verified
    confirmation = OutboundEmail.objects.get(to=["anna@example.gr"])
    assert "/accounts/confirm-email/" in confirmation.body_text
    # The client secret travels in the form body of the token request.
    (token_request,) = gsis.token_requests
    assert token_request["client_secret"] == gsis.client_secret
    assert token_request["grant_type"] == "authorization_code"


def test_null_values_leave_fields_empty(client, gsis, db):
    taxisnet_login(client, gsis, "nikos")
    give_email(client, "nikos@example.gr")
    user = User.objects.get(afm=NIKOS_AFM)
    assert (user.full_name, user.mother_name, user.birth_year) == ("ΝΙΚΟΛΑΟΣ ΓΕΩΡΓΙΟΥ", "", None)


def test_a_second_login_finds_the_same_account_and_refreshes_it(client, gsis, db):
    taxisnet_login(client, gsis, "anna")
    give_email(client, "anna@example.gr")
    client.post("/accounts/logout/")
    user = User.objects.get()
    User.objects.filter(pk=user.pk).update(
        father_name="ΠΑΛΙΟ", identity_verified_at=None, identity_verification_method=""
    )

    response = taxisnet_login(client, gsis, "anna")

    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get() == user == logged_in_user(client)
    user.refresh_from_db()
    assert user.father_name == "ΓΕΩΡΓΙΟΣ"
    assert user.identity_verification_method == User.VerificationMethod.TAXISNET
    assert SocialAccount.objects.count() == 1


def test_a_local_account_with_the_same_afm_is_not_taken_over(client, gsis, db):
    local = User.objects.create_user("anna_local", "anna@example.gr", "a-long-password-1", afm=ANNA_AFM)

    response = taxisnet_login(client, gsis, "anna")

    assert response.status_code == 409
    assert "ΑΦΜ" in response.content.decode()
    assert list(User.objects.all()) == [local]
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


def test_an_afm_taken_while_the_email_form_was_open_gives_a_clear_page(client, gsis, db):
    taxisnet_login(client, gsis, "anna")
    User.objects.create_user("anna_local", "other@example.gr", "a-long-password-1", afm=ANNA_AFM)

    response = give_email(client, "anna@example.gr")

    assert response.status_code == 409
    assert User.objects.count() == 1 and not SocialAccount.objects.exists()


def test_the_email_of_a_local_account_does_not_merge_the_accounts(client, gsis, db):
    local = User.objects.create_user("maria", "anna@example.gr", "a-long-password-1")
    EmailAddress.objects.create(user=local, email="anna@example.gr", verified=True, primary=True)
    taxisnet_login(client, gsis, "anna")

    give_email(client, "anna@example.gr")

    assert list(User.objects.all()) == [local]
    local.refresh_from_db()
    assert local.afm == "" and not local.is_verified_citizen
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


def test_a_logged_in_local_user_links_taxisnet(client, gsis, db):
    local = User.objects.create_user("anna_local", "anna@example.gr", "a-long-password-1")
    client.force_login(local)

    response = taxisnet_login(client, gsis, "anna", process="connect")

    assert response.status_code == 302
    local.refresh_from_db()
    assert local.afm == ANNA_AFM and local.full_name == "ΑΝΝΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"
    assert local.identity_verification_method == User.VerificationMethod.TAXISNET
    assert SocialAccount.objects.get().user == local
    # From now on TAXISnet logs in to that account.
    client.logout()
    taxisnet_login(client, gsis, "anna")
    assert logged_in_user(client) == local and User.objects.count() == 1


def test_linking_an_afm_that_another_account_holds_is_refused(client, gsis, db):
    User.objects.create_user("holder", "holder@example.gr", "a-long-password-1", afm=ANNA_AFM)
    local = User.objects.create_user("anna_local", "anna@example.gr", "a-long-password-1")
    client.force_login(local)

    response = taxisnet_login(client, gsis, "anna", process="connect")

    assert response.status_code == 409
    local.refresh_from_db()
    assert local.afm == "" and not local.is_verified_citizen
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("failure", ["error", "hang", "userinfo_error"])
def test_gsis_failing_gives_a_clear_page_in_the_citizens_language(client, gsis, db, settings, failure):
    settings.TAXISNET_TIMEOUT = 0.5
    gsis.failure = failure

    response = taxisnet_login(client, gsis, "anna", prefix="/en")

    assert response.status_code == 401
    assert "TAXISnet is not responding, try again later." in response.content.decode()
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_gsis_failing_in_greek(client, gsis, db):
    gsis.failure = "error"
    response = taxisnet_login(client, gsis, "anna")
    assert response.status_code == 401
    assert 'lang="el"' in response.content.decode()
    assert "TAXISnet is not responding" not in response.content.decode()


def test_a_wrong_client_secret_is_refused_by_gsis(client, gsis, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "taxisnet": {"APPS": [{"client_id": gsis.client_id, "secret": "wrong", "key": ""}]}
    }
    response = taxisnet_login(client, gsis, "anna")
    assert response.status_code == 401 and not User.objects.exists()


def test_a_replayed_callback_is_refused(client, gsis, db):
    callback = choose_citizen(gsis, go_to_gsis(client), "anna")
    client.get(callback)
    client.get("/accounts/3rdparty/signup/")
    response = client.get(callback)
    assert response.status_code == 401


def test_logout_of_a_taxisnet_session_goes_through_gsis(client, gsis, db):
    taxisnet_login(client, gsis, "anna")
    give_email(client, "anna@example.gr")

    response = client.post("/accounts/logout/", follow=False)
    assert response["Location"] == "/accounts/taxisnet/logout/"
    response = client.get(response["Location"])

    assert response["Location"] == f"{gsis.base_url}/logout/{gsis.client_id}/?url=http%3A%2F%2Ftestserver%2F"
    assert logged_in_user(client) is None
    # Once only: the next logout of this browser stays on the portal.
    assert client.get("/accounts/taxisnet/logout/")["Location"] == "/"


def test_logout_of_a_local_session_stays_on_the_portal(client, gsis, db):
    client.force_login(User.objects.create_user("maria", "maria@example.gr", "a-long-password-1"))
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1] == ("/", 302)


def test_an_account_without_a_password_is_deleted_only_after_a_fresh_taxisnet_login(client, gsis, db):
    taxisnet_login(client, gsis, "nikos")
    give_email(client, "nikos@example.gr")
    user = logged_in_user(client)
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= 3600
    session.save()

    assert "TAXISnet" in client.get("/accounts/profile/delete/").content.decode()
    client.post("/accounts/profile/delete/")
    user.refresh_from_db()
    assert user.is_active and user.afm == NIKOS_AFM

    taxisnet_login(client, gsis, "nikos")
    assert client.post("/accounts/profile/delete/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.afm == "" and not SocialAccount.objects.filter(user=user).exists()
