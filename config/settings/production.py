"""Production: refuses to start without its secrets; HTTPS only; tasks via a worker."""

from config import env

from .base import *  # noqa: F403

env.require("SECRET_KEY", env.SECRET_KEY)
env.require("ALLOWED_HOSTS", env.ALLOWED_HOSTS)
env.require("DATABASE_URL", env.DATABASE_URL)
# Behind PgBouncer in transaction mode set DATABASE_TRANSACTION_POOLING=true (base.py then
# turns server-side cursors off) and leave DATABASE_PREPARED_STATEMENTS unset; see
# docs/operations.md, PgBouncer, and tests/platform/test_pgbouncer.py.

DEBUG = False
SECRET_KEY = env.SECRET_KEY
ALLOWED_HOSTS = env.ALLOWED_HOSTS
HASH_SECRET = env.HASH_SECRET or env.SECRET_KEY

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production runs behind a TLS-terminating proxy (as SECURE_PROXY_SSL_HEADER assumes): the
# client address for rate limits (ours and allauth's, core.adapters) comes from
# X-Forwarded-For, believed only from these networks; by default a proxy on this host.
if env.LEGACY_TRUSTED_PROXY_COUNT and not env.TRUSTED_PROXIES:
    raise env.MissingSetting(
        "TRUSTED_PROXY_COUNT is no longer read: set TRUSTED_PROXIES to the proxies' "
        "networks (see .env.example)."
    )
TRUSTED_PROXIES = env.TRUSTED_PROXIES or ["127.0.0.1/32", "::1/128"]
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# gunicorn serves the hashed, compressed static files itself (no separate web server).
MIDDLEWARE = [  # noqa: F405
    MIDDLEWARE[0],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]

# Uploads as in base (local folders, or object storage when a bucket is configured).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background work runs in the `db_worker` process (see docker-compose.yml).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if env.EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.EMAIL_HOST
    EMAIL_PORT = env.EMAIL_PORT
    EMAIL_HOST_USER = env.EMAIL_HOST_USER
    EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
    EMAIL_USE_TLS = env.EMAIL_USE_TLS

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# JSON lines on stdout with the request id, unless LOG_FORMAT=text (plumbing/logs.py).
LOG_FORMAT = env.LOG_FORMAT or "json"
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"].update(  # noqa: F405
        {"formatter": "json", "stream": "ext://sys.stdout"}
    )
    LOGGING["loggers"]["plumbing.access"] = {"level": "INFO"}  # noqa: F405
WIJKPLEIN_ENV = "production"
