"""Test settings: fast hashing, e-mail kept in memory, tasks run at once."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key"
HASH_SECRET = "test-hash-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", ".localhost"]  # the demo's hosts
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WIJKPLEIN_ENV = "test"
# Tests switch the page cache on where they test it (tests/plumbing/test_pagecache.py).
PAGE_CACHE_SECONDS = 0
