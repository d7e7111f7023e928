#!/bin/sh
# Prepare the database and static files, then run the given command (gunicorn or the worker).
# On Kubernetes (platform/kubernetes/) a Job migrates and the image already holds the static
# files, with a read-only root filesystem: SKIP_MIGRATE=1 and SKIP_COLLECTSTATIC=1.
set -eu
cd /app
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
    python manage.py migrate --noinput
fi
if [ "${SKIP_COLLECTSTATIC:-0}" != "1" ]; then
    python manage.py collectstatic --noinput --verbosity 0
fi
exec "$@"
