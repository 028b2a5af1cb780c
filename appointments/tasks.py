"""Background work with ids, not objects: meetings at the provider, reminders. Each task is idempotent."""

import logging

from celery import shared_task
from django.utils import timezone

from appointments import meetings, selectors, services
from appointments.models import Appointment

logger = logging.getLogger(__name__)
RETRIES = 8


def _retry(task, error: meetings.RetryLater | Exception):
    countdown = getattr(error, "after", None) or min(600, 30 * 2**task.request.retries)
    raise task.retry(exc=error, countdown=countdown, max_retries=RETRIES)


@shared_task(bind=True, max_retries=RETRIES)
def meeting_create(self, appointment_id: int) -> None:
    appointment = Appointment.objects.select_related("service", "clerk").filter(pk=appointment_id).first()
    if appointment is None or appointment.status != Appointment.Status.BOOKED or appointment.meeting_url:
        return
    provider = meetings.provider()
    try:
        meeting = provider.create(appointment)
    except Exception as error:  # the booking stands; the link comes on a later try
        logger.warning("Meeting for appointment %s not created yet: %s", appointment_id, error)
        _retry(self, error)
    services.meeting_attach(
        appointment_id=appointment_id, provider=provider.name, meeting_id=meeting.id, join_url=meeting.join_url
    )


@shared_task(bind=True, max_retries=RETRIES)
def meeting_update(self, appointment_id: int) -> None:
    appointment = Appointment.objects.select_related("service", "clerk").filter(pk=appointment_id).first()
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return
    if not appointment.meeting_id:
        meeting_create(appointment_id)
        return
    try:
        meetings.provider(appointment.meeting_provider).update(appointment)
    except Exception as error:
        _retry(self, error)


@shared_task(bind=True, max_retries=RETRIES)
def meeting_delete(self, provider: str, meeting_id: str, organizer_id: str) -> None:
    try:
        meetings.provider(provider).delete(meeting_id=meeting_id, organizer_id=organizer_id)
    except Exception as error:
        _retry(self, error)


@shared_task(bind=True, max_retries=RETRIES)
def meeting_cancel(self, appointment_id: int) -> None:
    """Remove a cancelled booking's meeting at its provider, once."""
    appointment = Appointment.objects.select_related("clerk").filter(pk=appointment_id).first()
    if (
        appointment is None
        or appointment.status != Appointment.Status.CANCELLED
        or not appointment.meeting_id
        or appointment.meeting_deleted_at is not None
    ):
        return
    try:
        meetings.provider(appointment.meeting_provider).delete(
            meeting_id=appointment.meeting_id, organizer_id=services.meeting_organizer(appointment.clerk)
        )
    except Exception as error:
        _retry(self, error)
    services.meeting_removed(appointment_id=appointment_id)


@shared_task
def meetings_reconcile() -> dict:
    """Beat: do the meeting work a refused publish (broker down) or a lost worker left undone.

    Creates the missing meetings of upcoming video bookings and removes those of cancelled ones; each call is
    the idempotent task run in this worker. Returns the counts, e.g. {"created": 2, "removed": 1}.
    """
    created = removed = 0
    for appointment_id in selectors.meetings_missing():
        try:
            meeting_create.run(appointment_id)
            created += 1
        except Exception:
            logger.exception("Meeting for appointment %s still missing", appointment_id)
    for appointment_id in selectors.meetings_to_remove():
        try:
            meeting_cancel.run(appointment_id)
            removed += 1
        except Exception:
            logger.exception("Meeting of cancelled appointment %s not removed yet", appointment_id)
    return {"created": created, "removed": removed}


@shared_task
def reminders_send() -> int:
    return services.reminders_send()


@shared_task
def waitlist_offer(freed_id: int) -> int:
    """Offer one freed time to the waitlist (idempotent: a freed time is offered once)."""
    from appointments import waitlist

    return waitlist.freed_time_offer(freed_id=freed_id)


@shared_task
def waitlist_reconcile() -> dict:
    """Beat, every minute: offers whose hold ran out pass to the next citizen; freed times a refused publish
    left unoffered are offered; entries whose days are over expire. Returns the counts."""
    from appointments import waitlist

    now = timezone.now()
    released = waitlist.holds_expire(now=now)
    offered = 0
    for freed_id in waitlist.freed_times_pending():
        try:
            offered += waitlist.freed_time_offer(freed_id=freed_id, now=now)
        except Exception:
            logger.exception("Freed time %s not offered yet", freed_id)
    return {"released": released, "offered": offered, "expired": waitlist.entries_expire(now=now)}


@shared_task
def documents_purge() -> int:
    """Beat, hourly: delete the documents of appointments past the retention period; the number deleted."""
    from appointments import documents

    return documents.documents_purge()
