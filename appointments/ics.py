"""iCalendar files: the attachment of a booking's e-mails and the clerk's subscription feed (RFC 5545)."""

from datetime import UTC, datetime

from django.conf import settings
from icalendar import Calendar, Event

from appointments.models import Appointment

PRODID = "-//Dimos Portal//Appointments//EL"


def _calendar(*, method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(appointment: Appointment, *, for_clerk: bool) -> Event:
    zone = appointment.service.municipality.zone
    event = Event()
    host = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    event.add("uid", f"{appointment.code}@{host}")
    event.add("dtstamp", datetime.now(UTC))
    # Local times with their TZID (and the VTIMEZONE added below) show right in every calendar program.
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add("sequence", len(appointment.history))
    summary = appointment.service.name
    if for_clerk:
        summary = f"{summary}: {appointment.full_name}"
    event.add("summary", summary)
    description = [appointment.subject]
    if appointment.application_number:
        description.append(appointment.application_number)
    if appointment.meeting_url:
        description.append(appointment.meeting_url)
        event.add("url", appointment.meeting_url)
    event.add("description", "\n".join(description))
    if appointment.mode == "in_person" and appointment.service.location:
        event.add("location", appointment.service.location)
    elif appointment.meeting_url:
        event.add("location", appointment.meeting_url)
    cancelled = appointment.status == Appointment.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(appointment, for_clerk=False))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(*, appointments, name: str) -> bytes:
    calendar = _calendar(name=name)
    for appointment in appointments:
        calendar.add_component(_event(appointment, for_clerk=True))
    calendar.add_missing_timezones()
    return calendar.to_ical()
