from datetime import timedelta

from celery import shared_task

from requests_tracker import services

MAX_NUMBERING_RETRIES = 10


@shared_task(bind=True, max_retries=MAX_NUMBERING_RETRIES, acks_late=True)
def erequest_number(self, erequest_id: int) -> bool:
    """Ask the protocol again for an e-request it could not number at filing."""
    try:
        return services.erequest_number(erequest_id=erequest_id)
    except Exception as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            # In-process, or out of retries: the e-request stays submitted and the sweep below asks again.
            return False
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task
def erequests_number_pending() -> int:
    """Re-enqueue e-requests still waiting for a number (broker down at filing, retries used up)."""
    pending = services.erequests_unnumbered(older_than=timedelta(minutes=10))
    for erequest_id in pending:
        erequest_number.delay(erequest_id)
    return len(pending)


@shared_task(bind=True, max_retries=8, acks_late=True)
def payment_refund(self, payment_id: int) -> bool:
    """Ask the card provider to refund a payment of a rejected e-request (the sweep retries what fails here)."""
    from requests_tracker import viva

    try:
        return services.payment_refund_execute(payment_id=payment_id)
    except viva.ProviderUnavailable as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=error, countdown=min(60 * 2**self.request.retries, 3600)) from error


@shared_task
def payments_reconcile_pending() -> dict:
    """Card orders still pending (a webhook lost, a browser closed) and refunds still requested: ask the provider."""
    return services.payments_reconcile()


@shared_task
def staged_uploads_purge() -> int:
    """Uploads staged on the request form and never filed: deleted a day later (quota relief, no orphans on disk)."""
    return services.staged_uploads_purge()


@shared_task
def service_level_reminders() -> int:
    """Departments reminded of their requests at 80 % of the target (one e-mail per department, each request once)."""
    return services.reminders_send()


@shared_task
def overdue_digests() -> int:
    """Each department's supervisor: one digest a day of its overdue requests and e-requests."""
    return services.overdue_digests_send()


@shared_task
def statistics_refresh() -> int:
    """Recompute each municipality's public statistics into the cache, so that the page never computes them."""
    from portal.models import Municipality
    from requests_tracker.selectors.statistics import requests_statistics_refresh

    municipalities = list(Municipality.objects.all())
    for municipality in municipalities:
        requests_statistics_refresh(municipality=municipality)
    return len(municipalities)
