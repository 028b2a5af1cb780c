"""Periodic tasks: each app registers its own with Celery beat; the core names none of theirs."""

import inspect

import portal.celery


def test_each_app_registers_its_own_beat_entries():
    schedule = portal.celery.app.conf.beat_schedule
    assert schedule["portal-email-resend-pending"]["task"] == "portal.tasks.email_resend_pending"
    assert schedule["appointments-reminders"]["task"] == "appointments.tasks.reminders_send"
    assert "appointments" not in inspect.getsource(portal.celery)
