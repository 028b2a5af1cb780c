from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import demo
        from accounts.roles import groups_ensure_after_migrate

        post_migrate.connect(groups_ensure_after_migrate, dispatch_uid="accounts.roles.groups_ensure_after_migrate")
        from portal.registry import PortalService, register_demo_loader, register_service

        register_demo_loader(demo.load, order=10)

        register_service(
            PortalService(
                key="account",
                title=_("My account"),
                description=_("Log in with TAXISnet or a local account, and manage your details."),
                url_name="accounts:profile",
                order=30,
            )
        )
