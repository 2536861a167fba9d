"""Settings for the claim annotator.

Deployment values come from the environment; the defaults are safe for a local run on SQLite.
"""

import os
from pathlib import Path
from typing import Any, cast

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("DJANGO_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # A fixed key for local use only; production sets DJANGO_SECRET_KEY (see .env.example).
    SECRET_KEY = "local-only-insecure-key-9f3c1d7e-set-DJANGO_SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First: its runserver (HTTP and WebSocket over ASGI) replaces Django's and staticfiles'.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "csp",
    "annotator",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "annotator.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "annotator.urls"
# The ASGI entry serves pages, the API and the live sockets; the WSGI entry serves pages and the
# API only (the pages then catch up from the change feed).
ASGI_APPLICATION = "annotator.asgi.application"
WSGI_APPLICATION = "annotator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.tag_kinds",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A kept connection is checked before reuse, so a database restart costs no request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers on one SQLite file: a writer takes the write lock when its
    # transaction begins (not halfway through, where SQLite cannot wait and fails at once),
    # waits up to 20 s for another writer, and WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Shared by every app server (the throttles count in it): Redis when REDIS_URL is set, else a
# table in the database, which `migrate` makes (annotator's migration 0002; Django's test
# database creation makes it too). Never the process's memory, so more app servers can run over
# one database.
# Sessions stay in the database (django.contrib.sessions' default engine).

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        # For mypy: the other branch holds a dict (OPTIONS) beside the strings.
        cast(
            dict[str, Any],
            {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        )
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # The table holds a counter per client and window; Django's default of 300
            # entries would evict live counters.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
    | {
        # The database cache's incr() rewrites a key with this timeout; it must outlast the
        # longest counting window (SIGNIN_FAILURE_WINDOW).
        "TIMEOUT": 3600,
        "KEY_PREFIX": "claims",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Channel layer --------------------------------------------------------------------------
# How a committed change reaches the sockets open on its document. With REDIS_URL: Redis, so
# every server process (and machine) sees every change. Without: the process's memory, which
# serves one process (make run) and nothing else.
# capacity: messages waiting per socket before new ones are dropped (a socket that far behind
# catches up from the change feed); a burst of 500 writes on one document stays within it.

CHANNEL_LAYER_CAPACITY = int(os.environ.get("DJANGO_CHANNEL_CAPACITY", "2000"))
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": CHANNEL_LAYER_CAPACITY,
                "expiry": 60,
                "prefix": "claims-live",
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_LAYER_CAPACITY, "expiry": 60},
        }
    )
}

# --- Auth -----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Anyone may make an account at /accounts/signup/ when on; off, people join by invitation only.
OPEN_SIGNUP = env_bool("DJANGO_OPEN_SIGNUP", False)

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (the default when DEBUG is off); DJANGO_HTTPS=0 for a plain-HTTP local server.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)

# Content-Security-Policy: no inline or foreign script anywhere. Inline styles stay allowed
# because the server-rendered map and chart SVGs carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Rate limits ----------------------------------------------------------------------------
# Enough for an annotator at full speed (a page load is a handful of requests, a tag or review
# one write), not for a flood or a password guesser. DRF's "N/min" syntax; each can be set in
# the environment, e.g. DJANGO_THROTTLE_USER=3000/min.

THROTTLE_RATES = {
    "anon": os.environ.get("DJANGO_THROTTLE_ANON", "60/min"),
    "user": os.environ.get("DJANGO_THROTTLE_USER", "1200/min"),
    "writes": os.environ.get("DJANGO_THROTTLE_WRITES", "300/min"),
    # Token requests per username and address.
    "login": os.environ.get("DJANGO_THROTTLE_LOGIN", "10/min"),
}
# The sign-in form: this many failures for one username from one address close it (429) for
# that pair until the window (seconds) ends.
SIGNIN_MAX_FAILURES = int(os.environ.get("DJANGO_SIGNIN_MAX_FAILURES", "5"))
SIGNIN_FAILURE_WINDOW = int(os.environ.get("DJANGO_SIGNIN_FAILURE_WINDOW", "900"))
# Behind N reverse proxies the client's address is the Nth from the right of X-Forwarded-For;
# unset, it is REMOTE_ADDR (and everyone behind an unannounced proxy shares one address).
NUM_PROXIES = (
    int(os.environ["DJANGO_NUM_PROXIES"]) if os.environ.get("DJANGO_NUM_PROXIES") else None
)

# --- Request limits -------------------------------------------------------------------------

# Request bodies other than uploaded files (JSON, form fields): larger ones answer 413, so
# large imports go as a file (multipart/form-data, up to claims.api.imports.MAX_IMPORT_BYTES).
# Django checks it on reading request.body, which DRF's JSON and form parsers do;
# annotator.parsers checks it again on the stream, for servers that send no Content-Length.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
# No request of this API nests JSON deeper; deeper bodies answer 400 (never a RecursionError).
API_MAX_JSON_DEPTH = 32

# --- REST framework -------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: DRF takes the first class's WWW-Authenticate header, and only a class that
    # sends one turns "not signed in" into 401 (session auth alone would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "annotator.pagination.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "annotator.schema.AutoSchema",
    "EXCEPTION_HANDLER": "annotator.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PARSER_CLASSES": [
        "annotator.parsers.LimitedJSONParser",
        "annotator.parsers.StrictFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "annotator.throttling.AnonThrottle",
        "annotator.throttling.UserThrottle",
        "annotator.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Claim annotator API",
    "DESCRIPTION": "Tag claims, evidence and opinions in documents, link them into argument "
    "maps, review each other's tags and export the result.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TagStatusEnum": "claims.models.TagStatus.choices",
        "DecisionStatusEnum": "claims.serializers.DECISION_STATUS_CHOICES",
    },
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
