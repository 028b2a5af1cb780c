"""Forms of citizen requests: filing and editing, comments, and the clerk's status, department and category."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from requests_tracker import uploads
from requests_tracker.forms.shared import MultipleFileField, MultipleFileInput
from requests_tracker.geocoding import GeocoderUnavailable, as_decimal, geocode
from requests_tracker.models import Category, Request


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
    files = MultipleFileField(
        label=_("Add files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": uploads.ACCEPT}),
        help_text=_("Photos (GIF, JPEG, PNG) or documents (DOC, DOCX, ODT, PDF), up to 5 files."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["category"].queryset = Category.objects.filter(municipality=municipality)
        self.candidates = []

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None or longitude is None:
            address = data.get("address", "")
            if not address:
                raise forms.ValidationError(
                    _("Show where the problem is: place the marker on the map or type an address."), code="no_location"
                )
            # Without JavaScript there is no map: the typed address is looked up here, first candidate wins.
            try:
                self.candidates = geocode(query=address, municipality=self.municipality)
            except GeocoderUnavailable:
                self.add_error(
                    "address",
                    _("The address search is not available right now. Place the marker on the map, or try later."),
                )
                return data
            if not self.candidates:
                self.add_error("address", _("No place with this address was found in the municipality."))
                return data
            data["latitude"] = as_decimal(self.candidates[0].latitude)
            data["longitude"] = as_decimal(self.candidates[0].longitude)
            data["address"] = data["address"] or self.candidates[0].label
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment before sending it.")},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Request.Status.choices)
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


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(municipality=municipality)
