"""allauth's hooks for TAXISnet: the GSIS profile onto the user, verification, and no silent account merging."""

import functools
import logging

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.taxisnet.services import (
    AFM_IN_USE,
    IdentityConflict,
    is_afm_conflict,
    profile_copy_to_user,
    user_update_from_taxisnet,
)

logger = logging.getLogger(__name__)
PROVIDER_ID = "taxisnet"


def identity_conflict_response(request: HttpRequest, conflict: IdentityConflict) -> HttpResponse:
    return render(request, "socialaccount/taxisnet_identity_conflict.html", {"message": conflict.message}, status=409)


class TaxisnetSocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self) -> requests.Session:
        # TAXISnet is the portal's only provider, so its timeout is the one for every call to GSIS.
        session = requests.Session()
        session.request = functools.partial(session.request, timeout=settings.TAXISNET_TIMEOUT)
        return session

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider == PROVIDER_ID:
            profile_copy_to_user(user=user, profile=sociallogin.account.extra_data)
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Runs after allauth has looked the TAXISnet identity up (SocialAccount uid = ΑΦΜ), before it logs in."""
        if sociallogin.account.provider != PROVIDER_ID:
            return
        profile = sociallogin.account.extra_data
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if sociallogin.is_existing:
            if connecting and sociallogin.user != request.user:
                return  # allauth refuses: these codes are linked to another account
            user = sociallogin.user
        elif connecting:
            if not request.user.is_authenticated:
                return  # allauth refuses to connect without a logged-in user
            user = request.user
        else:
            # A first TAXISnet login. A local account that already carries this ΑΦΜ is never joined silently: its
            # owner links TAXISnet from their account page while logged in.
            if User.objects.filter(afm=profile["afm"]).exists():
                raise ImmediateHttpResponse(identity_conflict_response(request, IdentityConflict(AFM_IN_USE)))
            return  # allauth signs the citizen up (asking for an e-mail first); save_user verifies them
        try:
            user_update_from_taxisnet(user=user, profile=profile)
        except IdentityConflict as conflict:
            raise ImmediateHttpResponse(identity_conflict_response(request, conflict)) from conflict

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None) -> User:
        if sociallogin.account.provider != PROVIDER_ID:
            return super().save_user(request, sociallogin, form)
        try:
            with transaction.atomic():
                user = super().save_user(request, sociallogin, form)
                return user_update_from_taxisnet(user=user, profile=sociallogin.account.extra_data)
        except IntegrityError as error:  # the ΑΦΜ was taken between the first check and now
            if not is_afm_conflict(error):
                raise
            conflict = IdentityConflict(AFM_IN_USE)
        except IdentityConflict as error:
            conflict = error
        raise ImmediateHttpResponse(identity_conflict_response(request, conflict))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        logger.warning("TAXISnet login failed: %s %r", error, exception)
        super().on_authentication_error(request, provider, error, exception, extra_context)
