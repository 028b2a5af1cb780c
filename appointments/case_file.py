"""Appointments' part of the citizen's case file («Ο φάκελός μου»)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appointments import selectors
from appointments.models import Appointment, WaitlistEntry
from portal.registry import CaseFileItem

_COLOURS = {
    Appointment.Status.BOOKED: "text-bg-primary",
    Appointment.Status.ATTENDED: "text-bg-success",
    Appointment.Status.NO_SHOW: "text-bg-warning",
    Appointment.Status.CANCELLED: "text-bg-secondary",
}


def appointment_items(user) -> list[CaseFileItem]:
    """Upcoming appointments, soonest first, then (a group of their own) past and cancelled ones, newest first.

    A past appointment shows what became of it: attended («ολοκληρώθηκε»), no-show, or past without a mark
    («έληξε»), never «προγραμματισμένο».
    """
    now = timezone.now()
    rows = list(
        Appointment.objects.bookings()
        .filter(citizen=user)
        .select_related("service__municipality")
        .order_by("start")[:200]
    )
    upcoming = [a for a in rows if a.status == Appointment.Status.BOOKED and a.start > now]
    past = sorted((a for a in rows if a not in upcoming), key=lambda a: a.start, reverse=True)
    return [_item(appointment, upcoming=appointment in upcoming) for appointment in [*upcoming, *past]]


def _item(appointment: Appointment, *, upcoming: bool) -> CaseFileItem:
    return CaseFileItem(
        title=f"{appointment.service.name} · {appointment.get_mode_display()}",
        url=reverse("appointments:booking", kwargs={"code": appointment.code}),
        status=_status(appointment, upcoming=upcoming),
        status_colour=_COLOURS.get(appointment.status, "text-bg-secondary") if upcoming else _PAST_COLOUR,
        next_step=_next_step(appointment) if upcoming else "",
        when=appointment.start,
        group=_("Upcoming") if upcoming else _("Past and cancelled"),
    )


# Past items are done with: one quiet colour, whatever became of them (the words tell which).
_PAST_COLOUR = "text-bg-secondary"


def _status(appointment: Appointment, *, upcoming: bool) -> str:
    if upcoming or appointment.status in (Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW):
        return appointment.get_status_display()
    if appointment.status == Appointment.Status.ATTENDED:
        return _("completed")
    return _("past, not marked")


def _next_step(appointment: Appointment) -> str:
    if appointment.is_video:
        if appointment.meeting_url:
            return _("Join the video call from the appointment's page at the time of the appointment.")
        return _("The link to the video call will be e-mailed to you shortly.")
    if appointment.service.location:
        return _("Be at %(place)s a few minutes early.") % {"place": appointment.service.location}
    return _("Be at the service a few minutes early.")


def new_booking_action(user):
    if user.is_verified_citizen and user.municipality is not None:
        return (_("New booking"), reverse("appointments:start", kwargs={"municipality_slug": user.municipality.slug}))
    return None


_WAITLIST_COLOURS = {
    WaitlistEntry.Status.WAITING: "text-bg-info",
    WaitlistEntry.Status.OFFERED: "text-bg-warning",
    WaitlistEntry.Status.BOOKED: "text-bg-success",
}


def waitlist_items(user) -> list[CaseFileItem]:
    """The citizen's waitlist entries, newest first; an offer's held time is the next step."""
    items = []
    for entry in selectors.waitlist_for_citizen(user=user):
        hold = next((h for h in entry.holds.all() if h.status == Appointment.Status.HELD), None)
        if hold is not None:
            next_step = _("A time is held for you until %(until)s: book it from this page.") % {
                "until": date_format(timezone.localtime(hold.hold_expires_at), "j E Y, H:i")
            }
        elif entry.status == WaitlistEntry.Status.WAITING:
            next_step = _("We will e-mail you when a time frees up.")
        else:
            next_step = ""
        items.append(
            CaseFileItem(
                title=_("Waitlist · %(service)s · %(first)s – %(last)s")
                % {
                    "service": entry.service.name,
                    "first": date_format(entry.first_day, "j E"),
                    "last": date_format(entry.last_day, "j E Y"),
                },
                url=reverse("appointments:waitlist_entry", kwargs={"code": entry.code}),
                status=entry.get_status_display(),
                status_colour=_WAITLIST_COLOURS.get(entry.status, "text-bg-secondary"),
                next_step=next_step,
                when=entry.created_at,
            )
        )
    return items
