import base64
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models, transaction
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation

from portal.models import AuditEntry, Municipality, OutboundEmail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content": base64.b64encode(self.content).decode("ascii"),
            "mimetype": self.mimetype,
        }


def email_enqueue(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str,
    attachments: list[EmailAttachment] = (),
    headers: dict | None = None,
) -> OutboundEmail:
    """Render an e-mail in the recipient's language now, send it from the worker after the transaction commits.

    `template` names three templates: `<template>_subject.txt`, `<template>.txt` and, optionally, `<template>.html`.
    The text ones are rendered without HTML escaping (text_render); an e-mail without its own HTML template gets
    the text in the portal's HTML frame, headed by the municipality found in the context (email_municipality).
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(text_render(f"{template}_subject.txt", context).split())
        body_text = text_tidy(text_render(f"{template}.txt", context))
        try:
            body_html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            body_html = email_html(
                subject=subject, body_text=body_text, municipality=email_municipality(context), language=language
            )
    return _email_store(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        language=language,
        headers=headers,
    )


def text_render(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping (the "text" engine in settings.TEMPLATES)."""
    return engines["text"].get_template(template_name).render(context)


def text_tidy(text: str) -> str:
    """No more than one blank line in a row, none at the end: what a template's {% if %} blocks leave behind."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    tidy = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"


def email_municipality(context: dict) -> Municipality | None:
    """The municipality an e-mail is from: one in its context, or that of an object in it (a case, a booking)."""
    values = list(context.values())
    for value in values:
        if isinstance(value, Municipality):
            return value
    for path in (("municipality",), ("service", "municipality")):
        for value in values:
            for attribute in path:
                try:
                    value = getattr(value, attribute, None)
                except Exception:  # a lazy relation that cannot be loaded: not this one
                    value = None
            if isinstance(value, Municipality):
                return value
    return None


def email_logo_url(municipality: Municipality | None) -> str:
    """The municipality's logo (static/portal/logos/<slug>.png) or the portal's (static/portal/logo.png), if any."""
    candidates = [f"portal/logos/{municipality.slug}.png"] if municipality else []
    for path in [*candidates, "portal/logo.png"]:
        if finders.find(path):
            return settings.SITE_URL + static(path)
    return ""


def email_html(*, subject: str, body_text: str, municipality: Municipality | None, language: str) -> str:
    """The HTML alternative of a text e-mail: the text, its links clickable, under the municipality's name."""
    with translation.override(language):
        return render_to_string(
            "portal/email/base.html",
            {
                "subject": subject,
                "body_text": body_text,
                "municipality": municipality,
                "logo_url": email_logo_url(municipality),
                "language": language,
                "site_url": settings.SITE_URL,
            },
        )


def email_enqueue_message(
    *, message: EmailMessage, language: str, municipality: Municipality | None = None
) -> OutboundEmail:
    """Queue an e-mail another library rendered (allauth's), already in the recipient's language."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if not html:
        html = email_html(subject=message.subject, body_text=message.body, municipality=municipality, language=language)
    return _email_store(
        to=message.to,
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        attachments=[],
        language=language,
        headers=dict(message.extra_headers),
    )


def _email_store(
    *,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str,
    attachments,
    language: str,
    headers: dict | None = None,
) -> OutboundEmail:
    email = OutboundEmail.objects.create(
        to=list(to),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[attachment.as_json() for attachment in attachments],
        headers=headers or {},
        language=language,
    )
    transaction.on_commit(lambda: _email_dispatch(email.pk))
    return email


def _email_dispatch(email_id: int) -> None:
    from portal.tasks import email_send

    # If the broker is down the row stays queued and email_resend_pending picks it up later.
    task_publish(email_send, email_id)


# After one failed publish, the next ones within this many seconds are skipped rather than tried: a request
# that queues several tasks with the broker down pays for one refused connection, not one per task.
BROKER_BACKOFF_SECONDS = 30
_broker_down_until = 0.0
# Counts of this process's publishes since start: tried (reached for the broker), refused, skipped (backoff).
publish_counts = {"tried": 0, "refused": 0, "skipped": 0}


def task_publish(task, *args) -> bool:
    """Hand a Celery task to the broker now; False (logged, never raised) if the broker cannot take it.

    Every caller has a durable record the work can be redone from (an outbox row, a booking without its
    meeting) and a beat task that redoes it, so a refused publish loses nothing. Publishing is one attempt with
    a short connection timeout (CELERY_BROKER_CONNECTION_TIMEOUT), then a pause of BROKER_BACKOFF_SECONDS.
    """
    global _broker_down_until
    if not task.app.conf.task_always_eager and time.monotonic() < _broker_down_until:
        publish_counts["skipped"] += 1
        logger.warning("Broker marked down; %s%r left for the beat task", task.name, args)
        return False
    publish_counts["tried"] += 1
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        publish_counts["refused"] += 1
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.exception("Could not enqueue %s%r; the beat task will redo it", task.name, args)
        return False
    return True


def task_enqueue_on_commit(task, *args) -> None:
    """Publish `task(*args)` once the current transaction commits (see task_publish: never raises)."""
    transaction.on_commit(lambda: task_publish(task, *args))


def email_send_now(*, email_id: int) -> bool:
    """Send one queued e-mail; True if this call sent it. Safe to call twice or concurrently.

    The row stays locked from sending until the commit, so a second worker skips it instead of sending again.
    A failure is recorded on the row (attempts, reason) and then raised for the task to retry.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            return False  # already sent, given up on, or being sent by another worker right now
        email.attempts += 1
        try:
            _email_message(email).send()
        except Exception as error:
            email.last_error = repr(error)
            email.save(update_fields=["attempts", "last_error"])
            failure = error
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            return True
    raise failure


def _email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=email.to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers=email.headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(_attachment_part(attachment))
    return message


def _attachment_part(attachment: dict) -> MIMEBase:
    # Django's attach() takes a bare "type/subtype"; iMIP (RFC 6047 §2.4) needs parameters on the part itself:
    # `Content-Type: text/calendar; method=REQUEST; charset=utf-8`.
    content = base64.b64decode(attachment["content"])
    mimetype, *parameters = (part.strip() for part in attachment["mimetype"].split(";"))
    maintype, subtype = mimetype.split("/", 1)
    if maintype == "text":
        part = MIMEText(content.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.lower() != "charset":
            part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.FAILED, last_error=error
    )


def emails_pending(*, older_than: timedelta) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )


def audit_log(
    *, action: str, target: models.Model, actor=None, municipality: Municipality | None = None, data: dict | None = None
) -> AuditEntry:
    """Record a decision or a step: `action` is a dotted name such as "verification.approved"."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        municipality=municipality,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        data=data or {},
    )
