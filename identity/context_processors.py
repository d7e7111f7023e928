"""What every template needs to know about logging in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def login_options(request: HttpRequest) -> dict:
    """Whether the e-mail and password login is offered (PASSWORD_LOGIN_ENABLED)."""
    return {"PASSWORD_LOGIN_ENABLED": settings.PASSWORD_LOGIN_ENABLED}
