"""Two gunicorn processes, one truth: the database, Redis (CACHE_URL) and the private bucket are all they share.

Each gunicorn runs production settings (tests/integration/web_settings.py) with its own local MEDIA_ROOT, behind an
imagined TLS proxy (X-Forwarded-Proto/-For, as in docker-compose.yml). The test's citizen talks to them over HTTP:
a session made on one is valid on the other, a photo filed through one is served by the other, and failed logins
count across both. The database is pytest-django's test database with committed data (transaction=True).
"""

import os
import random
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.personas import PASSWORD, make_citizen
from tests.requests_tracker.fixtures import image_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs Redis (CELERY_BROKER_URL, as in CI)"),
]
ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "portal.example.gr"
TOO_MANY_FAILURES = "Πολλές αποτυχημένες προσπάθειες σύνδεσης"  # allauth's «Too many failed login attempts»
TIMEOUT = 60  # seconds for one HTTP answer; the first waits for the worker to boot


class Web:
    """One gunicorn (one sync worker) on a socket bound here first: requests queue in it until the worker is up."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.log = (log_dir / f"{name}.log").open("wb")
        fd = self.listener.fileno()
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", f"--bind=fd://{fd}"]
        command += ["--workers=1", "--worker-class=sync", "--timeout=60", "--no-control-socket"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, pass_fds=[fd], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.listener.close()
        self.log.close()


class Browser:
    """A citizen's browser, behind the proxy from one address, talking to whichever web process it is told."""

    def __init__(self) -> None:
        self.session = requests.Session()
        # A fresh client address per run, so that no earlier run's per-address limits count here.
        self.address = ".".join(["10", *(str(random.randrange(1, 255)) for _ in range(3))])

    def _headers(self, web: Web) -> dict[str, str]:
        return {
            # What the proxy passes on: the site's public name (allauth keys failed logins by it), the scheme the
            # visitor used and the visitor's address.
            "Host": PUBLIC_HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": f"https://{PUBLIC_HOST}",
            # The portal sets Secure cookies (it believes the proxy's X-Forwarded-Proto: https); this client speaks
            # plain HTTP to the gunicorns, as the proxy would, so it sends them itself.
            "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies),
        }

    def get(self, web: Web, path: str) -> requests.Response:
        return self.session.get(web.url + path, headers=self._headers(web), timeout=TIMEOUT, allow_redirects=False)

    def post(self, web: Web, path: str, data: dict, files=None) -> requests.Response:
        """A form's POST with the CSRF token read from the same page on the same process, as a browser would."""
        page = self.get(web, path)
        assert page.status_code == 200, (web.name, path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.session.post(
            web.url + path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers=self._headers(web),
            timeout=TIMEOUT,
            allow_redirects=False,
        )

    def log_in(self, web: Web, username: str, password: str) -> requests.Response:
        return self.post(web, "/accounts/login/", {"login": username, "password": password})


@pytest.fixture
def two_webs(transactional_db, s3_bucket, tmp_path):
    database = settings.DATABASES["default"]
    database_url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    broker = os.environ["CELERY_BROKER_URL"]
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CACHE_URL", "MEDIA_STORAGE", "S3_", "GUNICORN_"))
    }
    base.update(
        DJANGO_SETTINGS_MODULE="tests.integration.web_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,  # one key for both, as every replica of a site shares it
        DJANGO_ALLOWED_HOSTS=PUBLIC_HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker,
        CACHE_URL=broker,  # the same Redis database number as this run's broker (each engineer has their own)
        PYTHONUNBUFFERED="1",
        **s3_bucket.environment(),
    )
    webs = []
    for name in ("web1", "web2"):
        media = tmp_path / name / "media"
        media.mkdir(parents=True)
        webs.append(Web(name, {**base, "DJANGO_MEDIA_ROOT": str(media)}, tmp_path))
    yield webs
    for web in webs:
        web.stop()


@pytest.fixture
def pbkdf2_citizen(thessaloniki):
    """A citizen whose password the production hasher can check (the test run hashes with MD5 for speed)."""
    citizen = make_citizen(f"c{uuid.uuid4().hex[:10]}", thessaloniki)
    hasher = PBKDF2PasswordHasher()
    citizen.password = hasher.encode(PASSWORD, hasher.salt())
    citizen.save(update_fields=["password"])
    return citizen


def _files_under(path: Path) -> list[Path]:
    return [found for found in path.rglob("*") if found.is_file()]


def test_a_session_and_a_photo_made_on_one_web_process_are_valid_on_the_other(
    two_webs, pbkdf2_citizen, categories, s3_bucket, tmp_path
):
    web1, web2 = two_webs
    browser = Browser()
    logged_in = browser.log_in(web1, pbkdf2_citizen.username, PASSWORD)
    assert logged_in.status_code == 302, logged_in.text[:2000]

    profile = browser.get(web2, "/accounts/profile/")
    assert profile.status_code == 200
    assert pbkdf2_citizen.full_name in profile.text

    photo = image_bytes("JPEG", size=(64, 48))
    filed = browser.post(
        web2,
        "/requests/thessaloniki/new/",
        {
            "title": "Σπασμένη λάμπα",
            "category": str(categories["potholes"].pk),
            "description": "Δεν ανάβει εδώ και μία εβδομάδα.",
            "latitude": "40.632500",
            "longitude": "22.945000",
            "address": "",
        },
        files=[("files", ("lampa.jpg", photo, "image/jpeg"))],
    )
    assert filed.status_code == 302, filed.text[:2000]

    page = browser.get(web1, filed.headers["Location"])
    assert page.status_code == 200
    photo_path = re.search(r'<a href="(/requests/files/[0-9a-f-]+/)"><img', page.text).group(1)
    served = browser.get(web1, photo_path)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    [key] = [key for key in s3_bucket.object_keys() if key.startswith("private/requests/files/")]
    assert served.content == s3_bucket.read(key)
    assert _files_under(tmp_path / "web1") == [] and _files_under(tmp_path / "web2") == []


def test_failed_logins_count_across_both_web_processes(two_webs, pbkdf2_citizen):
    web1, web2 = two_webs
    browser = Browser()
    # ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per account in 5 minutes: three here, two there.
    for web in (web1, web2, web1, web2, web1):
        failed = browser.log_in(web, pbkdf2_citizen.username, "not the password")
        assert failed.status_code == 200 and TOO_MANY_FAILURES not in failed.text
    # With a cache per process, web2 would have counted two and let the right password in.
    refused = browser.log_in(web2, pbkdf2_citizen.username, PASSWORD)
    assert refused.status_code == 200
    assert TOO_MANY_FAILURES in refused.text
