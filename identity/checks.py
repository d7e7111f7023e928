"""System checks: a configured broker must be usable before the first resident tries it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from identity import loa


@register()
def check_brokers(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Each broker with a server URL has a client id and a known required level."""
    errors = []
    for method, broker in settings.IDENTITY_BROKERS.items():
        if not broker.get("server_url"):
            continue
        if not broker.get("client_id"):
            errors.append(Error(f"{method}: a server URL without a client id.", id="identity.E001"))
        if loa.rank(method=method, level=broker.get("min_loa")) is None:
            known = ", ".join(short for short, _full in loa.LEVELS[method])
            errors.append(
                Error(
                    f"{method}: unknown required level of assurance {broker.get('min_loa')!r}.",
                    hint=f"One of: {known} (or the broker's full value).",
                    id="identity.E002",
                )
            )
    return errors
