"""The state of what the portal depends on, for /healthz and the container health checks."""

from django.conf import settings
from django.db import DatabaseError, connection
from kombu import Connection

OK = "ok"
DOWN = "down"
IN_PROCESS = "in-process"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return DOWN
    return OK


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return IN_PROCESS
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
            broker.default_channel  # noqa: B018 - opening a channel proves the broker answers
    except Exception:  # kombu raises transport-specific errors (redis, amqp, socket)
        return DOWN
    return OK
