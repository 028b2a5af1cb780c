"""The citizen's booking steps, the confirmation page, and rescheduling or cancelling one's own booking."""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from accounts.decorators import verified_citizen_required
from appointments import availability, documents, selectors, services, uploads
from appointments.forms import CancelForm, DetailsForm, details_initial
from appointments.ics import service_email
from appointments.models import Appointment, Mode, Service, StaffMember
from appointments.views.calendar import calendar_context, parse_day, parse_month, parse_slot
from portal.registry import reference_choices
from portal.selectors import municipalities_list, municipality_cached, municipality_get


def _service(municipality_slug: str, mode: str, service_id: int) -> Service:
    """The active service of the municipality in the address, offered in `mode`, with its municipality loaded
    (one query); 404 for anything else."""
    service = get_object_or_404(
        Service.objects.select_related("municipality", "department"),
        pk=service_id,
        municipality__slug=municipality_slug,
        is_active=True,
    )
    if mode not in service.modes:
        raise Http404
    return service


def _clerk(service: Service, value: str | None) -> StaffMember | None:
    if not value or not value.isdigit():
        return None  # «Any»
    return StaffMember.objects.filter(pk=int(value), services=service, bookable=True).select_related("user").first()


@verified_citizen_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "appointments/step_municipality.html", {"municipalities": municipalities_list()})


def start(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    # Public, like the service descriptions: anyone may see what can be booked; the next steps need a verified
    # citizen, and the page says so.
    municipality = municipality_get(slug=municipality_slug)
    modes = [(mode, Mode(mode).label) for mode in selectors.modes_for(municipality=municipality)]
    return render(request, "appointments/step_mode.html", {"municipality": municipality, "modes": modes})


@verified_citizen_required
def services_list(request: HttpRequest, municipality_slug: str, mode: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    if mode not in Mode.values:
        raise Http404
    services = selectors.services_for(municipality=municipality, mode=mode)
    return render(
        request,
        "appointments/step_service.html",
        {"municipality": municipality, "mode": mode, "mode_label": Mode(mode).label, "services": services},
    )


def _next_free(service: Service, municipality) -> selectors.Slot | None:
    # Cached under the availability version (appointments/availability.py): the first time anyone may book.
    service.municipality = municipality
    start = availability.first_free_start(service=service)
    return selectors.Slot(start=start, end=start + timedelta(minutes=service.duration_minutes)) if start else None


def service_detail(request: HttpRequest, municipality_slug: str, service_id: int) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    service = get_object_or_404(
        Service.objects.select_related("department"), pk=service_id, municipality=municipality, is_active=True
    )
    return render(
        request,
        "appointments/service_detail.html",
        {
            "municipality": municipality,
            "service": service,
            "next_free": _next_free(service, municipality),
            "mailbox": service_email(service),
            "first_links": [
                (
                    Mode(mode).label,
                    reverse("appointments:slots", args=[municipality.slug, mode, service.pk]) + "?first=1",
                )
                for mode in service.modes
                if mode in Mode.values
            ],
        },
    )


@verified_citizen_required
def slots(request: HttpRequest, municipality_slug: str, mode: str, service_id: int) -> HttpResponse:
    # Everything but the surrounding page is everyone's (the service, its clerks, the calendar of free times) and
    # comes from the cache, at the municipality's availability version (appointments/availability.py).
    municipality = municipality_cached(slug=municipality_slug)
    found = availability.service_with_clerk_ids(municipality=municipality, service_id=service_id)
    if found is None or mode not in found[0].modes:
        raise Http404
    service, clerk_ids = found
    clerk_value = request.GET.get("clerk") or ""
    clerk_id = next((pk for pk in clerk_ids if str(pk) == clerk_value), None)  # else «Any»
    month, day = parse_month(request.GET.get("month")), parse_day(request.GET.get("day"))
    first = request.GET.get("first") == "1"
    shown = {
        "clerk": clerk_id,
        "month": month and f"{month:%Y-%m}",
        "day": day,
        "first": "1" if first else None,
    }
    # The address the calendar's «change time zone» link returns to: the one these inputs make, so that the cached
    # part never carries what else someone put in theirs.
    calendar_path = f"{request.path}?{urlencode({name: value for name, value in shown.items() if value})}"
    now = timezone.now()
    zone = request.time_zone

    def build() -> tuple[str, object]:
        # The clerks (with their names) are read only here, when the part is rendered.
        clerks = availability.clerks_cached(service=service)
        clerk = next((member for member in clerks if member.pk == clerk_id), None)
        context = calendar_context(
            service=service,
            zone=zone,
            month_value=shown["month"],
            day_value=day and day.isoformat(),
            clerk=clerk,
            first=first,
            now=now,
        )
        context.update(
            municipality=municipality,
            service=service,
            mode=mode,
            mode_label=Mode(mode).label,
            clerks=clerks,
            clerk=clerk,
            slot_action=reverse("appointments:details", args=[municipality.slug, mode, service.pk]),
            slot_method="get",
            calendar_path=calendar_path,
        )
        return render_to_string("appointments/_step_slots_body.html", context), context["stable_until"]

    body = availability.page_part_cached(
        service=service, parts=(municipality.slug, mode, zone.key, *shown.values()), build=build, now=now
    )
    return render(request, "appointments/step_slots.html", {"body": mark_safe(body)})  # noqa: S308 - ours


def _calendar_day_url(calendar_url: str, day) -> str:
    separator = "&" if "?" in calendar_url else "?"
    return f"{calendar_url}{separator}{urlencode({'month': f'{day:%Y-%m}', 'day': day.isoformat()})}"


# What a citizen typed at step 5 is kept in the session when the time is lost, so that choosing another time
# brings it back (one draft per service, or per booking being changed).
def _draft_key(kind: str, key) -> str:
    return f"appointments:draft:{kind}:{key}"


def _draft_save(request: HttpRequest, key: str, form) -> None:
    request.session[key] = {name: value for name, value in form.data.items() if name in form.fields}


def _details_form_again(request: HttpRequest, key: str, *, initial: dict, **form_options) -> DetailsForm:
    """The details form for a GET: what was typed before a lost time if there is a draft, else `initial`."""
    draft = request.session.pop(key, None)
    if draft is not None:
        return DetailsForm(draft, **form_options)
    return DetailsForm(initial=initial, **form_options)


def _time_lost(request: HttpRequest, key: str, form, error, back_to_day: str) -> HttpResponse:
    """Lost to someone quicker: back on the same day, the reason on top, what was typed kept for the next time."""
    _draft_save(request, key, form)
    messages.error(request, error.message)
    return redirect(back_to_day)


@never_cache
@verified_citizen_required
def details(request: HttpRequest, municipality_slug: str, mode: str, service_id: int) -> HttpResponse:
    service = _service(municipality_slug, mode, service_id)
    municipality = service.municipality
    data = request.POST if request.method == "POST" else request.GET
    start = parse_slot(data.get("slot"))
    clerk_value = data.get("clerk", "")
    clerk = _clerk(service, clerk_value)
    calendar_url = reverse("appointments:slots", args=[municipality.slug, mode, service.pk])
    if clerk_value:
        calendar_url += "?" + urlencode({"clerk": clerk_value})
    if start is None:
        messages.error(request, services.SlotUnavailable.message)
        return redirect(calendar_url)
    back_to_day = _calendar_day_url(calendar_url, start.astimezone(request.time_zone).date())
    draft_key = _draft_key("service", service.pk)
    video = mode == Mode.VIDEO
    user = request.user
    references = reference_choices(user=user, municipality=municipality)
    if request.method == "POST":
        form = DetailsForm(request.POST, request.FILES, video=video, references=references, attach=True)
        if form.is_valid():
            try:
                appointment, _token = services.appointment_book(
                    service=service,
                    mode=mode,
                    start=start,
                    citizen=user,
                    clerk=clerk,
                    details=form.cleaned_data,
                    citizen_time_zone=request.time_zone.key,
                )
            except (services.SlotTaken, services.SlotUnavailable) as error:
                return _time_lost(request, draft_key, form, error, back_to_day)
            _attach(request, appointment, form.cleaned_data.get("documents") or [])
            return redirect("appointments:booking", code=appointment.code)
    else:
        if selectors.slot_find(service=service, start=start, clerk=clerk) is None:
            messages.error(request, services.SlotUnavailable.message)
            return redirect(back_to_day)
        form = _details_form_again(
            request,
            draft_key,
            initial={"full_name": user.full_name, "email": user.email, "mobile_phone": user.mobile_phone},
            video=video,
            references=references,
            attach=True,
        )
    return render(
        request,
        "appointments/step_details.html",
        {
            "municipality": municipality,
            "service": service,
            "mode": mode,
            "mode_label": Mode(mode).label,
            "form": form,
            "start": start,
            "end": start + service.duration,
            "slot_value": start.isoformat(),
            "clerk": clerk,
            "clerk_value": clerk_value,
            "back_url": back_to_day,
        },
    )


def _attach(request: HttpRequest, appointment, files) -> None:
    """The documents chosen at step 5, kept with the new booking (the form has checked them already)."""
    for file in files:
        try:
            documents.document_attach(appointment=appointment, file=file, actor=request.user)
        except (documents.DocumentRefused, ValidationError) as error:
            messages.error(request, f"{file.name}: {documents.refusal_message(error)}")


@never_cache
@verified_citizen_required
def booking(request: HttpRequest, code: str) -> HttpResponse:
    appointment = selectors.appointment_for_citizen(code=code, user=request.user)
    return render(request, "appointments/booking.html", _manage_context(appointment))


def _documents_context(appointment, *, token: str = "") -> dict:
    """The booking's documents with the links that open them, the upload form's address, what is expected."""
    attached = list(appointment.documents.all())
    for document in attached:
        document.url = (
            reverse("appointments:manage_document", args=[token, document.public_id])
            if token
            else reverse("appointments:document", args=[document.public_id])
        )
    return {
        "documents": attached,
        "documents_open": documents.documents_open(appointment=appointment),
        "documents_upload_url": reverse("appointments:manage_upload", args=[token])
        if token
        else reverse("appointments:booking_upload", args=[appointment.code]),
        "documents_requested": [r for r in appointment.document_requests.all() if r.answered_at is None],
        "documents_accept": uploads.ACCEPT,
    }


def _manage_context(appointment, *, token: str = "") -> dict:
    args = [token] if token else [appointment.code]
    prefix = "manage" if token else "booking"
    return {
        **_documents_context(appointment, token=token),
        "appointment": appointment,
        "municipality": appointment.service.municipality,
        "manage_url": reverse("appointments:manage", args=args)
        if token
        else reverse("appointments:booking", args=args),
        "reschedule_url": reverse(f"appointments:{prefix}_reschedule", args=args),
        "reschedule_details_url": reverse(f"appointments:{prefix}_reschedule_details", args=args),
        "cancel_url": reverse(f"appointments:{prefix}_cancel", args=args),
        "new_url": reverse("appointments:start", kwargs={"municipality_slug": appointment.service.municipality.slug}),
        "can_change": appointment.is_active and not _started(appointment),
    }


def _started(appointment) -> bool:
    return appointment.start <= timezone.now()


def reschedule_page(request: HttpRequest, appointment, *, token: str = "") -> HttpResponse:
    """Guide §3, «Προγραμματισμός εκ νέου»: the calendar on the booking's own day; a time leads to the details."""
    context = _manage_context(appointment, token=token)
    if not context["can_change"]:
        messages.error(request, services.TooLate.message)
        return render(request, "appointments/booking.html", context, status=409)
    calendar = calendar_context(
        service=appointment.service,
        zone=request.time_zone,
        month_value=request.GET.get("month"),
        day_value=request.GET.get("day"),
        exclude=appointment,
        initial_day=appointment.start.astimezone(request.time_zone).date(),
    )
    return render(
        request,
        "appointments/reschedule.html",
        {
            **context,
            **calendar,
            "service": appointment.service,
            "slot_method": "get",
            "slot_action": context["reschedule_details_url"],
        },
    )


def reschedule_details_page(request: HttpRequest, appointment, *, token: str = "") -> HttpResponse:
    """The details form with the booking's current values, and a confirmation before anything moves."""
    context = _manage_context(appointment, token=token)
    if not context["can_change"]:
        messages.error(request, services.TooLate.message)
        return render(request, "appointments/booking.html", context, status=409)
    data = request.POST if request.method == "POST" else request.GET
    start = parse_slot(data.get("slot"))
    if start is None:
        start = appointment.start  # «only my details»
    back_to_day = _calendar_day_url(context["reschedule_url"], start.astimezone(request.time_zone).date())
    draft_key = _draft_key("booking", appointment.code)
    video = appointment.is_video
    references = (
        reference_choices(user=appointment.citizen, municipality=appointment.service.municipality)
        if appointment.citizen
        else []
    )
    old_start = appointment.start
    if request.method == "POST":
        form = DetailsForm(request.POST, video=video, references=references, consent=False)
        if form.is_valid():
            try:
                appointment, new_token = services.appointment_reschedule(
                    appointment=appointment,
                    start=start,
                    actor=request.user,
                    details=form.cleaned_data,
                    citizen_time_zone=request.time_zone.key,
                )
            except (services.SlotTaken, services.SlotUnavailable) as error:
                return _time_lost(request, draft_key, form, error, back_to_day)
            except services.TooLate as error:
                messages.error(request, error.message)
                return redirect(context["manage_url"])
            messages.success(request, _moved_message() if start != old_start else _changed_message())
            if token:
                return redirect("appointments:manage", token=new_token)
            return redirect("appointments:booking", code=appointment.code)
    else:
        if start != appointment.start and (
            selectors.slot_find(service=appointment.service, start=start, exclude_appointment=appointment) is None
        ):
            messages.error(request, services.SlotUnavailable.message)
            return redirect(back_to_day)
        form = _details_form_again(
            request, draft_key, initial=details_initial(appointment), video=video, references=references, consent=False
        )
    return render(
        request,
        "appointments/reschedule_details.html",
        {
            **context,
            "service": appointment.service,
            "form": form,
            "start": start,
            "end": start + appointment.service.duration,
            "slot_value": start.isoformat(),
            "moves": start != appointment.start,
            "back_url": back_to_day,
        },
    )


def _moved_message():
    return gettext("Your appointment was moved. We have e-mailed you the new details.")


def _changed_message():
    return gettext("Your details were changed; the day and time stay the same. We have e-mailed you a confirmation.")


def cancel_page(request: HttpRequest, appointment, *, token: str = "") -> HttpResponse:
    context = _manage_context(appointment, token=token)
    if request.method == "POST" and context["can_change"]:
        form = CancelForm(request.POST)
        if form.is_valid():
            services.appointment_cancel(appointment=appointment, actor=request.user, reason=form.cleaned_data["reason"])
            appointment.refresh_from_db()
            return render(request, "appointments/cancelled.html", {**context, "appointment": appointment})
    else:
        form = CancelForm()
    if not context["can_change"]:
        messages.error(request, services.TooLate.message)
        return render(request, "appointments/booking.html", context, status=409)
    return render(request, "appointments/cancel.html", {**context, "form": form})


@never_cache
@verified_citizen_required
def booking_reschedule(request: HttpRequest, code: str) -> HttpResponse:
    return reschedule_page(request, selectors.appointment_for_citizen(code=code, user=request.user))


@never_cache
@verified_citizen_required
def booking_reschedule_details(request: HttpRequest, code: str) -> HttpResponse:
    return reschedule_details_page(request, selectors.appointment_for_citizen(code=code, user=request.user))


@never_cache
@verified_citizen_required
def booking_cancel(request: HttpRequest, code: str) -> HttpResponse:
    return cancel_page(request, selectors.appointment_for_citizen(code=code, user=request.user))


# The e-mailed links: no login, the token alone stands for this one booking.


def _link_used_up(view):
    """A manage link that no longer finds its booking: say why instead of a bare «page not found»."""

    @never_cache  # a booking's page is personal data: never kept by a browser or a proxy
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, token, *args, **kwargs)
        except Http404:
            return render(request, "appointments/link_used_up.html", status=404)

    return wrapper


@_link_used_up
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = selectors.appointment_for_token(token=token)
    return render(request, "appointments/booking.html", _manage_context(appointment, token=token))


@_link_used_up
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    return reschedule_page(request, selectors.appointment_for_token(token=token), token=token)


@_link_used_up
def manage_reschedule_details(request: HttpRequest, token: str) -> HttpResponse:
    return reschedule_details_page(request, selectors.appointment_for_token(token=token), token=token)


@_link_used_up
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    return cancel_page(request, selectors.appointment_for_token(token=token), token=token)


def join(request: HttpRequest, code: str) -> HttpResponse:
    """The link in every e-mail and calendar entry of a video call: opens the meeting, or says why not."""
    appointment = selectors.appointment_for_join(code=code)
    if appointment.status == Appointment.Status.BOOKED and appointment.meeting_url:
        return redirect(appointment.meeting_url)
    return _meeting_state_page(request, appointment)


def _meeting_state_page(request: HttpRequest, appointment) -> HttpResponse:
    state = {
        Appointment.Status.CANCELLED: "cancelled",
        Appointment.Status.ATTENDED: "ended",
        Appointment.Status.NO_SHOW: "ended",
    }.get(appointment.status, "preparing")
    status = 410 if state in {"cancelled", "ended"} else 200
    return render(
        request,
        "appointments/join.html",
        {"appointment": appointment, "state": state, "municipality": appointment.service.municipality},
        status=status,
    )


def dev_meeting(request: HttpRequest, room: str) -> HttpResponse:
    appointment = selectors.appointment_for_dev_room(room=room)
    if appointment is not None and not appointment.is_active:
        return _meeting_state_page(request, appointment)
    return render(request, "appointments/dev_meeting.html", {"room": room, "appointment": appointment})
