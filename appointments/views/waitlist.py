"""The waitlist: joining from the calendar, the citizen's entry page, and the e-mailed offer that books in one step."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.decorators import verified_citizen_required
from appointments import selectors, waitlist
from appointments.forms import OfferClaimForm, WaitlistForm
from appointments.models import Appointment, Mode
from appointments.views.booking import _service
from appointments.views.calendar import parse_day


@verified_citizen_required
def join(request: HttpRequest, municipality_slug: str, mode: str, service_id: int) -> HttpResponse:
    service = _service(municipality_slug, mode, service_id)
    municipality = service.municipality
    clerks = selectors.clerks_for(service=service)
    opens, closes = selectors.booking_days(service=service, zone=request.time_zone)
    first = max(parse_day(request.GET.get("day")) or opens, opens)
    form = WaitlistForm(
        request.POST or None,
        clerks=clerks,
        modes=service.modes,
        initial={
            "first_day": first,
            "last_day": min(first + timedelta(days=13), closes),
            "mode": mode,
            "clerk": request.GET.get("clerk", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = waitlist.waitlist_join(
                service=service,
                citizen=request.user,
                clerk=next((member for member in clerks if member.pk == data["clerk"]), None),
                mode=data["mode"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                zone=request.time_zone,
                subject=data["subject"],
            )
        except waitlist.WaitlistRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("You are on the waitlist. We will e-mail you when a time frees up."))
            return redirect("appointments:waitlist_entry", code=entry.code)
    return render(
        request,
        "appointments/waitlist_join.html",
        {
            "municipality": municipality,
            "service": service,
            "mode": mode,
            "mode_label": Mode(mode).label,
            "form": form,
            "opens": opens,
            "closes": closes,
            "calendar_url": reverse("appointments:slots", args=[municipality.slug, mode, service.pk]),
        },
        status=400 if form.errors else 200,
    )


@verified_citizen_required
def entry(request: HttpRequest, code: str) -> HttpResponse:
    entry = selectors.waitlist_entry_for_citizen(code=code, user=request.user)
    hold = selectors.offer_live(entry=entry)
    return render(request, "appointments/waitlist_entry.html", _entry_context(entry, hold))


def _entry_context(entry, hold, form=None) -> dict:
    return {
        "entry": entry,
        "hold": hold,
        "form": form or (_claim_form(hold) if hold else None),
        "municipality": entry.service.municipality,
        "claim_url": reverse("appointments:waitlist_claim", args=[entry.code]),
    }


def _claim_form(hold, data=None) -> OfferClaimForm:
    entry = hold.waitlist_entry
    modes = [entry.mode] if entry and entry.mode else list(hold.service.modes)
    return OfferClaimForm(data, modes=modes, initial_mode=hold.mode)


@verified_citizen_required
@require_POST
def leave(request: HttpRequest, code: str) -> HttpResponse:
    entry = selectors.waitlist_entry_for_citizen(code=code, user=request.user)
    if waitlist.waitlist_leave(entry=entry, actor=request.user):
        messages.success(request, gettext("You have left the waitlist."))
    return redirect("appointments:waitlist_entry", code=entry.code)


@verified_citizen_required
@require_POST
def claim(request: HttpRequest, code: str) -> HttpResponse:
    entry = selectors.waitlist_entry_for_citizen(code=code, user=request.user)
    hold = selectors.offer_live(entry=entry)
    if hold is None:
        messages.error(request, waitlist.OfferGone.message)
        return redirect("appointments:waitlist_entry", code=entry.code)
    return _claim(
        request,
        hold,
        invalid=lambda form: render(
            request, "appointments/waitlist_entry.html", _entry_context(entry, hold, form), status=400
        ),
        gone_url=reverse("appointments:waitlist_entry", args=[entry.code]),
    )


def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed offer: the token alone stands for this one held time, like the manage links."""
    hold = selectors.offer_for_token(token=token)

    def page(form, status=200):
        return render(
            request,
            "appointments/offer.html",
            {"hold": hold, "form": form, "municipality": hold.service.municipality, "now": timezone.now()},
            status=status,
        )

    if hold.status == Appointment.Status.BOOKED:
        return redirect("appointments:manage", token=token)  # claimed already (a second click, another tab)
    if hold.status != Appointment.Status.HELD or hold.hold_expires_at <= timezone.now():
        return page(None, status=410)
    if request.method == "POST":
        return _claim(request, hold, token=token, invalid=lambda form: page(form, status=400), gone_url=request.path)
    return page(_claim_form(hold))


def _claim(request: HttpRequest, hold, *, invalid, gone_url: str, token: str = "") -> HttpResponse:
    form = _claim_form(hold, request.POST)
    if not form.is_valid():
        return invalid(form)
    try:
        _appointment, token = waitlist.offer_claim(
            hold=hold,
            token=token,
            mode=form.cleaned_data["mode"],
            documents_acknowledged=form.cleaned_data.get("documents_acknowledged", False),
        )
    except waitlist.OfferGone:
        return redirect(gone_url)  # it shows what became of the offer: booked, or passed on
    messages.success(request, gettext("The time is yours. We have e-mailed you the details."))
    return redirect("appointments:manage", token=token)
