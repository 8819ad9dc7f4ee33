"""Base settings shared by every environment. Values come from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIUGAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "jiugai.core",
    "jiugai.accounts",
    "jiugai.policy",
    "jiugai.inventory",
    "jiugai.consultation",
    "jiugai.planning",
    "jiugai.funding",
    "jiugai.projects",
    "jiugai.dashboards",
    "jiugai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiugai.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "jiugai.accounts.middleware.ActiveJurisdictionMiddleware",
    "jiugai.core.middleware.CurrentUserMiddleware",
]

ROOT_URLCONF = "jiugai.urls"
WSGI_APPLICATION = "jiugai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiugai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiugai.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiugai.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Only the built files of each front-end package are served (installed by `npm ci`, never committed).
STATICFILES_DIRS: list[Any] = [BASE_DIR / "jiugai" / "static"] + [
    (prefix, NODE_MODULES / sub)
    for prefix, sub in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/echarts", "echarts/dist"),
        ("vendor/leaflet", "leaflet/dist"),
    ]
    if (NODE_MODULES / sub).exists()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a missing or forged token is answered 401 (not 403).
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "jiugai.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jiugai.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "public": "30/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jiugai API",
    "DESCRIPTION": "Urban old residential estate renovation platform (城镇老旧小区改造)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set that several serializers share.
    "ENUM_NAME_OVERRIDES": {
        "EligibilityEnum": "jiugai.inventory.choices.Eligibility",
        "CommentChannelEnum": "jiugai.consultation.choices.CommentChannel",
        "StaffCommentChannelEnum": ["email", "post", "in_person"],
        "ConditionItemEnum": "jiugai.inventory.choices.ConditionItem",
        "UtilityTypeEnum": "jiugai.accounts.choices.UtilityType",
        "SourceKindEnum": "jiugai.funding.choices.SourceKind",
        "MovementKindEnum": "jiugai.funding.choices.MovementKind",
        "DocumentKindEnum": "jiugai.funding.choices.DocumentKind",
        "AlertKindEnum": "jiugai.funding.choices.AlertKind",
        "CommentKindEnum": "jiugai.consultation.choices.CommentKind",
        "ImportKindEnum": "jiugai.inventory.choices.ImportKind",
        "ShareMethodEnum": "jiugai.funding.choices.ShareMethod",
        "ZhanheTargetEnum": "jiugai.planning.choices.Target",
        "ProjectStageEnum": "jiugai.projects.choices.Stage",
        "ContractKindEnum": "jiugai.projects.choices.ContractKind",
        "TenderMethodEnum": "jiugai.projects.choices.TenderMethod",
        "TenderStatusEnum": "jiugai.projects.choices.TenderStatus",
        "VariationStatusEnum": "jiugai.projects.choices.VariationStatus",
        "SignoffKindEnum": "jiugai.projects.choices.SignoffKind",
        "MemberRoleEnum": "jiugai.projects.choices.MemberRole",
        "TaskStatusEnum": "jiugai.projects.choices.TaskStatus",
        "ComplaintCategoryEnum": "jiugai.projects.choices.ComplaintCategory",
        "ComplaintStatusEnum": "jiugai.projects.choices.ComplaintStatus",
        "MediatorKindEnum": "jiugai.projects.choices.MediatorKind",
        "InspectionKindEnum": "jiugai.projects.choices.InspectionKind",
        "DefectStatusEnum": "jiugai.projects.choices.DefectStatus",
        "AcceptanceStatusEnum": "jiugai.projects.choices.AcceptanceStatus",
        "ArchiveKindEnum": "jiugai.projects.choices.ArchiveKind",
        "ReceiverEnum": "jiugai.projects.choices.Receiver",
        "FinalAccountStatusEnum": "jiugai.projects.choices.FinalAccountStatus",
    },
}

# Background work: without a broker, tasks run in-process (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Scheduled work (celery beat). Street offices report every Friday (Jiyuan, seeds/000_f9b901b302fa6203.txt), so
# the offices' weekly digest of every project is built on Friday evening, Beijing time.
from celery.schedules import crontab  # noqa: E402 - the beat schedule needs it, nothing else in settings does

CELERY_BEAT_SCHEDULE = {
    "projects-weekly-digest": {
        "task": "jiugai.projects.digest_build_all",
        "schedule": crontab(minute=0, hour=19, day_of_week="fri"),
    },
    # Funding alerts depend on the date (idle funds) and on proposals and policies that change without a funding
    # write, so they are recomputed every hour (docs/adr/0004-funding-dashboard-store.md).
    "funding-alerts-refresh": {
        "task": "jiugai.funding.alerts_refresh",
        "schedule": crontab(minute=20),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Content Security Policy: everything is served from this origin (works on intranets without CDNs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"] + env_list("MAP_TILE_HOSTS", ""),
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SYNTH_BATCH_SIZE = int(os.environ.get("SYNTH_BATCH_SIZE", "5000"))
