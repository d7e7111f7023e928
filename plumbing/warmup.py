"""Load in gunicorn's master what every worker would otherwise load on its first requests.

With `preload_app` the workers fork from a master that has imported Django and the
project; but URL modules and views, the cache backend, the translation catalogues and
the compiled templates are loaded lazily, on a worker's first requests - again in every
worker, and again each time a worker is recycled (`max_requests`). Loading them once in
the master, before the workers fork, makes them shared, copy-on-write memory.

Nothing here opens a database or cache connection: a connection made before the fork
would be shared by every worker.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def warm_up() -> int:
    """Import, translate and compile ahead; returns how many templates were compiled."""
    get_resolver().reverse_dict  # noqa: B018 - imports every URL module and its views
    for alias in settings.CACHES:
        caches[alias]  # noqa: B018 - imports the backend (no connection yet)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")  # loads the catalogues of this language
    return _compile_templates()


def _compile_templates() -> int:
    """Our own templates, through the engine's cached loader (the one requests use)."""
    compiled = 0
    root = Path(settings.BASE_DIR) / "templates"
    for engine in engines.all():
        for path in sorted(root.rglob("*.html")) + sorted(root.rglob("*.txt")):
            name = path.relative_to(root).as_posix()
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                log.exception("template %s does not compile", name)
            else:
                compiled += 1
    return compiled
