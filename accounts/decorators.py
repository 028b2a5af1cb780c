from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def _deny(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return redirect(settings.ACCOUNTS_VERIFICATION_URL_NAME)


def verified_citizen_required(view):
    """Verified citizens only: others log in first, then learn how to get verified."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified_citizen:
            return view(request, *args, **kwargs)
        return _deny(request)

    return wrapper


class VerifiedCitizenRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified_citizen:
            return super().dispatch(request, *args, **kwargs)
        return _deny(request)
