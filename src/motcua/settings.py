"""Settings for motcua, read from the environment.

Production-safe defaults: DEBUG is off unless DEBUG=1; SECRET_KEY must be set when DEBUG is off
(except for the embedded run and the tests, which set their own). The embedded default database
is an SQLite file under var/; DATABASE_URL points elsewhere (PostgreSQL in production and CI).
"""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# This site's public address, for the links that leave it (SMS, e-mail, form 01's QR code, rating
# links): required in production. Unset in development, `manage.py runserver` (core's) puts its
# own address here once bound (motcua.core.site, docs/running.md).
SITE_URL_IS_SET = bool(os.environ.get("SITE_URL"))
SITE_URL = os.environ.get("SITE_URL") or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    # First, so that its `runserver` (which becomes SITE_URL once bound) wins over staticfiles' one.
    "motcua.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "motcua.calendar",
    "motcua.organization",
    "motcua.catalog",
    "motcua.portal",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.printouts",
    "motcua.backoffice",
    "motcua.payments",
    "motcua.reports",
    "motcua.feedback",
    "motcua.accounts",
    "motcua.integrations",
    "motcua.documents",
    "motcua.queueing",
    "motcua.postal",
    "motcua.national",
    "motcua.signing",
    "motcua.demo",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics (django-prometheus; its After middleware is last).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Then: the request id (echoed, and in every log line), the client address behind the proxy,
    # and /healthz, /readyz, /metrics answered before the host check and the HTTPS redirect
    # (load balancers and Prometheus ask the node directly; motcua.core.health, docs/running.md).
    "motcua.core.logs.RequestIdMiddleware",
    "motcua.core.proxy.ProxyClientAddressMiddleware",
    "motcua.core.health.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.RequestSizeMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "motcua.core.storage.StorageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a person's write their reads stay on the primary for a while (a signed cookie; only
    # with a read replica: motcua.core.db_routing).
    "motcua.core.db_routing.ReadYourWritesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.organization.audit.AccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "motcua.accounts.middleware.OfficerSessionMiddleware",
    "motcua.accounts.two_factor.OfficerTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling mode a session's server connection changes between
# transactions: no server-side cursors (Django's `.iterator()`) and no prepared statements kept on
# the server (the receipt and tracking paths prepare theirs otherwise; dossiers/receipt_sql.py).
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING")
if DATABASE_TRANSACTION_POOLING and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL streaming replica for the heavy reads (reports, dashboard, public statistics,
# tracking): motcua.core.db_routing, docs/running.md "A read replica". Same options as the primary
# (incl. the transaction-pooling ones); in the test suite it mirrors the default database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# Reads go back to the primary when the replica's replay is more than this many seconds behind.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
# How long one process keeps the replica's health answer, and a failure to reach it (seconds).
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DATABASE_REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "30"))
# After a person's write their reads stay on the primary this long (0: off); keep it above the
# maximum lag plus the check interval.
DATABASE_READ_YOUR_WRITES_SECONDS = int(os.environ.get("DATABASE_READ_YOUR_WRITES_SECONDS", "30"))
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                     conn_health_checks=True)
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL database (postgres://...).")
    _replica.setdefault("OPTIONS", {})
    # A replica that does not answer costs a page at most this long once, then it is remembered as down.
    _replica["OPTIONS"].setdefault("connect_timeout", 2)
    if DATABASE_TRANSACTION_POOLING:
        _replica["DISABLE_SERVER_SIDE_CURSORS"] = True
        _replica["OPTIONS"]["prepare_threshold"] = None
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["motcua.core.db_routing.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "motcua.accounts.backends.PhoneOrEmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# Lock out the (account, client address) pair, not the address alone: a service centre's officers
# and the citizens on its Wi-Fi share one public address, and one person's typos must not lock
# out the whole centre.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
# Failures are counted per identity, not per spelling: a phone typed as +84 912..., 0912.000.002 or
# an e-mail in capitals is the account it names (motcua.accounts.lockout, docs/accounts.md).
AXES_USERNAME_CALLABLE = "motcua.accounts.lockout.username_callable"
AXES_HANDLER = "motcua.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
# Password spraying: failures for this many distinct identities from one client address within the
# window block that address for every identity while that holds (0 = off).
SIGN_IN_SPRAY_LIMIT = int(os.environ.get("SIGN_IN_SPRAY_LIMIT", "10"))
SIGN_IN_SPRAY_WINDOW_MINUTES = int(os.environ.get("SIGN_IN_SPRAY_WINDOW_MINUTES", "15"))
# Sessions: officers (users without a citizen account) are signed out after this many idle minutes
# and when the browser closes (counter PCs are shared); citizens keep SESSION_COOKIE_AGE.
OFFICER_SESSION_IDLE_MINUTES = int(os.environ.get("OFFICER_SESSION_IDLE_MINUTES", "30"))
OFFICER_SESSION_AT_BROWSER_CLOSE = env_bool("OFFICER_SESSION_AT_BROWSER_CLOSE", True)
# Officers' two-factor sign-in (motcua.accounts.two_factor, docs/accounts.md): a TOTP app plus
# one-time backup codes. On by default in production (DEBUG off), off with DEBUG=1 so that the
# demo's printed logins work as they are; OFFICER_2FA_ENABLED=1 turns it on anywhere. Required for
# the roles listed and for superusers; other officers are offered enrolment at sign-in and may skip
# it (OFFICER_2FA_OPTIONAL=0: not offered), but once enrolled they are always asked for a code.
OFFICER_2FA_ENABLED = env_bool("OFFICER_2FA_ENABLED", not DEBUG)
OFFICER_2FA_REQUIRED_ROLES = env_list("OFFICER_2FA_REQUIRED_ROLES", "leader,centre_manager,province_admin")
OFFICER_2FA_OPTIONAL = env_bool("OFFICER_2FA_OPTIONAL", True)
OTP_TOTP_ISSUER = "motcua"
# django-otp's throttling: after n wrong codes in a row, wait factor * 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
LOGIN_URL = "/admin/login/"

# Vietnamese first; English on request (?lang=en, the language cookie, or Accept-Language on the API).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded and generated files (motcua.core.storage, docs/running.md "Files"): "local" keeps them
# under MEDIA_ROOT; "s3" in an S3-compatible object store (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
# S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_PREFIX), which every app node shares.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": {"BACKEND": "motcua.core.storage.LocalStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STORAGE_BACKEND == "s3":
    from motcua.core.storage import s3_options

    STORAGES["default"] = {"BACKEND": "motcua.core.storage.ObjectStorage", "OPTIONS": s3_options()}

# Transport security: with DEBUG off the site is taken to be served over HTTPS (HTTPS=0 turns all
# of this off, e.g. on a closed lab network): redirect to HTTPS, HSTS, cookies sent only over HTTPS.
# Behind a TLS-terminating proxy, SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto names the header the
# proxy sets (only when the proxy overwrites it; docs/running.md).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (_proxy_header if _proxy_header.startswith("HTTP_") else f"HTTP_{_proxy_header}",
                               "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): everything from this site only; no inline script, no
# inline style (the templates have none: styles live in the static CSS files, scripts in static
# .js files). data: images for generated QR codes. The API docs page (Swagger UI from its CDN) gets
# its own additions in urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Request bodies: a non-file body (form, JSON) over DATA_UPLOAD_MAX_MEMORY_SIZE and a multipart body
# over UPLOAD_MAX_REQUEST_SIZE are refused with 413 from their Content-Length, before being read
# (motcua.core.middleware.RequestSizeMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
UPLOAD_MAX_REQUEST_SIZE = int(os.environ.get("UPLOAD_MAX_REQUEST_SIZE", str(0))) or None

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's Token, valid API_TOKEN_TTL_DAYS from its creation and revocable (motcua.core.authentication).
        "motcua.core.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "motcua.core.api.exception_handler",
}
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "Public and partner API of the one-stop administrative procedure service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every status an operation can answer is documented (tests/test_api_fuzz.py checks it).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.core.api.add_common_error_responses",
    ],
}
# drf_spectacular.W001 is about the names the generated schema gives to enums that share a field
# name (FromStatusEnum, KindE3bEnum ...): cosmetic, not a security matter; silenced so that
# `check --deploy` reports only what matters (tests/security/test_deploy.py).
SILENCED_SYSTEM_CHECKS = ["drf_spectacular.W001"]

REDIS_URL = os.environ.get("REDIS_URL", "")
# Django's cache: shared by every app node in production (CACHE_URL, else REDIS_URL), so that
# anything cached (and any throttle a library keeps there) means the same on each node; a Redis
# that does not answer is a cache miss, never an error page (motcua.core.cache). Without Redis
# (the embedded default, tests) each process keeps its own. Sessions, sign-in lockouts and the
# two-factor throttles live in the database; files in STORAGE_BACKEND (shared with s3).
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "motcua.core.cache.SharedRedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "motcua-cache",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# The worker keeps the LOGGING below (JSON lines, request ids, personal data masked).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Workers on several machines share one Redis. A task acknowledged late (the notification tasks,
# notifications/tasks.py) whose worker was killed stays on Redis as unacknowledged and is given to
# another worker once CELERY_VISIBILITY_TIMEOUT seconds have passed since it was taken (checked
# every CELERY_UNACKED_RESTORE_SECONDS); keep it above the longest task and countdown. One task at
# a time per process, and a worker keeps trying to reach Redis while it is down.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": float(os.environ.get("CELERY_UNACKED_RESTORE_SECONDS", "10")),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A request never waits long on a broker that is down: the publish gives up after ~1 s (the
# outbox keeps the message queued for the sweep, notifications/tasks.py `send`).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# The periodic jobs, for `celery -A motcua beat` (docs/running.md); each also has a command for cron.
CELERY_BEAT_SCHEDULE = {
    "national-sync": {"task": "national.sync", "schedule": 60},
    "sweep-overdue": {"task": "dossiers.sweep_overdue", "schedule": 5 * 60},
    "flag-overdue-feedback": {"task": "feedback.flag_overdue", "schedule": 15 * 60},
    "notify-missed-events": {"task": "motcua.notifications.tasks.notify_missed_events", "schedule": 5 * 60},
    # Hourly: it hands over what is queued and due (never tried and older than 30 s, or past its
    # retry backoff). NOTIFICATIONS_SWEEP_SECONDS: also how late a notice may go out after a broker
    # outage.
    "deliver-queued": {"task": "motcua.notifications.tasks.deliver_queued",
                       "schedule": int(os.environ.get("NOTIFICATIONS_SWEEP_SECONDS", str(60 * 60)))},
    "reconcile-payments": {"task": "payments.reconcile_pending", "schedule": 15 * 60},
    # Electronic fee receipts the provider could not take yet (payments/receipts/services.py).
    "retry-receipts": {"task": "payments.retry_receipts", "schedule": 5 * 60},
    "store-report-snapshots": {"task": "motcua.reports.tasks.store_snapshots",
                               "schedule": crontab(hour=1, minute=30)},
    # The stored answers of retried creating requests live 24 hours (core/idempotency.py).
    "purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": crontab(hour=2, minute=15)},
    # Queue tickets still open after the service point's closing time (queueing/services.py).
    "close-queue-tickets": {"task": "queueing.close_open_tickets", "schedule": 15 * 60},
    # Postal orders: re-send those the partner did not take, read the tracking of the others.
    "postal-poll-tracking": {"task": "postal.poll_tracking", "schedule": 15 * 60},
    # Remote signatures waiting for the signer's approval on the phone (signing/tasks.py).
    "check-waiting-signatures": {"task": "signing.check_waiting_signatures", "schedule": 60},
}
# The service time assumed for a queue's waiting estimate before anyone was served that day.
QUEUEING_DEFAULT_SERVICE_MINUTES = int(os.environ.get("QUEUEING_DEFAULT_SERVICE_MINUTES", "10"))

# Simulators (payment gateway, SMS/console outbox, population register ...) run only where
# allowed: by default under DEBUG; with DEBUG off only with the explicit override, logged at start
# (motcua.core.simulators; `check` fails with motcua.E010 otherwise; docs/running.md).
ALLOW_SIMULATORS_IN_PRODUCTION = env_bool("MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION")
ALLOW_SIMULATORS = env_bool("MOTCUA_ALLOW_SIMULATORS", DEBUG or ALLOW_SIMULATORS_IN_PRODUCTION)
# The payment gateway of new online orders; empty: the simulator where allowed, else "vnpay".
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "")

# The province this installation serves: its code prefixes agency identifiers (e.g. H56).
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "H99")

# Citizen sign-in through OpenID Connect (VNeID), off unless OIDC_ISSUER and OIDC_CLIENT_ID are set
# (docs/accounts.md). The population register adapter: "simulator" (synthetic people) or "http".
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_JWKS_URI = os.environ.get("OIDC_JWKS_URI", "")
OIDC_USERINFO_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_TOKEN_AUTH_METHOD = os.environ.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile")
OIDC_CLAIM_CITIZEN_ID = os.environ.get("OIDC_CLAIM_CITIZEN_ID", "citizen_id")
OIDC_CLAIM_NAME = os.environ.get("OIDC_CLAIM_NAME", "name")
OIDC_CLAIM_BIRTH_DATE = os.environ.get("OIDC_CLAIM_BIRTH_DATE", "birthdate")
# Empty: the simulator where simulators may run (ALLOW_SIMULATORS), else "http" with POPULATION_REGISTER_URL.
POPULATION_REGISTER = os.environ.get("POPULATION_REGISTER", "")
POPULATION_REGISTER_URL = os.environ.get("POPULATION_REGISTER_URL", "")
POPULATION_REGISTER_TOKEN = os.environ.get("POPULATION_REGISTER_TOKEN", "")
POPULATION_SIMULATOR_MODE = os.environ.get("POPULATION_SIMULATOR_MODE", "normal")

# National procedure database (catalogue sync, docs/catalog.md) and business registry (docs/integrations.md):
# empty names pick the simulator where simulators may run, else "http" when the URL is set, else "none".
NATIONAL_CATALOGUE = os.environ.get("NATIONAL_CATALOGUE", "")
NATIONAL_CATALOGUE_URL = os.environ.get("NATIONAL_CATALOGUE_URL", "")
NATIONAL_CATALOGUE_TOKEN = os.environ.get("NATIONAL_CATALOGUE_TOKEN", "")
NATIONAL_CATALOGUE_UNIT = os.environ.get("NATIONAL_CATALOGUE_UNIT", "")  # empty: 000.00.00.<province code>
NATIONAL_CATALOGUE_SIMULATOR_MODE = os.environ.get("NATIONAL_CATALOGUE_SIMULATOR_MODE", "normal")
BUSINESS_REGISTRY = os.environ.get("BUSINESS_REGISTRY", "")
BUSINESS_REGISTRY_URL = os.environ.get("BUSINESS_REGISTRY_URL", "")
BUSINESS_REGISTRY_TOKEN = os.environ.get("BUSINESS_REGISTRY_TOKEN", "")
BUSINESS_REGISTRY_SIMULATOR_MODE = os.environ.get("BUSINESS_REGISTRY_SIMULATOR_MODE", "normal")
# The national public service portal (docs/national.md). NATIONAL_TRANSPORT empty: the simulator
# where simulators may run, else "portal" with NATIONAL_PORTAL_URL, else "none" (rows wait).
NATIONAL_SYNC = os.environ.get("NATIONAL_SYNC", "1") not in ("0", "false", "off")
NATIONAL_TRANSPORT = os.environ.get("NATIONAL_TRANSPORT", "")
NATIONAL_SIMULATOR_MODE = os.environ.get("NATIONAL_SIMULATOR_MODE", "normal")
NATIONAL_PORTAL_URL = os.environ.get("NATIONAL_PORTAL_URL", "")
NATIONAL_PORTAL_AUTH_URL = os.environ.get("NATIONAL_PORTAL_AUTH_URL", "")
NATIONAL_PORTAL_USERNAME = os.environ.get("NATIONAL_PORTAL_USERNAME", "")
NATIONAL_PORTAL_PASSWORD = os.environ.get("NATIONAL_PORTAL_PASSWORD", "")
NATIONAL_PORTAL_DSTCODE = os.environ.get("NATIONAL_PORTAL_DSTCODE", "")
NATIONAL_PORTAL_UNIT = os.environ.get("NATIONAL_PORTAL_UNIT", "")
NATIONAL_PORTAL_TIMEOUT = float(os.environ.get("NATIONAL_PORTAL_TIMEOUT", "10"))
NATIONAL_LGSP_URL = os.environ.get("NATIONAL_LGSP_URL", "")
NATIONAL_LGSP_ACCESS_KEY = os.environ.get("NATIONAL_LGSP_ACCESS_KEY", "")
NATIONAL_LGSP_SECRET_KEY = os.environ.get("NATIONAL_LGSP_SECRET_KEY", "")
NATIONAL_LGSP_APP_NAME = os.environ.get("NATIONAL_LGSP_APP_NAME", "motcua")
NATIONAL_LGSP_PARTNER_CODE = os.environ.get("NATIONAL_LGSP_PARTNER_CODE", "")
# Digital signatures (docs/signing.md). A time-stamp authority makes the signatures PAdES B-T.
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_MAX_BYTES = int(os.environ.get("SIGNING_MAX_BYTES", str(10 * 1024 * 1024)))
# The remote-signing service (VNPT SmartCA shape) and how long a signer has to approve.
SIGNING_REMOTE_URL = os.environ.get("SIGNING_REMOTE_URL", "")
SIGNING_REMOTE_CLIENT_ID = os.environ.get("SIGNING_REMOTE_CLIENT_ID", "")
SIGNING_REMOTE_CLIENT_SECRET = os.environ.get("SIGNING_REMOTE_CLIENT_SECRET", "")
SIGNING_REMOTE_WAIT_SECONDS = int(os.environ.get("SIGNING_REMOTE_WAIT_SECONDS", "300"))

# Operations (motcua.core.health, motcua.core.metrics, motcua.core.logs; docs/running.md):
# /metrics answers only the networks listed or a request with the bearer token; 403 otherwise.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# The reverse proxy's header with the client's address (nginx: X-Real-IP), believed only from
# the proxies' networks (a Unix socket peer, with no address, is the local proxy).
PROXY_CLIENT_IP_HEADER = os.environ.get("PROXY_CLIENT_IP_HEADER", "")
PROXY_TRUSTED_NETWORKS = env_list("PROXY_TRUSTED_NETWORKS", "127.0.0.1/32,::1/128")
# Documents are sent by nginx (X-Accel-Redirect to this internal prefix + the file's storage name)
# after the view's checks, instead of streamed by the Python process (deploy/nginx/motcua.conf).
DOCUMENTS_X_ACCEL_REDIRECT = env_bool("DOCUMENTS_X_ACCEL_REDIRECT")
DOCUMENTS_X_ACCEL_PREFIX = os.environ.get("DOCUMENTS_X_ACCEL_PREFIX", "/_protected/media/")
# Upload limits (motcua.core.limits); nginx's client_max_body_size must allow the request size.
UPLOAD_MAX_FILE_BYTES = int(os.environ.get("UPLOAD_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_TOTAL_BYTES = int(os.environ.get("UPLOAD_MAX_TOTAL_BYTES", str(30 * 1024 * 1024)))
# LOG_FORMAT=json: one JSON object per line with the request id; personal data masked (core/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "motcua.core.logs.RequestIdFilter"},
                "personal_data": {"()": "motcua.core.logs.PersonalDataFilter"}},
    "formatters": {"json": {"()": "motcua.core.logs.JsonFormatter"},
                   "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id", "personal_data"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per eager task is noise in the embedded run; failures still show.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}
