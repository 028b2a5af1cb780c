import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "portal-email-resend-pending": {
        "task": "portal.tasks.email_resend_pending",
        "schedule": 300.0,
    },
    # Every five minutes: a reminder is due from 24 h (or 2 h) before; a sent-at flag sends each once.
    "appointments-reminders": {
        "task": "appointments.tasks.reminders_send",
        "schedule": 300.0,
    },
    # Meetings a refused publish never created, and cancelled meetings still open at the provider.
    "appointments-meetings-reconcile": {
        "task": "appointments.tasks.meetings_reconcile",
        "schedule": 300.0,
    },
    # Every minute: offers whose hold ran out pass to the next waiting citizen; freed times a refused publish
    # left unoffered are offered; waitlist entries past their days expire.
    "appointments-waitlist-reconcile": {
        "task": "appointments.tasks.waitlist_reconcile",
        "schedule": 60.0,
    },
}
