from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from identity_verification import selectors, services
from identity_verification.forms import VerificationRequestForm
from identity_verification.uploads import MAX_DOCUMENT_SIZE
from portal.files import private_file_response
from portal.models import Municipality


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """How to get verified (the seed's three ways), or where one's request stands."""
    user = request.user
    context = {"places": selectors.places_list(municipality=user.municipality)}
    if not user.is_verified_citizen:
        context["open_case"] = selectors.case_open_get(citizen=user)
        context["latest_case"] = context["open_case"] or selectors.case_latest_get(citizen=user)
    return render(request, "identity_verification/start.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified_citizen:
        return redirect("identity_verification:start")
    open_case = selectors.case_open_get(citizen=user)
    if open_case is not None:
        messages.info(request, _("You already have a verification request in progress."))
        return redirect("identity_verification:case", public_id=open_case.public_id)

    if request.method == "POST":
        form = VerificationRequestForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_submit(
                    citizen=user,
                    municipality=data["municipality"],
                    method=data["method"],
                    afm=data["afm"],
                    office=data["office"],
                    documents=form.documents,
                )
            except services.AfmTaken as error:
                form.add_error("afm", str(error))
            except services.CaseAlreadyOpen:
                return redirect("identity_verification:start")
            except services.VerificationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your request for verification has been submitted."))
                return redirect("identity_verification:case", public_id=case.public_id)
    else:
        chosen = Municipality.objects.filter(slug=request.GET.get("municipality", "")).first()
        form = VerificationRequestForm(initial={"municipality": chosen or user.municipality, "afm": user.afm})
    return render(
        request,
        "identity_verification/request.html",
        {"form": form, "max_size": MAX_DOCUMENT_SIZE},
    )


@require_GET
@login_required
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = selectors.case_get_for_citizen(citizen=request.user, public_id=public_id)
    return render(
        request,
        "identity_verification/case.html",
        {
            "case": case,
            "documents": case.documents.all(),
            "postal_address": selectors.postal_address_get(municipality=case.municipality),
            "overdue": case.is_overdue(),
        },
    )


@require_GET
@login_required
def case_form(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The pre-filled application form «Αίτηση ταυτοποίησης», laid out for printing."""
    case = selectors.case_get_for_citizen(citizen=request.user, public_id=public_id)
    return render(
        request,
        "identity_verification/application_form.html",
        {
            "case": case,
            "citizen": request.user,
            "postal_address": selectors.postal_address_get(municipality=case.municipality),
            "today": timezone.localdate(),
        },
    )


@require_GET
def document(request: HttpRequest, public_id: UUID) -> FileResponse:
    """A scan, for its citizen or an authorised clerk of the same municipality; 404 for anyone else.

    Always downloaded, never shown in our origin, never kept by a browser or a proxy.
    """
    found = selectors.document_get_for_user(user=request.user, public_id=public_id)
    return private_file_response(
        found.file.open("rb"), content_type=found.content_type, filename=found.original_name, personal=True
    )
