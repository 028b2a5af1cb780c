"""The citizen's pages: the list with its map, filing and editing a request, the detail page, votes, comments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.caching import anonymous_page, cached
from portal.selectors import municipality_cached, municipality_get
from requests_tracker import selectors, services, throttle, uploads
from requests_tracker.forms import CommentForm, CommentSignatureForm, ReopenForm, RequestForm
from requests_tracker.geocoding import municipality_area
from requests_tracker.models import Request

TOO_MANY = gettext_lazy("You have sent too many in a short time. Please wait a few minutes and try again.")


def map_context(municipality) -> dict:
    area = municipality_area(municipality)
    return {
        "map_tiles": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "map_area": f"{area.south:.6f},{area.west:.6f},{area.north:.6f},{area.east:.6f}",
    }


@require_GET
def request_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_cached(slug=municipality_slug)
    # A visitor's page is everyone's: the whole of it from the cache until the requests, their categories or the
    # municipality change (their versions are kept with it). Someone's own page («My request», «Only mine», the
    # staff queue link, a message) is built for them.
    return anonymous_page(
        request,
        key=f"requests:{municipality.pk}",
        versions=selectors.requests_page_versions(municipality=municipality),
        build=lambda: _request_list_page(request, municipality),
        timeout=selectors.LIST_CACHE_SECONDS,
        per_address=True,
    )


def _request_list_page(request: HttpRequest, municipality) -> HttpResponse:
    filters = selectors.ListFilters.from_query(request.GET)
    query = request.GET.copy()
    query.pop("page", None)

    def results() -> str:
        queryset = selectors.requests_list(municipality=municipality, filters=filters, user=request.user)
        page = selectors.CappedPaginator(queryset, filters.per_page).get_page(request.GET.get("page"))
        context = {"municipality": municipality, "page": page, "query": query.urlencode()}
        return render_to_string("requests_tracker/_list_results.html", context, request=request)

    key = selectors.requests_list_key(
        municipality=municipality,
        filters=filters,
        query=query.urlencode(),
        page=request.GET.get("page", ""),
        user=request.user,
        language=get_language(),
        zone=timezone.get_current_timezone(),
    )
    return render(
        request,
        "requests_tracker/list.html",
        {
            "municipality": municipality,
            "filters": filters,
            "results": mark_safe(cached(key, results, timeout=selectors.LIST_CACHE_SECONDS)),  # noqa: S308 - ours
            "categories": selectors.categories_for_filters(municipality=municipality),
            "statuses": [(value, Request.Status(value).label) for value in selectors.PUBLIC_STATUSES],
            "sorts": [
                ("-date", _("Newest first")),
                ("date", _("Oldest first")),
                ("title", _("Title A–Z")),
                ("-title", _("Title Z–A")),
                ("status", _("Status, Registered first")),
                ("-status", _("Status, Closed first")),
            ],
            "page_sizes": selectors.PAGE_SIZES,
            "query": query.urlencode(),
            "is_clerk": selectors.is_clerk(user=request.user, municipality=municipality),
            **map_context(municipality),
        },
    )


def stage_files(request, form) -> list:
    """Check and store the files of a form posted without JavaScript; the ones that pass are kept on errors."""
    staged = selectors.staged_attachments(user=request.user, ids=request.POST.getlist("attachment"))
    for file in request.FILES.getlist("files"):
        try:
            services.staged_quota_check(user=request.user, adding=file.size)
            checked = uploads.upload_check(file)
            services.staged_duplicate_check(
                user=request.user, checked=checked, staged_ids=[attachment.pk for attachment in staged]
            )
            staged.append(
                services.attachment_stage(
                    user=request.user, checked=checked, staged_ids=[attachment.pk for attachment in staged]
                )
            )
        except ValidationError as error:
            form.add_error("files", f"{uploads.filename_clean(file.name)}: {' '.join(error.messages)}")
        except services.RequestError as error:
            form.add_error("files", str(error))
    return staged


def _request_form_page(request, municipality, form, staged, *, citizen_request=None) -> HttpResponse:
    if request.method == "POST":
        token = request.POST.get("address_token", "")
    else:  # an edit starts from the saved address, which the geocoder gave (or nothing)
        token = services.address_token(citizen_request.address) if citizen_request and citizen_request.address else ""
    return render(
        request,
        "requests_tracker/form.html",
        {
            "municipality": municipality,
            "form": form,
            "staged": staged,
            "citizen_request": citizen_request,
            "address_token": token,
            "max_files": uploads.MAX_FILES,
            "max_file_size": uploads.MAX_FILE_SIZE,
            **map_context(municipality),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    staged = []
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, municipality=municipality)
        staged = stage_files(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.request_create(
                    municipality=municipality,
                    reporter=request.user,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    address_token=request.POST.get("address_token", ""),
                    attachments=staged,
                )
            except services.RequestError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your request %(code)s has been registered.") % {"code": created.code})
                return redirect("requests_tracker:detail", municipality_slug=municipality.slug, code=created.code)
    else:
        form = RequestForm(municipality=municipality)
    return _request_form_page(request, municipality, form, staged)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    if citizen_request.reporter_id != request.user.pk:
        return redirect(citizen_request_url(citizen_request))
    if not citizen_request.is_editable:
        messages.warning(request, locked_reason(citizen_request))
        return redirect(citizen_request_url(citizen_request))
    staged = []
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, municipality=municipality)
        staged = stage_files(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_update(
                    citizen_request=citizen_request,
                    user=request.user,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    address_token=request.POST.get("address_token", ""),
                    attachments=staged,
                )
            except services.RequestError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect(citizen_request_url(citizen_request))
    else:
        form = RequestForm(
            municipality=municipality,
            initial={
                "title": citizen_request.title,
                "category": citizen_request.category,
                "description": citizen_request.description,
                "address": citizen_request.address,
                "latitude": citizen_request.latitude,
                "longitude": citizen_request.longitude,
            },
        )
    return _request_form_page(request, municipality, form, staged, citizen_request=citizen_request)


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    """A confirmation page first (GET); its button (POST) withdraws. Nothing is deleted."""
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    if citizen_request.reporter_id != request.user.pk:
        return redirect(citizen_request_url(citizen_request))
    if not citizen_request.is_editable:
        messages.warning(request, locked_reason(citizen_request))
        return redirect(citizen_request_url(citizen_request))
    if request.method == "POST":
        try:
            services.request_withdraw(
                citizen_request=citizen_request, user=request.user, note=request.POST.get("reason", "")[:500]
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request %(code)s has been withdrawn.") % {"code": citizen_request.code})
        return redirect(citizen_request_url(citizen_request))
    return render(
        request,
        "requests_tracker/withdraw_confirm.html",
        {"municipality": municipality, "citizen_request": citizen_request},
    )


def citizen_request_url(citizen_request: Request) -> str:
    return reverse(
        "requests_tracker:detail",
        kwargs={"municipality_slug": citizen_request.municipality.slug, "code": citizen_request.code},
    )


def locked_reason(citizen_request: Request) -> str:
    if citizen_request.is_withdrawn:
        return _("You have withdrawn this request. It is kept for the record; you can still add a comment.")
    return _(
        "This request can no longer be edited or withdrawn: the municipality has already taken it up "
        "(status: %(status)s). You can still add a comment."
    ) % {"status": citizen_request.get_status_display()}


@require_GET
def request_detail(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    return _detail_page(request, municipality, citizen_request, CommentForm())


@login_required
@require_http_methods(["GET", "POST"])
def comment_signature(request: HttpRequest) -> HttpResponse:
    """How the citizen's comments are signed in public: initials or a display name, never the full name."""
    current = getattr(request.user, "request_comment_signature", None) if request.user.is_authenticated else None
    initial = {
        "shown_as": current.shown_as if current else "initials",
        "display_name": getattr(current, "display_name", ""),
    }
    form = CommentSignatureForm(request.POST or None, initial=initial)
    back = url_has_allowed_host_and_scheme(request.GET.get("next", ""), allowed_hosts={request.get_host()})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_signature_set(user=request.user, **form.cleaned_data)
        except services.RequestError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("Your comments are now signed «%(name)s».")
                % {"name": selectors.comment_signature(user=request.user)},
            )
            return redirect(request.GET["next"] if back else "portal:home")
    return render(
        request,
        "requests_tracker/comment_signature.html",
        {"form": form, "signature": selectors.comment_signature(user=request.user)},
        status=400 if form.errors else 200,
    )


def _detail_page(request, municipality, citizen_request, comment_form, status=200, reopen_form=None) -> HttpResponse:
    parts = selectors.request_detail_parts(citizen_request=citizen_request, user=request.user)
    is_reporter = request.user.is_authenticated and citizen_request.reporter_id == request.user.pk
    return render(
        request,
        "requests_tracker/detail.html",
        {
            "municipality": municipality,
            "citizen_request": citizen_request,
            "comment_form": comment_form,
            "reopen_form": reopen_form or ReopenForm(),
            "is_reporter": is_reporter,
            "locked_reason": locked_reason(citizen_request) if is_reporter and not citizen_request.is_editable else "",
            "my_signature": selectors.comment_signature(user=request.user) if request.user.is_authenticated else "",
            **parts,
            **map_context(municipality),
        },
        status=status,
    )


@login_required
@require_POST
def vote(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    if not throttle.allowed(request, action="vote"):
        messages.error(request, TOO_MANY)
        return redirect(citizen_request_url(citizen_request))
    try:
        if request.POST.get("action") == "remove":
            services.vote_remove(citizen_request=citizen_request, citizen=request.user)
            messages.success(request, _("Your vote has been taken back."))
        elif services.vote_add(citizen_request=citizen_request, citizen=request.user):
            messages.success(request, _("Your vote has been counted."))
        else:
            messages.info(request, _("You have already said you have this problem too."))
    except services.RequestError as error:
        messages.error(request, str(error))
    return redirect(citizen_request_url(citizen_request))


@login_required
@require_POST
def comment(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = CommentForm(request.POST)
    if not throttle.allowed(request, action="comment"):
        form.add_error(None, TOO_MANY)
        return _detail_page(request, municipality, citizen_request, form, status=429)
    if form.is_valid():
        try:
            services.comment_add(
                citizen_request=citizen_request,
                author=request.user,
                body=form.cleaned_data["body"],
                is_staff_reply=selectors.is_clerk(user=request.user, municipality=municipality),
            )
        except services.RequestError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(citizen_request_url(citizen_request) + "#comments")
    return _detail_page(request, municipality, citizen_request, form, status=400)


@login_required
@require_POST
def reopen(request: HttpRequest, municipality_slug: str, code: str) -> HttpResponse:
    """«Δεν διορθώθηκε»: the reporter or a voter sends a recently closed request back to In progress."""
    municipality = municipality_get(slug=municipality_slug)
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.request_reopen(
                citizen_request=citizen_request, citizen=request.user, note=form.cleaned_data["note"]
            )
        except services.RequestError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, _("Thank you: the request is «In progress» again and the department has been told.")
            )
            return redirect(citizen_request_url(citizen_request))
    return _detail_page(request, municipality, citizen_request, CommentForm(), status=400, reopen_form=form)
