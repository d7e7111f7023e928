"""WSGI entry of the demo identity provider (the browser tests serve it with gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devtools.idp.settings")
application = get_wsgi_application()
