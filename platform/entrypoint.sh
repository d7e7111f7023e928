#!/bin/sh
# Prepare the database and static files, then run the given command (gunicorn or the worker).
set -eu
cd /app
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
    python manage.py migrate --noinput
fi
python manage.py collectstatic --noinput --verbosity 0
exec "$@"
