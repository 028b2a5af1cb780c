"""Documents with a booking: the citizen's uploads (booking page, manage link), opening a file, the clerk's checks."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import verified_citizen_required
from appointments import documents, selectors
from appointments.forms import DocumentRequestForm, DocumentUploadForm
from appointments.views.booking import _link_used_up
from appointments.views.staff import _back
from portal.files import private_file_response


def _upload(request: HttpRequest, appointment, *, back: str) -> HttpResponse:
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("documents", []):
            messages.error(request, error)
        return redirect(back + "#documents")
    attached = 0
    for file in form.cleaned_data["documents"]:
        try:
            documents.document_attach(appointment=appointment, file=file, actor=request.user)
            attached += 1
        except (documents.DocumentRefused, ValidationError) as error:
            messages.error(request, f"{file.name}: {documents.refusal_message(error)}")
    if attached:
        messages.success(
            request,
            ngettext("%(count)s document attached.", "%(count)s documents attached.", attached) % {"count": attached},
        )
    return redirect(back + "#documents")


def _file(document) -> HttpResponse:
    return private_file_response(
        document.file.open("rb"), content_type=document.content_type, filename=document.original_name, personal=True
    )


@require_POST
@verified_citizen_required
def booking_upload(request: HttpRequest, code: str) -> HttpResponse:
    appointment = selectors.appointment_for_citizen(code=code, user=request.user)
    return _upload(request, appointment, back=reverse("appointments:booking", args=[code]))


@require_POST
@_link_used_up
def manage_upload(request: HttpRequest, token: str) -> HttpResponse:
    appointment = selectors.appointment_for_token(token=token)
    return _upload(request, appointment, back=reverse("appointments:manage", args=[token]))


@never_cache
@login_required
def document(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A booking's document for its citizen, its clerk or the service's department staff; 404 for anyone else."""
    found, role = documents.document_for_user(public_id=public_id, user=request.user)
    documents.document_viewed(document=found, actor=request.user, role=role)
    return _file(found)


@_link_used_up
def manage_document(request: HttpRequest, token: str, public_id: UUID) -> HttpResponse:
    """From the e-mailed manage link: the link stands for the citizen of this one booking."""
    appointment = selectors.appointment_for_token(token=token)
    found = documents.document_for_appointment(appointment=appointment, public_id=public_id)
    documents.document_viewed(document=found, actor=request.user, role="manage_link")
    return _file(found)


@login_required
@require_POST
def staff_check(request: HttpRequest, code: str, public_id: UUID) -> HttpResponse:
    staff = selectors.staff_member_for(user=request.user)
    appointment = selectors.staff_appointment(staff=staff, code=code)
    found = documents.document_for_appointment(appointment=appointment, public_id=public_id)
    if documents.document_check(document=found, actor=request.user):
        messages.success(request, gettext("Marked as checked: %(name)s") % {"name": found.original_name})
    return redirect(_back(request, appointment) + f"#appointment-{appointment.code}")


@login_required
@require_POST
def staff_request(request: HttpRequest, code: str) -> HttpResponse:
    staff = selectors.staff_member_for(user=request.user)
    appointment = selectors.staff_appointment(staff=staff, code=code)
    form = DocumentRequestForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("message", []):
            messages.error(request, error)
    else:
        try:
            documents.document_request(
                appointment=appointment, actor=request.user, message=form.cleaned_data["message"]
            )
            messages.success(request, gettext("The citizen was e-mailed your request with the link to attach it."))
        except documents.DocumentRefused as error:
            messages.error(request, error.message)
    return redirect(_back(request, appointment) + f"#appointment-{appointment.code}")
