import phonenumbers
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Interest, User
from portal.models import Municipality


class InterestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, interest: Interest) -> str:
        return f"{interest.municipality.name}: {interest.name}"


def interest_field() -> InterestChoiceField:
    return InterestChoiceField(
        queryset=Interest.objects.select_related("municipality"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Interests"),
        help_text=_("Receive the municipality's newsletter on the topics you choose. You can change them at any time."),
    )


class SignupExtraForm(forms.Form):
    """What our registration asks beyond allauth's username, e-mail and password (allauth calls `signup`)."""

    field_order = ["full_name", "username", "email", "password1", "password2", "municipality", "interests"]

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), required=False, label=_("Municipality"), empty_label=_("— choose —")
    )
    interests = interest_field()
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy policy and agree to the processing of my data."),
        error_messages={"required": _("You must accept the privacy policy to create an account.")},
    )

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.municipality = self.cleaned_data["municipality"]
        user.privacy_consent_at = timezone.now()
        user.privacy_policy_version = settings.PRIVACY_POLICY_VERSION
        user.newsletter_opt_in = bool(self.cleaned_data["interests"])
        user.save()
        user.interests.set(self.cleaned_data["interests"])


MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_mobile(value: str) -> str:
    """A mobile number in E.164 form ("+306912345678"); Greek numbers may be typed without +30.

    Raises ValidationError for what is not a valid number, and for a landline (e.g. Chania's 2821012345):
    SMS reminders need a mobile. Numbers whose plan cannot tell (FIXED_LINE_OR_MOBILE, as in the USA) pass.
    """
    try:
        number = phonenumbers.parse(value, "GR")
    except phonenumbers.NumberParseException as error:
        raise forms.ValidationError(_("Enter a valid mobile phone number."), code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(_("Enter a valid mobile phone number."), code="invalid_phone")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise forms.ValidationError(
            _("This is a landline number. Enter a mobile phone number (Greek mobiles begin with 69)."),
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ProfileForm(forms.ModelForm):
    interests = interest_field()

    class Meta:
        model = User
        fields = [
            "full_name",
            "mobile_phone",
            "postal_address",
            "language",
            "municipality",
            "interests",
            "newsletter_opt_in",
        ]
        labels = {"newsletter_opt_in": _("Send me the newsletters on my interests")}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "mobile_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "postal_address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        }

    def clean_mobile_phone(self) -> str:
        value = self.cleaned_data["mobile_phone"].strip()
        return normalise_mobile(value) if value else ""


class UsernameReminderForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordResetCodeElsewhereForm(forms.Form):
    """The e-mailed link opened in another browser: the address the code went to, and the code."""

    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = forms.CharField(
        label=_("Code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "one-time-code"})
    )
