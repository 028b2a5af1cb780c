from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = _("Citizen requests")

    def ready(self):
        from portal.registry import PortalService, register_service

        register_service(
            PortalService(
                key="requests",
                title=_("Citizen requests"),
                description=_("Report a problem in your neighbourhood on the map and follow its progress."),
                url_name="requests_tracker:start",
                order=20,
            )
        )
