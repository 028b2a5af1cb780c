from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxisnetConfig(AppConfig):
    name = "accounts.taxisnet"
    label = "taxisnet"
    verbose_name = _("TAXISnet login")
