from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # Deploy checks; signal receivers for the request id carried into Celery tasks and the worker's metrics.
        from portal import checks, metrics, observability  # noqa: F401
        from portal.caching import MUNICIPALITIES_VERSION, data_changed
        from portal.celery import beat_register
        from portal.models import Municipality

        # Every five minutes: e-mails whose broker hand-off failed at commit time are sent again.
        beat_register("portal-email-resend-pending", task="portal.tasks.email_resend_pending", schedule=300.0)
        # Every quarter of an hour: the public statistics sections the apps registered, per municipality, into the
        # cache.
        beat_register("portal-statistics-refresh", task="portal.tasks.statistics_refresh", schedule=900.0)

        # The home page's list of municipalities is cached (portal.caching): any save or deletion, from the admin,
        # load_demo or a shell, moves its version on commit. A cache, not a rule: hence a signal.
        # At once too: the municipality is also read from the cache by the pages (portal.selectors.municipality_cached),
        # and the changing transaction's own later reads must see the change.
        def municipalities_changed(sender, **kwargs):
            data_changed(MUNICIPALITIES_VERSION, at_once=True)

        post_save.connect(
            municipalities_changed, sender=Municipality, weak=False, dispatch_uid="portal_municipalities_saved"
        )
        post_delete.connect(
            municipalities_changed, sender=Municipality, weak=False, dispatch_uid="portal_municipalities_deleted"
        )
