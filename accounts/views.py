import io
import json
import time

from allauth.account.decorators import reauthentication_required
from allauth.account.views import CompletePasswordResetView, ConfirmPasswordResetCodeView
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import newsletters, password_reset, registry, selectors, services
from accounts.forms import PasswordResetCodeElsewhereForm, ProfileForm, UsernameReminderForm
from portal.files import private_file_response


def _stale_code_refused(request: HttpRequest) -> HttpResponse:
    password_reset.password_reset_abort(request=request)
    messages.error(request, _("That code is no longer valid: the password was changed after it was sent."))
    return redirect("account_reset_password")


class ConfirmPasswordResetCodeFromLinkView(ConfirmPasswordResetCodeView):
    """allauth's code page, with the code filled in when the citizen arrives by the e-mail's link.

    In another browser (allauth keeps the code in the session of the one that asked), the page asks for the
    e-mail address as well; a code issued before the password was changed is refused.
    """

    def dispatch(self, request, *args, **kwargs):
        if password_reset.password_reset_is_stale(request=request):
            return _stale_code_refused(request)
        if request.session.get(password_reset.SESSION_KEY):
            return super().dispatch(request, *args, **kwargs)
        return password_reset_code_elsewhere(request)

    def get_initial(self):
        return {**super().get_initial(), "code": self.request.GET.get("code", "")}


@require_http_methods(["GET", "POST"])
def password_reset_code_elsewhere(request: HttpRequest) -> HttpResponse:
    form = PasswordResetCodeElsewhereForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="password_reset_code_elsewhere"):
            return render(request, "accounts/rate_limited.html", status=429)
        accepted = password_reset.password_reset_resume_elsewhere(
            request=request, email=form.cleaned_data["email"], code=form.cleaned_data["code"]
        )
        if accepted:
            return redirect("account_complete_password_reset")
        form.add_error(None, _("The e-mail or the code is not right, or the code has expired."))
    return render(request, "accounts/password_reset_code_elsewhere.html", {"form": form})


class CompletePasswordResetCheckedView(CompletePasswordResetView):
    """allauth's new-password page, refusing a code whose password was changed in the meantime."""

    def dispatch(self, request, *args, **kwargs):
        if password_reset.password_reset_is_stale(request=request):
            return _stale_code_refused(request)
        return super().dispatch(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def username_reminder(request: HttpRequest) -> HttpResponse:
    form = UsernameReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="username_reminder", key=email):
            return render(request, "accounts/rate_limited.html", status=429)
        services.username_reminder_request(email=email)
        return redirect("accounts:username_reminder_sent")
    return render(request, "accounts/username_reminder.html", {"form": form})


def username_reminder_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/username_reminder_sent.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "account_settings": registry.account_settings(request.user)},
    )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Why staff need a second factor, the ways to add one, and (before it is due) a way to go on without."""
    user = request.user
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not selectors.staff_second_factor_missing(user=user):
        return redirect(next_url or "mfa_index")
    context = {
        "due_at": selectors.staff_second_factor_due_at(user=user),
        "overdue": selectors.staff_second_factor_overdue(user=user, now=timezone.now()),
        "next_url": next_url,
    }
    return render(request, "accounts/second_factor.html", context)


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.user_export(user=request.user)
    return private_file_response(
        io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode()),
        content_type="application/json; charset=utf-8",
        filename=f"dimos-portal-{request.user.username}-{timezone.now():%Y%m%d}.json",
        personal=True,
    )


def _logged_in_at_taxisnet_recently(request: HttpRequest) -> bool:
    # allauth re-asks for a password only; an account without one proves itself by a fresh TAXISnet login.
    from allauth.account.internal.flows.login import get_authentication_records  # no public API yet

    records = [r for r in get_authentication_records(request, request.user) if r.get("method") == "socialaccount"]
    return bool(records) and time.time() - records[-1]["at"] < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if not request.user.has_usable_password() and not _logged_in_at_taxisnet_recently(request):
        return render(request, "accounts/delete_relogin.html")
    if request.method == "POST":
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("portal:home")
    return render(request, "accounts/delete.html", {"consequences": registry.erase_consequences(request.user)})


@csrf_exempt  # mail clients' one-click POST (RFC 8058) carries no CSRF token; the signed link is the proof
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = newsletters.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        newsletters.newsletter_unsubscribe(user=user)
        return render(request, "accounts/unsubscribe.html", {"done": True})
    return render(request, "accounts/unsubscribe.html", {})
