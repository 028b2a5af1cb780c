from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Deploy checks; signal receivers for the request id carried into Celery tasks and the worker's metrics.
        from portal import checks, metrics, observability  # noqa: F401
