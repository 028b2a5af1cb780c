from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from portal.registry import PortalService, register_service

        register_service(
            PortalService(
                key="appointments",
                title=_("Appointments"),
                description=_("Book an appointment with a clerk, in person or by video call."),
                url_name="appointments:start",
                order=10,
            )
        )
