from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")


class PortalAdminConfig(SimpleAdminConfig):
    """The admin, discovering every app's admin module except django-leaflet's.

    `leaflet.admin` imports GeoDjango, which needs the GDAL system library; the portal stores plain latitude and
    longitude and uses django-leaflet for its map template tags only, so a newcomer needs no GDAL.
    """

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name != "leaflet" and module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
