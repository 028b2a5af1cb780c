"""The clerks' e-request pages: a queue of their departments' e-requests, and one e-request's handling."""

from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.selectors import municipality_get
from requests_tracker import selectors, services, uploads
from requests_tracker.forms import AnswerForm, DispatchForm, PickupReadyForm, RejectForm, StepForm
from requests_tracker.models import DeliveryMethod, ERequest, ERequestType


def erequest_clerk_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, municipality_slug, *args, **kwargs):
        municipality = municipality_get(slug=municipality_slug)
        if not selectors.clerk_departments(user=request.user, municipality=municipality).exists():
            raise PermissionDenied
        return view(request, municipality, *args, **kwargs)

    return wrapper


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@require_GET
@erequest_clerk_required
def queue(request, municipality):
    department_id = _int(request.GET.get("department", ""))
    type_id = _int(request.GET.get("type", ""))
    status = request.GET.get("status", "open")
    status = status if status in selectors.QUEUE_STATUSES else "open"
    rows = selectors.erequests_staff_queue(
        user=request.user, municipality=municipality, department_id=department_id, status=status, type_id=type_id
    )
    departments = selectors.clerk_departments(user=request.user, municipality=municipality)
    return render(
        request,
        "requests_tracker/erequests/staff_queue.html",
        {
            "municipality": municipality,
            "rows": rows[:200],
            "departments": departments,
            "types": ERequestType.objects.filter(municipality=municipality, department__in=departments),
            "department_id": department_id,
            "type_id": type_id,
            "status": status,
            "statuses": ERequest.Status.choices,
        },
    )


def _manage_page(request, municipality, erequest, status=200, **forms):
    fee = selectors.erequest_fee(erequest=erequest)
    fee_waiting = fee is not None and fee.is_payable
    may_decide = erequest.status in services.STEPS_FROM[ERequest.Status.ANSWERED] and not fee_waiting
    last_pickup = (
        ERequest.objects.filter(department=erequest.department)
        .exclude(pickup_office="")
        .order_by("-updated_at")
        .values("pickup_office", "pickup_hours")
        .first()
    ) or {}
    context = {
        "municipality": municipality,
        "erequest": erequest,
        "attachments": list(erequest.attachments.exclude(pk=erequest.answer_id or 0)),
        "timeline": list(erequest.timeline.select_related("changed_by")),
        "step_form": StepForm(),
        "answer_form": AnswerForm(),
        "reject_form": RejectForm(),
        "dispatch_form": DispatchForm(initial={"dispatched_on": timezone.localdate(timezone.now(), municipality.zone)}),
        "pickup_form": PickupReadyForm(
            initial={"office": last_pickup.get("pickup_office", ""), "hours": last_pickup.get("pickup_hours", "")}
        ),
        "fee": fee,
        "may_step": erequest.status in services.STEPS_FROM[ERequest.Status.IN_PROGRESS] and not fee_waiting,
        "may_decide": may_decide,
        "may_answer": may_decide and erequest.delivery_method == DeliveryMethod.ELECTRONIC,
        "may_post": may_decide and erequest.delivery_method == DeliveryMethod.POST,
        "may_ready": may_decide and erequest.delivery_method == DeliveryMethod.PICKUP,
        "may_collect": erequest.status == ERequest.Status.READY,
        "may_reject": erequest.status in services.STEPS_FROM[ERequest.Status.REJECTED],
        **forms,
    }
    return render(request, "requests_tracker/erequests/staff_manage.html", context, status=status)


def _get(request, municipality, public_id):
    return selectors.erequest_get_for_clerk(user=request.user, municipality=municipality, public_id=public_id)


def _back(municipality, erequest):
    return redirect(
        "requests_tracker:erequest_manage", municipality_slug=municipality.slug, public_id=erequest.public_id
    )


@require_GET
@erequest_clerk_required
def manage(request, municipality, public_id: UUID):
    return _manage_page(request, municipality, _get(request, municipality, public_id))


@require_POST
@erequest_clerk_required
def start(request, municipality, public_id: UUID):
    erequest = _get(request, municipality, public_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.erequest_start(erequest=erequest, clerk=request.user, note=form.cleaned_data["note"])
        except services.RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The e-request is now in progress."))
            return _back(municipality, erequest)
    erequest.refresh_from_db()
    return _manage_page(request, municipality, erequest, status=400, step_form=form)


@require_POST
@erequest_clerk_required
def answer(request, municipality, public_id: UUID):
    erequest = _get(request, municipality, public_id)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checked = uploads.upload_check(form.cleaned_data["document"])
            services.erequest_answer(
                erequest=erequest, clerk=request.user, checked=checked, note=form.cleaned_data["note"]
            )
        except ValidationError:
            # upload_check speaks to citizens (photos, documents); a clerk is told what the answer must be.
            form.add_error("document", str(services.ANSWER_NOT_PDF))
        except services.RequestError as error:
            form.add_error("document", str(error))
        else:
            messages.success(request, _("The answer has been sent to the citizen."))
            return _back(municipality, erequest)
    erequest.refresh_from_db()
    return _manage_page(request, municipality, erequest, status=400, answer_form=form)


@require_POST
@erequest_clerk_required
def reject(request, municipality, public_id: UUID):
    erequest = _get(request, municipality, public_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.erequest_reject(erequest=erequest, clerk=request.user, reason=form.cleaned_data["reason"])
        except services.RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The e-request has been rejected."))
            return _back(municipality, erequest)
    erequest.refresh_from_db()
    return _manage_page(request, municipality, erequest, status=400, reject_form=form)


@require_POST
@erequest_clerk_required
def dispatch(request, municipality, public_id: UUID):
    """«Καταγραφή αποστολής»: the day the answer was posted and its registered-mail number."""
    erequest = _get(request, municipality, public_id)
    form = DispatchForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scan = uploads.upload_check(data["scan"]) if data["scan"] else None
            services.erequest_dispatch_record(
                erequest=erequest,
                clerk=request.user,
                dispatched_on=data["dispatched_on"],
                tracking_reference=data["tracking_reference"],
                scan=scan,
                note=data["note"],
            )
        except ValidationError:
            form.add_error("scan", _("The scan of what was posted must be a PDF document."))
        except services.RequestError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The dispatch has been recorded; the citizen has been told."))
            return _back(municipality, erequest)
    erequest.refresh_from_db()
    return _manage_page(request, municipality, erequest, status=400, dispatch_form=form)


@require_POST
@erequest_clerk_required
def ready(request, municipality, public_id: UUID):
    """«Έτοιμο για παραλαβή», with the office and its hours."""
    erequest = _get(request, municipality, public_id)
    form = PickupReadyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.erequest_ready_for_pickup(
                erequest=erequest, clerk=request.user, office=data["office"], hours=data["hours"], note=data["note"]
            )
        except services.RequestError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The answer is ready for pick-up; the citizen has been told."))
            return _back(municipality, erequest)
    erequest.refresh_from_db()
    return _manage_page(request, municipality, erequest, status=400, pickup_form=form)


@require_POST
@erequest_clerk_required
def collected(request, municipality, public_id: UUID):
    """«Παραλήφθηκε»."""
    erequest = _get(request, municipality, public_id)
    try:
        services.erequest_collected(erequest=erequest, clerk=request.user)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Recorded: the citizen has collected the answer."))
    return _back(municipality, erequest)
