"""Clerks handle requests in their own pages; the admin is for categories, API keys and looking things up."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin import MunicipalityScopedAdmin
from requests_tracker import services
from requests_tracker.models import ApiKey, Category, Comment, Request, StatusChange


class ScopedFormAdmin(MunicipalityScopedAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(pk=request.user.municipality_id)
        if db_field.name == "department" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                municipality_id=request.user.municipality_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(ScopedFormAdmin):
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
class RequestAdmin(ScopedFormAdmin):
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
class ApiKeyAdmin(ScopedFormAdmin):
    list_display = ["name", "key_prefix", "municipality", "is_active", "created_at"]
    fields = ["municipality", "name", "is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created, key = services.api_key_create(municipality=obj.municipality, name=obj.name)
        obj.pk, obj.key_hash, obj.key_prefix = created.pk, created.key_hash, created.key_prefix
        messages.warning(request, _("The new key is %(key)s — copy it now: it is not shown again.") % {"key": key})
