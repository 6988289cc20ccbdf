"""Settings for the integration maturity self-assessment.

Everything comes from the environment (see .env.example), or from a .env file beside manage.py
where the environment leaves a setting unset; the defaults work straight after a clone: SQLite in
the project folder, DEBUG off unless asked for (``make run`` asks for it), PDFs rendered inside
the request. A deployment of several web nodes and PDF workers sets DATABASE_URL, REDIS_URL,
TASKS_BACKEND=database and, across machines, STORAGE_BUCKET (README, "Deployment").
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

from config.env import env_bool, env_int, env_list, env_str
from config.oidc import form_action_origins, providers_from_env
from config.storage import bucket_storage

BASE_DIR = Path(__file__).resolve().parent.parent

# The .env file fills in only what the environment leaves unset: a variable set in the
# environment (a process manager's, CI's) always wins. ENV_FILE names another file.
if (ENV_FILE := env_str("ENV_FILE")) and not Path(ENV_FILE).is_file():
    raise ImproperlyConfigured(f"ENV_FILE names {ENV_FILE!r}, which is not a file.")
load_dotenv(ENV_FILE or BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # The queue of background tasks (PDFs) in the database, for TASKS_BACKEND=database.
    "django_tasks_db",
    "accounts",
    "frameworks",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers for static files itself (already compressed, or not worth
    # it): this compresses the app's own pages, JSON and CSV, not its PDFs or workbooks. Against
    # BREACH (a secret such as the CSRF token guessed from compressed sizes) it pads each
    # response with 1-100 random bytes.
    "config.middleware.GZipTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, the first to read a body: an upload too large, or from someone who
    # may not use the page, is refused from its headers, before Django writes it to disk.
    "config.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # People MFA_REQUIRED names set up a second factor before anything else.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # A personal API token (Authorization: Bearer) stands for its person on the API and the data
    # downloads only, for reading; after the second-factor check, which sees the session alone.
    "accounts.token_auth.BearerTokenMiddleware",
    # Last, as django-axes asks: it locks out repeated failed sign-ins.
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A persistent connection that died (a database restart) is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several threads of the dev server and the PDF task write at once. IMMEDIATE takes the
    # write lock when a transaction starts, so a writer waits (up to the timeout) instead of
    # failing with "database is locked" when its read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first (memory-hard, and half PBKDF2's CPU time here); older hashes upgrade on sign-in.
PASSWORD_HASHERS = [
    # Django's Argon2, on low-priority threads: a burst of sign-ins waits behind the saves of
    # the people already scoring (accounts/hashers.py).
    "accounts.hashers.LowPriorityArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes;
# thirty from one address, whatever the accounts, lock the address out (one password tried
# across many accounts). Thirty, not five, so that an office behind one address where a few
# people mistype is not locked out together. Axes has one limit: the handler adds the second.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.throttle.AccountAndAddressHandler"
# allauth's sign-in form names the address "login", its backend "email".
AXES_USERNAME_CALLABLE = "accounts.throttle.address_tried"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind N reverse proxies, each appending the address it was reached from, the client is the
# Nth address from the right of X-Forwarded-For (django-ipware counts the proxies *within* the
# header, so one fewer). Without a proxy only REMOTE_ADDR counts: a forged header changes nothing.
PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)  # the environment's name, kept for deployments
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
LOGIN_URL = "login"
# Where a sign-in goes when it was not on its way to a page: the one round waiting for the
# person's answers, else home (assessment.views.home.landing).
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (django-allauth): by e-mail address and password, by a code e-mailed to the address, or
# through an OpenID Connect provider. Nobody signs themselves up: staff and leads invite people.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# Sign-in by e-mailed code, for people who sign in rarely: eight characters (ABCD-EFGH), good
# for LOGIN_CODE_MINUTES, three tries, and at most three codes a minute for one address.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 60 * env_int("LOGIN_CODE_MINUTES", 10)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# An address nobody was invited at is answered as any other, and is sent nothing.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Wrong second-factor codes count as wrong passwords do: five for one person in fifteen minutes
# and the next is refused, right or wrong, until the time is up. Counted per person, never per
# address alone: a trust's whole staff may share one outgoing address, and an address limit
# would let one stranger lock all of them out. Wrong passwords are django-axes's (per account
# and address, and per address at AXES_ADDRESS_FAILURE_LIMIT); allauth counts wrong
# second-factor codes, and requests for sign-in codes (three a minute an address).
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": f"{AXES_FAILURE_LIMIT}/{AXES_COOLOFF_TIME.seconds}s/key",
    "request_login_code": "300/m/ip,3/m/key",
}
# allauth reads the client's address as django-axes does: behind PROXY_COUNT proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider, with a nonce sent and checked (accounts/oidc.py).
        "provider_class": "accounts.oidc.OpenIDConnectProvider",
        "APPS": providers_from_env(env_str("OIDC_PROVIDERS")),
        "OAUTH_PKCE_ENABLED": True,
    }
}
# A provider's verified address signs its person in to the account invited at that address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Addresses at these domains may sign in through a provider without an invitation: they get an
# account with no place, which a lead can then add to theirs.
OIDC_ALLOWED_DOMAINS = [d.lower().lstrip("@") for d in env_list("OIDC_ALLOWED_DOMAINS", [])]
# Multi-factor: an authenticator app's codes and passkeys, with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {
    "authenticate_webauthn": "accounts.mfa_forms.AuthenticatePasskeyForm",
    "login_webauthn": "accounts.mfa_forms.LoginPasskeyForm",
    "reauthenticate_webauthn": "accounts.mfa_forms.ReauthenticatePasskeyForm",
    "add_webauthn": "accounts.mfa_forms.AddPasskeyForm",
}
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Integration maturity")
# Authenticator apps' keys and recovery codes' seeds are encrypted in the database with this key,
# or one derived from SECRET_KEY (accounts/mfa_adapter.py).
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
MFA_SECRET_KEY = env_str("MFA_SECRET_KEY")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Who must set one up at their next sign-in: none, staff, leads (and staff), or everyone. People
# signing in through a provider are not asked: their provider asks for its own second factor.
MFA_REQUIRED = env_str("MFA_REQUIRED", "staff")
if MFA_REQUIRED not in {"none", "staff", "leads", "everyone"}:
    raise ImproperlyConfigured(
        f"MFA_REQUIRED must be none, staff, leads or everyone; got {MFA_REQUIRED!r}"
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` (a build step: `make collectstatic`) names each file after a hash of its contents
# and compresses it; WhiteNoise then serves the hashed names with a ten-year, immutable max-age.
# With DEBUG on, pages link the plain names and no collectstatic is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Rendered PDFs live in the default storage, which every web node and worker must share: a folder
# (MEDIA_ROOT) on one machine, else a bucket through django-storages: S3-compatible
# (STORAGE_BUCKET) or an Azure Blob Storage container (STORAGE_AZURE_CONTAINER), never both.
STORAGE_BUCKET = env_str("STORAGE_BUCKET")
STORAGE_AZURE_CONTAINER = env_str("STORAGE_AZURE_CONTAINER")
if bucket := bucket_storage(STORAGE_BUCKET, STORAGE_AZURE_CONTAINER):
    STORAGES["default"] = bucket

# Sessions in the database, so any web node serves any signed-in person.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The cache (built figures of report pages) is per process unless REDIS_URL names a Redis server
# shared by every node (Django's own Redis backend).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several sites may share one Redis: keep each one's keys apart.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "integration"),
        }
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail goes to the console in development; in production, to the SMTP server named here.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "accounts.console_mail.EmailBackend"  # decoded, each link whole on one line
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 10,
    }
# Links in e-mails sent outside a request (the daily reminders) start with this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# `manage.py send_reminders` reminds people of open rounds due within this many days.
REMINDER_DAYS = env_int("REMINDER_DAYS", 3)
# Anonymity: the fewest anonymous places a filtered comparison, or a member's view of every
# shared place, may show one of.
COMPARE_MIN_GROUP = env_int("COMPARE_MIN_GROUP", 5)
if COMPARE_MIN_GROUP < 2:
    raise ImproperlyConfigured("COMPARE_MIN_GROUP must be 2 or more: one place alone is named.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@integration-maturity.local")

# Who runs this service, and where people write about their data or about accessibility: the
# privacy notice and the accessibility statement (/privacy/, /accessibility/) name them.
SERVICE_OPERATOR = env_str("SERVICE_OPERATOR", "the organisation running this service")
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", "")
# The audit log (sign-ins, role changes, exports, erasures) is kept this many days.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365 * 2)

# The split rule (assessment.statistics): an item is split when more than AGREEMENT_MAX_OUTSIDE
# answers fall more than AGREEMENT_BAND levels from the median. Default: SCIROCCO's
# (doi:10.5334/ijic.7747, table 1: split at four or more ratings outside a 3-point region).
AGREEMENT_BAND = env_int("AGREEMENT_BAND", 1)
AGREEMENT_MAX_OUTSIDE = env_int("AGREEMENT_MAX_OUTSIDE", 3)

# Evidence text of a closed round is removed this many days after it closed (`manage.py
# remove_old_evidence`, run daily); its scores, agreed levels and reasons stay. 0 keeps it.
EVIDENCE_RETENTION_DAYS = env_int("EVIDENCE_RETENTION_DAYS", 730)
if EVIDENCE_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("EVIDENCE_RETENTION_DAYS must be 0 (keep) or a number of days.")

# Where PDFs are rendered. "immediate" (the default): inside the request, which suits one process
# (`make run`). "database": queued in the database and rendered by PDF workers
# (`manage.py pdf_worker`, `make worker`), so web processes never start a browser. A dotted path
# names any other django.tasks backend.
TASKS_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASKS_BACKENDS and "." not in TASKS_BACKEND:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)} or a dotted path to a "
        f"django.tasks backend; got {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
# A task running this long whose worker is gone goes back on the queue (manage.py pdf_worker):
# longer than any render or board pack takes.
PDF_TASK_STALE_AFTER = timedelta(minutes=env_int("PDF_TASK_STALE_MINUTES", 10))
# The most reports a board pack asked for on the compare page holds (a report's PDF takes a
# worker about three seconds): a larger pack is for `manage.py board_pack`.
BOARD_PACK_MAX_REPORTS = env_int("BOARD_PACK_MAX_REPORTS", 100)
# A closed round's report PDF and Word paper are made before anyone asks: when it closes, and
# once its plan has been left alone this many seconds (ten quick edits make one render). With
# the immediate backend (no worker) only a close makes them, inside the closing request.
DOCUMENTS_AHEAD = env_bool("DOCUMENTS_AHEAD", True)
DOCUMENTS_AHEAD_QUIET = timedelta(seconds=env_int("DOCUMENTS_AHEAD_QUIET_SECONDS", 60))
if DOCUMENTS_AHEAD_QUIET.total_seconds() < 0:
    raise ImproperlyConfigured("DOCUMENTS_AHEAD_QUIET_SECONDS must be 0 or more seconds.")

# Uploads: workshop score files are small; refuse anything bigger than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SCORE_UPLOAD_MAX_BYTES = env_int("SCORE_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)

# Security. Plotly draws with inline styles, so styles allow 'unsafe-inline'; scripts never do.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # The OpenID Connect providers: "Sign in with …" posts here and is redirected to them.
    "form-action": [
        CSP.SELF,
        *form_action_origins(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]),
    ],
}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "config.logs.RefusalsOnOneLine"}},
    # A refused request (403, 400, a suspicious one from django.security.*) is one line; a
    # server error keeps its traceback. On the handler, so every logger's records pass it.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"filters": ["refusals_on_one_line"]},  # as caplog sees it in tests
        # WeasyPrint warns about every SVG presentation style it reads as CSS; the charts are fine.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
