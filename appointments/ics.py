"""iCalendar: the scheduling messages of a booking's e-mails (iTIP) and the clerk's subscription feed.

Every e-mail about a booking carries an iTIP message (RFC 5546) in a `text/calendar; method=…` part (iMIP,
RFC 6047): REQUEST when the booking is made or changed, CANCEL when it is cancelled. Calendar programs apply
them to one event because the UID never changes and SEQUENCE only grows (`Appointment.ical_sequence`); the
ORGANIZER is the service's department mailbox, the ATTENDEEs the citizen, the clerk and any third person.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from appointments.models import Appointment

PRODID = "-//Dimos Portal//Appointments//EL"
REQUEST, CANCEL = "REQUEST", "CANCEL"


def ical_uid(appointment: Appointment) -> str:
    """The event's UID, the same in every message about one booking (RFC 5545 §3.8.4.7)."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    return f"{appointment.code}@{host}"


def join_url(appointment: Appointment) -> str:
    """The booking's own join page: it opens the meeting, or says the call was cancelled or is not ready yet."""
    return settings.SITE_URL + reverse("appointments:join", args=[appointment.code])


def organizer_email(appointment: Appointment) -> str:
    return service_email(appointment.service)


def service_email(service) -> str:
    """The mailbox that answers for the service: its department's, else the municipality's, else the sender."""
    return service.department.email or service.municipality.contact_email or _address(settings.DEFAULT_FROM_EMAIL)


def _address(value: str) -> str:
    return value.rsplit("<", 1)[-1].rstrip(">").strip()


def _calendar(*, method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _person(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    address.params.update(params)
    return address


def _attendees(appointment: Appointment) -> list[vCalAddress]:
    people = []
    if appointment.email:
        people.append(_person(appointment.email, appointment.full_name, role="REQ-PARTICIPANT", partstat="ACCEPTED"))
    clerk = appointment.clerk.user
    if clerk.email:
        people.append(_person(clerk.email, clerk.full_name, role="CHAIR", partstat="ACCEPTED"))
    if appointment.third_party_email:
        people.append(
            _person(
                appointment.third_party_email,
                appointment.third_party_name,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="FALSE",
            )
        )
    return people


def _event(appointment: Appointment, *, for_clerk: bool, scheduling: bool) -> Event:
    zone = appointment.service.municipality.zone
    event = Event()
    event.add("uid", ical_uid(appointment))
    event.add("dtstamp", datetime.now(UTC))
    # Local times with their TZID (and the VTIMEZONE added below): every calendar program shows them in its
    # own zone.
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add("sequence", appointment.ical_sequence)
    summary = appointment.service.name
    if for_clerk:
        summary = f"{summary}: {appointment.full_name}"
    event.add("summary", summary)
    description = [appointment.subject]
    if appointment.application_number:
        description.append(appointment.application_number)
    if appointment.is_video:
        link = join_url(appointment)
        description.append(link)
        event.add("url", link)
        event.add("location", link)
    elif appointment.service.location:
        event.add("location", appointment.service.location)
    event.add("description", "\n".join(description))
    cancelled = appointment.status == Appointment.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if scheduling:
        event.add("organizer", _person(organizer_email(appointment), appointment.service.department.name))
        for attendee in _attendees(appointment):
            event.add("attendee", attendee, encode=0)
    return event


def appointment_itip(appointment: Appointment, *, method: str, for_clerk: bool = False) -> bytes:
    """One iTIP message (RFC 5546 §3.2.2 REQUEST, §3.2.5 CANCEL) for the booking as it is now, as bytes."""
    calendar = _calendar(method=method)
    calendar.add_component(_event(appointment, for_clerk=for_clerk, scheduling=True))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(*, appointments, name: str) -> bytes:
    """The clerk's subscription feed: a published calendar (no METHOD), one event per booking."""
    calendar = _calendar(name=name)
    for appointment in appointments:
        calendar.add_component(_event(appointment, for_clerk=True, scheduling=False))
    calendar.add_missing_timezones()
    return calendar.to_ical()
