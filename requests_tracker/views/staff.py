"""The clerks' pages: a queue by department and status, and one request's handling (status, department, …)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.models import Department
from portal.selectors import municipality_get
from requests_tracker import selectors, services
from requests_tracker.forms import CategoryForm, CommentForm, DepartmentForm, DueDateForm, StatusForm
from requests_tracker.models import Comment, Request
from requests_tracker.views.public import map_context


def clerk_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, municipality_slug, *args, **kwargs):
        municipality = municipality_get(slug=municipality_slug)
        if not selectors.is_clerk(user=request.user, municipality=municipality):
            raise PermissionDenied
        return view(request, municipality, *args, **kwargs)

    return wrapper


@require_GET
@clerk_required
def queue(request, municipality):
    filters = selectors.StaffFilters.from_query(request.GET)
    rows = selectors.staff_queue(municipality=municipality, filters=filters)
    # Counted up to a cap, as the public list is: a queue of 250,000 registered requests took 150-300 ms to count.
    page = selectors.CappedPaginator(rows, selectors.STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_tracker/staff/queue.html",
        {
            "municipality": municipality,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "departments": Department.objects.filter(municipality=municipality),
            "categories": selectors.categories_list(municipality=municipality),
            "statuses": Request.Status.choices,
            "sorts": [
                ("date", _("Oldest first")),
                ("-date", _("Newest first")),
                ("status", _("Status, Registered first")),
                ("-status", _("Status, Closed first")),
                ("votes", _("Most votes first")),
                ("title", _("Title A–Z")),
            ],
        },
    )


def _manage_page(request, municipality, citizen_request, **forms):
    parts = selectors.request_detail_parts(citizen_request=citizen_request, user=request.user)
    context = {
        "municipality": municipality,
        "citizen_request": citizen_request,
        "status_form": StatusForm(initial={"seen_status": citizen_request.status, "status": citizen_request.status}),
        "department_form": DepartmentForm(
            municipality=municipality, initial={"department": citizen_request.department}
        ),
        "category_form": CategoryForm(municipality=municipality, initial={"category": citizen_request.category}),
        "reply_form": CommentForm(),
        "due_date_form": DueDateForm(initial={"due_date": citizen_request.due_date}),
        **parts,
        **map_context(municipality),
        **forms,
    }
    return render(request, "requests_tracker/staff/manage.html", context, status=400 if forms else 200)


@require_GET
@clerk_required
def manage(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    return _manage_page(request, municipality, citizen_request)


@require_POST
@clerk_required
def status_change(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # The clerk decided on the status they saw: if it moved since, the compare-and-swap refuses.
        citizen_request.status = data["seen_status"]
        duplicate_of = None
        if data["duplicate_of"]:
            duplicate_of = Request.objects.filter(municipality=municipality, code=data["duplicate_of"].upper()).first()
            if duplicate_of is None:
                form.add_error("duplicate_of", _("No request of this municipality has this code."))
        if form.is_valid():
            try:
                services.status_change(
                    citizen_request=citizen_request,
                    to_status=data["status"],
                    clerk=request.user,
                    note=data["note"],
                    resolution=data["resolution"],
                    duplicate_of=duplicate_of,
                )
            except services.RequestError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The status has been changed."))
                return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)
    citizen_request.refresh_from_db()
    return _manage_page(request, municipality, citizen_request, status_form=form)


@require_POST
@clerk_required
def department_assign(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = DepartmentForm(request.POST, municipality=municipality)
    if form.is_valid():
        services.department_assign(
            citizen_request=citizen_request, department=form.cleaned_data["department"], clerk=request.user
        )
        messages.success(request, _("The department has been assigned."))
        return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)
    return _manage_page(request, municipality, citizen_request, department_form=form)


@require_POST
@clerk_required
def category_change(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = CategoryForm(request.POST, municipality=municipality)
    if form.is_valid():
        services.category_change(
            citizen_request=citizen_request, category=form.cleaned_data["category"], clerk=request.user
        )
        messages.success(request, _("The request has been re-filed."))
        return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)
    return _manage_page(request, municipality, citizen_request, category_form=form)


@require_POST
@clerk_required
def reply(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(
            citizen_request=citizen_request, author=request.user, body=form.cleaned_data["body"], is_staff_reply=True
        )
        messages.success(request, _("Your reply has been published."))
        return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)
    return _manage_page(request, municipality, citizen_request, reply_form=form)


@require_POST
@clerk_required
def comment_hide(request, municipality, code, comment_id):
    comment = get_object_or_404(Comment, pk=comment_id, request__municipality=municipality, request__code=code)
    hide = request.POST.get("action") != "show"
    services.comment_hide(comment=comment, clerk=request.user, hidden=hide)
    messages.success(request, _("The comment has been hidden.") if hide else _("The comment is visible again."))
    return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)


@require_POST
@clerk_required
def due_date_move(request, municipality, code):
    citizen_request = selectors.request_get(municipality=municipality, code=code)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.request_due_date_move(
                citizen_request=citizen_request,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
                clerk=request.user,
            )
        except services.RequestError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The expected date has been moved."))
            return redirect("requests_tracker:staff_manage", municipality_slug=municipality.slug, code=code)
    return _manage_page(request, municipality, citizen_request, due_date_form=form)
