"""The one settings module. Everything that differs between machines comes from the environment.

See docs/configuration.md for the full list of variables.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dj_database_url

from community_brain.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_repo = PACKAGE_DIR.parent.parent
PROJECT_ROOT = _repo if (_repo / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(env_str("BRAIN_VAR_DIR", str(PROJECT_ROOT / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("BRAIN_TESTING", False)


def _default_secret() -> str:
    """A per-installation secret kept in var/ so that a demo needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("SECRET_KEY") or _default_secret()
# Personal data (ID numbers, later face templates) is encrypted with keys derived from this;
# set it separately in production so that rotating SECRET_KEY does not orphan the data.
FIELD_ENCRYPTION_KEY = (
    env_str("FIELD_ENCRYPTION_KEY")
    or hashlib.sha256(("field-encryption:" + SECRET_KEY).encode()).hexdigest()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "community_brain.core",
    "community_brain.accounts",
    "community_brain.places",
    "community_brain.notify",
    "community_brain.cases",
    "community_brain.devices",
    "community_brain.access",
    "community_brain.screen",
    "community_brain.workbench",
    "community_brain.duties",
    "community_brain.inspections",
    "community_brain.activities",
    "community_brain.bulletins",
    "community_brain.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "community_brain.core.middleware.RequestIdMiddleware",
    "community_brain.cases.middleware.ReportsOnTheirWay",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "community_brain.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "community_brain.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "community_brain.config.urls"
WSGI_APPLICATION = "community_brain.config.wsgi.application"
ASGI_APPLICATION = "community_brain.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community_brain.core.context_processors.brain",
                "community_brain.accounts.context_processors.nav",
                "community_brain.notify.context_processors.inbox",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "brain.sqlite3"
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE avoids "database is locked"
        # upgrades in the middle of a transaction; busy_timeout waits instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A connection pool: under ASGI each request's sync code runs in a fresh thread, so
    # Django's per-thread persistent connections would open a connection per request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Parameters bound by the server, so psycopg prepares a statement run five times and
        # PostgreSQL plans it once per connection: planning the ledger's joins cost more
        # than running them.
        # (Set DB_PREPARE_THRESHOLD=0 to turn it off behind a transaction-mode pgbouncer.)
        "server_side_binding": True,
        "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5) or None,
        "pool": {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 20),
            "timeout": 10,
        },
    }
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- services -------------------------------------------------------------------------------
MQTT_URL = env_str("MQTT_URL")
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A database cache is shared by every process on the machine (login throttling must
    # hold across app workers), and needs no server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "brain_cache",
        }
    }

TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports", "notify"],
    }
}

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_THROTTLE_FAILURES = env_int("LOGIN_THROTTLE_FAILURES", 5)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)

# --- the product ----------------------------------------------------------------------------
BRAIN_SITE_NAME = env_str("BRAIN_SITE_NAME", "社区大脑")
# Where people reach the site: the links in emails, SMS and group-robot messages.
BRAIN_BASE_URL = env_str("BRAIN_BASE_URL", "")
API_PAGE_MAX = 500
# Seconds a user's grants are shared between requests of one process (accounts.permissions).
ACCESS_CACHE_SECONDS = env_int("ACCESS_CACHE_SECONDS", 10)

# --- notices: email, SMS, escalation (notify.conf has the rest) -------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 465)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_USE_TLS = not EMAIL_USE_SSL and env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:  # no mail server: each message is written to a file under var/mail to read
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "brain@localhost")
NOTIFY_SMS_BACKEND = env_str(
    "NOTIFY_SMS_BACKEND", "community_brain.notify.channels.sms.LoggingSmsBackend"
)
NOTIFY_ESCALATE_AFTER_MINUTES = env_int("NOTIFY_ESCALATE_AFTER_MINUTES", 10)
# Reports arriving together in one web process are written in one transaction (group commit;
# docs/performance.md). Off: each report is its own transaction.
CASES_GROUP_COMMIT = env_bool("CASES_GROUP_COMMIT", True)
# How many such batches one process may write at once (docs/cases.md).
CASES_GROUP_WRITERS = env_int("CASES_GROUP_WRITERS", 2)
# How long (ms), at most, a batch waits for reports that requests under way are about to
# make (cases.middleware; docs/cases.md).
CASES_GROUP_LINGER_MS = env_int("CASES_GROUP_LINGER_MS", 3)
# Live events for the big screen (core/live.py): auto picks redis with REDIS_URL, else
# PostgreSQL's NOTIFY on PostgreSQL, else a table every process polls (SQLite).
LIVE_BACKEND = env_str("LIVE_BACKEND", "auto")

# --- logs: one JSON object per line on stderr ------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "community_brain.core.logging.JsonFormatter"}},
    "filters": {"request_id": {"()": "community_brain.core.logging.RequestIdFilter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.server": {"level": "WARNING"},
    },
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "ninja.pagination.LimitOffsetPagination"
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
