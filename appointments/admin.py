"""Municipality admins manage services, clerks and their hours; each sees only their municipality."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from appointments.holidays import greek_holidays
from appointments.models import Appointment, Holiday, Service, StaffMember, TimeOff, WorkingHours
from portal.admin_scoping import MunicipalityScopedAdmin


@admin.register(Service)
class ServiceAdmin(MunicipalityScopedAdmin):
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
class StaffMemberAdmin(MunicipalityScopedAdmin):
    list_display = ["user", "municipality", "bookable"]
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]
    autocomplete_fields = ["user"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(MunicipalityScopedAdmin):
    municipality_field = "staff__municipality"
    list_display = ["staff_column", "weekday", "start", "end"]

    @admin.display(description=_("clerk"), ordering="staff")
    def staff_column(self, hours):
        return hours.staff


@admin.register(TimeOff)
class TimeOffAdmin(MunicipalityScopedAdmin):
    municipality_field = "staff__municipality"
    list_display = ["staff_column", "start", "end", "reason"]

    @admin.display(description=_("clerk"), ordering="staff")
    def staff_column(self, time_off):
        return time_off.staff


@admin.register(Holiday)
class HolidayAdmin(MunicipalityScopedAdmin):
    list_display = ["date", "name_el", "municipality_column"]
    actions = ["add_greek_holidays"]

    @admin.display(description=_("municipality"), ordering="municipality")
    def municipality_column(self, holiday):
        return holiday.municipality

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
class AppointmentAdmin(MunicipalityScopedAdmin):
    municipality_field = "service__municipality"
    list_display = ["code", "start", "service_column", "clerk_column", "mode", "status", "full_name"]
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

    # Column headers in Greek without a migration for the fields' verbose names (the booking flow's models).
    @admin.display(description=_("service"), ordering="service__name_el")
    def service_column(self, appointment):
        return appointment.service

    @admin.display(description=_("clerk"), ordering="clerk")
    def clerk_column(self, appointment):
        return appointment.clerk

    def has_add_permission(self, request):
        return False  # bookings are made through the booking flow, where the rules are checked

    def has_delete_permission(self, request, obj=None):
        return False  # a booking is cancelled (the citizen is told), never deleted
