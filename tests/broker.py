import os
from contextlib import contextmanager

import kombu.pools

from portal.celery import app


def _reset_connections() -> None:
    # Close every pooled broker connection, then drop the pools so Celery builds fresh ones for the new URL.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def tasks_sent_to_broker(url: str, queue: str = "celery", **transport_options):
    """Within the block, tasks go to the broker at `url` instead of running in-process."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    saved_transport = app.conf.broker_transport_options
    _reset_connections()
    app.conf.update(
        task_always_eager=False,
        broker_url=url,
        task_default_queue=queue,
        broker_transport_options={**saved_transport, **transport_options},
    )
    # Celery prefers the CELERY_BROKER_URL environment variable to broker_url: point it at `url` too, or a run
    # with a broker configured (CELERY_BROKER_URL=redis://… make test) would publish to that broker instead.
    saved_environment = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    try:
        yield
    finally:
        if saved_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environment
        _reset_connections()
        app.conf.update(saved, broker_transport_options=saved_transport)
