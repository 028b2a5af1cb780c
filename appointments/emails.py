"""The e-mails of a booking, each in its recipient's language and zone (the citizen's own, else the municipality's).

Every e-mail that changes the event carries an iTIP part (appointments/ics.py): the citizen, the clerk and the
third person each get REQUEST on booking and on every change and CANCEL on cancellation, so that their calendar
programs keep one event up to date. Replies go to the service's department mailbox. Called inside the services'
transactions: email_enqueue stores them and the worker sends them after the commit.
"""

from django.urls import reverse
from django.utils import timezone, translation

from appointments.ics import CANCEL, REQUEST, appointment_itip, join_url, organizer_email
from appointments.models import Appointment
from portal.services import EmailAttachment, email_enqueue
from portal.templatetags.portal_tags import time_elsewhere
from portal.timezones import zone_label


def _citizen_language(appointment: Appointment) -> str:
    citizen = appointment.citizen
    return citizen.language if citizen is not None else "el"


def _send(
    *,
    appointment: Appointment,
    to: str,
    template: str,
    language: str,
    context: dict,
    method: str | None = None,
    for_clerk: bool = False,
    citizen: bool = True,
) -> None:
    if not to:
        return
    zone = appointment.citizen_zone if citizen else appointment.service.municipality.zone
    reply_to = organizer_email(appointment)
    attachments = []
    with translation.override(language), timezone.override(zone):
        if method:
            attachments.append(
                EmailAttachment(
                    "invite.ics" if method == REQUEST else "cancel.ics",
                    appointment_itip(appointment, method=method, for_clerk=for_clerk),
                    f"text/calendar; method={method}; charset=utf-8",
                )
            )
        email_enqueue(
            to=[to],
            template=f"appointments/email/{template}",
            context={
                "appointment": appointment,
                "zone_name": zone_label(zone, at=appointment.start, language=language),
                "join_url": join_url(appointment) if appointment.is_video else "",
                "reply_to": reply_to,
                "time_elsewhere": time_elsewhere(appointment.start, appointment.service.municipality.zone),
                **context,
            },
            language=language,
            attachments=attachments,
            headers={"Reply-To": reply_to},
        )


def _manage_links(token: str) -> dict:
    # Links without a language prefix: the citizen's language cookie or the default decides the page's language.
    return {
        "manage_url": reverse("appointments:manage", args=[token]),
        "reschedule_url": reverse("appointments:manage_reschedule", args=[token]),
        "cancel_url": reverse("appointments:manage_cancel", args=[token]),
    }


def _citizen(appointment: Appointment, *, event: str, method: str | None, template: str = "citizen", **context) -> None:
    _send(
        appointment=appointment,
        to=appointment.email,
        template=template,
        language=_citizen_language(appointment),
        context={"event": event, **context},
        method=method,
    )


def _clerk(appointment: Appointment, *, event: str, clerk=None) -> None:
    user = (clerk or appointment.clerk).user
    _send(
        appointment=appointment,
        to=user.email,
        template="clerk",
        language=user.language,
        context={"event": event},
        method=CANCEL if event == "cancelled" else REQUEST,
        for_clerk=True,
        citizen=False,
    )


def _third_party(appointment: Appointment, *, event: str, to: str = "") -> None:
    to = to or appointment.third_party_email
    if not (appointment.is_video and to):
        return
    _send(
        appointment=appointment,
        to=to,
        template="invitation",
        language=_citizen_language(appointment),
        context={"event": event},
        method=CANCEL if event in {"cancelled", "uninvited"} else REQUEST,
        citizen=False,
    )


def booked(*, appointment: Appointment, token: str) -> None:
    _citizen(appointment, event="booked", method=REQUEST, **_manage_links(token))
    _clerk(appointment, event="booked")
    _third_party(appointment, event="booked")


def rescheduled(
    *, appointment: Appointment, token: str, old_clerk, moved: bool = True, old_third_party: tuple | None = None
) -> None:
    """After a move or a change of details: the same event, a higher SEQUENCE, for everyone in it.

    `moved` False means only the details changed; `old_third_party` (e-mail, name) is a third person who was
    replaced or removed: they get a CANCEL for the event.
    """
    event = "rescheduled" if moved else "changed"
    _citizen(appointment, event=event, method=REQUEST, **_manage_links(token))
    if old_clerk.pk != appointment.clerk_id:
        _clerk(appointment, event="cancelled", clerk=old_clerk)
        _clerk(appointment, event="booked")
    else:
        _clerk(appointment, event=event)
    if old_third_party:
        _third_party(appointment, event="uninvited", to=old_third_party[0])
    _third_party(appointment, event=event)


def cancelled(*, appointment: Appointment, by_clerk: bool, notify_citizen: bool = True) -> None:
    if notify_citizen:
        _citizen(appointment, event="cancelled", method=CANCEL, by_clerk=by_clerk)
    _clerk(appointment, event="cancelled")
    _third_party(appointment, event="cancelled")


def reminder(*, appointment: Appointment, hours: int) -> None:
    _citizen(appointment, event="reminder", method=None, hours=hours)


def offered(*, appointment: Appointment, token: str) -> None:
    """A waitlist offer: the time, how long it is held, and the link that books it in one step. No iTIP part:
    it is not an event in anyone's calendar until it is claimed."""
    _citizen(
        appointment,
        event="offered",
        method=None,
        template="offer",
        offer_url=reverse("appointments:offer", args=[token]),
    )


def offer_expired(*, appointment: Appointment) -> None:
    _citizen(appointment, event="offer_expired", method=None, template="offer")


def document_requested(*, appointment: Appointment, message: str, upload_url: str) -> None:
    """The clerk asks for a missing document: the message and the link where it is attached."""
    _citizen(
        appointment,
        event="document_requested",
        method=None,
        template="document_request",
        message=message,
        upload_url=upload_url,
    )
