from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = _("Citizen requests")

    def ready(self):
        from accounts.registry import PersonalDataSection, register_personal_data
        from portal.registry import PortalService, register_demo_loader, register_service
        from requests_tracker import services
        from requests_tracker.demo import demo_load

        register_service(
            PortalService(
                key="requests",
                title=_("Citizen requests"),
                description=_("Report a problem in your neighbourhood on the map and follow its progress."),
                url_name="requests_tracker:start",
                order=20,
            )
        )
        register_demo_loader(demo_load, order=40)
        register_personal_data(
            PersonalDataSection(
                key="requests_tracker",
                export=services.citizen_data_export,
                erase=services.citizen_data_erase,
            )
        )
