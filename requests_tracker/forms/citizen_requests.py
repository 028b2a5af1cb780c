"""Forms of citizen requests: filing and editing, comments, and the clerk's status, department and category."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from requests_tracker.forms.shared import attachments_field
from requests_tracker.models import Category, CommentSignature, Request


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose one of the categories in the list.")},
    )
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        help_text=_("Type a street and number, in Greek or Latin letters, e.g. «Ίωνος Δραγούμη 47»."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    files = attachments_field()

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(municipality=municipality)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment before sending it.")},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(value, label) for value, label in Request.Status.choices if value in Request.WORKFLOW],
    )
    resolution = forms.ChoiceField(
        label=_("Resolution (when closing)"), choices=[("", "—"), *Request.Resolution.choices], required=False
    )
    duplicate_of = forms.CharField(label=_("Code of the original request (for a duplicate)"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    seen_status = forms.CharField(widget=forms.HiddenInput)


class DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(municipality=municipality)
        # The request is one municipality's: a department by its name alone, without «(Δήμος …)».
        self.fields["department"].label_from_instance = lambda department: department.name


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(municipality=municipality)


class CommentSignatureForm(forms.Form):
    shown_as = forms.ChoiceField(
        label=_("Sign my comments with"), choices=CommentSignature.ShownAs.choices, widget=forms.RadioSelect
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        required=False,
        help_text=_("Shown to everyone instead of your name, e.g. «Γείτονας της Τσιμισκή»."),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("What is still wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("New expected date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason (shown to the citizen)"), max_length=500)
