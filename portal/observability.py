"""Request ids and one log line per request, carried into the Celery tasks a request enqueues.

The request id lives in a context variable: the middleware sets it for a web request (from a sane incoming
`X-Request-ID`, else a new one) and sends it back in the response header; `before_task_publish` copies it into the
task message's headers and `task_prerun` sets it again in the worker. `RequestIdFilter` puts it on every log record,
so any log line written while serving the request or running its task carries it (JSON: the `request_id` field).

Nothing personal is logged: the user is an HMAC of their id (stable, so one person's requests can be followed, but
not reversible without the secret key), and the path has no query string (a search may hold a name or an address).
"""

import contextvars
import hashlib
import hmac
import logging
import re
import time
import uuid

from celery import signals as celery_signals
from django.conf import settings

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: a proxy's (nginx `$request_id`, 32 hex), a UUID, or any short token of this alphabet.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
TASK_HEADER = "request_id"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
request_logger = logging.getLogger("portal.requests")
task_logger = logging.getLogger("portal.tasks")


def request_id_new() -> str:
    """A fresh request id: 32 hex digits."""
    return uuid.uuid4().hex


def request_id_from(value: str | None) -> str:
    """The incoming `X-Request-ID` when it is sane (8–64 characters of letters, digits, `._:-`), else a new id."""
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return request_id_new()


def user_hash(user_id) -> str:
    """A user's id as 16 hex digits of HMAC-SHA256 under the secret key: the same person, the same hash."""
    if user_id is None:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (empty outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class RequestLogMiddleware:
    """Sets the request id, returns it in `X-Request-ID` and, when `LOG_REQUESTS` is on, logs one line per request.

    The line (logger `portal.requests`, INFO) has: request_id, user (hash, empty when anonymous), method, path (no
    query string), status, duration_ms (float, from this middleware's call to its return). Put it first in
    MIDDLEWARE so that the duration covers the other middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if settings.LOG_REQUESTS:
                self.log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log(request, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        # `user` is lazy: reading it after the view costs nothing more (the view or the auth middleware loaded it).
        user_id = user.pk if user is not None and user.is_authenticated else None
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        request_logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra={
                "user": user_hash(user_id),
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )


# --- Celery: the request id travels in the task message's headers.


@celery_signals.before_task_publish.connect(weak=False)
def _task_headers_add_request_id(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


@celery_signals.task_prerun.connect(weak=False)
def _task_request_id_set(task_id=None, task=None, **kwargs) -> None:
    # Under the broker the header is an attribute of the task's request; run eagerly, the web request's own id is
    # still current (same thread), so it is kept.
    request_id = getattr(task.request, TASK_HEADER, None) or request_id_var.get() or request_id_new()
    _task_tokens[task_id] = request_id_var.set(request_id)
    task_logger.info("task %s started", task.name, extra={"task": task.name, "task_id": task_id})


@celery_signals.task_postrun.connect(weak=False)
def _task_request_id_reset(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
