from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import MunicipalityScopedAdmin
from portal.models import AuditEntry, Department, Municipality, OutboundEmail


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_el", "name_en", "slug", "time_zone", "contact_email"]
    search_fields = ["name_el", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [DepartmentInline]
    fieldsets = [
        (None, {"fields": ["name_el", "name_genitive_el", "name_accusative_el", "name_en", "slug", "time_zone"]}),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "address"]}),
        (_("Map"), {"fields": ["map_center_latitude", "map_center_longitude", "map_zoom"]}),
        (_("Privacy policy"), {"fields": ["privacy_policy_el", "privacy_policy_en"]}),
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_el", "municipality", "email"]
    list_filter = ["municipality"]
    search_fields = ["name_el", "name_en"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only: e-mails carry personal data, so only superusers see the outbox."""

    list_display = ["subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(MunicipalityScopedAdmin):
    """Read-only. Staff tied to a municipality see only that municipality's entries."""

    list_display = ["created_at", "action", "actor", "municipality", "object_type", "object_id"]
    list_filter = ["action", "municipality"]
    search_fields = ["action", "object_id"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    list_select_related = ["actor", "municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
