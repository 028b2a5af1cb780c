"""The clerk's side: my calendar in the municipality's time, my hours and time off, my calendar feed."""

from datetime import date, datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from appointments import selectors, services
from appointments.forms import StaffCancelForm, TimeOffForm, WorkingHoursForm
from appointments.ics import feed_ics
from appointments.models import Appointment, TimeOff, WorkingHours
from portal.registry import reference_staff_url
from portal.timezones import zone_label

# A calendar address may name any date; these bound it so the week's arithmetic stays inside the calendar.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(9000, 12, 31)


def _in_municipality_time(view):
    """Gives the view the clerk's StaffMember and shows times in the municipality's zone, whatever the browser's."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        staff = selectors.staff_member_for(user=request.user)
        with timezone.override(staff.municipality.zone):
            return view(request, staff, *args, **kwargs)

    return login_required(wrapper)


@_in_municipality_time
def calendar(request: HttpRequest, staff) -> HttpResponse:
    zone = staff.municipality.zone
    view = "week" if request.GET.get("view") == "week" else "day"
    try:
        day = min(max(date.fromisoformat(request.GET.get("date", "")), FIRST_DAY), LAST_DAY)
    except ValueError:
        day = timezone.now().astimezone(zone).date()
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    length = 7 if view == "week" else 1
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    appointments = selectors.staff_appointments(staff=staff, start=start, end=start + timedelta(days=length))
    for appointment in appointments:
        # «Αριθμός Αίτησης» may name an e-request: link it when this clerk may open it.
        appointment.reference_url = appointment.application_number and reference_staff_url(
            user=request.user, municipality=staff.municipality, reference=appointment.application_number
        )
    days = []
    for offset in range(length):
        current = first + timedelta(days=offset)
        days.append(
            {"date": current, "appointments": [a for a in appointments if a.start.astimezone(zone).date() == current]}
        )
    return render(
        request,
        "appointments/staff/calendar.html",
        {
            "staff": staff,
            "view": view,
            "days": days,
            "day": day,
            "previous": first - timedelta(days=length),
            "next": first + timedelta(days=length),
            "zone_name": zone_label(zone),
            "now": timezone.now(),
            "waitlists": selectors.waitlist_lengths(staff=staff),
        },
    )


@login_required
@require_POST
def mark(request: HttpRequest, code: str) -> HttpResponse:
    staff = selectors.staff_member_for(user=request.user)
    appointment = selectors.staff_appointment(staff=staff, code=code)
    status = request.POST.get("status")
    if status not in {Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW}:
        messages.error(request, gettext("Unknown status."))
    elif services.appointment_mark(appointment=appointment, status=status, actor=request.user):
        messages.success(request, gettext("Recorded."))
    else:
        messages.error(request, gettext("Only a booked appointment that has started can be marked."))
    return redirect(_back(request, appointment))


@_in_municipality_time
def cancel(request: HttpRequest, staff, code: str) -> HttpResponse:
    """A clerk cancels a booking: a page that shows it, asks for the reason the citizen will read, and confirms."""
    appointment = selectors.staff_appointment(staff=staff, code=code)
    if not appointment.is_active:
        messages.error(request, gettext("This appointment is no longer booked."))
        return redirect(_back(request, appointment))
    form = StaffCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.appointment_cancel(
            appointment=appointment, actor=request.user, reason=form.cleaned_data["reason"], by_clerk=True
        ):
            messages.success(request, gettext("The appointment was cancelled and the citizen informed."))
        return redirect(_back(request, appointment))
    return render(
        request,
        "appointments/staff/cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "back_url": _back(request, appointment),
            "view": "week" if (request.POST.get("view") or request.GET.get("view")) == "week" else "day",
        },
        status=400 if form.errors else 200,
    )


def _back(request, appointment) -> str:
    # Back to the day (or week) the clerk was looking at.
    day = appointment.start.astimezone(appointment.service.municipality.zone).date()
    view = "week" if (request.POST.get("view") or request.GET.get("view")) == "week" else "day"
    return reverse("appointments:staff_calendar") + f"?view={view}&date={day.isoformat()}"


@_in_municipality_time
def availability(request: HttpRequest, staff) -> HttpResponse:
    hours_form, off_form = WorkingHoursForm(prefix="hours"), TimeOffForm(prefix="off")
    feed_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "hours":
            hours_form = WorkingHoursForm(request.POST, prefix="hours", existing=staff.working_hours.all())
            if hours_form.is_valid():
                services.working_hours_add(staff=staff, **hours_form.cleaned_data)
                return redirect("appointments:staff_availability")
        elif action == "off":
            off_form = TimeOffForm(request.POST, prefix="off")
            if off_form.is_valid():
                TimeOff.objects.create(staff=staff, **off_form.cleaned_data)
                return redirect("appointments:staff_availability")
        elif action == "delete_hours":
            WorkingHours.objects.filter(staff=staff, pk=request.POST.get("pk")).delete()
            return redirect("appointments:staff_availability")
        elif action == "delete_off":
            services.time_off_remove(staff=staff, pk=request.POST.get("pk"))
            return redirect("appointments:staff_availability")
        elif action == "feed":
            token = services.feed_token_reset(staff=staff)
            feed_url = request.build_absolute_uri(reverse("appointments:feed", args=[token]))
    return render(
        request,
        "appointments/staff/availability.html",
        {
            "staff": staff,
            "hours": staff.working_hours.all(),
            "time_off": staff.time_off.filter(end__gt=timezone.now()),
            "hours_form": hours_form,
            "off_form": off_form,
            "feed_url": feed_url,
            "zone_name": zone_label(staff.municipality.zone),
        },
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The clerk's private iCalendar feed: the token is the only key, and resetting it closes the old URL."""
    staff = selectors.staff_for_feed(token=token)
    since = timezone.now() - timedelta(days=30)
    appointments = (
        Appointment.objects.bookings()
        .filter(clerk=staff, start__gte=since)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("service__municipality")
    )
    body = feed_ics(appointments=appointments, name=str(staff))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
