from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import metrics, views

admin.site.site_header = _("Dimos Portal administration")
admin.site.site_title = _("Dimos Portal")
# One login page for everyone: the admin's sends to the portal's (e-mail rules and second factor included).
admin.site.login = secure_admin_login(admin.site.login)

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("dimos/", views.municipality_choose, name="municipality_choose"),
        path("dimos/<slug:municipality_slug>/", views.municipality_detail, name="municipality"),
        path("privacy/", views.privacy_policy, name="privacy"),
        path("accessibility/", views.accessibility_statement, name="accessibility"),
        path("my/", views.case_file, name="case_file"),
        path("time-zone/", views.time_zone_choose, name="time_zone"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("requests_tracker.open311.urls")),
]
urlpatterns += i18n_patterns(
    path("", include(portal_patterns)),
    path("dimos/<slug:municipality_slug>/statistics/", include("requests_tracker.statistics_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("verification/", include("identity_verification.urls")),
    path("appointments/", include("appointments.urls")),
    path("requests/", include("requests_tracker.urls")),
    prefix_default_language=False,
)

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
