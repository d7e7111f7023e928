"""gunicorn settings for Wijkplein (read with `gunicorn --config platform/gunicorn.conf.py`)."""

import gc
import multiprocessing
import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

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
# Recycle workers now and then (a slow leak stays small); rarely, as a worker's exit and
# start cost about a second of CPU.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
# Production logs JSON lines on stdout (plumbing/logs.py, LOG_FORMAT): Django then writes one
# access line per request, with its request id, and gunicorn's own messages take the same form.
JSON_LOGS = (
    os.environ.get("LOG_FORMAT")
    or ("json" if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith("production") else "text")
) == "json"
if JSON_LOGS:
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "plumbing.logs.JsonFormatter"}},
        # Named as in gunicorn's defaults, which this dictionary is merged into.
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
# Whose X-Forwarded-Proto gunicorn believes: the same proxies as Django's TRUSTED_PROXIES.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
)

# Prometheus metrics from every worker (plumbing/metrics.py): each process writes its values
# to files in this directory and a scrape adds them up. Emptied here, when the master reads
# this file and before it loads the app, so a restarted container (whose emptyDir stays)
# does not add up the values of processes that are gone.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR:
    shutil.rmtree(PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker exited (recycled or killed): its live gauges no longer count."""
    if PROMETHEUS_MULTIPROC_DIR:
        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """In the master, after the app is loaded and before the workers fork: load what the
    workers would each load on their first requests (plumbing/warmup.py)."""
    from plumbing.warmup import warm_up

    server.log.info("warmed up: %d templates compiled", warm_up())
    # Move everything loaded so far out of the collector's reach: a worker's collections
    # then never write to these objects, so their pages stay shared with the master instead
    # of being copied into every worker (what Python's gc documentation advises before a
    # fork). Measured with workers recycled every 200 requests: 35 ms less CPU per recycle.
    gc.freeze()
