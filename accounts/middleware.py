from fnmatch import fnmatchcase

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors


def _is_staff_page(view_name: str) -> bool:
    return any(fnmatchcase(view_name, pattern) for pattern in settings.STAFF_SECOND_FACTOR_PAGES)


class StaffSecondFactorMiddleware:
    """Staff who can see personal data (identity documents, bookings, e-requests) must have a second factor.

    One guard for every app's staff pages (settings.STAFF_SECOND_FACTOR_PAGES: the admin, the clerks' pages of
    appointments, requests and e-requests, private files), so that no view needs to remember it and the apps that
    own those pages need no change: once enrolment is due, a staff session without a second factor is sent to
    the enrolment page. Before that, the login itself leads there (AccountAdapter.post_login), with a way to
    postpone. Other pages are not looked at, so that they load no user they do not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not _is_staff_page(match.view_name):
            return None
        user = request.user
        if not user.is_authenticated or not selectors.staff_second_factor_overdue(user=user, now=timezone.now()):
            return None
        messages.error(request, _("Set up a second factor to continue."))
        return redirect("accounts:second_factor")
