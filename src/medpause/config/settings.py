"""Settings, all driven by the environment.

MEDPAUSE_DATA_DIR  folder for the SQLite database, uploaded files and the generated secret key (./var)
DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/medpause (default: SQLite in the data folder, WAL)
MEDPAUSE_DEBUG     "1" to turn on debug pages (off by default)
MEDPAUSE_ALLOWED_HOSTS  comma separated (default: localhost names)
MEDPAUSE_PUBLIC_URL  the address the public reaches the service at, for the QR codes printed on
                   certificates and receipts (default: the address of the request)
MEDPAUSE_CONN_MAX_AGE  seconds a database connection is kept for the next request (600)
MEDPAUSE_AUDIT_ANCHOR  where `medpause audit anchor` writes the signed head of the audit chain:
                   a file (appended to) or an https:// address (POSTed to); default
                   audit-anchors.jsonl in the data folder
MEDPAUSE_AUDIT_KEY, MEDPAUSE_DATA_KEY, MEDPAUSE_INDEX_KEY  keys kept outside the database
                   (default: files created in the data folder, see medpause.common.keys)
MEDPAUSE_S3_BUCKET, MEDPAUSE_S3_ENDPOINT_URL, MEDPAUSE_S3_ACCESS_KEY_ID, MEDPAUSE_S3_SECRET_ACCESS_KEY,
MEDPAUSE_S3_REGION, MEDPAUSE_S3_PREFIX  stored files in an S3-compatible bucket (config/storage.py)
MEDPAUSE_REPLICA_URL  a read replica of the database: eligibility reads go there (config/routers.py)
MEDPAUSE_METRICS_ALLOW  addresses or CIDRs that may read /metrics (default: loopback)
MEDPAUSE_METRICS_DIR  the worker processes' metrics files (default: metrics/ in the data folder)
MEDPAUSE_REDIS_URL  one cache for every process and server (tokens, rate limits) in Redis (default:
                   per process, and the database for rate limits)
MEDPAUSE_LOG_LEVEL  INFO by default; every line is one JSON object
MEDPAUSE_PRODUCTION  "1" behind the TLS proxy: every production setting at once (HTTPS only, HSTS,
                   secure cookies, no framing, no debug); then MEDPAUSE_SECRET_KEY and
                   MEDPAUSE_ALLOWED_HOSTS must be set (config/production.py)
MEDPAUSE_BATCH_MAX_UNPACKED_MB, MEDPAUSE_BATCH_MAX_RATIO  how far a batch workbook may inflate: its
                   members' declared sizes in total (50 MiB), unpacked over packed (100)
MEDPAUSE_BATCH_MEMORY_MB  the address space of the child process reading a batch file (1024)
MEDPAUSE_PUBLIC_RATE  requests a minute one client may make to the public pages and API (120)
MEDPAUSE_BATCH_LEASE_SECONDS  how long a worker's claim on a batch file lasts unless renewed (30);
                   a dead worker's batch is taken over by another worker after it
MEDPAUSE_REMIND_AT  the local time of day `medpause worker` runs the daily reminders (06:15)
MEDPAUSE_TRUSTED_PROXIES  addresses or CIDRs of the proxies whose X-Forwarded-For names the client
                   (default: none, the direct peer is the client; medpause.common.clientip)
MEDPAUSE_TOKEN_DAYS  days an API token is valid (30)
MEDPAUSE_SESSION_HOURS, MEDPAUSE_IDLE_MINUTES  a signed-in session ends this long after signing in
                   (12), an officer's or administrator's also after this long without a request (30)
MEDPAUSE_SIGNIN_FAILURES, MEDPAUSE_SIGNIN_COOLOFF_MINUTES  failed sign-ins of one user name from one
                   address before it is locked out (5), and for how long (15)
MEDPAUSE_EMAIL_URL, MEDPAUSE_EMAIL_FROM (or EMAIL_HOST, EMAIL_PORT, ...)  how notices go out by
                   e-mail (config/mail.py; the console when unset)
MEDPAUSE_SMS_URL, MEDPAUSE_SMS_TOKEN  the SMS gateway notices and verification codes go through
                   (notices/sms.py; none: SMS cannot be chosen to work)
MEDPAUSE_DELIVERY_ATTEMPTS, MEDPAUSE_DELIVERY_BACKOFF_SECONDS  tries of one SMS or e-mail (5), and
                   the wait after the first failure, doubled after each (60)
MEDPAUSE_SUPPLEMENT_WORKING_DAYS  the working days an applicant is given to provide documents asked
                   for, stated in the notice (local setting of the bureau, 10)
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from medpause.config.mail import email_settings
from medpause.config.production import production
from medpause.config.storage import s3_storage

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MEDPAUSE_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the service's alone (medpause setup enforces it)


def _secret_key() -> str:
    if os.environ.get("MEDPAUSE_SECRET_KEY"):
        return os.environ["MEDPAUSE_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _env_bool("MEDPAUSE_DEBUG")
ALLOWED_HOSTS = os.environ.get("MEDPAUSE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("MEDPAUSE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # its static files: Swagger UI for the API's docs, served from here (api/api.py)
    "django_tasks",  # the task framework (Django 6's django.tasks, backported)
    "django_tasks_db",  # its database backend: the queue is a table (ADR 0008)
    "axes",  # sign-in throttling, counted in the database
    "django_otp",  # the one-time codes of officers and administrators (accounts.otp)
    "django_otp.plugins.otp_totp",
    "medpause.accounts",
    "medpause.audit",
    "medpause.policy",
    "medpause.registry",
    "medpause.cases",
    "medpause.coverage",
    "medpause.transfers",
    "medpause.notices",
    "medpause.web",
    "medpause.batches",
    "medpause.api",
    "medpause.printing",
    "medpause.ops",  # set-up, serving, demo data: the top layer, no models
]

MIDDLEWARE = [
    "medpause.ops.middleware.RequestContextMiddleware",  # route and user for the request's log line
    "django.middleware.security.SecurityMiddleware",
    "medpause.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "medpause.common.middleware.RefuseUnstorableText",  # after the language: its 400 page speaks it
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the one-time code was given
    "medpause.accounts.middleware.SessionLimits",  # absolute and idle limits; the audit's acting user
    "medpause.web.middleware.SecondFactorRequired",  # officers and admins: the code before any page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in answers the lockout page
]

# The HTTP API (/api/v1/) is served by its own handler with only what it needs (config/wsgi.py):
# no sessions, CSRF (bearer tokens), messages, authentication by cookie or static files.
MEDPAUSE_API_MIDDLEWARE = [
    "medpause.ops.middleware.RequestContextMiddleware",  # route and user for the request's log line
    "django.middleware.security.SecurityMiddleware",
    "medpause.common.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "medpause.config.urls"
WSGI_APPLICATION = "medpause.config.wsgi.application"

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
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'medpause.sqlite3'}"
# Connections are kept from one request to the next (a health check before reuse): opening one
# (and, on SQLite, running its PRAGMAs) costs more than answering an eligibility question.
DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL", _default_db),
    conn_max_age=int(os.environ.get("MEDPAUSE_CONN_MAX_AGE", 600)), conn_health_checks=True,
)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing half-way with "database is locked".
        # The PRAGMAs run once per connection, and connections are kept (CONN_MAX_AGE).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

MEDPAUSE_TOKEN_CACHE_SECONDS = int(os.environ.get("MEDPAUSE_TOKEN_CACHE_SECONDS", 30))
MEDPAUSE_TOKEN_DAYS = int(os.environ.get("MEDPAUSE_TOKEN_DAYS", 30))  # an API token expires after this
MEDPAUSE_TOKEN_EPOCH_FILE = DATA_DIR / "token-epoch"  # touched to empty every process's token cache
# A read replica (streaming replication) takes the hospitals' eligibility reads; writes and
# every other read stay on the primary (config/routers.py).
if os.environ.get("MEDPAUSE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["MEDPAUSE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
MEDPAUSE_REPLICA_ALIAS = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["medpause.config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Sign-in throttling (django-axes): failures are counted in the database, so every process and
# machine sees them, per user name AND client address (medpause.common.clientip); past the limit
# that pair is refused for the cool-off time, even with the right password: the sign-in page
# answers 429 (web.views.auth.locked_out), the API's token request 429 `too_many_attempts`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password check
    "django.contrib.auth.backends.ModelBackend",
]
MEDPAUSE_TRUSTED_PROXIES = os.environ.get("MEDPAUSE_TRUSTED_PROXIES", "")
AXES_FAILURE_LIMIT = int(os.environ.get("MEDPAUSE_SIGNIN_FAILURES", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("MEDPAUSE_SIGNIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "medpause.common.clientip.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins go to the audit trail (accounts.signals)
AXES_LOCKOUT_CALLABLE = "medpause.web.views.auth.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "medpause"
# The admin manages devices (deleting one lets its user enrol anew) but never shows their secrets
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ASVS V2.1: at least 12 characters, not like the user name or names, not a common password, not
# only digits. Every password set through a service, the password change page or the admin.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": s3_storage(os.environ)
    or {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Caches. "default" and "tokens" (the bearer-token cache of accounts.services.token_authenticate:
# short-lived; revocation, password changes and deactivation remove entries at once) live in
# each process's memory; "shared" is seen by every process and machine (the database cache,
# whose table `medpause setup` creates): rate limits. Past one machine all three move to Redis
# (MEDPAUSE_REDIS_URL): rate-limit counts are written on every public look-up, and a revoked
# token then leaves every server's cache at once.
_REDIS_URL = os.environ.get("MEDPAUSE_REDIS_URL", "")
if _REDIS_URL:
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL,
                "KEY_PREFIX": f"medpause-{alias}"}
        for alias in ("default", "tokens", "shared")
    }
else:
    CACHES = {
        **{alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"medpause-{alias}",
                   "OPTIONS": {"MAX_ENTRIES": 10000}} for alias in ("default", "tokens")},
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "medpause_cache"},
    }
MEDPAUSE_PUBLIC_URL = os.environ.get("MEDPAUSE_PUBLIC_URL", "").rstrip("/")
# Requests a minute per client to the public guide, its blank form, the verification form and the
# API's public look-ups (counted in the "shared" cache; medpause.common.throttle)
MEDPAUSE_PUBLIC_RATE = int(os.environ.get("MEDPAUSE_PUBLIC_RATE", 120))
# The audit chain's signed head, written outside the database (ADR 0010): better on another
# host or on append-only storage than beside the database.
MEDPAUSE_AUDIT_ANCHOR = os.environ.get("MEDPAUSE_AUDIT_ANCHOR") or str(DATA_DIR / "audit-anchors.jsonl")

POLICY_DIR = Path(os.environ.get("MEDPAUSE_POLICY_DIR", PACKAGE_DIR / "policies"))
MEDPAUSE_MAX_UPLOAD_BYTES = int(os.environ.get("MEDPAUSE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = MEDPAUSE_MAX_UPLOAD_BYTES + 1024 * 1024
# Batch files: a workbook is judged by its zip directory before it is parsed, and parsed by a
# child process under an address-space limit (medpause.batches.isolation)
MEDPAUSE_BATCH_MAX_UNPACKED_MB = int(os.environ.get("MEDPAUSE_BATCH_MAX_UNPACKED_MB", 50))
MEDPAUSE_BATCH_MAX_RATIO = float(os.environ.get("MEDPAUSE_BATCH_MAX_RATIO", 100))
MEDPAUSE_BATCH_MEMORY_MB = int(os.environ.get("MEDPAUSE_BATCH_MEMORY_MB", 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Stored files are the service's alone (the processes also run with umask 077: config.restrict_files)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Sessions end (accounts.middleware.SessionLimits): MEDPAUSE_SESSION_HOURS after signing in, for
# everyone; an officer's or administrator's also after MEDPAUSE_IDLE_MINUTES without a request.
MEDPAUSE_SESSION_HOURS = int(os.environ.get("MEDPAUSE_SESSION_HOURS", 12))
MEDPAUSE_IDLE_MINUTES = int(os.environ.get("MEDPAUSE_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = MEDPAUSE_SESSION_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_SECURE = _env_bool("MEDPAUSE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
MEDPAUSE_PRODUCTION = _env_bool("MEDPAUSE_PRODUCTION")
if MEDPAUSE_PRODUCTION:  # HTTPS only, HSTS, secure cookies, no framing, no debug (config/production.py)
    globals().update(production(os.environ))

# Background work (ADR 0008): tasks are rows of the database's task table, run by `medpause
# worker` (which also runs the daily jobs); `./dev serve` starts one beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker's claim on a batch file: renewed every third of it while the worker runs the batch;
# once it has lapsed, another worker takes the batch over (medpause.batches.lease)
MEDPAUSE_BATCH_LEASE_SECONDS = int(os.environ.get("MEDPAUSE_BATCH_LEASE_SECONDS", 30))
# When the daily reminders run (the time zone's local time), once a day (medpause.ops.worker)
MEDPAUSE_REMIND_AT = os.environ.get("MEDPAUSE_REMIND_AT", "06:15")

# Notices by e-mail and SMS (medpause.notices.delivery), sent by the `deliver` task with retries
globals().update(email_settings(os.environ))
MEDPAUSE_SMS_URL = os.environ.get("MEDPAUSE_SMS_URL", "")
MEDPAUSE_SMS_TOKEN = os.environ.get("MEDPAUSE_SMS_TOKEN", "")
MEDPAUSE_DELIVERY_ATTEMPTS = int(os.environ.get("MEDPAUSE_DELIVERY_ATTEMPTS", 5))
MEDPAUSE_DELIVERY_BACKOFF_SECONDS = int(os.environ.get("MEDPAUSE_DELIVERY_BACKOFF_SECONDS", 60))
MEDPAUSE_SUPPLEMENT_WORKING_DAYS = int(os.environ.get("MEDPAUSE_SUPPLEMENT_WORKING_DAYS", 10))

# The task queue's probe for /readyz, /metrics and the admin index (medpause.ops.queue)
MEDPAUSE_QUEUE_PROBE = "medpause.ops.queue.database_queue"
# Who may read /metrics: the direct peer's address in one of these networks (never through a proxy)
MEDPAUSE_METRICS_ALLOW = os.environ.get("MEDPAUSE_METRICS_ALLOW", "127.0.0.0/8,::1")
# Where `medpause serve` has its worker processes count (PROMETHEUS_MULTIPROC_DIR), emptied at start:
# one folder per machine or container, never on a volume several of them share
MEDPAUSE_METRICS_DIR = Path(os.environ.get("MEDPAUSE_METRICS_DIR", DATA_DIR / "metrics"))

# One JSON object per line (medpause.ops.logging), each with the request id behind it; one line
# per request from the WSGI wrapper (medpause.ops.wsgi). ID and card numbers are masked.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal": {"()": "medpause.common.masking.MaskPersonalDataFilter"},
        "request_id": {"()": "medpause.ops.logging.RequestIdFilter"},
    },
    "formatters": {"json": {"()": "medpause.ops.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler", "formatter": "json", "filters": ["mask_personal", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MEDPAUSE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's access lines have their own handler in Django's defaults: mask them too
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
