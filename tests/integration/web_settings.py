"""Production settings for the gunicorn processes of test_two_web_processes, with static files from the finders.

Only the static-files storage differs from portal.settings: a test run has no collected STATIC_ROOT (as in
tests/settings.py). Everything else — DEBUG off, secure cookies, rate limits, the private storage — is production's.
"""

from portal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
