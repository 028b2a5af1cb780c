from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from portal.registry import PortalService, register_service

        register_service(
            PortalService(
                key="account",
                title=_("My account"),
                description=_("Log in with TAXISnet or a local account, and manage your details."),
                url_name="account_login",
                order=30,
            )
        )
