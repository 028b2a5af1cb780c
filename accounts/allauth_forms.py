"""allauth's forms with our labels. Kept apart from accounts.forms, which allauth's forms module imports."""

from allauth.account import forms as allauth_forms
from django.contrib.auth.hashers import make_password
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

    def save(self, request, **kwargs):
        from accounts.password_reset import password_reset_code_issued

        result = super().save(request, **kwargs)
        password_reset_code_issued(request=request)
        return result


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's own label reads "Email", which its Greek catalogue leaves untranslated; labels replace
        # placeholders, which vanish as soon as one types.
        self.fields["email"].label = _("E-mail")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed; an address already registered must cost the same, or the
            # sign-up's timing would tell that the address has an account (allauth only e-mails its owner).
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
