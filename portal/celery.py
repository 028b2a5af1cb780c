import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {}


@app.on_after_configure.connect
def _in_process_broker(sender, **kwargs) -> None:
    # Without CELERY_BROKER_URL tasks run in-process (task_always_eager), yet Celery's eager apply_async still takes
    # a producer from its pool, and kombu, given no URL, warns «No hostname was supplied» on every publish. An
    # in-memory transport needs no host. Only the app's setting changes: settings.CELERY_BROKER_URL stays empty,
    # which is what portal.health and portal.metrics read to say «in process».
    if sender.conf.task_always_eager and not sender.conf.broker_url:
        sender.conf.broker_url = "memory://localhost/"


def beat_register(name: str, *, task: str, schedule: float) -> None:
    """A periodic task, registered by the app that owns it (in its AppConfig.ready(), which beat runs at start).

    Call it from ready(), never at import time: reading app.conf loads Django's settings, and `import portal`
    (which `python -m portal.embedded_db` does first) must not.
    """
    app.conf.beat_schedule[name] = {"task": task, "schedule": schedule}
