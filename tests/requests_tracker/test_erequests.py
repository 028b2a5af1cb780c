"""E-requests: filing and numbering, the workflow, privacy (404 for everyone else), bad input, the protocol down."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client

from requests_tracker import services, tasks, uploads
from requests_tracker.models import Attachment, ERequest, ProtocolCounter
from requests_tracker.protocol import ProtocolUnavailable
from tests.personas import make_citizen
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import PDF_BYTES, docx_bytes, image_bytes, upload

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
other_verified = erequest_fixtures.other_verified
erequest_clerk = erequest_fixtures.erequest_clerk
clerk_of_thessaloniki = erequest_fixtures.clerk_of_thessaloniki

Status = ERequest.Status


class BrokenProtocol:
    def register(self, *, erequest):
        raise ProtocolUnavailable("the protocol server is down")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(erequest, name="erequest_detail"):
    return f"/requests/chania/{'e-staff' if name != 'erequest_detail' else 'e'}/{erequest.public_id}/"


# --- Filing and numbering


def test_filing_numbers_sequentially_per_municipality_and_year(
    verified, erequest_types, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = file_erequest(verified, erequest_types["residence"])
    second = file_erequest(verified, erequest_types["land_use"], delivery_method="pickup")
    assert (first.status, second.status) == (Status.PROTOCOLLED, Status.PROTOCOLLED)
    assert (first.protocol_number, second.protocol_number) == (1, 2)
    assert first.protocol_year == first.protocol_date.year
    assert first.protocol_label == f"Αρ. Πρωτ. 1/{first.protocol_date:%d-%m-%Y}"
    assert first.due_date == first.protocol_date + timedelta(days=10)
    assert list(first.timeline.values_list("to_status", flat=True)) == ["submitted", "protocolled"]
    assert first.attachments.count() == 1
    assert "Αρ. Πρωτ. 1/" in mail.outbox[0].subject


def test_the_database_refuses_a_protocol_number_twice(verified, erequest_types, chania):
    first = file_erequest(verified, erequest_types["residence"])
    second = file_erequest(verified, erequest_types["residence"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ERequest.objects.filter(pk=second.pk).update(protocol_number=first.protocol_number)


def test_a_failing_protocol_keeps_the_erequest_and_the_task_numbers_it_later(
    verified, erequest_types, settings, django_capture_on_commit_callbacks
):
    settings.PROTOCOL_BACKEND = "tests.requests_tracker.test_erequests.BrokenProtocol"
    with django_capture_on_commit_callbacks(execute=True):
        erequest = file_erequest(verified, erequest_types["residence"])
    erequest.refresh_from_db()
    assert erequest.status == Status.SUBMITTED and erequest.protocol_number is None
    assert erequest.attachments.count() == 1
    assert not ProtocolCounter.objects.filter(last_number__gt=0).exists()  # the failed try took no number
    assert services.erequests_unnumbered(older_than=timedelta(0)) == [erequest.pk]

    settings.PROTOCOL_BACKEND = "requests_tracker.protocol.DatabaseProtocol"
    assert tasks.erequest_number(erequest.pk) is True
    assert tasks.erequest_number(erequest.pk) is False  # idempotent
    erequest.refresh_from_db()
    assert (erequest.status, erequest.protocol_number) == (Status.PROTOCOLLED, 1)


def test_only_verified_citizens_file(citizen, erequest_types):
    with pytest.raises(services.RequestError):
        file_erequest(citizen, erequest_types["land_use"])


def test_unverified_citizen_is_sent_to_the_verification_page(citizen, erequest_types):
    response = client_for(citizen).get("/requests/chania/e/new/")
    assert response.status_code == 302 and response["Location"] == "/verification/"


# --- Bad input: a clear message, nothing typed or uploaded lost


def _post(client, erequest_type, **data):
    payload = {
        "type": erequest_type.pk,
        "subject": "Αντίγραφο κάτοψης",
        "description": "Για την πώληση του ακινήτου.",
        "delivery_method": "electronic",
        "postal_address": "",
    }
    payload.update(data)
    return client.post("/requests/chania/e/new/", payload)


def _post_refused_by_post(client, erequest_types):
    return _post(
        client,
        erequest_types["permit_copy"],
        delivery_method="post",
        postal_address="Κυδωνίας 29, Χανιά",
        files=[upload("deed.pdf", PDF_BYTES)],
    )


def test_post_refused_for_a_building_permit_copy_says_why(verified, erequest_types):
    response = _post_refused_by_post(client_for(verified), erequest_types)
    assert response.status_code == 400
    assert "δεν είναι δυνατή η παράδοση με τον τρόπο «ταχυδρομικά»" in response.content.decode()
    assert not ERequest.objects.exists()


def test_a_refused_erequest_keeps_the_typed_text(verified, erequest_types):
    page = _post_refused_by_post(client_for(verified), erequest_types).content.decode()
    assert "Αντίγραφο κάτοψης" in page and "Κυδωνίας 29, Χανιά" in page


def test_a_refused_erequest_keeps_its_file_for_the_next_try(verified, erequest_types):
    client = client_for(verified)
    page = _post_refused_by_post(client, erequest_types).content.decode()
    (staged,) = Attachment.objects.filter(uploaded_by=verified)
    assert f'name="attachment" value="{staged.pk}"' in page
    # The citizen picks another way; the file uploaded the first time goes with it.
    response = _post(client, erequest_types["permit_copy"], delivery_method="pickup", attachment=[staged.pk])
    assert response.status_code == 302
    assert ERequest.objects.get().attachments.get() == staged


def test_missing_required_attachment(verified, erequest_types):
    response = _post(client_for(verified), erequest_types["residence"])
    assert response.status_code == 400
    assert "τουλάχιστον 1 αρχεία" in response.content.decode()
    assert not ERequest.objects.exists()


def test_missing_postal_address_when_by_post(verified, erequest_types):
    response = _post(client_for(verified), erequest_types["land_use"], delivery_method="post")
    assert response.status_code == 400
    assert "Γράψτε την ταχυδρομική διεύθυνση" in response.content.decode()


def test_postal_address_is_prefilled_from_the_last_one(verified, erequest_types):
    file_erequest(verified, erequest_types["land_use"], delivery_method="post", postal_address="Κυδωνίας 29, Χανιά")
    response = client_for(verified).get("/requests/chania/e/new/")
    assert "Κυδωνίας 29, Χανιά" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.pdf", b"MZ\x90\x00 not a pdf", "δεν είναι φωτογραφία"),
        ("macro.docx", docx_bytes(macro=True), "μακροεντολές"),
        ("bomb.png", image_bytes(size=(1, 1)) + b"<html>", "επιπλέον δεδομένα"),
    ],
)
def test_hostile_files_are_refused_with_a_message(verified, erequest_types, name, content, message):
    response = _post(client_for(verified), erequest_types["land_use"], files=[upload(name, content)])
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert not ERequest.objects.exists() and not Attachment.objects.exists()


# --- Workflow


def test_clerk_workflow_with_emails_in_the_citizens_language(
    other_verified, erequest_types, erequest_clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erequest = file_erequest(other_verified, erequest_types["land_use"])
    client = client_for(erequest_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(erequest, "manage") + "start/", {"note": "Ξεκινήσαμε."}).status_code == 302
    response = client.post(url(erequest, "manage") + "answer/", {"document": upload("photo.png", image_bytes())})
    assert response.status_code == 400 and "PDF" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(erequest, "manage") + "answer/", {"document": upload("answer.pdf", PDF_BYTES)})
    assert response.status_code == 302
    erequest.refresh_from_db()
    assert erequest.status == Status.ANSWERED and erequest.answer.content_type == "application/pdf"
    steps = list(erequest.timeline.values_list("to_status", "changed_by"))
    assert steps == [
        ("submitted", other_verified.pk),
        ("protocolled", None),
        ("in_progress", erequest_clerk.pk),
        ("answered", erequest_clerk.pk),
    ]
    subjects = [message.subject for message in mail.outbox if other_verified.email in message.to]
    assert subjects[-1].startswith("Your e-request: Answered")  # English: the citizen's language
    assert len(subjects) == 3
    # The citizen downloads the answer.
    response = client_for(other_verified).get(f"/requests/files/{erequest.answer.public_id}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES


def test_reject_needs_a_reason(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"])
    assert client_for(erequest_clerk).post(url(erequest, "manage") + "reject/", {"reason": ""}).status_code == 400
    erequest.refresh_from_db()
    assert erequest.status == Status.PROTOCOLLED


def test_the_citizen_reads_the_reason_for_a_rejection(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"])
    response = client_for(erequest_clerk).post(
        url(erequest, "manage") + "reject/", {"reason": "Λείπει το τοπογραφικό."}
    )
    assert response.status_code == 302
    erequest.refresh_from_db()
    assert erequest.status == Status.REJECTED
    assert "Λείπει το τοπογραφικό." in client_for(verified).get(url(erequest)).content.decode()


def test_an_electronic_answer_is_downloaded_and_never_cached(verified, erequest_types, erequest_clerk):
    erequest = file_erequest(verified, erequest_types["land_use"])
    checked = uploads.upload_check(upload("answer.html", PDF_BYTES))
    services.erequest_answer(erequest=erequest, clerk=erequest_clerk, checked=checked)
    erequest.refresh_from_db()
    response = client_for(verified).get(f"/requests/files/{erequest.answer.public_id}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="answer.pdf"'
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def late_and_new(verified, erequest_types):
    late = file_erequest(verified, erequest_types["land_use"], subject="Παλιά αίτηση")
    ERequest.objects.filter(pk=late.pk).update(due_date=date(2020, 1, 1))
    file_erequest(verified, erequest_types["residence"], subject="Νέα αίτηση")


def test_queue_shows_the_open_ones_and_marks_the_overdue(erequest_clerk, late_and_new):
    page = client_for(erequest_clerk).get("/requests/chania/e-staff/").content.decode()
    assert "Παλιά αίτηση" in page and "Νέα αίτηση" in page and page.count("overdue") >= 1


def test_queue_filters_the_overdue(erequest_clerk, late_and_new):
    page = client_for(erequest_clerk).get("/requests/chania/e-staff/?status=overdue").content.decode()
    assert "Παλιά αίτηση" in page and "Νέα αίτηση" not in page


def test_queue_filters_by_type(erequest_clerk, erequest_types, late_and_new):
    page = client_for(erequest_clerk).get(f"/requests/chania/e-staff/?type={erequest_types['residence'].pk}")
    assert "Παλιά αίτηση" not in page.content.decode() and "Νέα αίτηση" in page.content.decode()


# --- Privacy: another citizen, another municipality's clerk, a clerk of another department


def test_nobody_else_sees_an_erequest_or_its_files(
    verified, other_verified, erequest_types, erequest_clerk, clerk_of_thessaloniki, chania
):
    erequest = file_erequest(verified, erequest_types["land_use"])
    checked = uploads.upload_check(upload("answer.pdf", PDF_BYTES))
    services.erequest_answer(erequest=erequest, clerk=erequest_clerk, checked=checked)
    (document,) = erequest.attachments.exclude(pk=erequest.answer_id)
    files = [f"/requests/files/{document.public_id}/", f"/requests/files/{erequest.answer.public_id}/"]
    other_department_clerk = erequest_fixtures.make_erequest_clerk("clerk.it", chania)
    for outsider in [other_verified, clerk_of_thessaloniki, other_department_clerk]:
        client = client_for(outsider)
        for path in [url(erequest), *files]:
            assert client.get(path).status_code == 404, (outsider, path)
    assert client_for(clerk_of_thessaloniki).get(url(erequest, "manage")).status_code in (403, 404)
    assert client_for(other_verified).get(url(erequest, "manage")).status_code == 403
    assert Client().get(files[0]).status_code == 404
    # Its own citizen and its department's clerk do see them.
    for insider in [verified, erequest_clerk]:
        assert client_for(insider).get(files[0]).status_code == 200


@pytest.fixture
def private_erequest(verified, erequest_types):
    return file_erequest(verified, erequest_types["land_use"], subject="Ιδιωτική αίτηση")


def test_the_public_list_never_shows_erequests(client, private_erequest):
    assert "Ιδιωτική αίτηση" not in client.get("/requests/chania/").content.decode()


def test_the_public_map_never_shows_erequests(client, private_erequest):
    assert client.get("/requests/chania/map.json?bbox=30,20,40,30&zoom=10").json().get("pins", []) == []


def test_open311_never_shows_erequests(client, private_erequest):
    assert client.get("/open311/v2/requests.json?jurisdiction_id=chania").json() == []


def test_staged_uploads_of_an_erequest_cannot_be_reattached(verified, erequest_types, reporter, categories):
    erequest = file_erequest(verified, erequest_types["land_use"])
    (document,) = erequest.attachments.all()
    from requests_tracker import selectors

    assert selectors.staged_attachments(user=verified, ids=[document.pk]) == []


def test_deleting_an_account_keeps_the_protocolled_erequests(verified, erequest_types):
    from accounts.registry import personal_data_sections

    file_erequest(verified, erequest_types["land_use"])
    exported = {}
    for section in personal_data_sections():
        exported[section.key] = section.export(verified)
    assert exported["requests_tracker.erequests"]["erequests"][0]["protocol"].startswith("Αρ. Πρωτ. 1/")


def test_unverified_user_fixture_exists(chania):
    assert make_citizen("x", chania).is_verified_citizen is False


def test_reference_lookup_for_appointments(verified, erequest_types, chania):
    from requests_tracker import selectors

    erequest = file_erequest(verified, erequest_types["land_use"])
    ((label, subject),) = selectors.erequests_for_reference(citizen=verified, municipality=chania)
    assert label == erequest.protocol_label and subject == erequest.subject
    assert selectors.erequest_by_reference(municipality=chania, reference=label) == erequest
    assert selectors.erequest_by_reference(municipality=chania, reference="999/01-01-2020") is None


def test_admin_pages_of_erequests(verified, erequest_types, chania, erequest_clerk):
    from accounts.models import User

    erequest = file_erequest(verified, erequest_types["land_use"])
    admin = User.objects.create_superuser("root", "root@example.gr", "x-Long-enough-1")
    client = client_for(admin)
    for path in [
        "/admin/requests_tracker/erequest/",
        "/admin/requests_tracker/erequest/?overdue=yes",
        f"/admin/requests_tracker/erequest/{erequest.pk}/change/",
        "/admin/requests_tracker/erequesttype/",
        f"/admin/requests_tracker/erequesttype/{erequest_types['land_use'].pk}/change/",
    ]:
        assert client.get(path).status_code == 200, path
