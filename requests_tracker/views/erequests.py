"""The citizen's e-request pages: the kinds of application, filing one, and following it."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import verified_citizen_required
from portal.selectors import municipality_get
from requests_tracker import selectors, services, uploads
from requests_tracker.forms import ERequestForm
from requests_tracker.models import DeliveryMethod
from requests_tracker.views.public import stage_files


@require_GET
def erequest_types(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    return render(
        request,
        "requests_tracker/erequests/types.html",
        {"municipality": municipality, "types": selectors.erequest_types_list(municipality=municipality)},
    )


@verified_citizen_required
@require_http_methods(["GET", "POST"])
def erequest_create(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    staged = []
    if request.method == "POST":
        form = ERequestForm(request.POST, request.FILES, municipality=municipality)
        staged = stage_files(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                erequest = services.erequest_file(
                    citizen=request.user,
                    erequest_type=data["type"],
                    subject=data["subject"],
                    description=data["description"],
                    delivery_method=data["delivery_method"],
                    postal_address=data["postal_address"],
                    attachments=staged,
                )
            except services.RequestError as error:
                error.add_to_form(form)
            else:
                if erequest.protocol_number:
                    messages.success(
                        request,
                        _("Your e-request has been entered in the protocol: %(protocol)s.")
                        % {"protocol": erequest.protocol_label},
                    )
                else:
                    messages.success(
                        request,
                        _("Your e-request has been received; its protocol number follows by e-mail shortly."),
                    )
                return redirect(
                    "requests_tracker:erequest_detail",
                    municipality_slug=municipality.slug,
                    public_id=erequest.public_id,
                )
    else:
        initial = {"postal_address": selectors.postal_address_suggest(citizen=request.user)}
        type_id = request.GET.get("type", "")
        if type_id.isdigit():
            initial["type"] = int(type_id)
        form = ERequestForm(municipality=municipality, initial=initial)
    types = list(selectors.erequest_types_list(municipality=municipality))
    chosen = form["type"].value()
    chosen_type = next((t for t in types if str(t.pk) == str(chosen)), None)
    return render(
        request,
        "requests_tracker/erequests/form.html",
        {
            "municipality": municipality,
            "form": form,
            "staged": staged,
            "types": types,
            # Only the methods the chosen kind allows are offered (the script keeps this true when it changes).
            "allowed_methods": chosen_type.delivery_methods if chosen_type else DeliveryMethod.values,
            "delivery_by_type": {str(t.pk): t.delivery_methods for t in types},
            "max_file_size": uploads.MAX_FILE_SIZE,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def erequest_detail(request: HttpRequest, municipality_slug: str, public_id: UUID) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    erequest = selectors.erequest_get_for_citizen(citizen=request.user, municipality=municipality, public_id=public_id)
    return render(
        request,
        "requests_tracker/erequests/detail.html",
        {
            "municipality": municipality,
            "erequest": erequest,
            "attachments": list(erequest.attachments.exclude(pk=erequest.answer_id or 0)),
            "timeline": list(erequest.timeline.select_related("changed_by")),
            "answer_downloadable": erequest.answer_id and erequest.delivery_method == DeliveryMethod.ELECTRONIC,
            "fee": selectors.erequest_fee(erequest=erequest),
        },
    )
