import contextlib
from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext

from accounts import selectors
from portal.services import email_enqueue_message, text_render


def recipient_language(email: str, user=None) -> str:
    """The language to write to this address in: its owner's preference, else the page's language."""
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    if user is not None and getattr(user, "language", ""):
        return user.language
    return translation.get_language() or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call the site («Hello from …», «on …»): the portal's name, not the host's address."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth renders the message; the outbox sends it from the worker after the transaction commits.
        user = context.get("user")
        language = recipient_language(email, user)
        with translation.override(language):
            site = PortalSite(name=gettext("Dimos Portal"), domain=get_current_site(self.request).domain)
            context = {"request": self.request, "email": email, "current_site": site, **context}
            message = self.render_mail(template_prefix, email, context)
        municipality = getattr(user, "municipality", None) if user is not None else None
        email_enqueue_message(message=message, language=language, municipality=municipality)

    def format_email_subject(self, subject: str) -> str:
        return subject  # no «[127.0.0.1:8000] » prefix, whatever ACCOUNT_EMAIL_SUBJECT_PREFIX says

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's render_mail, with the subject and the text rendered as text (no `&quot;`, no `&#x27;`)."""
        subject = self.format_email_subject(" ".join(text_render(f"{template_prefix}_subject.txt", context).split()))
        body = text_render(f"{template_prefix}_message.txt", context).strip()
        to = [email] if isinstance(email, str) else email
        message = EmailMultiAlternatives(subject, body, self.get_from_email(), to, headers=headers)
        with contextlib.suppress(TemplateDoesNotExist):  # without one, portal.services gives it the portal's frame
            message.attach_alternative(render_to_string(f"{template_prefix}_message.html", context), "text/html")
        return message

    def get_login_stages(self) -> list[str]:
        # Staff skip e-mail verification (accounts/stages.py); everything else is allauth's, MFA included.
        return [
            "accounts.stages.EmailVerificationStage"
            if stage == "allauth.account.stages.EmailVerificationStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and selectors.staff_second_factor_missing(user=user):
            # Staff without a second factor land on its enrolment page; before it is due they may go on.
            return HttpResponseRedirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': response.url})}")
        return response

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failed logins count per account *and* client: a stranger's wrong passwords never lock the owner out of
        # their own device (allauth counts them per account alone). Per-client limits still stop guessing.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user
