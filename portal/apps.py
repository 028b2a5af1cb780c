from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Signal receivers: the request id carried into Celery tasks, and the worker's metrics.
        from portal import metrics, observability  # noqa: F401
        from portal import checks  # noqa: F401 - registers the deploy checks
