"""Forms of e-requests: the citizen's application and the clerk's steps (start, reject, answer, dispatch)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_tracker.forms.shared import attachments_field
from requests_tracker.models import DeliveryMethod, ERequestType


class ERequestForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Kind of application"),
        queryset=ERequestType.objects.none(),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose one of the kinds of application in the list.")},
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    delivery_method = forms.ChoiceField(
        label=_("How do you want to receive the answer?"),
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to receive the answer.")},
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when the answer is sent by post: street and number, postcode, town."),
    )
    files = attachments_field()

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = ERequestType.objects.filter(municipality=municipality, is_active=True)


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note for the citizen"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason for the rejection: the citizen reads it.")},
    )


class AnswerForm(forms.Form):
    document = forms.FileField(
        label=_("Answer document (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("Choose the PDF of the answer.")},
    )
    note = forms.CharField(label=_("Note for the citizen"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DispatchForm(forms.Form):
    dispatched_on = forms.DateField(
        label=_("Posted on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Write the day the answer was posted.")},
    )
    tracking_reference = forms.CharField(
        label=_("Registered-mail number (ΕΛΤΑ)"),
        max_length=64,
        help_text=_("As printed on the ΕΛΤΑ receipt, e.g. RE123456785GR."),
        error_messages={"required": _("Write the registered-mail number from the ΕΛΤΑ receipt.")},
    )
    scan = forms.FileField(
        label=_("Scan of what was posted (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    note = forms.CharField(label=_("Note for the citizen"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PickupReadyForm(forms.Form):
    office = forms.CharField(
        label=_("Office"),
        max_length=300,
        error_messages={"required": _("Write the office where the citizen picks up the answer.")},
    )
    hours = forms.CharField(
        label=_("Opening hours"),
        max_length=200,
        help_text=_("E.g. Monday to Friday, 08:00–14:00."),
        error_messages={"required": _("Write the office's opening hours.")},
    )
    note = forms.CharField(label=_("Note for the citizen"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
