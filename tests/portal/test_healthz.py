import os
from urllib.parse import urlsplit

import pytest

from tests.stubs.tcp_counter import CountingProxy


def test_healthy_without_a_broker_runs_tasks_in_process(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_a_broker_that_is_down_makes_it_unhealthy(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "down"}


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (set by .ci/run)")
def test_a_reachable_broker_is_ok(client, db, settings):
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    assert client.get("/healthz").json()["broker"] == "ok"


def test_a_database_that_is_down_makes_it_unhealthy(client, database_down, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "broker": "in-process"}


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (set by .ci/run)")
def test_many_checks_open_one_broker_connection(client, db, settings):
    # A TCP stand-in in front of the real broker counts the connections /healthz opens through it.
    broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    with CountingProxy(broker.hostname, broker.port or 6379) as proxy:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{proxy.port}{broker.path}"
        answers = [client.get("/healthz").json()["broker"] for _ in range(20)]
        assert answers == ["ok"] * 20
        assert proxy.accepted == 1


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (set by .ci/run)")
def test_a_kept_connection_cut_by_a_broker_restart_is_replaced_at_the_next_check(client, db, settings):
    broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    with CountingProxy(broker.hostname, broker.port or 6379) as proxy:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{proxy.port}{broker.path}"
        assert client.get("/healthz").json()["broker"] == "ok"
        proxy.close_connections()
        assert [client.get("/healthz").json()["broker"] for _ in range(5)] == ["ok"] * 5
        assert proxy.accepted == 2
