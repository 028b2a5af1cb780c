"""The OAuth 2.0 exchange with GSIS, and a logout that ends the browser's TAXISnet session too."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from accounts.taxisnet.client import UserinfoError, parse_userinfo

if TYPE_CHECKING:  # allauth's provider registry imports this module early: no models at import time
    from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken

LANGUAGE_SESSION_KEY = "taxisnet_language"
# Set when GSIS sends the browser back with a code, i.e. when GSIS holds a logged-in session for it. A cookie, not a
# session key, because Django flushes the session at logout, before the logout redirect is followed.
GSIS_SESSION_COOKIE = "taxisnet_gsis"
_COOKIE_SALT = "accounts.taxisnet.gsis-session"


class TaxisnetOAuth2Adapter(OAuth2Adapter):
    provider_id = "taxisnet"
    basic_auth = False  # GSIS wants client_id and client_secret in the token request's form body

    # Built from the setting on each request: tests point it at the stand-in server.
    @property
    def authorize_url(self) -> str:
        return f"{settings.TAXISNET_BASE_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.TAXISNET_BASE_URL}/oauth/token"

    @property
    def profile_url(self) -> str:
        return f"{settings.TAXISNET_BASE_URL}/userinfo"

    def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
        # GSIS accepts only the redirect URI registered for our credentials; i18n_patterns would give one per language.
        with translation.override(settings.LANGUAGE_CODE):
            return super().get_callback_url(request, app)

    def complete_login(self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs) -> SocialLogin:
        # The session comes with the TAXISNET_TIMEOUT (see TaxisnetSocialAccountAdapter.get_requests_session).
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, params={"format": "xml"}, headers={"Authorization": f"Bearer {token.token}"}
            )
            response.raise_for_status()
        try:
            profile = parse_userinfo(response.content)
        except UserinfoError as error:
            raise ProviderException(str(error)) from error
        return self.get_provider().sociallogin_from_response(request, profile)


_login = OAuth2LoginView.adapter_view(TaxisnetOAuth2Adapter)
_callback = OAuth2CallbackView.adapter_view(TaxisnetOAuth2Adapter)


@login_not_required
def oauth2_login(request: HttpRequest) -> HttpResponse:
    # The callback URL has no language prefix (see get_callback_url): it answers in the language the citizen left in.
    request.session[LANGUAGE_SESSION_KEY] = translation.get_language()
    return _login(request)


@login_not_required
def oauth2_callback(request: HttpRequest) -> HttpResponse:
    language = request.session.get(LANGUAGE_SESSION_KEY)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    response = _callback(request)
    if "code" in request.GET:
        response.set_signed_cookie(
            GSIS_SESSION_COOKIE,
            "1",
            salt=_COOKIE_SALT,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@login_not_required
def logout(request: HttpRequest) -> HttpResponse:
    """Where allauth's logout lands (ACCOUNT_LOGOUT_REDIRECT_URL): through GSIS's logout if TAXISnet was used."""
    gsis_session = request.get_signed_cookie(GSIS_SESSION_COOKIE, default=None, salt=_COOKIE_SALT)
    if request.user.is_authenticated or not gsis_session:
        return redirect("portal:home")
    client_id = get_adapter(request).get_provider(request, "taxisnet").app.client_id
    back = request.build_absolute_uri(reverse("portal:home"))
    response = redirect(f"{settings.TAXISNET_BASE_URL}/logout/{quote(client_id, safe='')}/?{urlencode({'url': back})}")
    response.delete_cookie(GSIS_SESSION_COOKIE, samesite="Lax")
    return response
