"""Settings shared by every environment. Environment values come from config.env."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.SECRET_KEY or "insecure-development-key-change-me"
DEBUG = env.DEBUG
# "dev", "test" or "production": what the demo data command may do here.
WIJKPLEIN_ENV = "dev"
ALLOWED_HOSTS = env.ALLOWED_HOSTS or ["127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
HASH_SECRET = env.HASH_SECRET or SECRET_KEY
SITE_URL = env.SITE_URL
MUNICIPALITY_NAME = env.MUNICIPALITY_NAME

INSTALLED_APPS = [
    # Our apps first so their templates override those of the libraries.
    "core",
    "identity",
    "review",
    "initiatives",
    "subsidies",
    "budget",
    "stats",
    "opendata",
    "cms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "core.wagtail_users_app.WagtailUsersConfig",  # wagtail.users, with our Users screen
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # The open-data API (opendata/): Django REST framework, its OpenAPI document and the
    # Swagger UI files served by us. Last, so that their translations ("This field is
    # required.") do not replace Wagtail's and Django's on our forms.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Request id and access line, metrics (and /metrics), then the probes, before the host
    # check, the locale redirect, sessions and the page cache (production and e2e put
    # WhiteNoise right after SecurityMiddleware, index 1).
    "plumbing.logs.RequestIdMiddleware",
    "plumbing.metrics.MetricsMiddleware",
    "plumbing.health.ProbeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SiteCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.StaffTwoFactorMiddleware",
    "core.middleware.AdminAccessMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "plumbing.pagecache.PageCacheMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "core.context_processors.navigation",
                "identity.context_processors.login_options",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
if env.DATABASE_URL:
    import dj_database_url

    # Connections are kept for a minute and checked before a request (or a task) reuses one:
    # after PostgreSQL dropped them (a restart, a failover, pg_terminate_backend) the next
    # request gets a fresh connection instead of an error.
    DATABASES = {
        "default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if (
        env.DATABASE_PREPARED_STATEMENTS
        and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    ):
        # Values bound on the server, and psycopg prepares a statement once it has run five
        # times on a connection. Only with a direct connection or a pooler that keeps a
        # client on its own server connection (PgBouncer: session mode, or
        # max_prepared_statements in transaction mode).
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    if env.DATABASE_TRANSACTION_POOLING:
        # Behind PgBouncer in transaction mode (docs/operations.md): a cursor held open
        # across transactions would be on another server connection.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if env.DATABASE_TEST_NAME:
        DATABASES["default"]["TEST"] = {"NAME": env.DATABASE_TEST_NAME}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.SQLITE_PATH,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------
# allauth's rate limits need a real, shared cache: Redis when configured,
# otherwise a per-process local memory cache (fine for one dev server).
# Also read by the readiness probe (plumbing/health.py).
REDIS_URL = env.REDIS_URL
if env.REDIS_URL:
    CACHES = {
        "default": {
            # django-redis that, while Redis is down, answers from process memory (allauth's
            # limits keep working per process, the page cache switches itself off) instead
            # of failing every request: see plumbing/cache.py.
            "BACKEND": "plumbing.cache.RedisCache",
            "LOCATION": env.REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis host that stops answering costs a second, not a hung worker.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "RETRY_SECONDS": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database only, not in Redis (not even `cached_db`): a Redis outage
# then logs nobody out, and a session ended while Redis was unreachable (a logout) cannot
# come back from a stale cached copy once Redis answers again. It costs one primary-key
# lookup per logged-in request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Parts of templates that depend only on what their {% cache %} tag names (the footer per
# language, the static links): per process, never stale, so no shared cache is needed.
CACHES["templates"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "templates",
}
# Anonymous visitors' pages are kept this many seconds at most (plumbing/pagecache.py); only with
# a cache all workers share, or a write in one worker would not reach the others' copies.
PAGE_CACHE_SECONDS = 60 if env.REDIS_URL else 0
# Library models whose writes never show on an anonymous page (our apps declare their own, as
# `page_cache` on their AppConfig): they leave every cached page as it is.
PAGE_CACHE_IGNORED_MODELS = [
    "sessions.session",
    "account.emailaddress",
    "account.emailconfirmation",
    "mfa.authenticator",
    "socialaccount.socialaccount",
    "socialaccount.socialapp",
    "socialaccount.socialtoken",
    "django_tasks_database.dbtaskresult",
    "wagtailadmin.editingsession",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailcore.referenceindex",
    # Drafts and their moderation: what shows is the page, saved when it is published.
    "wagtailcore.revision",
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailusers.userprofile",
    # Made while a page is first rendered, from what the page already shows.
    "wagtailimages.rendition",
    "wagtailembeds.embed",
]
# What this code is, for the page cache's keys (a new release never serves the old one's
# pages): set by the deployment, else the commit checked out (plumbing/pagecache.py).
RELEASE = env.RELEASE

# Reverse proxies whose X-Forwarded-For is believed (networks; production defaults to the
# loopback addresses): see plumbing.ratelimit.client_address.
TRUSTED_PROXIES = env.TRUSTED_PROXIES

# --- Background tasks (e-mail, PDFs) ------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's backends, loading the profile with the user.
    "core.auth_backends.ProfileModelBackend",
    "core.auth_backends.ProfileAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:my_profile"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "core.forms.SignupForm"
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# A taken e-mail address gets a clear message on the form (the issue asks for
# it); sign-up is rate limited, which bounds what enumeration can learn.
ACCOUNT_PREVENT_ENUMERATION = False
# ... but the password-reset form never says whether an address has an account.
ACCOUNT_FORMS = {"reset_password": "core.account_forms.PasswordResetForm"}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Wijkplein] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# --- DigiD and eHerkenning (identity/) ------------------------------------------
# allauth's OpenID Connect provider, one app per broker, with identity.oidc.BrokerProvider
# turning the claims into a BSN hash or a KVK number (the BSN itself is never stored).
PASSWORD_LOGIN_ENABLED = env.PASSWORD_LOGIN_ENABLED
BSN_HASH_KEY = env.BSN_HASH_KEY or HASH_SECRET
BRP_ENABLED = env.BRP_ENABLED
BRP_API_URL = env.BRP_API_URL
BRP_API_KEY = env.BRP_API_KEY
IDENTITY_BROKERS = {
    "digid": {
        "name": "DigiD",
        "server_url": env.DIGID_OIDC_SERVER_URL,
        "client_id": env.DIGID_OIDC_CLIENT_ID,
        "secret": env.DIGID_OIDC_CLIENT_SECRET,
        "min_loa": env.DIGID_MIN_LOA,
        "bsn_claim": env.DIGID_BSN_CLAIM,
        "loa_claim": env.DIGID_LOA_CLAIM,
    },
    "eherkenning": {
        "name": "eHerkenning",
        "server_url": env.EHERKENNING_OIDC_SERVER_URL,
        "client_id": env.EHERKENNING_OIDC_CLIENT_ID,
        "secret": env.EHERKENNING_OIDC_CLIENT_SECRET,
        "min_loa": env.EHERKENNING_MIN_LOA,
        "kvk_claim": env.EHERKENNING_KVK_CLAIM,
        "name_claim": env.EHERKENNING_NAME_CLAIM,
        "loa_claim": env.EHERKENNING_LOA_CLAIM,
        "service_claim": env.EHERKENNING_SERVICE_CLAIM,
        "service_id": env.EHERKENNING_SERVICE_ID,
    },
}
# The login button posts to us and we redirect to the broker: CSP's form-action covers
# that redirect, so it must name the brokers' origins.
IDENTITY_BROKER_ORIGINS = sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(broker["server_url"]))
        for broker in IDENTITY_BROKERS.values()
        if broker["server_url"]
    }
)
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "identity.forms.SocialSignupForm"}
# The person is known from DigiD; the e-mail address they give is for notifications and is
# confirmed by a link, without holding up the login.
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "identity.oidc.BrokerProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": broker_id,
                "name": broker["name"],
                "client_id": broker["client_id"],
                "secret": broker["secret"],
                "settings": {
                    "server_url": broker["server_url"],
                    "token_auth_method": "client_secret_post",
                    "scope": ["openid"],
                },
            }
            for broker_id, broker in IDENTITY_BROKERS.items()
            if broker["server_url"]
        ],
    }
}
MFA_TOTP_ISSUER = "Wijkplein"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
# Uploads that must never be served from a guessable public URL.
PRIVATE_MEDIA_ROOT = env.PRIVATE_MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# S3-compatible object storage when a bucket is configured (several replicas share it): public
# uploads without signed URLs (the bucket policy makes only their prefixes readable: see
# docs/operations.md), private files under their own alias, read only through the
# permission-checked views (plumbing/storage.py).
if env.AWS_STORAGE_BUCKET_NAME:
    _S3 = {
        "endpoint_url": env.AWS_S3_ENDPOINT_URL,
        "region_name": env.AWS_S3_REGION_NAME,
        "access_key": env.AWS_ACCESS_KEY_ID,
        "secret_key": env.AWS_SECRET_ACCESS_KEY,
        "file_overwrite": False,
        "default_acl": None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": env.AWS_STORAGE_BUCKET_NAME,
            "querystring_auth": False,
            "custom_domain": env.AWS_S3_CUSTOM_DOMAIN,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": env.AWS_PRIVATE_STORAGE_BUCKET_NAME or env.AWS_STORAGE_BUCKET_NAME,
            "location": "private",
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Wijkplein"
WAGTAILADMIN_BASE_URL = env.SITE_URL
# The admin login goes through allauth, so staff get the same rate limits and
# their two-factor step.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_I18N_ENABLED = False
# Documents are always served through Wagtail's view, which checks the collection's view
# restriction (PDFs of unpublished decision pages are for council staff only); never a
# direct or redirected media URL. /media/documents/ must not be served by the web server.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]

# --- Security defaults (production tightens them) -----------------------------
# No inline scripts or styles on the public site; see core.middleware.SiteCSPMiddleware
# for the Wagtail admin's exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *IDENTITY_BROKER_ORIGINS],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The kubelet's probes and Prometheus speak plain HTTP to the pod (plumbing/health.py answers
# the probes before SecurityMiddleware's redirect could; this keeps it so if the order changes).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- Probes, metrics, logs (plumbing/health.py, metrics.py, logs.py) -------------------------
METRICS_ALLOWED_IPS = env.METRICS_ALLOWED_IPS
METRICS_TOKEN = env.METRICS_TOKEN
LOG_FORMAT = env.LOG_FORMAT or "text"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "plumbing.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "plumbing.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # JSON lines go to stdout for the platform's log collector; text stays on stderr.
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # One line per request (production's JSON logs); runserver prints its own.
        "plumbing.access": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
FORM_RENDERER = "plumbing.forms_renderer.WijkpleinFormRenderer"

# Change reasons are sentences (a decision's grounds, a verification note), not labels:
# a text column instead of simple-history's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Privacy: retention periods in days (see docs/privacy.md, `manage.py privacy_retention`)
WIJKPLEIN_RETENTION_DAYS = {
    # Who voted in a round (Participation rows): kept a while after voting closes, for
    # objections and recounts, then the link to the account is removed.
    "voter_registry": 90,
    # Addresses on used or voided residency codes and on voting codes of closed rounds.
    "letter_codes": 90,
    # Notifications shown under "Meldingen" (the e-mails themselves were sent long ago).
    "notifications": 365,
    # E-mails in the database task queue once sent (or given up): each row holds the
    # address and the whole message, e.g. a ballot receipt code or a password-reset link.
    "sent_emails": 7,
    # Sign-ups whose e-mail address was never confirmed.
    "unverified_accounts": 30,
    # Co-initiator invitations that expired without being accepted (they hold an e-mail).
    "invitations": 30,
}

# --- Open data: the public read-only API under /api/v1/ (opendata/, docs/api.md) -------------
# Anonymous, JSON only, errors as problem details; DRF's browsable API and its session or
# token logins are off: whoever asks sees what an anonymous visitor sees.
OPENDATA_API_VERSION = "1.0.0"
# Requests per address per window (seconds); answers from the page cache are not counted.
OPENDATA_RATE_LIMIT = (120, 60)
# Only what the whole site shares: the API's views set their own renderers, logins (none) and
# permissions, so Wagtail's admin API (also DRF) keeps its defaults; the problem-details
# handler formats only the API's own errors.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opendata.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkplein open data API",
    "DESCRIPTION": (
        "Read-only data of Wijkplein: wijken, public initiatives, subsidy schemes and granted "
        "subsidies, wijkbudget rounds with their results and .pb files, news, decisions, "
        "events and statistics. What an anonymous visitor of the site sees, nothing personal. "
        "Follows the NLGov REST API Design Rules; see docs/api.md."
    ),
    "VERSION": OPENDATA_API_VERSION,
    # 3.1: JSON Schema proper, so "this object or null" is said in a way validators agree on.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Only the API's own paths: Wagtail's admin API is DRF too.
    "PREPROCESSING_HOOKS": ["opendata.schema.only_the_api"],
    "SERVERS": [{"url": "/", "description": "This site"}],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "EUPL-1.2"},
    "CONTACT": {"name": "Wijkplein"},
}
