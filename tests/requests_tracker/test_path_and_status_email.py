"""A request closed straight from Registered: its path shows the steps passed over as skipped, not done; the e-mail
says so in one sentence, greeting the reporter in the vocative."""

import pytest
from django.core import mail
from django.urls import reverse

from requests_tracker import selectors, services
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db


def test_steps_passed_over_are_skipped_not_done(
    client, reporter, categories, clerk, django_capture_on_commit_callbacks
):
    reporter.full_name = "Γιώργος Παπαδόπουλος"
    reporter.save()
    citizen_request = make_request(reporter, categories["potholes"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.status_change(citizen_request=citizen_request, to_status="closed", clerk=clerk, resolution="resolved")

    parts = selectors.request_detail_parts(citizen_request=citizen_request, user=reporter)
    assert [(step.status, step.state, step.when is None) for step in parts["path"]] == [
        ("registered", "done", False),
        ("acknowledged", "skipped", True),
        ("in_progress", "skipped", True),
        ("closed", "current", False),
    ]
    page = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])).content.decode()
    path = page[page.index('class="request-path') : page.index("</ol>", page.index('class="request-path'))]
    assert path.count("is-skipped") == 2 and path.count("is-done") == 1
    assert path.count('<span class="visually-hidden">(παραλείφθηκε)</span>') == 2
    assert "(ολοκληρώθηκε)" in path  # Registered only

    (message,) = [message for message in mail.outbox if message.to == [reporter.email]]
    assert message.body.startswith("Γεια σας, Γιώργο,\n")
    assert f"«{citizen_request.title}» είναι τώρα: Κλειστό (επιλύθηκε).\n" in message.body


def test_a_request_that_went_every_step_has_them_all_done(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    for status in ("acknowledged", "in_progress"):
        services.status_change(citizen_request=citizen_request, to_status=status, clerk=clerk)
    parts = selectors.request_detail_parts(citizen_request=citizen_request, user=reporter)
    assert [step.state for step in parts["path"]] == ["done", "done", "current", "ahead"]
