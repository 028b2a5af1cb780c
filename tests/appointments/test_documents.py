"""Documents with a booking: who may open them, until when they can be attached, how long they are kept, refusals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appointments import documents, services, uploads
from appointments.models import Appointment, BookingDocument, DocumentRequest, Mode
from portal.models import AuditEntry, Department
from tests import personas
from tests.appointments.conftest import athens, details, make_citizen, next_weekday
from tests.requests_tracker.fixtures import PDF_BYTES, docx_bytes, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "private" / "appointments"


def pdf(name="taftotita.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def booking(service, clerk, verified) -> Appointment:
    appointment, _token = services.appointment_book(
        service=service,
        mode=Mode.VIDEO,
        start=athens(next_weekday(1), 9),
        citizen=verified,
        details=details(documents_acknowledged=True),
    )
    return appointment


def _booking_with_token(service, citizen):
    return services.appointment_book(
        service=service, mode=Mode.VIDEO, start=athens(next_weekday(2), 10), citizen=citizen, details=details()
    )


# --- who may see a file ----------------------------------------------------------------------------------------


def test_the_citizen_the_clerk_and_the_departments_staff_may_open_a_document_nobody_else(
    client, booking, verified, other_citizen, clerk, clerk_two, chania, clerk_of_other_municipality
):
    document = documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    department = booking.service.department
    colleague = personas.make_clerk("colleague", chania, departments=[department])
    other_department = Department.objects.create(municipality=chania, name_el="Κοινωνική Υπηρεσία")
    outsider = personas.make_clerk("outsider", chania, departments=[other_department])
    url = reverse("appointments:document", args=[document.public_id])

    allowed = {verified: "citizen", clerk.user: "clerk", colleague: "department"}
    for user, role in allowed.items():
        assert documents.viewer_role(appointment=booking, user=user) == role
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    # Another citizen, another clerk of the same service, another department, another municipality.
    for user in [other_citizen, clerk_two.user, outsider, clerk_of_other_municipality]:
        assert documents.viewer_role(appointment=booking, user=user) is None
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    viewed = AuditEntry.objects.filter(action="appointments.document.viewed", object_id=str(document.pk))
    assert sorted(entry.data["role"] for entry in viewed) == ["citizen", "clerk", "department"]


def test_the_manage_link_opens_its_own_bookings_documents_only(client, service, clerk, verified, other_citizen):
    mine, token = _booking_with_token(service, verified)
    theirs, _ = services.appointment_book(
        service=service, mode=Mode.VIDEO, start=athens(next_weekday(3), 10), citizen=other_citizen, details=details()
    )
    own = documents.document_attach(appointment=mine, file=pdf(), actor=verified)
    other = documents.document_attach(appointment=theirs, file=pdf(), actor=other_citizen)
    assert client.get(reverse("appointments:manage_document", args=[token, own.public_id])).status_code == 200
    assert client.get(reverse("appointments:manage_document", args=[token, other.public_id])).status_code == 404
    assert AuditEntry.objects.filter(action="appointments.document.viewed", data__role="manage_link").count() == 1


# --- the deadline ----------------------------------------------------------------------------------------------


def test_documents_are_attached_until_the_appointment_starts(booking, verified):
    assert documents.documents_open(appointment=booking, now=booking.start - timedelta(seconds=1))
    assert not documents.documents_open(appointment=booking, now=booking.start)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.document_attach(appointment=booking, file=pdf(), actor=verified, now=booking.start)
    assert "μέχρι την έναρξη" in str(refused.value.message)
    assert not BookingDocument.objects.exists()


def test_a_cancelled_booking_takes_no_documents(booking, verified):
    services.appointment_cancel(appointment=booking, actor=verified, reason="")
    booking.refresh_from_db()
    with pytest.raises(documents.DocumentRefused):
        documents.document_attach(appointment=booking, file=pdf(), actor=verified)


# --- upload refusals, with reasons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "wrong_type"),
        ("macro.docx", docx_bytes(macro=True), "macros"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * (uploads.MAX_FILE_SIZE + 10), "too_big"),
        ("anim.gif", image_bytes("GIF"), "wrong_type"),
    ],
)
def test_unsafe_or_unaccepted_files_are_refused_with_the_reason(booking, verified, name, data, code):
    with pytest.raises(ValidationError) as refused:
        documents.document_attach(appointment=booking, file=SimpleUploadedFile(name, data), actor=verified)
    assert refused.value.code == code
    assert documents.refusal_message(refused.value)
    assert not BookingDocument.objects.exists()


def test_a_photo_is_re_encoded_and_named_by_its_real_type(booking, verified):
    document = documents.document_attach(
        appointment=booking, file=SimpleUploadedFile("scan.pdf", image_bytes("JPEG")), actor=verified
    )
    assert document.original_name == "scan.jpg" and document.content_type == "image/jpeg"


def test_a_booking_takes_at_most_ten_documents(booking, verified):
    for index in range(uploads.MAX_FILES):
        documents.document_attach(appointment=booking, file=pdf(f"{index}.pdf"), actor=verified)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    assert "έως 10 δικαιολογητικά" in str(refused.value.message)


def test_the_booking_page_says_why_a_file_was_refused(client, booking, verified):
    client.force_login(verified)
    response = client.post(
        reverse("appointments:booking_upload", args=[booking.code]),
        {"documents": [SimpleUploadedFile("x.html", b"<html></html>"), pdf()]},
        follow=True,
    )
    text = response.content.decode()
    assert "x.html" in text and "taftotita.pdf" in text
    assert [d.original_name for d in booking.documents.all()] == ["taftotita.pdf"]


def test_another_citizen_cannot_upload_to_a_booking(client, booking, other_citizen):
    client.force_login(other_citizen)
    response = client.post(reverse("appointments:booking_upload", args=[booking.code]), {"documents": [pdf()]})
    assert response.status_code == 404
    assert not BookingDocument.objects.exists()


# --- the clerk: check, ask for a missing one -------------------------------------------------------------------


def test_the_clerk_marks_a_document_checked_once(booking, clerk, verified):
    document = documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    assert documents.document_check(document=document, actor=clerk.user)
    assert not documents.document_check(document=document, actor=clerk.user)
    document.refresh_from_db()
    assert document.checked_by == clerk.user and document.checked_at is not None


def test_asking_for_a_missing_document_e_mails_the_upload_link_and_an_upload_answers_it(
    booking, clerk, verified, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_request(appointment=booking, actor=clerk.user, message="  Το τοπογραφικό  ")
    request = DocumentRequest.objects.get()
    assert request.message == "Το τοπογραφικό" and request.answered_at is None
    message = next(m for m in mail.outbox if verified.email in m.to)
    assert "Το τοπογραφικό" in message.body
    assert f"/appointments/booking/{booking.code}/#documents" in message.body
    assert message.extra_headers["Reply-To"]  # the department's mailbox
    documents.document_attach(appointment=booking, file=pdf("topografiko.pdf"), actor=verified)
    request.refresh_from_db()
    assert request.answered_at is not None


def test_a_clerk_cannot_check_another_clerks_booking(client, booking, clerk_two, verified):
    document = documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    client.force_login(clerk_two.user)
    url = reverse("appointments:staff_document_check", args=[booking.code, document.public_id])
    assert client.post(url).status_code == 404
    document.refresh_from_db()
    assert document.checked_at is None


# --- retention, export, erasure --------------------------------------------------------------------------------


def test_documents_are_deleted_the_configured_days_after_the_appointment(
    settings, booking, verified, media, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_DOCUMENTS_RETENTION_DAYS = 7
    document = documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    path = media / document.file.name
    assert path.exists()
    kept_until = booking.end + timedelta(days=7)
    assert documents.documents_purge(now=kept_until) == 0
    assert BookingDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.documents_purge(now=kept_until + timedelta(seconds=1)) == 1
    assert not BookingDocument.objects.exists()
    assert not path.exists()


def test_the_data_export_lists_documents_while_they_exist_and_deletion_removes_them(
    booking, verified, media, django_capture_on_commit_callbacks
):
    from accounts.registry import personal_data_sections

    section = next(s for s in personal_data_sections() if s.key == "appointments_documents")
    document = documents.document_attach(appointment=booking, file=pdf(), actor=verified)
    exported = section.export(verified)
    assert exported == [
        {
            "appointment": booking.code,
            "name": "taftotita.pdf",
            "content_type": "application/pdf",
            "size": len(PDF_BYTES),
            "uploaded_at": document.uploaded_at.isoformat(),
            "checked_at": None,
        }
    ]
    path = media / document.file.name
    keys = [s.key for s in personal_data_sections()]
    assert keys.index("appointments_documents") < keys.index("appointments")  # found before bookings are detached
    with django_capture_on_commit_callbacks(execute=True):
        section.erase(verified)
    assert not BookingDocument.objects.exists() and not path.exists()
    assert section.export(verified) == []


# --- the details step ------------------------------------------------------------------------------------------


def test_the_details_step_lists_the_expected_documents_and_takes_them(client, service, clerk, chania):
    service.documents_expected_el = "Αστυνομική ταυτότητα\nΤοπογραφικό διάγραμμα"
    service.documents_expected_en = "Identity card\nSite plan"
    service.save()
    citizen = make_citizen("anna", chania)
    client.force_login(citizen)
    start = athens(next_weekday(1), 9)
    url = reverse("appointments:details", args=["chania", Mode.VIDEO, service.pk])
    page = client.get(url, {"slot": start.isoformat()}).content.decode()
    assert "Τοπογραφικό διάγραμμα" in page
    assert "Θα επισυνάψω εδώ τα απαραίτητα δικαιολογητικά" in page
    response = client.post(
        f"{url}?slot={start.isoformat()}",
        {
            **details(),
            "slot": start.isoformat(),
            "documents_acknowledged": "on",
            "privacy_consent": "on",
            "documents": [pdf("id.pdf"), SimpleUploadedFile("plan.png", image_bytes())],
        },
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(d.original_name for d in appointment.documents.all()) == ["id.pdf", "plan.png"]


def test_the_purge_runs_as_a_beat_task():
    import portal.celery

    entry = portal.celery.app.conf.beat_schedule["appointments-documents-purge"]
    assert entry["task"] == "appointments.tasks.documents_purge"


def test_the_waitlist_beat_is_registered_too():
    import portal.celery

    entry = portal.celery.app.conf.beat_schedule["appointments-waitlist-reconcile"]
    assert entry == {"task": "appointments.tasks.waitlist_reconcile", "schedule": 60.0}
