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
    try:
        yield
    finally:
        _reset_connections()
        app.conf.update(saved, broker_transport_options=saved_transport)
