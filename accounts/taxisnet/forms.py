from allauth.socialaccount.forms import SignupForm


class TaxisnetSignupForm(SignupForm):
    """The e-mail step of a first TAXISnet login.

    GSIS vouches for the name and the citizen logs in with TAXISnet rather than a password, so the step asks for
    neither a name nor a username (allauth makes one up); the registration form's other fields stay (consent, …).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("username", None)
        self.fields.pop("full_name", None)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # The registration form's signup() copies full_name onto the user: keep the registry's.
        cleaned_data["full_name"] = self.sociallogin.user.full_name
        return cleaned_data
