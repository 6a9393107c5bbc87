"""One settings module for every environment; values come from the environment.

See docs/operations.md for every variable.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from daiban import env

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything Daiban writes — the SQLite database and its journal, the task queue,
# uploads, the text-message log, development keys — is for its own user only: files
# 0600, directories 0700. Set here so the web server, the worker and every command
# (all of which load these settings first) create them so.
os.umask(0o077)
VAR_DIR = Path(env.string("DAIBAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
with contextlib.suppress(PermissionError):  # someone else's directory: theirs to set
    VAR_DIR.chmod(0o700)

DEBUG = env.boolean("DAIBAN_DEBUG", False)
TESTING = env.boolean("DAIBAN_TESTING", False)
# A view, API endpoint or task that reads a scoped model without `core.access` raises
# (on in the tests; off in production, where the rules still apply).
DAIBAN_ACCESS_GUARD = env.boolean("DAIBAN_ACCESS_GUARD", TESTING)


def _dev_secret(file_name: str, make) -> str:
    """Development and tests only: a secret kept under var/ so restarts keep data readable."""
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _required_secret(name: str, file_name: str, make) -> str:
    value = env.string(name)
    if value:
        return value
    if DEBUG or TESTING:
        return _dev_secret(file_name, make)
    raise env.ConfigError(f"{name} (or {name}_FILE) must be set when DAIBAN_DEBUG is off")


def _token() -> str:
    import secrets

    return secrets.token_urlsafe(48)


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _required_secret("DAIBAN_SECRET_KEY", "secret_key", _token)
# Personal data keys: the first encrypts, all decrypt (rotation adds a new first key).
DATA_KEYS = env.strings("DAIBAN_DATA_KEYS") or [
    _required_secret("DAIBAN_DATA_KEYS", "data_key", _fernet_key)
]
# Keyed hash for exact look-up of ID numbers and phones; never rotated casually.
HASH_KEY = _required_secret("DAIBAN_HASH_KEY", "hash_key", _token)
# Audit-trail keys (HMAC of every record): the first signs, all verify (docs/security.md).
AUDIT_KEYS = env.strings("DAIBAN_AUDIT_KEYS") or [
    _required_secret("DAIBAN_AUDIT_KEYS", "audit_key", _token)
]
# The audit chain's daily anchors: an append-only file to ship off the machine.
AUDIT_ANCHOR_FILE = Path(env.string("DAIBAN_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.log")))

# Backups (`manage.py backup`, docs/operations.md): encrypted with this key (AES-256-GCM,
# make one like DAIBAN_DATA_KEYS); keep it off the machine that keeps the backups.
DAIBAN_BACKUP_KEY = env.string("DAIBAN_BACKUP_KEY") or (
    _dev_secret("backup_key", _fernet_key) if DEBUG or TESTING else ""
)
DAIBAN_BACKUP_DIR = Path(env.string("DAIBAN_BACKUP_DIR", str(VAR_DIR / "backups")))

ALLOWED_HOSTS = env.strings("DAIBAN_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if TESTING:
    ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "daiban.core",
    "daiban.audit",
    "daiban.places",
    "daiban.people",
    "daiban.workdays",
    "daiban.catalog",
    "daiban.cases",
    "daiban.documents",
    "daiban.portal",
    "daiban.notifications",
    "daiban.supervision",
    "daiban.figures",
    "daiban.evaluation",
    "daiban.register",
    "daiban.api",
    "daiban.open311",
    "daiban.offline",
    "daiban.rollout",
    "huey.contrib.djhuey",
    "daiban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself, compressed (gzip, brotli) with hashed names and
    # cached for a year: nginx needs no access to var/ (0700).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "daiban.core.middleware.SessionRenewalMiddleware",
    "daiban.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "daiban.core.inputs.InputGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "daiban.people.second_factor.SecondFactorMiddleware",
    "daiban.rollout.first_login.PasswordChangeMiddleware",
    "daiban.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Behind a reverse proxy: the header it sets with the client's address (X-Real-IP or
# X-Forwarded-For), and for X-Forwarded-For how many proxies append to it. Unset, only
# the connection's address counts: a header anyone can send is never believed.
DAIBAN_TRUSTED_PROXY_HEADER = env.string("DAIBAN_TRUSTED_PROXY_HEADER", "") or ""
if DAIBAN_TRUSTED_PROXY_HEADER and not DAIBAN_TRUSTED_PROXY_HEADER.startswith("HTTP_"):
    DAIBAN_TRUSTED_PROXY_HEADER = "HTTP_" + DAIBAN_TRUSTED_PROXY_HEADER.upper().replace("-", "_")
DAIBAN_TRUSTED_PROXY_COUNT = env.integer("DAIBAN_TRUSTED_PROXY_COUNT", 1, minimum=1)

# Five wrong passwords for one account from one address lock that pair for 30 minutes
# (django-axes): someone guessing from elsewhere cannot lock a person out of their own
# office. Many failures for one account from many addresses pause it everywhere
# (DAIBAN_LOGIN_ACCOUNT_LIMIT in 30 minutes); a center director can unlock an agent.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "daiban.core.client.client_address"
AXES_HANDLER = "daiban.people.lockout.LockoutHandler"
DAIBAN_LOGIN_ACCOUNT_LIMIT = env.integer("DAIBAN_LOGIN_ACCOUNT_LIMIT", 20, minimum=5)

# Idle time-out: the session lasts 30 minutes from the last request (saved at most once a
# minute by SessionRenewalMiddleware, not on every page).
SESSION_COOKIE_AGE = env.integer("DAIBAN_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A policy without 'unsafe-inline': every style and script comes from our own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Uploads: scans and photos of papers, re-encoded and stored encrypted.
DAIBAN_UPLOAD_MAX_BYTES = env.integer("DAIBAN_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# The supervision hotline printed at the foot of every paper (监督电话).
DAIBAN_SUPERVISION_PHONE = env.string("DAIBAN_SUPERVISION_PHONE", "12345")
# The supplement notice asks for the missing materials within this many working days.
DAIBAN_SUPPLEMENT_WORKING_DAYS = env.integer("DAIBAN_SUPPLEMENT_WORKING_DAYS", 10, minimum=1)
# Work captured on a phone with no signal (issue 21) is accepted with its captured time for
# this many days; older, it is entered on the case page with a note.
DAIBAN_OFFLINE_MAX_DAYS = env.integer("DAIBAN_OFFLINE_MAX_DAYS", 7, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = DAIBAN_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DAIBAN_UPLOAD_MAX_BYTES + 1024 * 1024
DAIBAN_RETENTION_ATTACHMENT_DAYS = env.integer("DAIBAN_RETENTION_ATTACHMENT_DAYS", 730, minimum=30)
DAIBAN_RETENTION_SMS_DAYS = env.integer("DAIBAN_RETENTION_SMS_DAYS", 365, minimum=30)

ROOT_URLCONF = "daiban.urls"
WSGI_APPLICATION = "daiban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "daiban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "daiban.portal.views.public_context",
                "daiban.workdays.notice.calendar_notice",
                "daiban.offline.context.offline",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "daiban.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env.integer("DAIBAN_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a transaction takes the write lock when it starts, so two writers
        # queue instead of one failing when it upgrades a stale read snapshot.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    # A file, not shared-cache memory, so tests see the same locking as production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

PASSWORD_HASHERS = [
    "daiban.people.hashers.StaffArgon2PasswordHasher",  # Argon2id, 19 MiB, 2 passes
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "daiban.rollout.hashers.OneTimePasswordHasher",  # generated one-time passwords only
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "daiban.people.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing cost is not what the tests are about; the production list starts with Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "daiban" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` writes here; whitenoise serves it (docs/operations.md).
STATIC_ROOT = Path(env.string("DAIBAN_STATIC_ROOT", str(VAR_DIR / "static")))
with contextlib.suppress(OSError):  # whitenoise warns about a missing one
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "daiban" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names and pre-compressed copies once collected; development and tests
        # serve the source files as they are.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production profile: HTTPS only, secure cookies, HSTS (`manage.py check --deploy` clean).
PRODUCTION = env.boolean("DAIBAN_PRODUCTION", False)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.boolean("DAIBAN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
# The monitor may ask over plain HTTP on the machine itself (docs/operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "login"

# Lifecycle defaults, in working days; see docs/operations.md.
DAIBAN_AGENT_HANDOVER_DAYS = env.integer("DAIBAN_AGENT_HANDOVER_DAYS", 2, minimum=1)
DAIBAN_REPLY_DAYS = env.integer("DAIBAN_REPLY_DAYS", 2, minimum=1)
DAIBAN_DEPARTMENT_DAYS = env.integer("DAIBAN_DEPARTMENT_DAYS", 5, minimum=1)
# Where villagers open the tracking page; printed in QR codes on receipts and in texts.
DAIBAN_PUBLIC_URL = env.string("DAIBAN_PUBLIC_URL") or ""
if PRODUCTION:
    from urllib.parse import urlsplit  # noqa: E402

    _public = urlsplit(DAIBAN_PUBLIC_URL)
    if _public.scheme not in {"http", "https"} or not _public.hostname:
        raise env.ConfigError(
            "DAIBAN_PUBLIC_URL must be set in production to the address villagers open,"
            " e.g. https://daiban.example.gov.cn"
        )
    if _public.hostname in {"127.0.0.1", "localhost", "::1", "0.0.0.0"}:  # noqa: S104
        raise env.ConfigError(
            f"DAIBAN_PUBLIC_URL={DAIBAN_PUBLIC_URL!r} points at this machine; QR codes and"
            " texts must carry the public address"
        )
    CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
DAIBAN_PUBLIC_URL = DAIBAN_PUBLIC_URL or "http://127.0.0.1:8000"

# Counters for the public look-up's rate limit live here; Redis shares them across processes.
REDIS_URL = env.string("DAIBAN_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (huey): SQLite file under var/ on one machine, Redis when
# DAIBAN_REDIS_URL is set; `manage.py run_huey` is the worker. Tests run tasks inline.
from huey import RedisHuey, SqliteHuey  # noqa: E402

if TESTING:
    from huey import MemoryHuey  # noqa: E402

    HUEY = MemoryHuey("daiban", immediate=True)
elif REDIS_URL:
    HUEY = RedisHuey("daiban", url=REDIS_URL)
else:
    HUEY = SqliteHuey("daiban", filename=str(VAR_DIR / "tasks.sqlite3"))

# The Open311 key the demo county creates (README).
DAIBAN_DEMO_API_KEY = env.string("DAIBAN_DEMO_API_KEY", "demo-open311-key")
DAIBAN_SMS_BACKEND = env.string(
    "DAIBAN_SMS_BACKEND", "daiban.notifications.backends.LogFileBackend"
)
# A provider (daiban.notifications.gateways.AlibabaSms or .TencentSms) sends registered
# templates: kind=code for every text in notifications/texts.py, comma-separated.
DAIBAN_SMS_TEMPLATES = dict(
    part.split("=", 1) for part in env.strings("DAIBAN_SMS_TEMPLATES") if "=" in part
)
DAIBAN_SMS_SIGN_NAME = env.string("DAIBAN_SMS_SIGN_NAME", "") or ""
DAIBAN_SMS_ACCESS_KEY_ID = env.string("DAIBAN_SMS_ACCESS_KEY_ID", "") or ""
DAIBAN_SMS_ACCESS_KEY_SECRET = env.string("DAIBAN_SMS_ACCESS_KEY_SECRET", "") or ""
DAIBAN_SMS_APP_ID = env.string("DAIBAN_SMS_APP_ID", "") or ""  # Tencent's SmsSdkAppId
DAIBAN_SMS_REGION = env.string("DAIBAN_SMS_REGION", "ap-guangzhou") or ""  # Tencent
DAIBAN_SMS_ENDPOINT = env.string("DAIBAN_SMS_ENDPOINT", "") or ""  # the provider's by default
# Quiet hours, local time: texts wait until the end unless urgent (kinds listed here).
# Tests that are not about quiet hours must not depend on the hour they run at.
DAIBAN_SMS_QUIET_HOURS = env.time_range(
    "DAIBAN_SMS_QUIET_HOURS", "off" if TESTING else "21:00-08:00"
)
DAIBAN_SMS_URGENT = env.strings("DAIBAN_SMS_URGENT", "")
# Supervision: a warning when this share of a deadline is used; who answers an overdue
# case at each level; working days to answer; rating reminder and rectification days.
DAIBAN_WARNING_SHARE = float(env.string("DAIBAN_WARNING_SHARE", "0.8"))
DAIBAN_ESCALATION_CHAIN = env.strings(
    "DAIBAN_ESCALATION_CHAIN", "holder,center_director,township_leader,county_supervisor"
)
DAIBAN_ANSWER_DAYS = env.integer("DAIBAN_ANSWER_DAYS", 2, minimum=1)
DAIBAN_RATING_REMINDER_DAYS = env.integer("DAIBAN_RATING_REMINDER_DAYS", 3, minimum=1)
DAIBAN_RECTIFICATION_DAYS = env.integer("DAIBAN_RECTIFICATION_DAYS", 5, minimum=1)

# /healthz (daiban/core/health.py): the worker's heartbeat may be this old, and the
# disk holding var/ must keep this much free (and 5 %).
DAIBAN_HEALTH_WORKER_SECONDS = env.integer("DAIBAN_HEALTH_WORKER_SECONDS", 180, minimum=60)
DAIBAN_HEALTH_MIN_FREE_MB = env.integer("DAIBAN_HEALTH_MIN_FREE_MB", 1024, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("DAIBAN_LOG_LEVEL", "INFO")},
    # The worker logs every task at INFO; that is thousands of lines a day.
    "loggers": {
        "huey": {"level": env.string("DAIBAN_WORKER_LOG_LEVEL", "WARNING")},
        # Failed log-ins are in the audit trail; axes' own lines would repeat them.
        "axes": {"level": "WARNING"},
    },
}
