"""The admin of e-payments (imported by admin.py): the collection account, fees issued to citizens, bank statements
and the entries a clerk must sort out. Every list is scoped to the clerk's municipality."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.admin import MunicipalityScopedAdmin
from accounts.models import User
from requests_tracker import camt, services
from requests_tracker.forms import FeeIssueForm
from requests_tracker.models import PayableItem, Payment, PaymentAccount, StatementEntry, StatementImport


@admin.register(PaymentAccount)
class PaymentAccountAdmin(MunicipalityScopedAdmin):
    list_display = ["beneficiary", "iban", "rf_prefix", "municipality"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(pk=request.user.municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["method", "amount_cents", "external_id", "paid_at", "refund_status", "refund_reference"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayableItem)
class PayableItemAdmin(MunicipalityScopedAdmin):
    """Fees issued to a citizen (e.g. a copy fee): the admin types the amount in euros; the RF code follows."""

    list_display = ["rf_display", "description_el", "amount_display", "citizen", "status", "due_date", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["rf_reference", "description_el", "citizen__full_name", "citizen__username"]
    list_select_related = ["citizen"]
    inlines = [PaymentInline]

    @admin.display(description=_("RF payment code"), ordering="rf_reference")
    def rf_display(self, obj):
        return obj.rf_display

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount_display(self, obj):
        return obj.amount_display

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = FeeIssueForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["citizen", "description_el", "description_en", "amount", "due_date"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [field.name for field in PayableItem._meta.fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "citizen":
            citizens = User.objects.filter(is_staff=False, is_active=True)
            if not request.user.is_superuser:
                citizens = citizens.filter(municipality_id=request.user.municipality_id)
            kwargs["queryset"] = citizens
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        municipality = request.user.municipality or data["citizen"].municipality
        try:
            item = services.item_issue(
                municipality=municipality,
                citizen=data["citizen"],
                kind=PayableItem.Kind.MUNICIPAL_FEE,
                description_el=data["description_el"],
                description_en=data.get("description_en", ""),
                amount_cents=data["amount"],
                due_date=data["due_date"],
                issued_by=request.user,
            )
        except services.RequestError as error:
            messages.error(request, str(error))
            raise PermissionDenied from error
        obj.pk = item.pk
        messages.info(request, _("RF payment code %(rf)s; the citizen has been e-mailed.") % {"rf": item.rf_display})

    def has_delete_permission(self, request, obj=None):
        return False


class StatementUploadForm(forms.ModelForm):
    statement = forms.FileField(
        label=_("Bank statement (ISO 20022 camt.053 or camt.054 XML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    class Meta:
        model = StatementImport
        fields = []

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("A statement file may be 20 MB at most."))
        content = upload.read()
        try:
            camt.credits_parse(content)
        except camt.StatementUnreadable as error:
            raise forms.ValidationError(
                _("This file is not an ISO 20022 bank statement (camt.053 or camt.054) that can be read: %(error)s")
                % {"error": error}
            ) from error
        self.content = content
        return upload


class StatementEntryInline(admin.TabularInline):
    model = StatementEntry
    extra = 0
    can_delete = False
    fields = ["booking_date", "amount_cents", "reference", "debtor", "outcome", "item", "bank_reference"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StatementImport)
class StatementImportAdmin(MunicipalityScopedAdmin):
    list_display = ["file_name", "created_at", "imported_by"]
    inlines = [StatementEntryInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StatementUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["municipality", "file_name", "sha256", "imported_by", "created_at"]

    def get_fields(self, request, obj=None):
        return ["statement"] if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        if request.user.municipality is None:
            raise PermissionDenied  # a statement belongs to one municipality's account
        statement, summary = services.statement_import(
            municipality=request.user.municipality,
            content=form.content,
            file_name=form.cleaned_data["statement"].name,
            actor=request.user,
        )
        obj.pk = statement.pk
        if summary["already_imported"]:
            messages.warning(request, _("This statement was imported before: nothing has changed."))
            return
        problems = summary["partial"] + summary["duplicate"] + summary["unknown"]
        messages.success(
            request,
            _("%(matched)s payments applied; %(problems)s credits listed for a clerk; %(skipped)s seen before.")
            % {"matched": summary["matched"], "problems": problems, "skipped": summary["skipped"]},
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProblemFilter(admin.SimpleListFilter):
    title = _("to sort out")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(outcome__in=StatementEntry.PROBLEMS, resolved_at=None)
        return queryset


@admin.register(StatementEntry)
class StatementEntryAdmin(MunicipalityScopedAdmin):
    """Partial, duplicate and unknown credits: never applied by themselves; a clerk sorts them out."""

    list_display = ["booking_date", "amount_display", "reference", "debtor", "outcome", "item", "resolved_at"]
    list_filter = [ProblemFilter, "outcome"]
    search_fields = ["reference", "bank_reference", "debtor", "remittance"]
    actions = ["mark_resolved"]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount_display(self, obj):
        return obj.amount_display

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in StatementEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark as sorted out"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        for entry in queryset:
            services.statement_entry_resolve(entry=entry, clerk=request.user)
