"""The state of what the portal depends on, for /healthz and the container health checks."""

import contextlib
import os
import threading

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


# One broker connection per process and broker URL, opened by the first check and reused by every later one: opening
# a connection per call (TCP connect, Redis handshake, a channel) held /healthz to ~0.4 of the floor's throughput.
_broker_connections: dict[tuple[int, str], Connection] = {}
_broker_lock = threading.Lock()


def broker_state() -> str:
    """OK when the broker answers a round trip on this process's kept connection; DOWN after at most ~2 s otherwise.

    A failed check closes the kept connection, so the next one starts afresh (a broker that came back is found).
    """
    url = settings.CELERY_BROKER_URL
    if not url:
        return IN_PROCESS
    key = (os.getpid(), url)  # a forked worker never shares its parent's socket
    with _broker_lock:
        broker = _broker_connections.get(key)
        if broker is None:
            broker = _broker_connections[key] = Connection(
                url, connect_timeout=2, transport_options={"socket_connect_timeout": 2, "socket_timeout": 2}
            )
        try:
            broker.ensure_connection(max_retries=1, timeout=2)  # returns at once when already connected
            _round_trip(broker)
        except Exception:  # kombu raises transport-specific errors (redis, amqp, socket)
            _broker_connections.pop(key, None)
            with contextlib.suppress(Exception):
                broker.release()
            return DOWN
    return OK


def _round_trip(broker: Connection) -> None:
    """Prove the broker still answers: a PING on Redis' kept socket; for other transports, a (kept) channel."""
    channel = broker.default_channel
    client = getattr(channel, "client", None)
    if client is not None and hasattr(client, "ping"):
        client.ping()
