from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import newsletters
from accounts.models import Interest, Newsletter, User
from portal.admin_scoping import MunicipalityScopedAdmin


class VerifiedFilter(admin.SimpleListFilter):
    title = _("identity verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(identity_verified_at__isnull=self.value() == "no")
        return queryset


@admin.register(User)
class UserAdmin(MunicipalityScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "municipality", "identity_verified_at", "is_staff"]
    list_filter = [VerifiedFilter, "identity_verification_method", "municipality", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email", "afm"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Citizen"),
            {
                "fields": [
                    "full_name",
                    "email",
                    "mobile_phone",
                    "postal_address",
                    "language",
                    "municipality",
                    "interests",
                ]
            },
        ),
        (_("TAXISnet"), {"fields": ["afm", "father_name", "mother_name", "birth_year"]}),
        (
            _("Identity verification"),
            {"fields": ["identity_verified_at", "identity_verification_method"]},
        ),
        (_("Consent"), {"fields": ["privacy_consent_at", "privacy_policy_version", "newsletter_opt_in"]}),
        (
            _("Staff"),
            {"fields": ["is_active", "is_staff", "is_superuser", "departments", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "interests", "departments"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["identity_verified_at", "identity_verification_method", "privacy_consent_at", "last_login"]
        if not request.user.is_superuser:
            # Verification goes through the verification cases; rights are granted by a superuser only.
            readonly += ["afm", "is_staff", "is_superuser", "groups", "user_permissions", "municipality"]
        return readonly


@admin.register(Interest)
class InterestAdmin(MunicipalityScopedAdmin):
    list_display = ["name_el", "name_en", "municipality"]
    list_filter = ["municipality"]


@admin.register(Newsletter)
class NewsletterAdmin(MunicipalityScopedAdmin):
    list_display = ["subject_el", "municipality", "status", "created_at", "sent_at", "recipients"]
    list_filter = ["status", "municipality"]
    filter_horizontal = ["interests"]
    fields = ["municipality", "interests", "subject_el", "body_el", "subject_en", "body_en", "status", "sent_at"]
    readonly_fields = ["status", "sent_at"]
    actions = ["send"]

    @admin.display(description=_("recipients"))
    def recipients(self, newsletter: Newsletter) -> int:
        return newsletter.deliveries.count()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Newsletter.Status.DRAFT)

    @admin.action(description=_("Send the selected newsletters"), permissions=["change"])
    def send(self, request, queryset):
        for newsletter in queryset:
            try:
                newsletters.newsletter_send(newsletter=newsletter, actor=request.user)
            except newsletters.NewsletterAlreadySent:
                self.message_user(
                    request, _("«%(subject)s» was already sent.") % {"subject": newsletter}, messages.WARNING
                )
            else:
                self.message_user(request, _("«%(subject)s» is being sent.") % {"subject": newsletter})
