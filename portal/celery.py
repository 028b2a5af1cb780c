import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {}


def beat_register(name: str, *, task: str, schedule: float) -> None:
    """A periodic task, registered by the app that owns it (in its AppConfig.ready(), which beat runs at start)."""
    app.conf.beat_schedule[name] = {"task": task, "schedule": schedule}


# Every five minutes: e-mails whose broker hand-off failed at commit time are sent again.
beat_register("portal-email-resend-pending", task="portal.tasks.email_resend_pending", schedule=300.0)
# Every quarter of an hour: the public statistics sections the apps registered, per municipality, into the cache.
beat_register("portal-statistics-refresh", task="portal.tasks.statistics_refresh", schedule=900.0)
