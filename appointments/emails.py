"""The e-mails of a booking, each in its recipient's language and zone (the citizen's own, else the municipality's).

Called inside the services' transactions: email_enqueue stores them and the worker sends them after commit.
"""

from django.urls import reverse
from django.utils import timezone, translation

from appointments.ics import appointment_ics
from appointments.models import Appointment
from portal.services import EmailAttachment, email_enqueue
from portal.timezones import zone_label


def _citizen_language(appointment: Appointment) -> str:
    citizen = appointment.citizen
    return citizen.language if citizen is not None else "el"


def _send(
    *, appointment: Appointment, to: str, template: str, language: str, context: dict, ics=False, citizen=True
) -> None:
    zone = appointment.citizen_zone if citizen else appointment.service.municipality.zone
    attachments = []
    with translation.override(language), timezone.override(zone):
        if ics:
            attachments.append(
                EmailAttachment(f"{appointment.code}.ics", appointment_ics(appointment), "text/calendar")
            )
        email_enqueue(
            to=[to],
            template=f"appointments/email/{template}",
            context={
                "appointment": appointment,
                "zone_name": zone_label(zone, at=appointment.start, language=language),
                **context,
            },
            language=language,
            attachments=attachments,
        )


def _manage_links(token: str) -> dict:
    # Links without a language prefix: the citizen's language cookie or the default decides the page's language.
    return {
        "manage_url": reverse("appointments:manage", args=[token]),
        "reschedule_url": reverse("appointments:manage_reschedule", args=[token]),
        "cancel_url": reverse("appointments:manage_cancel", args=[token]),
    }


def _clerk(appointment: Appointment, *, event: str, clerk=None) -> None:
    user = (clerk or appointment.clerk).user
    if user.email:
        _send(
            appointment=appointment,
            to=user.email,
            template="clerk",
            language=user.language,
            context={"event": event},
            citizen=False,
        )


def booked(*, appointment: Appointment, token: str) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template="citizen",
        language=_citizen_language(appointment),
        context={"event": "booked", **_manage_links(token)},
        ics=True,
    )
    _clerk(appointment, event="booked")


def rescheduled(*, appointment: Appointment, token: str, old_clerk) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template="citizen",
        language=_citizen_language(appointment),
        context={"event": "rescheduled", **_manage_links(token)},
        ics=True,
    )
    if old_clerk.pk != appointment.clerk_id:
        _clerk(appointment, event="cancelled", clerk=old_clerk)
        _clerk(appointment, event="booked")
    else:
        _clerk(appointment, event="rescheduled")
    if appointment.third_party_email and appointment.meeting_url:
        _third_party(appointment)


def cancelled(*, appointment: Appointment, by_clerk: bool) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template="citizen",
        language=_citizen_language(appointment),
        context={"event": "cancelled", "by_clerk": by_clerk},
        ics=True,
    )
    _clerk(appointment, event="cancelled")


def meeting_ready(*, appointment: Appointment) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template="citizen",
        language=_citizen_language(appointment),
        context={"event": "meeting"},
    )
    if appointment.third_party_email:
        _third_party(appointment)


def _third_party(appointment: Appointment) -> None:
    _send(
        appointment=appointment,
        to=appointment.third_party_email,
        template="invitation",
        language=_citizen_language(appointment),
        context={},
        ics=True,
        citizen=False,
    )


def reminder(*, appointment: Appointment, hours: int) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template="citizen",
        language=_citizen_language(appointment),
        context={"event": "reminder", "hours": hours},
    )
