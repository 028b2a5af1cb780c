import pytest
from django.core import mail
from django.db import transaction

from portal import services, tasks
from portal.models import OutboundEmail
from tests.broker import tasks_sent_to_broker


def _enqueue(language="el", **kwargs):
    return services.email_enqueue(
        to=["citizen@example.gr"],
        template="portal/email/test",
        context={"name": "Μαρία"},
        language=language,
        **kwargs,
    )


def test_email_is_sent_only_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _enqueue()
    assert mail.outbox == []
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.QUEUED
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at is not None


def test_email_is_written_in_the_recipients_language(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(language="el")
        _enqueue(language="en")
    greek, english = mail.outbox
    assert greek.subject == "Δοκιμαστικό μήνυμα από την Πύλη του Δήμου"
    assert "Γεια σας, Μαρία," in greek.body
    assert english.subject == "Test message from Dimos Portal"
    assert "Dear Μαρία," in english.body


def test_a_rolled_back_transaction_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _enqueue()
        raise RuntimeError("the booking failed")
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_sending_twice_sends_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _enqueue(attachments=[services.EmailAttachment("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    assert services.email_send_now(email_id=email.pk) is False
    assert tasks.email_send.apply(args=[email.pk]).get() is False
    assert len(mail.outbox) == 1
    part = mail.outbox[0].attachments[0]
    assert (part.get_filename(), part.get_content_type()) == ("invite.ics", "text/calendar")
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR"


def test_an_attachment_keeps_its_content_type_parameters_on_the_wire(db, django_capture_on_commit_callbacks):
    # iMIP (RFC 6047 §2.4): the calendar part itself says `method=REQUEST`.
    attachment = services.EmailAttachment(
        "invite.ics", b"BEGIN:VCALENDAR", "text/calendar; method=REQUEST; charset=utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(attachments=[attachment])
    wire = mail.outbox[0].message().as_string()
    assert 'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in wire
    assert 'Content-Disposition: attachment; filename="invite.ics"' in wire


def test_a_broker_that_is_down_leaves_the_email_queued_for_later(db, django_capture_on_commit_callbacks):
    with (
        tasks_sent_to_broker("redis://127.0.0.1:1/0", max_retries=0),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = _enqueue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2000))
    assert tasks.email_resend_pending.apply().get() == 1
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_keeps_the_email_and_the_reason(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        email = _enqueue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1
    assert "Connection refused" in email.last_error or "ConnectionRefused" in email.last_error
