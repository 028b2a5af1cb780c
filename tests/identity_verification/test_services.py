from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from identity_verification import services
from identity_verification.models import DECISION_TIME, VerificationCase, VerificationDocument, private_storage
from identity_verification.roles import VERIFICATION_OFFICE
from identity_verification.uploads import upload_check
from portal.models import AuditEntry, OutboundEmail
from tests.identity_verification.fixtures import (
    OTHER_VALID_AFM,
    PDF_BYTES,
    VALID_AFM,
    image_bytes,
    make_case,
    make_citizen,
    make_online_case,
    upload,
)

Status = VerificationCase.Status
Method = VerificationCase.Method


def _actions(case) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="identity_verification.verificationcase", object_id=str(case.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )


def _online_documents():
    return {
        VerificationDocument.Kind.IDENTITY_DOCUMENT: upload_check(upload("ταυτότητα.png", image_bytes("PNG"))),
        VerificationDocument.Kind.AFM_DOCUMENT: upload_check(upload("afm.pdf", PDF_BYTES)),
    }


def test_a_request_in_person_is_submitted_logged_and_emailed(
    citizen, offices, chania, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(
            citizen=citizen, municipality=chania, method=Method.IN_PERSON, afm=VALID_AFM, office=offices["souda"]
        )
    assert case.status == Status.SUBMITTED and case.office == offices["souda"]
    assert case.afm == VALID_AFM
    citizen.refresh_from_db()
    assert citizen.afm == "", "an unproven ΑΦΜ must not reserve the number on the account"
    assert _actions(case) == ["identity_verification.case.submitted"]
    assert AuditEntry.objects.get(action="identity_verification.case.submitted").actor == citizen
    (email,) = mail.outbox
    assert email.to == [citizen.email]
    assert email.subject == f"Η αίτηση ταυτοποίησής σας {case.reference} υποβλήθηκε"
    assert "Δημοτική Ενότητα Σούδας" in email.body
    assert "φωτοτυπία αστυνομικής ταυτότητας" in email.body
    assert f"/verification/request/{case.public_id}/" in email.body


def test_emails_are_written_in_the_citizens_language(
    english_citizen, offices, chania, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(citizen=english_citizen, municipality=chania, method=Method.BY_POST, afm=VALID_AFM)
    (email,) = mail.outbox
    assert email.subject == f"Your verification request {case.reference} has been submitted"
    assert "Κυδωνίας 29" in email.body  # the postal address, as the municipality writes it
    assert f"/en/verification/request/{case.public_id}/" in email.body
    assert OutboundEmail.objects.get().language == "en"


def test_an_online_request_stores_both_scans_under_random_names(citizen, chania, private_media):
    case = services.case_submit(
        citizen=citizen, municipality=chania, method=Method.ONLINE, afm=VALID_AFM, documents=_online_documents()
    )
    identity, afm_document = case.documents.order_by("kind")
    assert {identity.kind, afm_document.kind} == set(VerificationDocument.Kind.values)
    by_kind = {document.kind: document for document in case.documents.all()}
    scan = by_kind[VerificationDocument.Kind.IDENTITY_DOCUMENT]
    assert scan.original_name == "ταυτότητα.png"
    assert scan.content_type == "image/png"
    assert "ταυτότητα" not in scan.file.name and scan.file.name.endswith(".png")
    assert (private_media / scan.file.name).is_file()
    assert by_kind[VerificationDocument.Kind.AFM_DOCUMENT].file.name.endswith(".pdf")
    with pytest.raises(ValueError, match="no public URL"):
        scan.file.url  # noqa: B018 - the attribute access is what is tested


def test_a_citizens_scans_can_be_erased_with_their_files(
    citizen, other_citizen, private_media, django_capture_on_commit_callbacks
):
    mine, theirs = make_online_case(citizen), make_online_case(other_citizen, afm=OTHER_VALID_AFM)
    paths = [private_media / document.file.name for document in mine.documents.all()]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.citizen_documents_delete(citizen=citizen) == 2
    assert not mine.documents.exists() and theirs.documents.count() == 2
    assert paths and not any(path.exists() for path in paths)
    assert all((private_media / document.file.name).exists() for document in theirs.documents.all())


def test_an_online_request_needs_both_documents(citizen, chania):
    documents = _online_documents()
    documents.pop(VerificationDocument.Kind.AFM_DOCUMENT)
    with pytest.raises(services.InvalidRequest):
        services.case_submit(
            citizen=citizen, municipality=chania, method=Method.ONLINE, afm=VALID_AFM, documents=documents
        )
    assert not VerificationCase.objects.exists()


def test_a_failed_request_leaves_no_scan_behind(citizen, chania, private_media, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_log", fail)
    with pytest.raises(RuntimeError):
        services.case_submit(
            citizen=citizen, municipality=chania, method=Method.ONLINE, afm=VALID_AFM, documents=_online_documents()
        )
    assert not VerificationCase.objects.exists()
    assert not [path for path in private_media.rglob("*") if path.is_file()]


def test_an_in_person_request_needs_an_office_of_that_municipality(citizen, chania, thessaloniki_office):
    with pytest.raises(services.InvalidRequest):
        services.case_submit(
            citizen=citizen, municipality=chania, method=Method.IN_PERSON, afm=VALID_AFM, office=thessaloniki_office
        )
    with pytest.raises(services.InvalidRequest):
        services.case_submit(citizen=citizen, municipality=chania, method=Method.IN_PERSON, afm=VALID_AFM)


def test_a_tax_number_of_another_account_is_refused(citizen, other_citizen, chania):
    other_citizen.afm = VALID_AFM
    other_citizen.save()
    with pytest.raises(services.AfmTaken):
        services.case_submit(citizen=citizen, municipality=chania, method=Method.BY_POST, afm=VALID_AFM)
    citizen.refresh_from_db()
    assert citizen.afm == "" and not VerificationCase.objects.exists()


def test_one_open_request_per_citizen(citizen, chania):
    services.case_submit(citizen=citizen, municipality=chania, method=Method.BY_POST, afm=VALID_AFM)
    with pytest.raises(services.CaseAlreadyOpen):
        services.case_submit(citizen=citizen, municipality=chania, method=Method.BY_POST, afm=VALID_AFM)
    assert VerificationCase.objects.count() == 1


def test_the_database_refuses_a_second_open_request(citizen, chania):
    make_case(citizen)
    with pytest.raises(IntegrityError, match="identity_verification_one_open_case_per_citizen"), transaction.atomic():
        make_case(citizen)


def test_a_verified_citizen_cannot_ask_again(citizen, chania):
    citizen.identity_verified_at = timezone.now()
    citizen.identity_verification_method = "taxisnet"
    citizen.save()
    with pytest.raises(services.AlreadyVerified):
        services.case_submit(citizen=citizen, municipality=chania, method=Method.BY_POST, afm=VALID_AFM)


def test_receipt_starts_the_48_hours(citizen, clerk, chania, django_capture_on_commit_callbacks):
    case = make_case(citizen, afm=VALID_AFM)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_mark_received(case=case, clerk=clerk)
    case.refresh_from_db()
    assert case.status == Status.DOCUMENTS_RECEIVED and case.received_by == clerk
    assert case.decision_deadline == case.documents_received_at + timedelta(hours=48)
    assert _actions(case) == ["identity_verification.case.received"]
    (email,) = mail.outbox
    assert email.subject == f"Παραλήφθηκαν τα δικαιολογητικά της αίτησής σας {case.reference}"
    assert "εντός 48 ωρών" in email.body


def test_approval_makes_the_citizen_verified(received_case, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve(case=received_case, clerk=clerk)
    received_case.refresh_from_db()
    citizen = received_case.citizen
    citizen.refresh_from_db()
    assert received_case.status == Status.APPROVED and received_case.decided_by == clerk
    assert citizen.is_verified_citizen
    assert citizen.identity_verified_at == received_case.decided_at
    assert citizen.identity_verification_method == "in_person"
    assert citizen.afm == received_case.afm
    assert _actions(received_case) == ["identity_verification.case.approved"]
    assert AuditEntry.objects.filter(action="accounts.user.verified", actor=clerk).count() == 1
    (email,) = mail.outbox
    assert email.subject == "Η ταυτοποίησή σας ολοκληρώθηκε"


def test_a_case_is_decided_only_after_receipt(citizen, clerk):
    case = make_case(citizen)
    with pytest.raises(services.CaseStateChanged, match="πριν από την παραλαβή"):
        services.case_approve(case=case, clerk=clerk)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_rejection_needs_a_reason_and_leaves_the_tax_number_unclaimed(
    received_case, clerk, django_capture_on_commit_callbacks
):
    citizen = received_case.citizen
    with pytest.raises(services.InvalidRequest):
        services.case_reject(case=received_case, clerk=clerk, reason="   ")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reject(case=received_case, clerk=clerk, reason="Η φωτοτυπία της ταυτότητας δεν διαβάζεται.")
    received_case.refresh_from_db()
    citizen.refresh_from_db()
    assert received_case.status == Status.REJECTED
    assert received_case.rejection_reason == "Η φωτοτυπία της ταυτότητας δεν διαβάζεται."
    assert not citizen.is_verified_citizen and citizen.afm == ""
    (email,) = mail.outbox
    assert "Η φωτοτυπία της ταυτότητας δεν διαβάζεται." in email.body
    # A rejected citizen may ask again.
    make_case(citizen)


def test_the_second_decision_changes_nothing_and_names_the_first_clerk(
    received_case, clerk, second_clerk, django_capture_on_commit_callbacks
):
    stale_copy = VerificationCase.objects.get(pk=received_case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve(case=received_case, clerk=clerk)
        with pytest.raises(services.CaseStateChanged) as lost:
            services.case_reject(case=stale_copy, clerk=second_clerk, reason="Λάθος")
    assert "Υπάλληλος clerk.chania" in str(lost.value)
    received_case.refresh_from_db()
    assert received_case.status == Status.APPROVED and received_case.decided_by == clerk
    assert received_case.rejection_reason == ""
    assert _actions(received_case) == ["identity_verification.case.approved"]
    assert len(mail.outbox) == 1


def test_compare_and_swap_changes_one_row_then_none(received_case, clerk):
    changes = {"status": Status.APPROVED, "decided_at": timezone.now(), "decided_by": clerk}
    assert services._transition(case=received_case, from_status=Status.DOCUMENTS_RECEIVED, **changes) is True
    assert services._transition(case=received_case, from_status=Status.DOCUMENTS_RECEIVED, **changes) is False


def test_a_clerk_of_another_municipality_cannot_decide(received_case, clerk_of_other_municipality, staff_without_role):
    for outsider in (clerk_of_other_municipality, staff_without_role):
        with pytest.raises(PermissionDenied):
            services.case_approve(case=received_case, clerk=outsider)
        with pytest.raises(PermissionDenied):
            services.case_mark_received(case=received_case, clerk=outsider)
    received_case.refresh_from_db()
    assert received_case.status == Status.DOCUMENTS_RECEIVED


# --- The 48 hours ------------------------------------------------------------------------------------------------


def test_a_case_is_overdue_48_hours_after_receipt(citizen, other_citizen, chania):
    now = timezone.now()
    case = make_case(citizen, received_hours_ago=0)
    assert case.decision_deadline == case.documents_received_at + DECISION_TIME
    assert not case.is_overdue(now=case.documents_received_at + timedelta(hours=47, minutes=59))
    assert case.is_overdue(now=case.documents_received_at + timedelta(hours=48, minutes=1))

    late = make_case(other_citizen, received_hours_ago=49)
    third = make_citizen("eleni", chania)
    make_case(third)  # submitted, never received: the clock has not started
    assert list(VerificationCase.objects.overdue(now=now)) == [late]
    assert late.is_overdue() and not case.is_overdue()


def test_a_decided_case_is_never_overdue(received_case, clerk):
    VerificationCase.objects.filter(pk=received_case.pk).update(
        documents_received_at=timezone.now() - timedelta(days=5)
    )
    received_case.refresh_from_db()
    assert received_case.is_overdue()
    services.case_approve(case=received_case, clerk=clerk)
    received_case.refresh_from_db()
    assert not received_case.is_overdue()
    assert not VerificationCase.objects.overdue().exists()
    assert AuditEntry.objects.get(action="identity_verification.case.approved").data["overdue"] is True


def test_migrate_makes_the_office_group_with_exactly_the_verification_permissions(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=VERIFICATION_OFFICE.group)
    assert group.name == "Γραφείο ταυτοποίησης"
    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "change_verificationcase",
        "view_office",
        "view_verificationcase",
        "view_verificationdocument",
    ]


def test_approval_is_refused_when_the_tax_number_was_proven_by_another_account_meanwhile(
    received_case, other_citizen, clerk
):
    other_citizen.afm = received_case.afm
    other_citizen.save()
    with pytest.raises(services.AfmTaken):
        services.case_approve(case=received_case, clerk=clerk)
    received_case.refresh_from_db()
    received_case.citizen.refresh_from_db()
    assert received_case.status == Status.DOCUMENTS_RECEIVED
    assert not received_case.citizen.is_verified_citizen


def test_export_and_deletion_of_a_citizens_verification_data(citizen, django_capture_on_commit_callbacks):
    from accounts import services as account_services

    with django_capture_on_commit_callbacks(execute=True):
        case = make_online_case(citizen)
    names = [document.file.name for document in case.documents.all()]
    exported = account_services.user_export(user=citizen)["identity_verification"]
    assert exported[0]["reference"] == case.reference and len(exported[0]["documents"]) == 2

    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_delete(user=citizen)
    case.refresh_from_db()
    assert case.afm == "" and not case.documents.exists()
    assert not any(private_storage().exists(name) for name in names)


def test_an_online_request_starts_its_48_hours_when_the_scans_arrive(citizen, chania, private_media):
    case = services.case_submit(
        citizen=citizen, municipality=chania, method=Method.ONLINE, afm=VALID_AFM, documents=_online_documents()
    )
    # Fault: no deadline until a clerk pressed «Παραλαβή δικαιολογητικών», though the documents came with it.
    assert case.status == VerificationCase.Status.DOCUMENTS_RECEIVED
    assert abs(case.documents_received_at - case.submitted_at) < timedelta(seconds=5)
    assert case.decision_deadline == case.documents_received_at + timedelta(hours=48)
    assert case.received_by is None
    # In person, the clock still waits for the counter.
    other = services.case_submit(
        citizen=make_citizen("kostas", chania),
        municipality=chania,
        method=Method.BY_POST,
        afm=OTHER_VALID_AFM,
    )
    assert other.status == VerificationCase.Status.SUBMITTED and other.decision_deadline is None
