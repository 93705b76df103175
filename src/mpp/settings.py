"""Settings for MPP Digital.

Every value comes from the environment (see the settings table in README.md); defaults are safe for a
developer's machine. ``MPP_ENV=production`` refuses to start with unsafe values.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Generic Django classes (``admin.ModelAdmin[User]``, ``forms.ModelChoiceField[MPP]``) can be
# subscripted at run time, as the type annotations subscript them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MPP_VAR_DIR", PROJECT_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


MPP_ENV = env("MPP_ENV", "development")
PRODUCTION = MPP_ENV == "production"
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "mpp.web",
    "mpp.regions",
    "mpp.tenancy",
    "mpp.accounts",
    "mpp.catalog",
    "mpp.audit",
    "mpp.api",
    "mpp.workflows",
    "mpp.deadlines",
    "mpp.documents",
    "mpp.devices",
    "mpp.notifications",
    "mpp.integrations",
    "mpp.cases",
    "mpp.queueing",
    "mpp.complaints",
    "mpp.surveys",
    "mpp.onboarding",
    "mpp.rooms",
    "mpp.activities",
    "mpp.reporting",
    "mpp.monitoring",
]

MIDDLEWARE = [
    "mpp.web.metrics.RequestIdMiddleware",
    "mpp.web.metrics.MetricsMiddleware",
    "mpp.web.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 Not Modified for every GET (API reads included) that has no validator yet.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mpp.web.middleware.InputHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, the user's grants and devices read from the cache in one trip.
    "mpp.accounts.middleware.AccessMiddleware",
    "mpp.accounts.middleware.StaffTwoFactorMiddleware",
    "mpp.accounts.middleware.PrivatePagesNotStoredMiddleware",
    "mpp.web.middleware.AnonymousPostRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "mpp.api.problems.ApiMethodNotAllowedMiddleware",
]

# Django's templates, with the common widgets (inputs, selects, textareas) written in Python.
FORM_RENDERER = "mpp.web.form_renderer.FastWidgetRenderer"

ROOT_URLCONF = "mpp.urls"
WSGI_APPLICATION = "mpp.wsgi.application"
ASGI_APPLICATION = "mpp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with the addresses kept per process (mpp.links).
            "builtins": ["mpp.web.templatetags.links"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mpp.web.context_processors.site",
                "mpp.accounts.menu.header_menu",
                "mpp.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mpp.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process task runner and the web process read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A read replica for dashboards and exports (mpp.reporting.routers): facts and dashboard pages read
# there, every write goes to default. In tests the alias mirrors default (TEST MIRROR).
if env("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# A pool of PostgreSQL connections per process (psycopg_pool, Django's "pool" option; on by
# default in production) instead of one persistent connection per thread: a request takes a
# connection from the pool and gives it back, without the health check's round trip (a SELECT 1
# before the first query of every request) that persistent connections need. A connection that
# failed is dropped when it is given back; each thread of a worker holds at most one connection, so
# DATABASE_POOL_SIZE must be at least the web server's threads per worker (granian's
# --blocking-threads, 4 in deploy/systemd/mpp-web.service).
DATABASE_POOL = env_bool("DATABASE_POOL", default=PRODUCTION)
DATABASE_POOL_SIZE = int(env("DATABASE_POOL_SIZE", "4"))
for _alias in DATABASES.values():
    if DATABASE_POOL and _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_SIZE,
            "timeout": 10,
        }
        _alias["CONN_MAX_AGE"] = 0
        _alias["CONN_HEALTH_CHECKS"] = False
# Server-side parameter binding and prepared statements on PostgreSQL: a statement a connection
# has run DATABASE_PREPARE_THRESHOLD times is prepared, and PostgreSQL then reuses its plan instead
# of planning it again on every request (the hot reads of one application, complaint or ticket join
# eight to ten tables, and planning them cost 3 to 5 ms each; docs/performance.md). Prepared
# statements live on the connection, so they pay off with the pool or persistent connections. A
# pooler in transaction mode that does not track prepared statements (pgbouncer before 1.21) needs
# DATABASE_PREPARE_THRESHOLD= (empty: never prepare; the binding stays server-side).
DATABASE_SERVER_SIDE_BINDING = env_bool("DATABASE_SERVER_SIDE_BINDING", default=True)
_prepare_threshold = env("DATABASE_PREPARE_THRESHOLD", "5")
# Prepared statements a connection keeps (psycopg's default is 100; mpp.web.apps says why more).
DATABASE_PREPARED_MAX = int(env("DATABASE_PREPARED_MAX", "500"))
for _alias in DATABASES.values():
    if DATABASE_SERVER_SIDE_BINDING and _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias.setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": int(_prepare_threshold) if _prepare_threshold else None,
            }
        )
DATABASE_ROUTERS = ["mpp.reporting.routers.ReplicaRouter"]
# Seconds a process reads the primary only after the replica failed (then it tries it again).
MPP_REPLICA_AWAY_SECONDS = int(env("MPP_REPLICA_AWAY_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mpp.accounts.backends.NikOrUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email", "nik")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "web:home"

AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "mpp.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "mpp.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "mpp.audit.services.axes_client_ip"
# Anonymous rate limits per purpose (mpp.accounts.limits.PURPOSES, docs/limits.md), counted by
# django-ratelimit in the default cache. Override one purpose's rates with a JSON object, e.g.
# MPP_RATE_LIMITS='{"register": {"address": "20/10m"}}'. Addresses inside an MPP's registered
# networks get MPP_RATE_LIMIT_MPP_FACTOR times the rate per address.
MPP_RATE_LIMITS = json.loads(env("MPP_RATE_LIMITS", "{}"))
MPP_RATE_LIMIT_MPP_FACTOR = int(env("MPP_RATE_LIMIT_MPP_FACTOR", "5"))
RATELIMIT_USE_CACHE = "default"
# Addresses or networks of reverse proxies whose X-Forwarded-For is believed (lockouts, rate
# limits, audit log); from anyone else the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Key of the HMAC under which a NIK is matched where it must not be stored (lockout entries,
# counter-record labels). Derived from SECRET_KEY in development; required in production.
MPP_NIK_PEPPER = (
    env("MPP_NIK_PEPPER") or hashlib.sha256(("mpp-nik-pepper:" + SECRET_KEY).encode()).hexdigest()
)

OTP_TOTP_ISSUER = "MPP Digital"
# django-otp's own back-off (1, 2, 4… s after each wrong code) refused the next correct code; the
# limit is ours instead: OTP_FAILURE_LIMIT wrong codes in a row lock the second factor for a while.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_FAILURE_LIMIT = int(env("OTP_FAILURE_LIMIT", "5"))
OTP_LOCKOUT_MINUTES = int(env("OTP_LOCKOUT_MINUTES", "15"))
API_TOKEN_LIFETIME_HOURS = int(env("API_TOKEN_LIFETIME_HOURS", "720"))
API_STAFF_TOKEN_LIFETIME_HOURS = int(env("API_STAFF_TOKEN_LIFETIME_HOURS", "12"))
# The email-verification link (signed, single use) and the staff invitation link.
EMAIL_VERIFICATION_HOURS = int(env("EMAIL_VERIFICATION_HOURS", "48"))
EMAIL_VERIFICATION_RESEND_SECONDS = int(env("EMAIL_VERIFICATION_RESEND_SECONDS", "120"))
EMAIL_VERIFICATION_SENDS_PER_DAY = int(env("EMAIL_VERIFICATION_SENDS_PER_DAY", "5"))
INVITATION_LIFETIME_DAYS = int(env("INVITATION_LIFETIME_DAYS", "7"))

# Fair booking: active future online bookings one account may hold per service and in all.
QUEUE_BOOKINGS_PER_SERVICE = int(env("QUEUE_BOOKINGS_PER_SERVICE", "2"))
QUEUE_BOOKINGS_PER_ACCOUNT = int(env("QUEUE_BOOKINGS_PER_ACCOUNT", "5"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers probe /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Bodies larger than this are refused before any view sees them (an API client gets a 413 problem).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest file a service's application form may accept (a form definition may set less).
MPP_MAX_UPLOAD_BYTES = int(env("MPP_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# An uploaded image larger than this (width x height) is refused from its header, never decoded;
# 25 megapixels is a 6000 x 4000 camera photo. Images within it are decoded this many at a time
# per process (each costs up to about half a second of CPU at the budget).
MPP_UPLOAD_MAX_IMAGE_PIXELS = int(env("MPP_UPLOAD_MAX_IMAGE_PIXELS", "25000000"))
MPP_UPLOAD_IMAGE_DECODERS = int(env("MPP_UPLOAD_IMAGE_DECODERS", "1"))

# --- Cache ---------------------------------------------------------------------------------
# Redis in production (shared by every worker, so a change seen by one invalidates the public pages
# of all); without CACHE_URL each process keeps its own local memory, enough for one process.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL")
    CACHES = {
        "default": {
            "BACKEND": "mpp.web.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "mpp",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mpp",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Sessions: read from the cache, written through to the database (``cached_db``), when the cache is
# shared by every process (Redis); a signed-in request then makes no session query. With each
# process's own memory a session ended in one process (sign-out) would live on in another's copy,
# so the database alone serves then. Ending a user's other sessions (``accounts.services.
# end_sessions``) changes ``User.session_stamp``, which the session hash is checked against on every
# request from the user's row (never cached): a cached session of a revoked user is refused (and
# flushed, from the cache too) on its next request.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

# Seconds an anonymous public page (catalog, directory, service, search) is kept rendered on the
# server; 0 renders every request (the HTTP validators and Cache-Control are sent either way).
MPP_PUBLIC_CACHE_SECONDS = int(env("MPP_PUBLIC_CACHE_SECONDS", "300"))

# Seconds the national dashboard's sums of one period are shared between its viewers; any change
# of the daily facts makes them stale at once (``mpp.reporting.facts.generation``). 0: read every
# request.
MPP_DASHBOARD_CACHE_SECONDS = int(env("MPP_DASHBOARD_CACHE_SECONDS", "60"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "mpp_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STATIC_COMPRESSED = env_bool("STATIC_COMPRESSED", default=PRODUCTION)
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    },
    # Hashed names (cached for good: WhiteNoise sends "max-age=315360000, immutable" for them)
    # and brotli/gzip copies made by collectstatic. Production and `make demo` use it; tests and
    # `runserver` serve the source files through the finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COMPRESSED
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# MPP_STORAGE=s3: uploads and issued documents in an S3-speaking object store (OpenStack Swift's S3
# API in the cluster; docs/operations.md), shared by every node. Downloads still go through Django
# (authorization, audit, headers); the store is never exposed to browsers.
MPP_STORAGE = env("MPP_STORAGE", "local")


def s3_storage(environ: dict[str, str]) -> dict[str, Any]:
    """The S3 storage backend as the MPP_S3_* variables in ``environ`` configure it."""
    from botocore.config import Config as BotoConfig

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": environ.get("MPP_S3_ENDPOINT_URL") or None,
            "bucket_name": environ.get("MPP_S3_BUCKET", ""),
            "access_key": environ.get("MPP_S3_ACCESS_KEY", ""),
            "secret_key": environ.get("MPP_S3_SECRET_KEY", ""),
            "region_name": environ.get("MPP_S3_REGION", "us-east-1"),
            # As on the local disk: a name in use gets a new one, never overwritten.
            "file_overwrite": False,
            # Short timeouts and one retry: a store that is down refuses an upload in seconds.
            "client_config": BotoConfig(
                s3={"addressing_style": environ.get("MPP_S3_ADDRESSING_STYLE", "path")},
                signature_version="s3v4",
                connect_timeout=float(environ.get("MPP_S3_CONNECT_TIMEOUT_SECONDS", "3")),
                read_timeout=float(environ.get("MPP_S3_READ_TIMEOUT_SECONDS", "20")),
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }


if MPP_STORAGE == "s3":
    if not env("MPP_S3_BUCKET"):
        raise ImproperlyConfigured("MPP_STORAGE=s3 needs MPP_S3_BUCKET (and the store's keys)")
    STORAGES["default"] = s3_storage(dict(os.environ))
elif MPP_STORAGE != "local":
    raise ImproperlyConfigured("MPP_STORAGE must be local or s3")
WHITENOISE_USE_FINDERS = not STATIC_COMPRESSED
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MPP Digital <no-reply@mpp.localhost>")

# --- Tasks ----------------------------------------------------------------------------------
TASK_BACKEND = env(
    "TASK_BACKEND",
    "django_tasks_db.DatabaseBackend"
    if PRODUCTION
    else "django_tasks.backends.immediate.ImmediateBackend",
)
TASKS = {"default": {"BACKEND": TASK_BACKEND}}
# The periodic sweeps that `manage.py run_scheduler` enqueues: task path → interval in seconds.
MPP_SCHEDULE = {
    "mpp.deadlines.tasks.sweep_deadlines": int(env("MPP_SWEEP_DEADLINES_SECONDS", "300")),
    "mpp.notifications.tasks.retry_failed_notifications": 300,
    "mpp.workflows.tasks.retry_failed_hooks": 300,
    "mpp.documents.tasks.finish_pending_documents": 600,
    "mpp.cases.tasks.resume_issuing": 600,
    "mpp.queueing.tasks.sweep_queue": 300,
    "mpp.reporting.tasks.snapshot_facts": int(env("MPP_SNAPSHOT_FACTS_SECONDS", "900")),
    "mpp.deadlines.tasks.reclaim_stuck_tasks": int(env("MPP_RECLAIM_TASKS_SECONDS", "60")),
    "mpp.complaints.tasks.send_due_forwards": int(env("MPP_SEND_FORWARDS_SECONDS", "60")),
}
# Every node may run `run_scheduler`; on PostgreSQL the holder of an advisory lock enqueues and the
# others ask for the lock again this often (seconds), so a dead leader is replaced within it.
MPP_SCHEDULER_LEADER_RETRY_SECONDS = float(env("MPP_SCHEDULER_LEADER_RETRY_SECONDS", "15"))
# Idempotent tasks a dead worker's RUNNING row is re-queued for after this many seconds (task path
# → seconds, longer than the task ever takes); any other task is only marked failed, after
# MPP_TASK_DEFAULT_TIMEOUT (docs/operations.md, "Nothing lost, nothing doubled").
MPP_TASK_TIMEOUT_SECONDS = int(env("MPP_TASK_TIMEOUT_SECONDS", "300"))
MPP_TASK_TIMEOUTS = {
    "mpp.complaints.tasks.send_forward": MPP_TASK_TIMEOUT_SECONDS,
    "mpp.notifications.tasks.deliver_notification": MPP_TASK_TIMEOUT_SECONDS,
    # A look-up at Dukcapil or SATUSEHAT: asking again changes nothing; a settled check is skipped.
    "mpp.integrations.tasks.run_verification": MPP_TASK_TIMEOUT_SECONDS,
}
MPP_TASK_DEFAULT_TIMEOUT = int(env("MPP_TASK_DEFAULT_TIMEOUT", "3600"))
# A hand-off (LAPOR forward, SMS/WhatsApp/email delivery) still "sending" after this many seconds
# belongs to a process that died mid-call: its outcome is asked of the provider, or it is sent
# again with the same idempotency key.
MPP_STALE_SENDING_SECONDS = int(env("MPP_STALE_SENDING_SECONDS", "900"))
# A delivery still "pending" this long after it was written lost its task: the sweep sends it.
MPP_LOST_PENDING_SECONDS = int(env("MPP_LOST_PENDING_SECONDS", "600"))
# Tests only: seconds the document task waits between reserving and signing (to kill a worker
# mid-task). Never set it in production.
MPP_TEST_ISSUE_DELAY_SECONDS = float(env("MPP_TEST_ISSUE_DELAY_SECONDS", "0"))

# --- Notifications --------------------------------------------------------------------------
# Which registered gateway sends each channel; "outbox" writes texts to a table (docs/notifications.md).
MPP_SMS_GATEWAY = env("MPP_SMS_GATEWAY", "outbox")
MPP_WHATSAPP_GATEWAY = env("MPP_WHATSAPP_GATEWAY", "outbox")
# The "http" gateway: a provider speaking the JSON protocol of notifications/contrib/http (base URL,
# bearer token); the idempotency key goes in the Idempotency-Key header.
MPP_SMS_HTTP_URL = env("MPP_SMS_HTTP_URL", "")
MPP_SMS_HTTP_TOKEN = env("MPP_SMS_HTTP_TOKEN", "")

# --- SP4N-LAPOR! ----------------------------------------------------------------------------
# The connector class (docs/complaints.md): the default writes LaporOutbox rows; HttpConnector
# speaks HTTP to MPP_LAPOR_URL with the forward's idempotency key.
MPP_LAPOR_CONNECTOR = env("MPP_LAPOR_CONNECTOR", "mpp.complaints.lapor.OutboxConnector")
MPP_LAPOR_URL = env("MPP_LAPOR_URL", "")
MPP_LAPOR_TOKEN = env("MPP_LAPOR_TOKEN", "")

# --- Metrics (/metrics, Prometheus; docs/operations.md) --------------------------------------
# Who may scrape: these addresses or networks (the direct peer, comma-separated), or anyone sending
# "Authorization: Bearer <MPP_METRICS_TOKEN>" when a token is set.
MPP_METRICS_TOKEN = env("MPP_METRICS_TOKEN")
try:
    MPP_METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(item, strict=False)
        for item in env_list("MPP_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"MPP_METRICS_ALLOWED_IPS: {error}") from None

# --- Logging: never personal data; the formatter keeps messages short and structured. --------
# MPP_LOG_FORMAT=json writes one JSON object per line (time, level, logger, message, request_id)
# for a log collector; every line carries the request id of the request or task it belongs to.
MPP_LOG_FORMAT = env("MPP_LOG_FORMAT", "plain")
if MPP_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("MPP_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "mpp.web.logging.JsonLines",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "filters": {
        "one_line_refusals": {"()": "mpp.web.logging.OneLineRefusals"},
        "request_id": {"()": "mpp.requestid.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": MPP_LOG_FORMAT,
            "filters": ["request_id", "one_line_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # httpx logs every request's URL at INFO; outside systems' failures are logged by kind.
        "httpx": {"level": "WARNING"},
    },
}

SITE_NAME = "MPP Digital"

# --- Issued documents -----------------------------------------------------------------------
# Absolute links printed on documents (the QR code of the verification page).
MPP_PUBLIC_BASE_URL = env("MPP_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Encrypts agencies' signing keys at rest; when empty it is derived from SECRET_KEY.
MPP_SIGNING_KEY_PASSPHRASE = env("MPP_SIGNING_KEY_PASSPHRASE")

# --- Sign-in with an OpenID provider (INApas / IKD; docs/integrations.md) ---------------------
# No issuer, no button. The client authenticates with an EC private key (private_key_jwt, as
# INApas registers clients) or, when no key file is named, with its secret (client_secret_basic).
MPP_OIDC_ISSUER = env("MPP_OIDC_ISSUER")
MPP_OIDC_CLIENT_ID = env("MPP_OIDC_CLIENT_ID")
MPP_OIDC_CLIENT_SECRET = env("MPP_OIDC_CLIENT_SECRET")
MPP_OIDC_PRIVATE_KEY_FILE = env("MPP_OIDC_PRIVATE_KEY_FILE")
MPP_OIDC_SCOPES = env("MPP_OIDC_SCOPES", "openid profile")
MPP_OIDC_NIK_CLAIM = env("MPP_OIDC_NIK_CLAIM", "nik")
MPP_OIDC_LABEL = env("MPP_OIDC_LABEL", "Masuk dengan INApas")
MPP_OIDC_TIMEOUT_SECONDS = float(env("MPP_OIDC_TIMEOUT_SECONDS", "10"))
# The demo identity provider under /demo-idp/ (the two demo citizens); `make demo` turns it on.
MPP_DEMO_IDP = env_bool("MPP_DEMO_IDP", default=False)

# --- Connections to outside systems (docs/integrations.md) ----------------------------------
# Fernet keys that seal connector secrets at rest, comma-separated: the first encrypts, all
# decrypt (rotate with manage.py rotate_integration_secrets). Derived from SECRET_KEY when empty;
# required in production.
MPP_INTEGRATION_KEYS = env_list("MPP_INTEGRATION_KEYS")
# Every outbound call has these timeouts; an idempotent one is tried this many times.
MPP_INTEGRATION_TIMEOUT_SECONDS = float(env("MPP_INTEGRATION_TIMEOUT_SECONDS", "5"))
MPP_INTEGRATION_CONNECT_TIMEOUT_SECONDS = float(env("MPP_INTEGRATION_CONNECT_TIMEOUT_SECONDS", "3"))
MPP_INTEGRATION_TRIES = int(env("MPP_INTEGRATION_TRIES", "2"))
# The circuit breaker per (connector, region): opens after this many failed calls in a row, lets
# one trial call through after the cool-down.
MPP_BREAKER_FAILURES = int(env("MPP_BREAKER_FAILURES", "5"))
MPP_BREAKER_COOLDOWN_SECONDS = int(env("MPP_BREAKER_COOLDOWN_SECONDS", "60"))
# How long a Dukcapil answer is reused for the same NIK and elements (keyed hash, no NIK stored).
MPP_DUKCAPIL_CACHE_SECONDS = int(env("MPP_DUKCAPIL_CACHE_SECONDS", "21600"))
# The partner simulators under /simulator/ (demo and tests only; refused in production).
MPP_SIMULATORS = env_bool("MPP_SIMULATORS", default=False)

# --- Satisfaction survey (SKM) ----------------------------------------------------------------
# A kiosk device records at most one answer per this many seconds (a manager may set another
# interval per device).
SKM_KIOSK_MIN_INTERVAL_SECONDS = int(env("SKM_KIOSK_MIN_INTERVAL_SECONDS", "20"))

if PRODUCTION:
    problems = []
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not os.environ.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS must name the public host(s)")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append("DATABASE_URL must point to PostgreSQL")
    if MPP_DEMO_IDP:
        problems.append("MPP_DEMO_IDP must be off (the demo identity provider signs anyone in)")
    if MPP_OIDC_ISSUER and not (
        MPP_OIDC_CLIENT_ID and (MPP_OIDC_CLIENT_SECRET or MPP_OIDC_PRIVATE_KEY_FILE)
    ):
        problems.append(
            "MPP_OIDC_ISSUER needs MPP_OIDC_CLIENT_ID and MPP_OIDC_CLIENT_SECRET or "
            "MPP_OIDC_PRIVATE_KEY_FILE"
        )
    if not MPP_INTEGRATION_KEYS:
        problems.append("MPP_INTEGRATION_KEYS must hold at least one Fernet key")
    if MPP_SIMULATORS:
        problems.append("MPP_SIMULATORS must be off")
    if len(os.environ.get("MPP_NIK_PEPPER", "")) < 32:
        problems.append("MPP_NIK_PEPPER must be set to a random value of at least 32 characters")
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems))
