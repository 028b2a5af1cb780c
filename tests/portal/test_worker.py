"""A real Celery worker, on the broker in CELERY_BROKER_URL, delivers an e-mail to a local SMTP server."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from portal import services
from portal.models import OutboundEmail
from tests.broker import tasks_sent_to_broker
from tests.stubs.smtp import SmtpStub

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = pytest.mark.skipif(
    not BROKER_URL and os.environ.get("CI") != "true",
    reason="needs a broker in CELERY_BROKER_URL (.ci/run sets it; under CI this test always runs)",
)


def _test_database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'])}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker_queue(transactional_db):
    """A worker subprocess with production settings, on a queue of its own, pointed at the test database."""
    assert BROKER_URL, "CI=true but CELERY_BROKER_URL is not set"
    queue = f"test-{uuid.uuid4().hex}"
    with SmtpStub() as smtp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "worker-test-secret-key-" + uuid.uuid4().hex,
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            with tasks_sent_to_broker(BROKER_URL, queue=queue):
                yield smtp
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_a_real_worker_delivers_the_email(worker_queue):
    smtp = worker_queue
    with transaction.atomic():
        email = services.email_enqueue(
            to=["citizen@example.gr"], template="portal/email/test", context={"name": "Νίκος"}, language="el"
        )
    assert smtp.wait_for_message(timeout=60), "the worker did not deliver the e-mail within 60 s"
    (message,) = smtp.messages
    assert message["To"] == "citizen@example.gr"
    assert message["Subject"].strip() == "Δοκιμαστικό μήνυμα από την Πύλη του Δήμου"
    assert "Γεια σας, Νίκο," in message.get_body(preferencelist=("plain",)).get_content()  # beside its HTML alternative
    # The worker holds the row lock from sending until its commit, so this read waits for that commit.
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
