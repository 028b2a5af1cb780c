"""A real worker, started with JSON logs and its metrics port: the request id of the web request that enqueued a task
appears in the worker's log line for that task, and the worker's /metrics counts the task."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from portal import services
from portal.observability import request_id_var
from tests.broker import tasks_sent_to_broker
from tests.portal.test_observability import metric
from tests.portal.test_worker import BROKER_URL, ROOT, _test_database_url
from tests.stubs.smtp import SmtpStub

pytestmark = pytest.mark.skipif(
    not BROKER_URL and os.environ.get("CI") != "true",
    reason="needs a broker in CELERY_BROKER_URL (.ci/run sets it; under CI this test always runs)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def json_worker(transactional_db):
    """A worker subprocess (production settings, LOG_FORMAT=json, WORKER_METRICS_PORT) on a queue of its own."""
    assert BROKER_URL, "CI=true but CELERY_BROKER_URL is not set"
    queue = f"test-{uuid.uuid4().hex}"
    port = _free_port()
    with SmtpStub() as smtp, tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "worker-test-secret-key-" + uuid.uuid4().hex,
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "LOG_FORMAT": "json",
            "WORKER_METRICS_PORT": str(port),
        }
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--without-gossip"]
        command += ["--without-mingle", "--without-heartbeat", "-Q", queue, "-l", "info"]
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            with tasks_sent_to_broker(BROKER_URL, queue=queue):
                yield smtp, Path(log.name), port
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def _scrape(port: int, *, until, timeout: float = 30.0) -> str:
    """The worker's metrics, read again until `until(body)` holds (the counter moves after the task's commit)."""
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            body = response.read().decode()
        if until(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def test_the_request_id_reaches_the_workers_log_and_its_metrics_count_the_task(json_worker):
    smtp, log, port = json_worker
    token = request_id_var.set("web-request-0001")
    try:
        with transaction.atomic():
            services.email_enqueue(
                to=["citizen@example.gr"], template="portal/email/test", context={"name": "Νίκος"}, language="el"
            )
    finally:
        request_id_var.reset(token)
    assert smtp.wait_for_message(timeout=60), "the worker did not deliver the e-mail within 60 s"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    started = [line for line in lines if line.get("logger") == "portal.tasks"]
    assert started, f"no task line in the worker's log:\n{log.read_text()[-2000:]}"
    assert started[0]["task"] == "portal.tasks.email_send"
    assert started[0]["request_id"] == "web-request-0001"

    def counted(body: str) -> bool:
        return metric(body, "dimos_celery_tasks_total", state="SUCCESS", task="portal.tasks.email_send") == 1

    body = _scrape(port, until=counted)
    assert counted(body), body
    assert metric(body, "dimos_outbox_backlog") == 0
    assert "dimos_celery_queue_length" in body
