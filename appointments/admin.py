"""Municipality admins manage services, clerks and their hours; each sees only their municipality."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import MunicipalityScopedAdmin
from appointments.holidays import greek_holidays
from appointments.models import Appointment, Holiday, Service, StaffMember, TimeOff, WorkingHours


class ScopedForeignKeys:
    """Choices limited to the admin's own municipality (superusers see all)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        municipality_id = request.user.municipality_id
        if not request.user.is_superuser:
            model = db_field.remote_field.model
            if db_field.name == "municipality":
                kwargs["queryset"] = model.objects.filter(pk=municipality_id)
            elif hasattr(model, "municipality") or db_field.name == "staff":
                kwargs["queryset"] = model.objects.filter(municipality_id=municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name == "services":
            kwargs["queryset"] = Service.objects.filter(municipality_id=request.user.municipality_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Service)
class ServiceAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    list_display = ["name_el", "department", "municipality", "duration_minutes", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_el", "name_en"]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 1


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    list_display = ["user", "municipality", "bookable"]
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]
    autocomplete_fields = ["user"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    municipality_field = "staff__municipality"
    list_display = ["staff", "weekday", "start", "end"]


@admin.register(TimeOff)
class TimeOffAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    municipality_field = "staff__municipality"
    list_display = ["staff", "start", "end", "reason"]


@admin.register(Holiday)
class HolidayAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    list_display = ["date", "name_el", "municipality"]
    actions = ["add_greek_holidays"]

    @admin.action(
        description=_("Add the following year's Greek public holidays to the selected holidays' municipalities")
    )
    def add_greek_holidays(self, request, queryset):
        for municipality_id, year in {(h.municipality_id, h.date.year) for h in queryset}:
            for day, name_el, name_en in greek_holidays(year + 1):
                Holiday.objects.get_or_create(
                    municipality_id=municipality_id, date=day, defaults={"name_el": name_el, "name_en": name_en}
                )


@admin.register(Appointment)
class AppointmentAdmin(ScopedForeignKeys, MunicipalityScopedAdmin):
    municipality_field = "service__municipality"
    list_display = ["code", "start", "service", "clerk", "mode", "status", "full_name"]
    list_filter = ["status", "mode"]
    search_fields = ["code", "full_name", "email"]
    date_hierarchy = "start"
    readonly_fields = [
        "code",
        "start",
        "end",
        "clerk",
        "citizen",
        "consent_at",
        "history",
        "meeting_url",
        "meeting_id",
        "meeting_provider",
        "created_at",
    ]
    exclude = ["manage_token_hash", "blocked_start", "blocked_end", "reminder_24h_sent_at", "reminder_2h_sent_at"]

    def has_add_permission(self, request):
        return False  # bookings are made through the booking flow, where the rules are checked

    def has_delete_permission(self, request, obj=None):
        return False  # a booking is cancelled (the citizen is told), never deleted
