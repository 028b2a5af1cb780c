"""Where clerks of the verification office receive documents and decide, scoped to their own municipality."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from identity_verification import services
from identity_verification.forms import RejectionForm
from identity_verification.models import Office, VerificationCase
from portal.admin_scoping import MunicipalityScopedAdmin
from portal.models import AuditEntry

STEP_LABELS = {
    "identity_verification.case.submitted": _("Request submitted"),
    "identity_verification.case.received": _("Documents received"),
    "identity_verification.case.approved": _("Approved"),
    "identity_verification.case.rejected": _("Rejected"),
}


@admin.register(Office)
class OfficeAdmin(MunicipalityScopedAdmin):
    list_display = ["name_el", "kind", "municipality", "address", "opening_hours_el", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_el", "name_en", "address"]
    fields = [
        "municipality",
        "kind",
        "name_el",
        "name_en",
        "address",
        "opening_hours_el",
        "opening_hours_en",
        "position",
        "is_active",
    ]


class OverdueFilter(admin.SimpleListFilter):
    title = _("decision overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue (over 48 hours since receipt)")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


@admin.register(VerificationCase)
class VerificationCaseAdmin(MunicipalityScopedAdmin):
    list_display = [
        "reference",
        "citizen_name",
        "method",
        "status_badge",
        "submitted_at",
        "deadline",
    ]
    list_display_links = ["reference", "citizen_name"]
    list_filter = ["status", "method", OverdueFilter]
    search_fields = ["citizen__username", "citizen__full_name", "citizen__email", "afm", "public_id"]
    search_help_text = _("Name, username, e-mail, tax number (ΑΦΜ) or the request's reference code.")
    list_select_related = ["citizen", "municipality", "office", "decided_by", "received_by"]
    date_hierarchy = "submitted_at"
    actions = ["mark_received", "approve", "reject"]
    change_form_template = "identity_verification/admin/case_change_form.html"
    fieldsets = [
        (
            _("Citizen"),
            {
                "fields": [
                    "citizen_name",
                    "citizen_username",
                    "citizen_email",
                    "afm",
                    "citizen_language",
                    "citizen_joined",
                    "citizen_verified",
                ]
            },
        ),
        (_("Request"), {"fields": ["reference", "municipality", "method", "office", "status_badge", "submitted_at"]}),
        (_("Documents"), {"fields": ["documents"]}),
        (
            _("Receipt and decision"),
            {
                "fields": [
                    "documents_received_at",
                    "received_by",
                    "deadline",
                    "decided_at",
                    "decided_by",
                    "rejection_reason",
                ]
            },
        ),
        (_("History"), {"fields": ["history"]}),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    class Media:
        css = {"all": ["identity_verification/admin.css"]}

    def has_add_permission(self, request):
        return False  # citizens open requests; clerks only receive and decide them

    def has_delete_permission(self, request, obj=None):
        return False  # a decision is a record: it is never deleted from here

    # --- Columns and read-only fields

    @admin.display(description=_("reference"), ordering="public_id")
    def reference(self, case: VerificationCase) -> str:
        return case.reference

    @admin.display(description=_("citizen"), ordering="citizen__full_name")
    def citizen_name(self, case: VerificationCase) -> str:
        return case.citizen.full_name or case.citizen.get_username()

    @admin.display(description=_("username"))
    def citizen_username(self, case: VerificationCase) -> str:
        return case.citizen.get_username()

    @admin.display(description=_("e-mail"))
    def citizen_email(self, case: VerificationCase) -> str:
        return case.citizen.email

    @admin.display(description=_("language"))
    def citizen_language(self, case: VerificationCase) -> str:
        return case.citizen.get_language_display()

    @admin.display(description=_("registered on"))
    def citizen_joined(self, case: VerificationCase) -> str:
        return _local(case.citizen.date_joined)

    @admin.display(description=_("verified citizen"))
    def citizen_verified(self, case: VerificationCase) -> str:
        citizen = case.citizen
        if not citizen.is_verified_citizen:
            return gettext("No")
        return gettext("Yes, %(method)s, %(time)s") % {
            "method": citizen.get_identity_verification_method_display(),
            "time": _local(citizen.identity_verified_at),
        }

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, case: VerificationCase) -> str:
        return format_html(
            '<span class="verification-status verification-status--{}">{}</span>',
            case.status,
            case.get_status_display(),
        )

    @admin.display(description=_("decision due by"), ordering="documents_received_at")
    def deadline(self, case: VerificationCase) -> str:
        if case.decision_deadline is None:
            return "—"
        if case.is_overdue():
            return format_html(
                '{} <span class="verification-overdue">{}</span>', _local(case.decision_deadline), gettext("overdue")
            )
        return _local(case.decision_deadline)

    @admin.display(description=_("uploaded documents"))
    def documents(self, case: VerificationCase) -> str:
        documents = list(case.documents.all())
        if not documents:
            return gettext("None: the documents are on paper.")
        return format_html(
            '<ul class="verification-documents">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}" target="_blank" rel="noopener">{}</a> ({}, {}, {})</li>',
                (
                    (
                        reverse("identity_verification:document", kwargs={"public_id": document.public_id}),
                        document.get_kind_display(),
                        document.original_name,
                        document.content_type,
                        filesizeformat(document.size),
                    )
                    for document in documents
                ),
            ),
        )

    @admin.display(description=_("history"))
    def history(self, case: VerificationCase) -> str:
        entries = AuditEntry.objects.filter(
            object_type=case._meta.label_lower, object_id=str(case.pk), action__in=STEP_LABELS
        ).select_related("actor")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} — {} — {}</li>",
                (
                    (_local(entry.created_at), STEP_LABELS[entry.action], entry.actor or "—")
                    for entry in entries.order_by("created_at")
                ),
            ),
        )

    # --- Change page: decisions instead of a save button

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            may_decide = self.has_change_permission(request, obj)
            context["may_receive"] = may_decide and obj.status == VerificationCase.Status.SUBMITTED
            context["may_decide"] = may_decide and obj.status == VerificationCase.Status.DOCUMENTS_RECEIVED
            context["reject_url"] = self._reject_url([obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/receive/", view(self.receive_view), name="identity_verification_case_receive"),
            path("<int:object_id>/approve/", view(self.approve_view), name="identity_verification_case_approve"),
            path("reject/", view(self.reject_view), name="identity_verification_case_reject"),
            *super().get_urls(),
        ]

    def _case_or_404(self, request: HttpRequest, object_id) -> VerificationCase:
        case = self.get_queryset(request).filter(pk=object_id).first()
        if case is None:
            raise Http404
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        return case

    def _change_url(self, case: VerificationCase) -> str:
        return reverse("admin:identity_verification_verificationcase_change", args=[case.pk])

    def _reject_url(self, ids) -> str:
        return reverse("admin:identity_verification_case_reject") + "?" + urlencode([("case", pk) for pk in ids])

    def receive_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return require_POST(self._step)(request, object_id, services.case_mark_received)

    def approve_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return require_POST(self._step)(request, object_id, services.case_approve)

    def _step(self, request: HttpRequest, object_id: int, step) -> HttpResponse:
        case = self._case_or_404(request, object_id)
        self._apply(request, [case], lambda each: step(case=each, clerk=request.user))
        return redirect(self._change_url(case))

    def reject_view(self, request: HttpRequest) -> HttpResponse:
        """«Απόρριψη»: one page for the change page's button and the list's action, since a reason is required."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = request.POST.getlist("case") if request.method == "POST" else request.GET.getlist("case")
        cases = list(self.get_queryset(request).filter(pk__in=[pk for pk in ids if pk.isdigit()]))
        if not cases:
            raise Http404
        form = RejectionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(request, cases, lambda case: services.case_reject(case=case, clerk=request.user, reason=reason))
            if len(cases) == 1:
                return redirect(self._change_url(cases[0]))
            return redirect("admin:identity_verification_verificationcase_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject verification"),
            "opts": self.opts,
            "cases": cases,
            "form": form,
            "media": self.media,
            "cancel_url": self._change_url(cases[0])
            if len(cases) == 1
            else reverse("admin:identity_verification_verificationcase_changelist"),
        }
        return TemplateResponse(request, "identity_verification/admin/reject.html", context)

    # --- List actions

    @admin.action(description=_("Record receipt of documents"), permissions=["change"])
    def mark_received(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(request, queryset, lambda case: services.case_mark_received(case=case, clerk=request.user))

    @admin.action(description=_("Approve verification"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(request, queryset, lambda case: services.case_approve(case=case, clerk=request.user))

    @admin.action(description=_("Reject verification"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._reject_url(queryset.values_list("pk", flat=True)))

    def _apply(self, request: HttpRequest, cases, step) -> None:
        done = 0
        for case in cases:
            try:
                step(case)
            except services.VerificationError as error:
                self.message_user(request, str(error), messages.WARNING)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("You may not decide request %(reference)s.") % {"reference": case.reference},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, gettext("Requests updated: %(count)d.") % {"count": done}, messages.SUCCESS)


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"
