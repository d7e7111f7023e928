"""Browser journeys (tests/browser): a real server on 127.0.0.1, close to production.

Debug off, static files through WhiteNoise (from the finders, so no collectstatic), e-mail
written to files the tests read, and test-only secrets. The database, media folders and
mail folder come from the environment (a temporary folder per test session). Staff log in
with a real TOTP code, computed from their secret: there is no bypass code here.
"""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "e2e-secret-key-not-for-production"
HASH_SECRET = "e2e-hash-secret"
ALLOWED_HOSTS = ["127.0.0.1"]
WIJKPLEIN_ENV = "test"
# Off: the tests write to the live site's database from their own process as well.
PAGE_CACHE_SECONDS = 0
# Demo accounts and every sign-up hash a password; the slow default hasher would
# dominate the journeys' run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.EMAIL_FILE_PATH

MIDDLEWARE = [  # noqa: F405
    MIDDLEWARE[0],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
