from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import normalise_mobile
from appointments import uploads
from appointments.models import Appointment, Mode, Weekday
from portal.uploads import filename_clean

# The guide's step 5, with the documents attached here instead of e-mailed to an address nobody is given.
DOCUMENTS_ACKNOWLEDGEMENT = _(
    "I will attach the documents needed here before the video call, so that the clerk is able to serve me."
)
DOCUMENTS_ACKNOWLEDGEMENT_REQUIRED = _("Please confirm that you will attach the documents before the call.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the booking's upload policy."""

    def __init__(self, *args, check: bool = True, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPT}))
        super().__init__(*args, **kwargs)
        self.check = check  # False: the caller attaches each file and reports each refusal itself

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if len(files) > uploads.MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s documents."), params={"count": uploads.MAX_FILES}, code="too_many"
            )
        errors = []
        for file in files:
            super().clean(file, initial)
            if not self.check:
                continue
            try:
                uploads.upload_check(file)
            except forms.ValidationError as error:
                errors.append(f"{filename_clean(file.name)}: {' '.join(error.messages)}")
        if errors:
            raise forms.ValidationError(errors)
        return files


class DatalistInput(forms.TextInput):
    """A text box that suggests values (the citizen's own e-request numbers) and still accepts any other."""

    template_name = "appointments/widgets/datalist.html"

    def __init__(self, *args, options: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-options"
        context["widget"]["options"] = self.options
        return context


class DetailsForm(forms.Form):
    """Step 5: who is served and about what; pre-filled from the account."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    mobile_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    application_number = forms.CharField(
        label=_("Application number"), max_length=60, required=False, help_text=_("Optional, if you have filed one.")
    )
    third_party = forms.BooleanField(
        label=_("A third person will take part (engineer, lawyer or owner)"), required=False
    )
    third_party_role = forms.ChoiceField(
        label=_("Third person's role"), choices=[("", "—"), *Appointment.ThirdPartyRole.choices], required=False
    )
    third_party_name = forms.CharField(label=_("Third person's full name"), max_length=150, required=False)
    third_party_email = forms.EmailField(label=_("Third person's e-mail"), required=False)
    documents_acknowledged = forms.BooleanField(label=DOCUMENTS_ACKNOWLEDGEMENT, required=False)
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("Optional: photos or scans (JPEG, PNG) and documents (PDF, DOC, DOCX, ODT) of up to 10 MB each."),
    )
    privacy_consent = forms.BooleanField(label=_("I consent to the privacy policy."), required=True)

    def __init__(
        self,
        *args,
        video: bool,
        references: list[tuple[str, str]] = (),
        consent: bool = True,
        attach: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.video = video
        if not attach:
            del self.fields["documents"]  # a change of details: documents are attached on the booking's page
        if not consent:
            del self.fields["privacy_consent"]  # a change to a booking: consent was given when it was made
        if references:
            self.fields["application_number"].widget = DatalistInput(options=references)
            self.fields["application_number"].help_text = _(
                "Optional. Choose one of your e-requests or type the number of another application."
            )
        if not video:
            for name in [
                "third_party",
                "third_party_role",
                "third_party_name",
                "third_party_email",
                "documents_acknowledged",
            ]:
                del self.fields[name]
        else:
            self.fields["documents_acknowledged"].required = True
        if consent:
            self.fields["privacy_consent"].error_messages["required"] = _("You must consent to the privacy policy.")
        if video:
            self.fields["documents_acknowledged"].error_messages["required"] = DOCUMENTS_ACKNOWLEDGEMENT_REQUIRED

    def clean_mobile_phone(self) -> str:
        return normalise_mobile(self.cleaned_data["mobile_phone"].strip())

    def clean(self):
        data = super().clean()
        if self.video and data.get("third_party"):
            for name, message in [
                ("third_party_role", _("Choose the third person's role.")),
                ("third_party_name", _("Enter the third person's full name.")),
                ("third_party_email", _("Enter the third person's e-mail.")),
            ]:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif self.video:
            data["third_party_role"] = data["third_party_name"] = data["third_party_email"] = ""
        return data


def details_initial(appointment: Appointment) -> dict:
    """The details form's values as the booking has them, for a change of time or details."""
    return {
        "full_name": appointment.full_name,
        "email": appointment.email,
        "mobile_phone": appointment.mobile_phone,
        "subject": appointment.subject,
        "application_number": appointment.application_number,
        "third_party": bool(appointment.third_party_email),
        "third_party_role": appointment.third_party_role,
        "third_party_name": appointment.third_party_name,
        "third_party_email": appointment.third_party_email,
        "documents_acknowledged": appointment.documents_acknowledged,
    }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StaffCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the citizen receives it)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for the cancellation; the citizen receives it.")},
    )


class WorkingHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing

    def clean(self):
        data = super().clean()
        start, end, weekday = data.get("start"), data.get("end"), data.get("weekday")
        if start and end and end <= start:
            raise forms.ValidationError(
                _("Working hours must end after they start: %(start)s–%(end)s does not."),
                params={"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
            )
        for hours in self.existing:
            if start and end and hours.weekday == weekday and hours.start < end and start < hours.end:
                raise forms.ValidationError(
                    _("These hours overlap hours you already have on that day (%(start)s–%(end)s)."),
                    params={"start": hours.start.strftime("%H:%M"), "end": hours.end.strftime("%H:%M")},
                )
        return data


class TimeOffForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(_("Time off must end after it starts."))
        return data


class WaitlistForm(forms.Form):
    """Join a service's waitlist: the days that suit, optionally a clerk and a mode, and what it is about."""

    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    last_day = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    clerk = forms.TypedChoiceField(label=_("Choice of staff"), required=False, coerce=int, empty_value=None)
    mode = forms.ChoiceField(label=_("Mode"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    privacy_consent = forms.BooleanField(
        label=_("I consent to the privacy policy."),
        error_messages={"required": _("You must consent to the privacy policy.")},
    )

    def __init__(self, *args, clerks, modes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].choices = [("", _("Any")), *((member.pk, str(member)) for member in clerks)]
        self.fields["mode"].choices = [("", _("Any")), *((mode, Mode(mode).label) for mode in modes)]

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("The last day must not be before the first."))
        return data


class OfferClaimForm(forms.Form):
    """One step: the mode when the citizen waited for any, and for a video call the documents' acknowledgement."""

    mode = forms.ChoiceField(label=_("Mode"), widget=forms.RadioSelect)
    documents_acknowledged = forms.BooleanField(label=DOCUMENTS_ACKNOWLEDGEMENT, required=False)

    def __init__(self, *args, modes, initial_mode, **kwargs):
        super().__init__(*args, initial={"mode": initial_mode}, **kwargs)
        self.fields["mode"].choices = [(mode, Mode(mode).label) for mode in modes]
        if len(modes) == 1:
            self.fields["mode"].widget = forms.HiddenInput()
        if Mode.VIDEO not in modes:
            del self.fields["documents_acknowledged"]

    def clean(self):
        data = super().clean()
        if data.get("mode") == Mode.VIDEO and not data.get("documents_acknowledged"):
            self.add_error("documents_acknowledged", DOCUMENTS_ACKNOWLEDGEMENT_REQUIRED)
        return data


class DocumentUploadForm(forms.Form):
    """The booking page's upload: one or more files."""

    documents = MultipleFileField(label=_("Attach documents"), required=True, check=False)


class DocumentRequestForm(forms.Form):
    """The clerk asks for a missing document."""

    message = forms.CharField(
        label=_("Which document is missing"),
        max_length=300,
        widget=forms.TextInput(),
        error_messages={"required": _("Write which document is missing.")},
    )
