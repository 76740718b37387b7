"""Settings come from environment variables.

The defaults are the embedded ones a newcomer gets from `make run`: SQLite, a broker that needs
no server (kombu's filesystem transport under var/) and email written as files under var/mail/.
Production sets DATABASE_URL, CELERY_BROKER_URL, the EMAIL_* variables, SECRET_KEY,
ALLOWED_HOSTS and DEBUG=false.
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# Off unless explicitly turned on: `make run` (the embedded demo) and the test settings do.
DEBUG = env_bool("DEBUG", False)

# Commands that only compare the models with the migrations sign nothing: they run in a bare
# checkout (CI, a contributor's shell) without a key. Everything else refuses to start.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations"}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug-mode-never-in-production-0123456789"
    elif not (sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS):
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies in front of the portal append to X-Forwarded-For; 0 trusts none and
# takes the client address from the connection (see productivity/http.py).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

INSTALLED_APPS = [
    # The Django admin, whose site also asks for a verified second factor.
    "productivity.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "productivity.apps.ProductivityConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "councils",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that every response gets the policy, an error page for a bad host too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out an idle or too old session, then keeps what a signed-out POST carried.
    "productivity.sessions.SessionTimeoutMiddleware",
    "productivity.sessions.SignedOutPostMiddleware",
    # request.user.is_verified(): has the user given a second factor in this session?
    "django_otp.middleware.OTPMiddleware",
    # Whoever needs a second factor and has not given one may open only the sign-in pages.
    "councils.mfa.middleware.SecondFactorRequiredMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "productivity.urls"
WSGI_APPLICATION = "productivity.wsgi.application"

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
                "productivity.context_processors.service",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default so the web app and the worker can write at once.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite will not create the folder its file lives in.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for another's lock before "database is locked".
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    # A web process keeps its PostgreSQL connection between requests (opening one costs more
    # than a simple page), checked before reuse so a restarted database is reconnected.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "councils.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password reset link works once (it depends on the password) and for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# django-axes first, so a locked-out account and address is refused before its password is
# even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Throttling wrong passwords (django-axes): an account is locked from one address after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES. Never by address alone: a whole council
# behind one address must not be locked out by one person.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "productivity.http.client_ip"
AXES_USERNAME_CALLABLE = "councils.mfa.views.sign_in_username"
AXES_LOCKOUT_CALLABLE = "councils.mfa.views.locked_out"
AXES_VERBOSE = False

# Second factors (django-otp): wrong codes make the next try wait 1, 2, 4, 8... seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Submit a productivity plan"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# GOV.UK Frontend comes from npm (node_modules is never committed); its fonts, images and
# JavaScript are served from /static/govuk/, which is where the compiled stylesheet points.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
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

# Decided once from the environment, so a test run (where pytest-django turns DEBUG off at
# runtime) serves static files the way `make run` does instead of from a missing STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: files under var/mail/ by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "productivity.mail.EmlFileBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Submit a productivity plan <noreply@productivity-plans.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a broker with no server (filesystem) by default; Redis in production and in tests.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses its broker keeps trying to reconnect (every 30 seconds at most) however
# long the broker is away, instead of exiting after 100 tries (about 45 minutes): a dead broker
# delays work, it never stops the worker.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Redis redelivers an unacknowledged task after this long; every retry countdown stays well
# below it so a retry is never mistaken for a lost task.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder holds the queue (web writes, worker reads); kombu needs every folder to exist
    # before the first message and would otherwise put its control folder in the working dir.
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled: a short interval keeps tasks prompt at a negligible cost.
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "councils.tasks.worker_heartbeat", "schedule": 60.0},
    # The outbox sweep: hands over again every email, submission and count not yet done.
    "outbox-sweep": {"task": "plans.tasks.outbox_sweep_task", "schedule": 60.0},
    "deadline-reminders": {"task": "plans.tasks.reminders_send_task", "schedule": 15 * 60.0},
}

# Submission: rendering limits and retries (see plans/services/delivery.py).
SUBMISSION_PDF_DIR = Path(os.environ.get("SUBMISSION_PDF_DIR", VAR_DIR / "submissions"))
# Where the worker builds the panel's ZIP exports of submitted PDFs (each kept for a day).
PANEL_EXPORT_DIR = Path(os.environ.get("PANEL_EXPORT_DIR", VAR_DIR / "exports"))
# A render that takes longer, or needs more memory, than this is stopped and reported.
PDF_RENDER_TIMEOUT = float(os.environ.get("PDF_RENDER_TIMEOUT", "60"))
PDF_RENDER_MEMORY_MB = int(os.environ.get("PDF_RENDER_MEMORY_MB", "1536"))
# The render process is kept between renders and replaced after this many.
PDF_RENDER_RECYCLE_AFTER = int(os.environ.get("PDF_RENDER_RECYCLE_AFTER", "100"))
SUBMISSION_MAX_ATTEMPTS = int(os.environ.get("SUBMISSION_MAX_ATTEMPTS", "8"))
# How long one attempt may hold a submission before the sweep treats its worker as dead.
SUBMISSION_CLAIM_SECONDS = float(
    os.environ.get("SUBMISSION_CLAIM_SECONDS", str(PDF_RENDER_TIMEOUT + EMAIL_TIMEOUT + 30))
)
SUBMISSION_RETRY_BASE_SECONDS = float(os.environ.get("SUBMISSION_RETRY_BASE_SECONDS", "30"))
SUBMISSION_RETRY_MAX_SECONDS = min(
    float(os.environ.get("SUBMISSION_RETRY_MAX_SECONDS", "600")), CELERY_VISIBILITY_TIMEOUT / 4
)

# Security: strict defaults when DEBUG is off (manage.py check --deploy prints nothing).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer asks for /health/ over plain http on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Only the local docker-compose stack, served over plain http, turns these off.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy: only the portal's own files; no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sessions (productivity/sessions.py): a session ends after 30 minutes without a request, 12
# hours after sign-in whatever happens, and when the browser closes unless the user chose to be
# remembered on the device (then at most the 12 hours).
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
# The timeout warning opens this long before the idle timeout.
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 2 * 60)
# The panel's heavier computations are kept in the web process until the data under them
# changes, and at most this long (plans/selectors/generation.py); 0 keeps nothing.
PANEL_CACHE_SECONDS = env_int("PANEL_CACHE_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# /health/ (productivity/health.py) fails when the worker's last heartbeat (sent every minute by
# beat) is older than this.
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", 5 * 60)

SERVICE_NAME = "Submit a productivity plan"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Passkeys (django-otp-webauthn), only as a second factor after the password. The relying
# party is the portal's host name (browsers refuse an IP address, so the embedded demo uses
# localhost); the origins are the addresses the browser shows. Both follow SITE_URL unless set.
_site = urlsplit(SITE_URL)
_site_is_ip = bool(re.fullmatch(r"[\d.]+|\[.*\]", _site.hostname or ""))
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID = os.environ.get(
    "WEBAUTHN_RP_ID", "localhost" if _site_is_ip else (_site.hostname or "localhost")
)
OTP_WEBAUTHN_RP_NAME = SERVICE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ORIGINS",
    "http://localhost:8000" if _site_is_ip else f"{_site.scheme}://{_site.netloc}",
)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
# Libraries that narrate their work at INFO: only their warnings and errors reach the console.
# fontTools prints a dozen lines for every font WeasyPrint subsets (every PDF, every page count),
# WeasyPrint every layout step, beat every task it sends and the worker every task it receives
# (the task's outcome is still logged, by celery.app.trace).
QUIET_LOGGERS = ("fontTools", "weasyprint", "celery.beat", "celery.worker.strategy")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler, not the root logger, applies LOG_LEVEL, so LOG_LEVEL=ERROR also silences the
    # quiet loggers' warnings.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        **{name: {"level": "WARNING"} for name in QUIET_LOGGERS},
    },
}
