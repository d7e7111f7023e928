"""Local development: debug on, e-mail printed to the console, tasks run at once."""

from .base import *  # noqa: F403

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]
WIJKPLEIN_ENV = "dev"
# Demo staff accounts have two-factor enabled; on the dev server this code is
# accepted for them (allauth refuses the setting unless DEBUG is on).
MFA_TOTP_INSECURE_BYPASS_CODE = "123456"
# The demo's three municipalities, each on its own host name (cms/demo.py, README).
ALLOWED_HOSTS = [
    *ALLOWED_HOSTS,  # noqa: F405
    "brunssum.localhost",
    "groningen.localhost",
    "leeuwarden.localhost",
]
