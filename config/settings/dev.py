"""Local development: debug on, e-mail printed to the console, tasks run at once."""

from .base import *  # noqa: F403

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]
WIJKPLEIN_ENV = "dev"
# Demo staff accounts have two-factor enabled; on the dev server this code is
# accepted for them (allauth refuses the setting unless DEBUG is on).
MFA_TOTP_INSECURE_BYPASS_CODE = "123456"
