"""E-requests delivered as the citizen declared: post («Καταγραφή αποστολής» with the ΕΛΤΑ number), pick-up
(ready → collected), electronic (the PDF); the form offers only what the kind allows; the postal address on the
profile; the clerk's wording for a non-PDF answer. Dates are computed from the protocol date, never fixed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from requests_tracker import services, uploads
from requests_tracker.models import ERequest
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, upload

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
erequest_clerk = erequest_fixtures.erequest_clerk

VALID_ELTA = "RE123456785GR"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def manage_url(erequest) -> str:
    return f"/requests/chania/e-staff/{erequest.public_id}/"


@pytest.mark.parametrize("number", [VALID_ELTA, "re 123 456 785 gr", "RR000000005GR"])
def test_valid_elta_numbers(number):
    assert services.registered_mail_check(number) == number.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("number", "message"),
    [("RE123456784GR", "ψηφίο ελέγχου"), ("RE12345678GR", "2 γράμματα"), ("EL123456789", "2 γράμματα")],
)
def test_wrong_elta_numbers_are_refused(number, message):
    with pytest.raises(services.RequestError) as refused:
        services.registered_mail_check(number)
    assert message in str(refused.value)


def test_a_clerk_records_a_postal_dispatch_seen_by_the_citizen(
    verified, erequest_types, erequest_clerk, django_capture_on_commit_callbacks
):
    """The fault: for post the answer still demanded a PDF, and the ΕΛΤΑ number had only the free-text note."""
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Οδός 1")
    posted_on = erequest.protocol_date
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(erequest_clerk).post(
            manage_url(erequest) + "dispatch/",
            {"dispatched_on": posted_on.isoformat(), "tracking_reference": "re123456785gr"},
        )
    assert response.status_code == 302
    erequest.refresh_from_db()
    assert (erequest.status, erequest.dispatched_on, erequest.tracking_reference) == ("posted", posted_on, VALID_ELTA)
    assert erequest.answer is None  # no PDF needed for post
    assert VALID_ELTA in mail.outbox[-1].body
    page = client_for(verified).get(f"/requests/chania/e/{erequest.public_id}/").content.decode()
    assert f"με συστημένη επιστολή αρ. {VALID_ELTA}" in page
    assert erequest.timeline.last().to_status == "posted"


def test_a_dispatch_with_a_wrong_number_or_date_is_refused(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Οδός 1")
    client = client_for(erequest_clerk)
    response = client.post(
        manage_url(erequest) + "dispatch/",
        {"dispatched_on": erequest.protocol_date.isoformat(), "tracking_reference": "RE123456784GR"},
    )
    assert response.status_code == 400 and "ψηφίο ελέγχου" in response.content.decode()
    response = client.post(
        manage_url(erequest) + "dispatch/",
        {"dispatched_on": (erequest.protocol_date + timedelta(days=2)).isoformat(), "tracking_reference": VALID_ELTA},
    )
    assert response.status_code == 400 and "στο μέλλον" in response.content.decode()
    assert ERequest.objects.get().status == "protocolled"


def test_a_scan_of_what_was_posted_may_be_attached(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Οδός 1")
    scan = uploads.upload_check(upload("scan.pdf", PDF_BYTES))
    services.erequest_dispatch_record(
        erequest=erequest,
        clerk=erequest_clerk,
        dispatched_on=erequest.protocol_date,
        tracking_reference=VALID_ELTA,
        scan=scan,
    )
    erequest.refresh_from_db()
    assert erequest.status == "posted" and erequest.answer.original_name == "scan.pdf"
    # Nothing to download for the citizen: what was posted reaches them by post.
    assert client_for(verified).get(f"/requests/files/{erequest.answer.public_id}/").status_code == 404


def test_post_cannot_be_answered_with_a_pdf(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Οδός 1")
    with pytest.raises(services.RequestError):
        services.erequest_answer(
            erequest=erequest, clerk=erequest_clerk, checked=uploads.upload_check(upload("a.pdf", PDF_BYTES))
        )


def test_pick_up_ready_then_collected(verified, erequest_types, erequest_clerk, django_capture_on_commit_callbacks):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="pickup")
    client = client_for(erequest_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            manage_url(erequest) + "ready/", {"office": "Κυδωνίας 29, ισόγειο", "hours": "Δευ–Παρ 08:00–14:00"}
        )
    assert response.status_code == 302
    assert "Κυδωνίας 29, ισόγειο (Δευ–Παρ 08:00–14:00)" in mail.outbox[-1].body
    page = client_for(verified).get(f"/requests/chania/e/{erequest.public_id}/").content.decode()
    assert "Έτοιμο για παραλαβή" in page and "Κυδωνίας 29, ισόγειο" in page
    assert client.post(manage_url(erequest) + "collected/").status_code == 302
    erequest.refresh_from_db()
    assert erequest.status == "collected" and not erequest.is_open
    assert [s.to_status for s in erequest.timeline.all()][-2:] == ["ready", "collected"]


def test_collected_only_after_ready(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"], delivery_method="pickup")
    with pytest.raises(services.RequestError):
        services.erequest_collected(erequest=erequest, clerk=erequest_clerk)


def test_staff_answer_refuses_a_photo_with_words_for_the_clerk(verified, erequest_types, erequest_clerk):
    """The fault: the clerk was told the citizens' message about photos."""
    erequest = file_erequest(verified, erequest_types["residence"])
    response = client_for(erequest_clerk).post(
        manage_url(erequest) + "answer/",
        {"document": upload("answer.docx", b"not a pdf at all")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Η απάντηση πρέπει να είναι έγγραφο PDF" in page
    response = client_for(erequest_clerk).post(
        manage_url(erequest) + "answer/", {"document": upload("photo.png", image_bytes("PNG"))}
    )
    assert "Η απάντηση πρέπει να είναι έγγραφο PDF" in response.content.decode()


def test_the_form_offers_only_the_allowed_methods_for_the_kind(verified, erequest_types):
    """The fault: «ταχυδρομικά» was offered for a building-permit copy and refused only after submitting."""
    page = client_for(verified).get(f"/requests/chania/e/new/?type={erequest_types['permit_copy'].pk}")
    html = page.content.decode()
    post_choice = html.split('data-method="post"')[1].split(">")[0]
    assert "hidden" in post_choice
    assert 'value="post" disabled' in html.replace("\n", "")
    assert '"' + str(erequest_types["permit_copy"].pk) + '": ["electronic", "pickup"]' in html


def test_the_server_rule_stays(verified, erequest_types):
    with pytest.raises(services.DeliveryRefused):
        file_erequest(verified, erequest_types["permit_copy"], delivery_method="post", postal_address="Οδός 1")


def test_the_postal_address_on_the_profile_prefills_the_erequest(verified, erequest_types):
    client = client_for(verified)
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "Ελένη Β.",
            "postal_address": "Κυδωνίας 29, 73135 Χανιά",
            "language": "el",
            "municipality": verified.municipality_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    verified.refresh_from_db()
    assert verified.postal_address == "Κυδωνίας 29, 73135 Χανιά"
    page = client.get("/requests/chania/e/new/").content.decode()
    assert "Κυδωνίας 29, 73135 Χανιά</textarea>" in page
