import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "x9!Qm2#Lr7$Vt4&Zp8*Kc1^Wn6@Hb3%Jd5(Fs0)Gy-Ue_Ao+Ri=Te"


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "CELERY_", "SITE_URL", "CACHE_URL", "MEDIA_STORAGE", "S3_"))
    }
    base.update(DJANGO_SETTINGS_MODULE="portal.settings", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"), ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without_secret_or_hosts(missing, message):
    env = {"DJANGO_SECRET_KEY": STRONG_SECRET, "DJANGO_ALLOWED_HOSTS": "portal.example.gr"}
    del env[missing]
    result = _run(["-c", "import django; django.setup()"], **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    # Never the embedded PostgreSQL in production: that would be a database nobody backs up.
    result = _run(
        ["-c", "import django; django.setup()"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
        DATABASE_URL="",
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _run(
        ["-c", "from django.conf import settings; print(settings.DEBUG)"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
    )
    assert result.stdout.strip() == "False", result.stderr


def test_deploy_check_passes_with_production_settings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
        DJANGO_DEBUG="0",
        CACHE_URL="redis://redis:6379/1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_that_without_cache_url_rate_limits_count_per_process():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
        DJANGO_DEBUG="0",
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stderr and "CACHE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be 'local' or 's3'"),
    ],
)
def test_object_storage_settings_that_cannot_work_stop_the_start(environment, message):
    result = _run(
        ["-c", "import django; django.setup()"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
        **environment,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_security_headers(client, db):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert int(response["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_production_cookies_are_secure_httponly_and_samesite():
    result = _run(
        [
            "-c",
            "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
            " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE)",
        ],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.gr",
    )
    assert result.stdout.split() == ["True", "True", "Lax", "True", "True", "Lax"], result.stderr


def test_database_must_be_postgresql():
    result = _run(
        ["-c", "import django; django.setup()"],
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="x",
        DATABASE_URL="sqlite:///db.sqlite3",
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
