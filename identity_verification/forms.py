from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_afm
from identity_verification import selectors
from identity_verification.models import Office, VerificationCase, VerificationDocument
from identity_verification.uploads import ACCEPT, upload_check
from portal.models import Municipality

Method = VerificationCase.Method

METHOD_CHOICES = [
    (Method.IN_PERSON, _("In person, at an office of the municipality")),
    (Method.BY_POST, _("By post, with the signature certified at a ΚΕΠ")),
    (Method.ONLINE, _("Online, by uploading scans of the documents")),
]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return f"{obj.name} — {obj.address}" if obj.address else obj.name


class VerificationRequestForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), empty_label=_("— choose —")
    )
    method = forms.ChoiceField(
        label=_("How will you send your documents?"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )
    office = OfficeChoiceField(
        label=_("Office you will visit"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("Only for a visit in person."),
    )
    afm = forms.CharField(
        label=_("Tax number (ΑΦΜ)"),
        max_length=9,
        min_length=9,
        validators=[validate_afm],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{9}"}),
    )
    identity_document = forms.FileField(
        label=_("Identity card (both sides)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("JPEG, PNG or PDF, up to 5 MB. Only for online requests."),
    )
    afm_document = forms.FileField(
        label=_("A document showing your tax number (ΑΦΜ)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("JPEG, PNG or PDF, up to 5 MB. Only for online requests."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = selectors.offices_list()
        self.fields["office"].queryset = offices
        # Grouped by municipality, so that the same name in two municipalities is never ambiguous.
        groups: dict[str, list] = {}
        for office in offices:
            groups.setdefault(office.municipality.name, []).append(
                (office.pk, self.fields["office"].label_from_instance(office))
            )
        self.fields["office"].choices = [("", self.fields["office"].empty_label), *groups.items()]

    def clean_identity_document(self):
        return self._checked("identity_document")

    def clean_afm_document(self):
        return self._checked("afm_document")

    def _checked(self, name: str):
        file = self.cleaned_data.get(name)
        return upload_check(file) if file else None

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        municipality = cleaned.get("municipality")
        office = cleaned.get("office")
        if method == Method.IN_PERSON:
            if office is None:
                self.add_error("office", _("Choose the office you will visit."))
            elif municipality is not None and office.municipality_id != municipality.pk:
                self.add_error("office", _("This office belongs to another municipality."))
        if method == Method.ONLINE:
            for name in ("identity_document", "afm_document"):
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, _("Upload this document."))
        return cleaned

    @property
    def documents(self) -> dict:
        return {
            kind: self.cleaned_data[name]
            for kind, name in (
                (VerificationDocument.Kind.IDENTITY_DOCUMENT, "identity_document"),
                (VerificationDocument.Kind.AFM_DOCUMENT, "afm_document"),
            )
            if self.cleaned_data.get(name)
        }

    @property
    def files_need_choosing_again(self) -> bool:
        """Browsers never re-fill a file input: after an error the citizen must choose the files again."""
        return self.is_bound and bool(self.errors) and bool(self.files)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The citizen reads this in the e-mail and on their request page."),
    )
