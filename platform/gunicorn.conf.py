"""gunicorn settings for Wijkplein (read with `gunicorn --config platform/gunicorn.conf.py`)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two workers per core plus one: requests mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Import Django (and weasyprint, whose library lookup is slow) once in the master: workers
# fork ready to serve and share that memory, and recycled workers (max_requests) start at once.
# Safe: nothing opens a database or Redis connection at import time.
preload_app = True
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, after the app is loaded and before the workers fork: load what the
    workers would each load on their first requests (core/warmup.py)."""
    from core.warmup import warm_up

    server.log.info("warmed up: %d templates compiled", warm_up())
