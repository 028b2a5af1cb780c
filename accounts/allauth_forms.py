"""allauth's forms with our labels. Kept apart from accounts.forms, which allauth's forms module imports."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail")
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        # The page lists the reminders below the form; allauth's own link would say it twice.
        self.fields["password"].help_text = ""


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].widget.attrs.pop("placeholder", None)


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's own label reads "Email", which its Greek catalogue leaves untranslated; labels replace
        # placeholders, which vanish as soon as one types.
        self.fields["email"].label = _("E-mail")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
