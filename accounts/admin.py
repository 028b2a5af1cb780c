from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
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


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["municipality", "interests", "subject_el", "body_el", "subject_en", "body_en"]

    def clean(self):
        data = super().clean()
        municipality, interests = data.get("municipality"), data.get("interests")
        if municipality and interests and any(interest.municipality_id != municipality.pk for interest in interests):
            self.add_error("interests", _("Choose interests of the newsletter's own municipality."))
        return data


@admin.register(Newsletter)
class NewsletterAdmin(MunicipalityScopedAdmin):
    form = NewsletterForm
    list_display = ["subject_el", "municipality", "status", "created_at", "sent_at", "recipients"]
    list_filter = ["status", "municipality"]
    filter_horizontal = ["interests"]
    fields = ["municipality", "interests", "subject_el", "body_el", "subject_en", "body_en", "status", "sent_at"]
    readonly_fields = ["status", "sent_at"]
    actions = ["review"]

    @admin.display(description=_("recipients"))
    def recipients(self, newsletter: Newsletter) -> int:
        return newsletter.deliveries.count()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        newsletter = self.get_object(request, object_id) if object_id else None
        municipality_id = (newsletter and newsletter.municipality_id) or request.GET.get("municipality")
        if db_field.name == "interests" and municipality_id:
            # Only the interests of the newsletter's municipality are offered (the form checks it too).
            field.queryset = field.queryset.filter(municipality_id=municipality_id)
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # After saving a draft: straight to its preview, where it can be tested and sent.
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return redirect("admin:accounts_newsletter_review", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Newsletter.Status.DRAFT)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [path("<int:object_id>/review/", review, name="accounts_newsletter_review"), *super().get_urls()]

    @admin.action(description=_("Preview, test and send the selected newsletter"), permissions=["change"])
    def review(self, request, queryset):
        return redirect("admin:accounts_newsletter_review", queryset.order_by("pk").first().pk)

    def review_view(self, request, object_id: int):
        """Preview in Greek and English, a test to oneself, then the send with the number of recipients confirmed."""
        newsletter = self.get_object(request, str(object_id))
        if newsletter is None or not self.has_view_permission(request, newsletter):
            raise Http404
        may_send = self.has_change_permission(request, newsletter)
        if request.method == "POST" and may_send:
            if "test" in request.POST:
                languages = newsletters.newsletter_send_test(newsletter=newsletter, actor=request.user)
                self.message_user(
                    request,
                    _("A test was sent to %(email)s (%(count)s).")
                    % {"email": request.user.email, "count": len(languages)},
                )
                return redirect("admin:accounts_newsletter_review", newsletter.pk)
            if "send" in request.POST:
                try:
                    confirmed = int(request.POST.get("confirmed_count", ""))
                    newsletters.newsletter_send(newsletter=newsletter, actor=request.user, confirmed_count=confirmed)
                except ValueError:
                    self.message_user(request, _("Confirm the number of recipients."), messages.ERROR)
                except newsletters.NewsletterRecipientsChanged as changed:
                    self.message_user(
                        request,
                        _("The number of recipients is now %(count)s. Check it and confirm again.")
                        % {"count": changed.count},
                        messages.WARNING,
                    )
                except newsletters.NewsletterAlreadySent:
                    self.message_user(
                        request, _("«%(subject)s» was already sent.") % {"subject": newsletter}, messages.WARNING
                    )
                else:
                    self.message_user(request, _("«%(subject)s» is being sent.") % {"subject": newsletter})
                    return redirect("admin:accounts_newsletter_changelist")
                return redirect("admin:accounts_newsletter_review", newsletter.pk)
        previews = [newsletters.newsletter_preview(newsletter=newsletter, user=request.user, language="el")]
        if newsletter.subject_en and newsletter.body_en:
            previews.append(newsletters.newsletter_preview(newsletter=newsletter, user=request.user, language="en"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Preview and send «%(subject)s»") % {"subject": newsletter},
            "newsletter": newsletter,
            "previews": previews,
            "recipient_count": newsletters.newsletter_recipients(newsletter=newsletter).count(),
            "may_send": may_send and newsletter.status == Newsletter.Status.DRAFT,
        }
        return TemplateResponse(request, "admin/accounts/newsletter/review.html", context)
