"""Prometheus metrics on `/metrics`, for the monitoring only: requests, latency, database,
cache, and Wijkplein's own counters.

prometheus-client directly rather than django-prometheus: django-prometheus measures the
database and cache by replacing the database ENGINE and the cache BACKEND with its own
wrappers, which would sit between us and our own cache backend (plumbing.cache.RedisCache,
which answers from memory while Redis is down) and the ENGINE checks in the settings. Here
one middleware times each request and wraps its queries with Django's documented
`connection.execute_wrapper`, and the page cache's own `X-Page-Cache` answer is counted.

Who may read it (`MetricsMiddleware`, before the host check and the HTTPS redirect, since a
scraper speaks plain HTTP to the pod's address): a request with `Authorization: Bearer
<METRICS_TOKEN>` when that is set, or one straight from an address in METRICS_ALLOWED_IPS
(default: loopback). A request that came through a proxy (it has X-Forwarded-For or
Forwarded) never gets in by address: the Ingress controller's address is in the pod network
too. Everyone else gets a plain 404.

gunicorn runs several worker processes: with PROMETHEUS_MULTIPROC_DIR set (platform/
gunicorn.conf.py empties it when the master starts and marks dead workers), every process
writes its values there and a scrape, answered by any worker, adds them all up. Without it
(runserver, tests) the values live in the process.

Our counters are counted where the event is committed, by signal receivers here, not by the
domain services: a ballot cast (a voter's Participation saved, new or with a new
`changed_at`), a subsidy application submitted (its status becoming `submitted`), an e-mail
queued (django-tasks' `task_enqueued` for the mail tasks), each through
`transaction.on_commit`, so a rolled-back ballot or submission is never counted; an e-mail
whose sending failed (`task_finished`, counted in the process that ran it). With the
database task queue the sending happens in the worker's pod, which is not scraped: the queue
depth and the failed e-mails waiting in it are read from the database at each scrape instead.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.db.models import Count, Min
from django.db.models.signals import post_init, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.signals import task_enqueued, task_finished
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from plumbing import pagecache
from plumbing.mail import send_private_email
from plumbing.tasks import send_email

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# The same test as prometheus-client's own (values.py): set at all means multiprocess mode.
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR" in os.environ

REQUESTS = Counter(
    "wijkplein_http_requests_total",
    "HTTP requests answered, by method, status class and URL name.",
    ["method", "status", "view"],
)
LATENCY = Histogram(
    "wijkplein_http_request_duration_seconds",
    "Time from the first middleware to the response, by method and URL name.",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_QUERIES = Counter(
    "wijkplein_db_queries_total", "Database queries made while answering requests.", ["alias"]
)
DB_ERRORS = Counter(
    "wijkplein_db_query_errors_total", "Database queries that raised an error.", ["alias"]
)
DB_DURATION = Histogram(
    "wijkplein_db_query_duration_seconds",
    "Duration of each database query made while answering a request.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
PAGE_CACHE = Counter(
    "wijkplein_page_cache_total",
    "Anonymous pages looked up in the page cache, by result (hit, stale, miss).",
    ["result"],
)
BALLOTS_CAST = Counter(
    "wijkplein_ballots_cast_total",
    "Wijkbudget ballots cast and committed, by channel (web, code, paper) and kind (new, changed).",
    ["via", "kind"],
)
APPLICATIONS_SUBMITTED = Counter(
    "wijkplein_subsidy_applications_submitted_total",
    "Subsidy applications submitted (again, after a request for information, too).",
)
EMAILS_QUEUED = Counter("wijkplein_emails_queued_total", "E-mails queued for sending.")
EMAILS_FAILED = Counter(
    "wijkplein_emails_failed_total", "E-mails whose sending failed, in the process that sent them."
)

_MAIL_TASKS = frozenset({send_email.module_path, send_private_email.module_path})


# --- Access ---------------------------------------------------------------------------


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_IPS]


def may_read_metrics(request: HttpRequest) -> bool:
    """True for the bearer token, or a direct request from an allowed address."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks())


# --- What is read at scrape time --------------------------------------------------------


class QueueCollector(Collector):
    """The database task queue (depth, oldest waiting task, failed e-mails) and Redis."""

    def describe(self) -> list:
        """Nothing: otherwise registering would call `collect`, a query at import time (in
        gunicorn's master, whose connection the workers would then share)."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        redis_up = GaugeMetricFamily(
            "wijkplein_cache_up", "1 while the shared cache (Redis) answers; 1 without Redis."
        )
        down = getattr(cache, "is_down", None)
        redis_up.add_metric([], 0 if callable(down) and down() else 1)
        yield redis_up
        if not isinstance(task_backends["default"], DatabaseBackend):
            return
        depth = GaugeMetricFamily(
            "wijkplein_task_queue_depth", "Tasks waiting in the database queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "wijkplein_task_queue_oldest_seconds",
            "Age of the oldest task waiting in the database queue.",
            labels=["queue"],
        )
        failed = GaugeMetricFamily(
            "wijkplein_emails_failed_waiting",
            "Failed e-mails kept in the task queue (retried by notifications_retry).",
        )
        try:
            now = timezone.now()
            waiting = (
                DBTaskResult.objects.filter(status=TaskResultStatus.READY)
                .values("queue_name")
                .annotate(n=Count("id"), first=Min("enqueued_at"))
            )
            for row in waiting:
                depth.add_metric([row["queue_name"]], row["n"])
                oldest.add_metric([row["queue_name"]], (now - row["first"]).total_seconds())
            failed.add_metric(
                [],
                DBTaskResult.objects.filter(
                    status=TaskResultStatus.FAILED, task_path__in=_MAIL_TASKS
                ).count(),
            )
        except DatabaseError:
            logger.warning("metrics: the task queue could not be read", exc_info=True)
            return
        yield depth
        yield oldest
        yield failed


if not MULTIPROCESS:
    REGISTRY.register(QueueCollector())


def render() -> bytes:
    """The exposition text: every worker's values in multiprocess mode, else this process's."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(QueueCollector())
        return generate_latest(registry)
    return generate_latest(REGISTRY)


# --- Requests, database, page cache -------------------------------------------------------


def _query_timer(alias: str) -> Callable[..., Any]:
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            DB_ERRORS.labels(alias).inc()
            raise
        finally:
            DB_QUERIES.labels(alias).inc()
            DB_DURATION.labels(alias).observe(time.perf_counter() - started)

    return wrapper


class MetricsMiddleware:
    """Serve `/metrics` to those allowed; time every other request and its queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == METRICS_PATH:
            if not may_read_metrics(request):
                # Not the site's 404 page: the session and user middleware have not run.
                return HttpResponseNotFound("Not Found\n", content_type="text/plain; charset=utf-8")
            response = HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
            response["Cache-Control"] = "no-store"
            return response
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_query_timer(alias)))
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unresolved"
        REQUESTS.labels(request.method, f"{response.status_code // 100}xx", view).inc()
        LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        result = response.get(pagecache.HEADER)
        if result:
            PAGE_CACHE.labels(result).inc()
        return response


# --- Our own counters ----------------------------------------------------------------------


def _remember(sender, instance, **kwargs) -> None:
    """Keep the loaded values the receivers below compare with."""
    instance._metrics_loaded = (
        instance.__dict__.get("changed_at"),
        instance.__dict__.get("status"),
    )


def _ballot_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    """A voter's ballot cast: their participation is new, or its `changed_at` moved."""
    if raw:
        return
    changed_at, _status = getattr(instance, "_metrics_loaded", (None, None))
    if created or instance.__dict__.get("changed_at") != changed_at:
        kind = "new" if created else "changed"
        counter = BALLOTS_CAST.labels(instance.via, kind)
        transaction.on_commit(counter.inc, using=using)
    _remember(sender, instance)


def _application_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    """An application submitted: its status became `submitted`."""
    if raw:
        return
    _changed_at, status = getattr(instance, "_metrics_loaded", (None, None))
    if instance.__dict__.get("status") == "submitted" and status != "submitted":
        transaction.on_commit(APPLICATIONS_SUBMITTED.inc, using=using)
    _remember(sender, instance)


def _email_enqueued(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path in _MAIL_TASKS:
        transaction.on_commit(EMAILS_QUEUED.inc)


def _email_finished(sender, task_result, **kwargs) -> None:
    if (
        task_result.task.module_path in _MAIL_TASKS
        and task_result.status == TaskResultStatus.FAILED
    ):
        EMAILS_FAILED.inc()


# Connected when this module is first imported (by MIDDLEWARE, so in every web process);
# the models are named by label, so plumbing imports no domain app.
for _label, _receiver in (
    ("budget.Participation", _ballot_saved),
    ("subsidies.Application", _application_saved),
):
    post_init.connect(_remember, sender=_label, dispatch_uid=f"metrics-init-{_label}")
    post_save.connect(_receiver, sender=_label, dispatch_uid=f"metrics-save-{_label}")
task_enqueued.connect(_email_enqueued, dispatch_uid="metrics-email-enqueued")
task_finished.connect(_email_finished, dispatch_uid="metrics-email-finished")
