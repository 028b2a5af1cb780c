"""Test settings: the real settings, read from an environment that tests control.

Only what a test run must change is changed here; everything else is exactly what production reads.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-1234567890")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# `make test` on a fresh machine: the quick start's embedded PostgreSQL when no DATABASE_URL is given. Production
# settings refuse to start without one unless DJANGO_DEBUG is on; a test run is neither, so it asks here.
if not os.environ.get("DATABASE_URL"):
    from portal import embedded_db

    os.environ["DATABASE_URL"] = embedded_db.ensure_started()

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process in tests; the real-worker test switches the Celery app to the broker itself.
CELERY_TASK_ALWAYS_EAGER = True
# The live server speaks plain HTTP, so cookies must be allowed over it.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the finders; there is no collected STATIC_ROOT in a test run.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# A test database of this run's own, so that two runs at once (a developer's and a helper's) never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
