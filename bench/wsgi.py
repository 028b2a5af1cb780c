"""WSGI entry point for the benchmark: the portal with bench.settings (never portal.settings)."""

import os

from django.core.wsgi import get_wsgi_application

# Forced, not defaulted: a DJANGO_SETTINGS_MODULE left in the shell must not drop the floor view.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

application = get_wsgi_application()
