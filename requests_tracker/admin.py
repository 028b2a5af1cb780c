"""Clerks handle requests in their own pages; the admin is for categories, API keys and looking things up."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import MunicipalityScopedAdmin
from requests_tracker import services
from requests_tracker.models import ApiKey, Category, Comment, ERequest, ERequestType, Request, StatusChange


@admin.register(Category)
class CategoryAdmin(MunicipalityScopedAdmin):
    list_display = ["name_el", "name_en", "code", "department", "is_other", "municipality"]
    list_filter = ["is_other"]
    search_fields = ["name_el", "name_en", "code"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "resolution", "changed_by", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the compare-and-swap service (the staff pages)


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "is_staff_reply", "is_hidden", "created_at"]
    readonly_fields = ["author", "body", "is_staff_reply", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(MunicipalityScopedAdmin):
    list_display = ["code", "title", "category", "department", "status", "vote_count", "created_at"]
    # Only the departments and categories of the rows shown: a clerk never sees another municipality's names.
    list_filter = [
        "status",
        ("department", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "title", "address"]
    list_select_related = ["category", "department"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "code",
        "municipality",
        "reporter",
        "status",
        "resolution",
        "duplicate_of",
        "vote_count",
        "comment_count",
        "created_at",
        "updated_at",
        "closed_at",
    ]
    fields = [
        *readonly_fields[:2],
        "title",
        "category",
        "department",
        "description",
        "address",
        "latitude",
        "longitude",
        *readonly_fields[2:],
    ]
    inlines = [StatusChangeInline, CommentInline]

    def has_add_permission(self, request):
        return False  # citizens (and Open311 clients) file requests


@admin.register(ApiKey)
class ApiKeyAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "key_prefix", "municipality", "is_active", "created_at"]
    fields = ["municipality", "name", "is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created, key = services.api_key_create(municipality=obj.municipality, name=obj.name)
        obj.pk, obj.key_hash, obj.key_prefix = created.pk, created.key_hash, created.key_prefix
        messages.warning(request, _("The new key is %(key)s — copy it now: it is not shown again.") % {"key": key})


@admin.register(ERequestType)
class ERequestTypeAdmin(MunicipalityScopedAdmin):
    list_display = [
        "name_el",
        "department",
        "required_attachments",
        "delivery_electronic",
        "delivery_post",
        "delivery_pickup",
        "response_days",
        "is_active",
    ]
    list_filter = ["is_active", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_el", "name_en"]
    fieldsets = [
        (None, {"fields": ["municipality", "department", "name_el", "name_en", "is_active", "position"]}),
        (_("Description"), {"fields": ["description_el", "description_en"]}),
        (_("Documents"), {"fields": ["documents_el", "documents_en", "required_attachments"]}),
        (
            _("Delivery and deadline"),
            {"fields": ["delivery_electronic", "delivery_post", "delivery_pickup", "response_days"]},
        ),
        (_("Fee"), {"fields": ["fee_cents"]}),
    ]


class ERequestTimelineInline(StatusChangeInline):
    fk_name = "erequest"


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(status__in=ERequest.DONE_STATUSES).filter(due_date__lt=timezone.localdate())
        return queryset


@admin.register(ERequest)
class ERequestAdmin(MunicipalityScopedAdmin):
    """For looking things up; clerks handle e-requests in their own pages (answer, reject, dispatch)."""

    list_display = ["__str__", "type", "department", "status", "delivery_method", "due_date", "created_at"]
    list_filter = [
        "status",
        OverdueFilter,
        "delivery_method",
        ("department", admin.RelatedOnlyFieldListFilter),
        ("type", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["subject", "protocol_number"]
    list_select_related = ["type", "department"]
    inlines = [ERequestTimelineInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ERequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Private applications: only the clerk's own departments.
        return queryset.filter(department__in=request.user.departments.all())


from requests_tracker import payments_admin  # noqa: E402, F401 - registers the e-payments admin
