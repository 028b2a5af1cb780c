"""Prometheus metrics for the web processes and the Celery worker.

Web: django-prometheus' middleware counts requests by view, method and status and times them
(`django_http_requests_total_by_view_transport_method`, `django_http_responses_total_by_status_view_method`,
`django_http_requests_latency_seconds_by_view_method`). Worker: `dimos_celery_tasks_total{task,state}`.
Both also serve gauges read at scrape time: the outbox backlog (`dimos_outbox_backlog`, e-mails not yet sent),
the Celery queue lengths on Redis (`dimos_celery_queue_length{queue}`) and what the feature apps register
(portal.registry.register_metric: bookings and requests by status).

Under gunicorn each worker process counts on its own: set PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied
at each start) in the environment of gunicorn and of the Celery worker to add them up, as prometheus_client's
multiprocess mode does.

The web endpoint `/metrics` answers only a bearer token equal to METRICS_TOKEN, and is a 404 when that is unset.
The worker serves its own on WORKER_METRICS_PORT (bound to WORKER_METRICS_ADDRESS, 127.0.0.1 by default).
"""

import hmac
import logging
import os
from functools import cache

import prometheus_client
from celery import signals as celery_signals
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from portal import registry
from portal.models import OutboundEmail

logger = logging.getLogger(__name__)

CELERY_TASKS = prometheus_client.Counter(
    "dimos_celery_tasks", "Celery tasks run by this worker, by task name and final state.", ["task", "state"]
)
# kombu's Redis transport keeps a queue's messages of priority p > 0 under «<queue>\x06\x16<p>».
REDIS_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


class DatabaseCollector:
    """Gauges read from the database and the broker at each scrape; a source that fails is left out and logged."""

    def collect(self):
        try:
            backlog = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count()
        except DatabaseError:
            logger.exception("metrics: the outbox backlog could not be read")
        else:
            yield GaugeMetricFamily("dimos_outbox_backlog", "E-mails written but not yet sent (queued).", backlog)
        lengths = queue_lengths()
        if lengths is not None:
            family = GaugeMetricFamily(
                "dimos_celery_queue_length", "Messages waiting in a Celery queue on Redis.", labels=["queue"]
            )
            for queue, length in lengths.items():
                family.add_metric([queue], length)
            yield family
        for source in registry.metric_sources():
            try:
                values = source.values()
            except DatabaseError:
                logger.exception("metrics: %s could not be read", source.name)
                continue
            family = GaugeMetricFamily(f"dimos_{source.name}", source.documentation, labels=list(source.label_names))
            for labels, value in values:
                family.add_metric([labels[name] for name in source.label_names], value)
            yield family


@cache
def _redis(url: str):
    import redis

    # One pooled client per process: a scrape must not open a new connection each time.
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def queue_lengths() -> dict[str, int] | None:
    """{queue: messages waiting} for METRICS_CELERY_QUEUES, all priorities added; None without a Redis broker or
    when it does not answer."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    queues = settings.METRICS_CELERY_QUEUES
    try:
        pipe = _redis(url).pipeline(transaction=False)
        for queue in queues:
            for suffix in REDIS_PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        counts = pipe.execute()
    except Exception:  # redis-py raises its own errors for a broker that is down
        logger.warning("metrics: the broker did not answer LLEN", exc_info=True)
        return None
    step = len(REDIS_PRIORITY_SUFFIXES)
    return {queue: sum(counts[i * step : (i + 1) * step]) for i, queue in enumerate(queues)}


class _ProcessMetrics:
    """This process's own metrics (the default registry), for a registry that adds the database gauges."""

    def collect(self):
        yield from prometheus_client.REGISTRY.collect()


def metrics_registry() -> prometheus_client.CollectorRegistry:
    """A registry of this process's metrics (or all processes' in multiprocess mode) plus the database gauges."""
    combined = prometheus_client.CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(combined)
    else:
        combined.register(_ProcessMetrics())
    combined.register(DatabaseCollector())
    return combined


def token_valid(request: HttpRequest) -> bool:
    """True when the request carries `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time)."""
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), expected)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format; 404 when METRICS_TOKEN is unset, 401 without the right bearer token."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not token_valid(request):
        response = HttpResponse(b"A bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = prometheus_client.generate_latest(metrics_registry())
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


# --- The worker's side.


@celery_signals.task_postrun.connect(weak=False)
def _task_count(task=None, state=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=getattr(task, "name", "?"), state=state or "UNKNOWN").inc()


@celery_signals.worker_ready.connect(weak=False)
def _worker_metrics_serve(**kwargs) -> None:
    port = settings.WORKER_METRICS_PORT
    if port:
        prometheus_client.start_http_server(port, addr=settings.WORKER_METRICS_ADDRESS, registry=metrics_registry())
        logger.info("metrics: the worker serves Prometheus metrics on %s:%s", settings.WORKER_METRICS_ADDRESS, port)


def counts_by(queryset, field: str) -> list[tuple[dict[str, str], float]]:
    """[({field: value}, rows)] for a MetricSource: one GROUP BY query, e.g. bookings by status."""
    rows = queryset.order_by().values_list(field).annotate(rows=Count("pk"))
    return [({field: str(value)}, count) for value, count in rows]
