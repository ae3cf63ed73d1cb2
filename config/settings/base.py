"""Settings shared by every environment, read from the environment through one `env` object.

With no `DATABASE_URL` the app runs on an SQLite file in the project folder, so a newcomer
needs nothing but Python; `DATABASE_URL=postgres://…` selects PostgreSQL, the production database.
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from .database import databases

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",  # brute-force lock-out of the token endpoint and the admin login (accounts.lockout)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc assets, served by us (no CDN)
    "auditlog",
    "core",  # idempotency keys of POST requests
    "accounts",
    "projects",
    "milestones",
    "reporting",
    "notifications",  # reminder settings of offices and the log of reminder deliveries
]

MIDDLEWARE = [
    # First: every request gets an id and one JSON log line, whatever answers it (core.middleware).
    "core.middleware.RequestLogMiddleware",
    # Before anything that queries: scopes read-your-writes routing to the request (core.db_router).
    "core.db_router.PrimaryPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the admin's user as the actor of audit entries; API views name the token's user (core.audit).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login (API or admin) into a 429 problem.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# `default` is the primary; DATABASE_REPLICA_URLS adds read replicas. On PostgreSQL: persistent connections
# (DB_CONN_MAX_AGE) or a pool (DB_POOL_MAX), health checks, connect and statement timeouts (settings/database.py).
DATABASES = databases(env, default_url=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
# After a write, the client reads from the primary for this long (a cookie), so it sees its write despite lag.
DATABASE_REPLICA_PIN_SECONDS = env.int("DB_REPLICA_PIN_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dates are calendar dates in the county's time zone; Chinese is the first language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# One precision decision per kind of number, never a float: money (万元), areas (mu), work quantities, weights,
# percentages entered by hand, stored progress (shown with one decimal), and sums over many rows (a subtree, a
# province), wider than any one row's column so that they cannot overflow.
MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES = 14, 2
AREA_MAX_DIGITS, AREA_DECIMAL_PLACES = 12, 2
QUANTITY_MAX_DIGITS, QUANTITY_DECIMAL_PLACES = 14, 2
WEIGHT_MAX_DIGITS, WEIGHT_DECIMAL_PLACES = 7, 2
PERCENT_MAX_DIGITS, PERCENT_DECIMAL_PLACES = 4, 1
PROGRESS_MAX_DIGITS, PROGRESS_DECIMAL_PLACES = 7, 4
SUM_MAX_DIGITS = 20

# Briefings (reporting.briefing): folders searched before the built-in templates (briefing/<language>/…),
# so that an office can reword the briefing without touching the code.
BRIEFING_TEMPLATE_DIRS = env.list("BRIEFING_TEMPLATE_DIRS", default=[])
# OC4IDS export (reporting.oc4ids): the registered project identifier prefix (the default is a placeholder).
OC4IDS_ID_PREFIX = env("OC4IDS_ID_PREFIX", default="oc4ids-shuitou-")
OC4IDS_PUBLISHER_NAME = env("OC4IDS_PUBLISHER_NAME", default="平阳县水头镇人民政府")
OC4IDS_LICENSE = env("OC4IDS_LICENSE", default="")
OC4IDS_ADDRESS = {"countryName": "中国", "region": "浙江省", "locality": "平阳县水头镇"}
# Reminders (notifications): mail through EMAIL_URL (smtp+tls://user:password@host:587), else to the console;
# webhooks time out after a few seconds and are tried at most ATTEMPTS times, waiting BACKOFF × 2ⁿ in between.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="shuitou-tracker@localhost")
REMINDER_WEBHOOK_TIMEOUT = env.float("REMINDER_WEBHOOK_TIMEOUT", default=5.0)
REMINDER_WEBHOOK_ATTEMPTS = env.int("REMINDER_WEBHOOK_ATTEMPTS", default=4)
REMINDER_WEBHOOK_BACKOFF = env.float("REMINDER_WEBHOOK_BACKOFF", default=1.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials is told how to authenticate (401).
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Logged-in users read everything; who writes what is decided per role and office (accounts.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.OfficeWritePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.AnonRateThrottle", "accounts.throttles.UserRateThrottle"],
    # Proxies in front of the app whose X-Forwarded-For is trusted; 0 trusts none (the header is spoofable).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.LimitOffsetPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.SearchFilter",
        "core.api.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "core.api.problems.problem_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",  # the browsable API's forms
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The OpenAPI schema (/api/v1/schema/) and its docs pages; see core/api/schema.py and docs/clients.md.
SPECTACULAR_SETTINGS = {
    "TITLE": "Shuitou Tracker API",
    "DESCRIPTION": "Key projects of a township: progress, land, demolition, investment, milestones. "
    "Conventions (auth, lists, errors, sync, exports): docs/clients.md.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SERVE_INCLUDE_SCHEMA": False,
    # A `…Request` component per body without the read-only fields, so generated clients can build one.
    "COMPONENT_SPLIT_REQUEST": True,
    "GET_MOCK_REQUEST": "core.api.schema.build_mock_request",
    "GET_LIB_DOC_EXCLUDES": "core.api.schema.lib_doc_excludes",
    # Public: a front-end team reads the contract before it has an account.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # JSON in and out; the browsable API's form parsers are not part of the contract.
    "PARSER_WHITELIST": ["core.api.parsers.JSONParser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "ProjectCategoryEnum": "projects.choices.Category",
        "ProjectStatusEnum": "projects.choices.Status",
        "ProgressMethodEnum": "projects.choices.ProgressMethod",
        "LandKindEnum": "projects.choices.LandKind",
        "ClearanceKindEnum": "projects.choices.ClearanceKind",
        "ProblemCategoryEnum": "projects.choices.ProblemCategory",
        "ProblemStatusEnum": "projects.choices.ProblemStatus",
        "MilestoneStateEnum": "milestones.choices.MilestoneState",
    },
}

# Retries (core.idempotency): an Idempotency-Key is answered from its first response for this long, then
# purged; one still "in progress" after the lock timeout belongs to a request that died, and a retry may run.
IDEMPOTENCY_KEY_TTL = datetime.timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))
IDEMPOTENCY_KEY_LOCK_TIMEOUT = datetime.timedelta(minutes=5)

# Audit trail (core.audit, GET /api/v1/changes/): values as JSON (null stays null, numbers stay numbers).
AUDITLOG_STORE_JSON_CHANGES = True

# --- Access: tokens, throttles, lock-out (accounts/, docs/DESIGN.md "Access control") ---------------
# API tokens expire this many hours after they were issued; an expired token answers 401 and is deleted.
TOKEN_TTL_HOURS = env.int("TOKEN_TTL_HOURS", default=24)
# DRF rates ("<n>/second|minute|hour|day"); empty turns a throttle off. Anonymous: per address; users: per user.
THROTTLE_ANON_RATE = env("THROTTLE_ANON_RATE", default="60/minute")
THROTTLE_USER_RATE = env("THROTTLE_USER_RATE", default="600/minute")

# Throttle counters live in the cache: Redis when REDIS_URL is set, so every process counts against one limit.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shuitou",
            # Redis down means no throttling, not an API down; the lock-out counts in the database regardless.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds report answers stay cached (reporting.cache), 0 for off; only with Redis, so every worker sees the writes.
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=120) if REDIS_URL else 0

# Lock-out after AXES_FAILURE_LIMIT failed logins for one username from one address, for AXES_COOLOFF_MINUTES
# after the last failure. Counted in the database (shared by every process, visible in the admin).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
# No access log of successful logins (`last_login` records them): its session hash would create a session, with
# its cookie and a session read on every later request, for each token login.
AXES_DISABLE_ACCESS_LOG = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command; lock-outs are still logged as warnings

# Logs: JSON lines on the console (stderr), one per request (core.middleware) plus Django's own, each with
# the request id. Level from LOG_LEVEL.
LOG_LEVEL = env("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Replaces Django's default handlers for its loggers, so each record is written once, as JSON.
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}
