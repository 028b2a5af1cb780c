"""Small things a newcomer meets first: the favicon, and a quiet start without a broker or a database."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_portals_icon_and_every_page_names_it():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/portal/favicon") and response["Location"].endswith(".svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("portal/favicon.svg")
    page = Client().get("/").content.decode()
    assert '<link rel="icon" href="/static/portal/favicon' in page


def _python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "DJANGO_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_portal_package_loads_no_settings_and_no_embedded_database():
    # `python -m portal.embedded_db stop` imports the package first: it must not reach settings (which import
    # portal.embedded_db and may start the database), or runpy warns and the stop starts what it should stop.
    result = _python(
        "import sys, portal\n"
        "assert 'portal.embedded_db' not in sys.modules, 'embedded_db imported'\n"
        "assert 'portal.settings' not in sys.modules, 'settings imported'\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_tasks_in_process_open_no_broker_connection_and_health_still_says_in_process():
    result = _python(
        "import django, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'\n"
        "django.setup()\n"
        "from portal.celery import app\n"
        "from portal import health, metrics\n"
        "@app.task(name='tests.ping')\n"
        "def ping():\n"
        "    return 'pong'\n"
        "assert app.conf.task_always_eager\n"
        "assert ping.apply_async().get() == 'pong'\n"
        "assert health.broker_state() == health.IN_PROCESS, health.broker_state()\n"
        "assert metrics.queue_lengths() is None\n"
        "from django.conf import settings\n"
        "assert settings.CELERY_BROKER_URL == ''\n",
        DJANGO_DEBUG="1",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unused"),
    )
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr


def test_stopping_a_stopped_embedded_database_leaves_it_stopped(tmp_path, monkeypatch, capsys):
    from portal import embedded_db

    monkeypatch.setattr(embedded_db, "DATA_DIR", tmp_path / "postgres")  # no postmaster.pid: nothing runs there
    embedded_db.stop()
    assert "not running" in capsys.readouterr().out
    assert not (tmp_path / "postgres").exists()  # not initialised, let alone started, just to be stopped
