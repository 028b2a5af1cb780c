from datetime import timedelta

from celery import shared_task

from portal import services

MAX_EMAIL_RETRIES = 8


@shared_task(bind=True, max_retries=MAX_EMAIL_RETRIES, acks_late=True)
def email_send(self, email_id: int) -> bool:
    try:
        return services.email_send_now(email_id=email_id)
    except Exception as error:
        if self.request.is_eager:
            # In-process (no broker): don't block the request with retries; the row stays queued.
            return False
        if self.request.retries >= self.max_retries:
            services.email_mark_failed(email_id=email_id, error=repr(error))
            return False
        # 30 s, 1 min, 2 min, … up to about an hour between tries.
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task
def email_resend_pending() -> int:
    """Re-enqueue e-mails that stayed queued (broker down at commit time, worker lost)."""
    pending = services.emails_pending(older_than=timedelta(minutes=10))
    for email_id in pending:
        email_send.delay(email_id)
    return len(pending)


@shared_task
def statistics_refresh() -> int:
    """Recompute every registered statistics section of every municipality into the cache (the public page reads
    only the cache, so it costs about what the floor view costs)."""
    from portal.models import Municipality
    from portal.statistics import sections_refresh

    return sum(sections_refresh(municipality=municipality) for municipality in Municipality.objects.all())
