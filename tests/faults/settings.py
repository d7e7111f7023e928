"""Settings of the processes the fault tests start (gunicorn, db_worker): the test settings
with production's moving parts - the database task queue, e-mail written to files (so the
test can read what another process sent), connections kept and health-checked (base.py, as
DATABASE_URL is set)."""

from config import env
from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.EMAIL_FILE_PATH
