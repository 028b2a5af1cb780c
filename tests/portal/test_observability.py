"""JSON request logs with a request id that reaches Celery tasks, and the Prometheus endpoint behind its token."""

import io
import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from pythonjsonlogger.json import JsonFormatter

from appointments.models import Appointment
from portal import observability
from portal.observability import RequestIdFilter, request_id_var, user_hash
from portal.tasks import email_resend_pending
from tests.appointments.conftest import athens, make_clerk, make_service, next_weekday
from tests.appointments.test_booking import _book
from tests.personas import make_citizen
from tests.requests_tracker.fixtures import categories, make_request  # noqa: F401 - a fixture

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def json_lines(settings):
    """The `portal.requests` and `portal.tasks` records, formatted by the JSON formatter of settings.LOGGING."""
    settings.LOG_REQUESTS = True
    options = {key: value for key, value in django_settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("portal.requests"), logging.getLogger("portal.tasks")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)


def test_a_request_logs_one_json_line_with_its_id_and_no_personal_data(client, citizen, json_lines):
    client.force_login(citizen)
    response = client.get("/my/?q=Ελένη+Παπαδάκη", headers={"X-Request-ID": "proxy-id-1234"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-id-1234"
    (line,) = [line for line in json_lines() if line["logger"] == "portal.requests"]
    assert line["request_id"] == "proxy-id-1234"
    assert line["method"] == "GET"
    assert line["path"] == "/my/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["user"] == user_hash(citizen.pk)
    assert re.fullmatch(r"[0-9a-f]{16}", line["user"])
    text = json.dumps(line, ensure_ascii=False)
    assert citizen.email not in text
    assert "Παπαδάκη" not in text
    assert "timestamp" in line


@pytest.mark.django_db
def test_an_insane_request_id_is_replaced_and_anonymous_users_have_no_hash(client, json_lines):
    response = client.get("/", headers={"X-Request-ID": "x" * 200 + "\n"})
    new_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)
    (line,) = json_lines()
    assert line["request_id"] == new_id
    assert line["user"] == ""


def test_the_user_hash_is_stable_and_not_the_id():
    assert user_hash(42) == user_hash(42)
    assert user_hash(42) != user_hash(43)
    assert "42" not in user_hash(42)


@pytest.mark.django_db
def test_an_eager_task_logs_the_request_id_of_its_request(json_lines):
    token = request_id_var.set("request-id-eager-1")
    try:
        email_resend_pending.apply()
    finally:
        request_id_var.reset(token)
    (line,) = [line for line in json_lines() if line["logger"] == "portal.tasks"]
    assert line["request_id"] == "request-id-eager-1"
    assert line["task"] == "portal.tasks.email_resend_pending"


def test_publishing_a_task_puts_the_request_id_in_its_headers():
    headers: dict = {}
    token = request_id_var.set("request-id-publish-1")
    try:
        observability._task_headers_add_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "request-id-publish-1"}


# --- Metrics


def metric(body: str, name: str, **labels) -> float:
    """The value of one sample in the Prometheus text format; 0 when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    match = re.search("^" + pattern + "$", body, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.mark.django_db
def test_the_metrics_endpoint_is_a_404_without_a_token_setting(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
def test_the_metrics_endpoint_refuses_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"dimos_" not in response.content


@pytest.mark.django_db
def test_the_metrics_count_requests_by_view_and_status(client, settings):
    settings.METRICS_TOKEN = TOKEN
    before = metric(scrape(client), "django_http_responses_total_by_status_view_method_total",
                    method="GET", status="200", view="healthz")  # fmt: skip
    assert client.get("/healthz").status_code == 200
    body = scrape(client)
    after = metric(body, "django_http_responses_total_by_status_view_method_total",
                   method="GET", status="200", view="healthz")  # fmt: skip
    assert after == before + 1
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in body
    assert metric(body, "dimos_outbox_backlog") >= 0
    assert "# TYPE dimos_outbox_backlog gauge" in body


@pytest.mark.django_db
def test_the_metrics_move_after_a_booking_and_a_request(client, settings, chania, verified, categories):  # noqa: F811
    settings.METRICS_TOKEN = TOKEN
    service = make_service(chania)
    make_clerk("clerk.metrics", chania, service)
    before = scrape(client)
    _book(service, verified, athens(next_weekday(1), 10))
    make_request(make_citizen("reporter.metrics", categories["potholes"].municipality), categories["potholes"])
    after = scrape(client)
    for name, status in (("dimos_appointments", Appointment.Status.BOOKED), ("dimos_requests", "registered")):
        assert metric(after, name, status=status) == metric(before, name, status=status) + 1
