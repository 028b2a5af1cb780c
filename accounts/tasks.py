from celery import shared_task

from accounts import newsletters, services


@shared_task(bind=True, max_retries=5, acks_late=True)
def newsletter_send_batch(self, newsletter_id: int) -> None:
    try:
        more = newsletters.newsletter_send_batch_now(newsletter_id=newsletter_id)
    except Exception as error:
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
    if more:
        newsletter_send_batch.delay(newsletter_id)


@shared_task(acks_late=True)
def username_reminder_send(email: str) -> None:
    # The look-up and the e-mail happen here, never in the request: a known and an unknown address cost the
    # request the same (one task queued), so its timing tells nothing.
    services.username_reminder_send(email=email)
