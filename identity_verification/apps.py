from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityVerificationConfig(AppConfig):
    name = "identity_verification"
    verbose_name = _("Identity verification")
