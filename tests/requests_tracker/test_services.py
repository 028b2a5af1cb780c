import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.models import AuditEntry
from requests_tracker import services, uploads
from requests_tracker.models import Attachment, Category, Request, StatusChange, Vote, private_storage
from requests_tracker.services import citizen_requests as citizen_services
from tests.requests_tracker.fixtures import image_bytes, make_request, upload

Status = Request.Status
pytestmark = pytest.mark.django_db


def test_create_writes_a_code_and_the_first_timeline_entry(reporter, categories):
    citizen_request = make_request(reporter, categories["potholes"])
    assert citizen_request.code.startswith("THE-") and len(citizen_request.code) == 10
    assert citizen_request.status == Status.REGISTERED
    assert citizen_request.department == categories["potholes"].department
    assert [(s.from_status, s.to_status) for s in citizen_request.timeline.all()] == [("", "registered")]
    assert AuditEntry.objects.filter(action="requests.request.created").count() == 1


def test_codes_are_not_sequential(reporter, categories):
    codes = [make_request(reporter, categories["bins"]).code for _ in range(5)]
    assert len(set(codes)) == 5
    assert all(re.fullmatch(r"THE-[0-9A-HJKMNP-TV-Z]{6}", code) for code in codes)


def test_location_outside_the_municipality_is_refused(reporter, categories):
    with pytest.raises(services.OutsideArea):
        make_request(reporter, categories["bins"], latitude=Decimal("35.5"), longitude=Decimal("24.0"))


def test_one_other_category_per_municipality(categories, thessaloniki):
    with pytest.raises(IntegrityError):
        Category.objects.create(municipality=thessaloniki, code="other2", name_el="Άλλο 2", is_other=True)


def test_reporter_edits_only_while_registered(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.request_update(
        citizen_request=citizen_request,
        user=reporter,
        category=categories["bins"],
        title="Νέος τίτλος",
        description="Νέα περιγραφή",
        latitude=citizen_request.latitude,
        longitude=citizen_request.longitude,
    )
    assert Request.objects.get(pk=citizen_request.pk).title == "Νέος τίτλος"
    services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    with pytest.raises(services.NotEditable):
        services.request_update(
            citizen_request=citizen_request,
            user=reporter,
            category=categories["bins"],
            title="Πάλι",
            description="x",
            latitude=citizen_request.latitude,
            longitude=citizen_request.longitude,
        )
    with pytest.raises(services.NotEditable):
        services.request_withdraw(citizen_request=citizen_request, user=reporter)


def test_status_change_notifies_reporter_and_voters_in_their_language(
    reporter, neighbour, categories, clerk, django_capture_on_commit_callbacks
):
    citizen_request = make_request(reporter, categories["potholes"])
    services.vote_add(citizen_request=citizen_request, citizen=neighbour)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_change(
            citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk, note="Το είδαμε"
        )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "Γνωστοποιήθηκε" in subjects[reporter.email]
    assert "Acknowledged" in subjects[neighbour.email]
    assert "Το είδαμε" in mail.outbox[0].body


def test_moving_back_needs_a_note_and_closing_a_resolution(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.status_change(citizen_request=citizen_request, to_status=Status.IN_PROGRESS, clerk=clerk)
    with pytest.raises(services.RequestError):
        services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    with pytest.raises(services.RequestError):
        services.status_change(citizen_request=citizen_request, to_status=Status.CLOSED, clerk=clerk)
    services.status_change(citizen_request=citizen_request, to_status=Status.CLOSED, clerk=clerk, resolution="resolved")
    services.status_change(citizen_request=citizen_request, to_status=Status.IN_PROGRESS, clerk=clerk, note="Ξανάνοιξε")
    citizen_request.refresh_from_db()
    assert (citizen_request.status, citizen_request.resolution, citizen_request.closed_at) == (
        Status.IN_PROGRESS,
        "",
        None,
    )
    assert citizen_request.timeline.count() == 4


def test_stale_status_is_refused(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    stale = Request.objects.get(pk=citizen_request.pk)
    services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    with pytest.raises(services.StatusChanged):
        services.status_change(citizen_request=stale, to_status=Status.IN_PROGRESS, clerk=clerk)
    assert StatusChange.objects.filter(request=citizen_request).count() == 2


def test_duplicate_links_the_original(reporter, categories, clerk):
    original = make_request(reporter, categories["potholes"])
    copy = make_request(reporter, categories["potholes"])
    services.status_change(
        citizen_request=copy, to_status=Status.CLOSED, clerk=clerk, resolution="duplicate", duplicate_of=original
    )
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    with pytest.raises(services.RequestError):
        services.status_change(
            citizen_request=original,
            to_status=Status.CLOSED,
            clerk=clerk,
            resolution="duplicate",
            duplicate_of=original,
        )


def test_votes_once_never_on_ones_own_and_can_be_taken_back(reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    with pytest.raises(services.RequestError):
        services.vote_add(citizen_request=citizen_request, citizen=reporter)
    assert services.vote_add(citizen_request=citizen_request, citizen=neighbour) is True
    assert services.vote_add(citizen_request=citizen_request, citizen=neighbour) is False
    citizen_request.refresh_from_db()
    assert citizen_request.vote_count == 1 == Vote.objects.filter(request=citizen_request).count()
    assert services.vote_remove(citizen_request=citizen_request, citizen=neighbour) is True
    citizen_request.refresh_from_db()
    assert citizen_request.vote_count == 0


def test_the_database_refuses_a_second_vote(reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    Vote.objects.create(request=citizen_request, citizen=neighbour)
    with pytest.raises(IntegrityError, match="requests_one_vote_per_citizen"):
        Vote.objects.create(request=citizen_request, citizen=neighbour)


def test_comments_count_and_hiding(reporter, neighbour, categories, clerk):
    citizen_request = make_request(reporter, categories["bins"])
    with pytest.raises(services.RequestError):
        services.comment_add(citizen_request=citizen_request, author=neighbour, body="   ")
    comment = services.comment_add(citizen_request=citizen_request, author=neighbour, body="Κι εμένα")
    citizen_request.refresh_from_db()
    assert citizen_request.comment_count == 1
    services.comment_hide(comment=comment, clerk=clerk)
    services.comment_hide(comment=comment, clerk=clerk)  # twice: counted once
    citizen_request.refresh_from_db()
    assert citizen_request.comment_count == 0


def test_personal_data_export_and_erase(reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    services.vote_add(citizen_request=citizen_request, citizen=neighbour)
    assert services.requests_data_export(reporter)["requests"][0]["code"] == citizen_request.code
    services.requests_data_erase(neighbour)
    services.requests_data_erase(reporter)
    citizen_request.refresh_from_db()
    assert citizen_request.reporter is None and citizen_request.vote_count == 0


def test_a_category_colour_must_be_rrggbb(thessaloniki):
    category = Category(municipality=thessaloniki, code="x", name_el="Χ", colour="red;background:url(x)")
    with pytest.raises(ValidationError) as refused:
        category.full_clean()
    assert list(refused.value.message_dict) == ["colour"]


def test_the_database_refuses_a_colour_that_is_not_rrggbb(thessaloniki):
    with pytest.raises(IntegrityError, match="requests_category_colour_hex"):
        Category.objects.create(municipality=thessaloniki, code="x", name_el="Χ", colour="#12345")


@pytest.fixture
def audit_fails(monkeypatch):
    """Call it to make every audit record from then on fail."""

    def refuse(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    return lambda: monkeypatch.setattr(citizen_services, "audit_log", refuse)


def test_a_department_assigned_without_its_audit_record_is_not_kept(reporter, categories, clerk, audit_fails):
    citizen_request = make_request(reporter, categories["potholes"])
    audit_fails()
    with pytest.raises(RuntimeError):
        services.department_assign(
            citizen_request=citizen_request, department=categories["bins"].department, clerk=clerk
        )
    citizen_request.refresh_from_db()
    assert citizen_request.department == categories["potholes"].department


def test_a_category_changed_without_its_audit_record_is_not_kept(reporter, categories, clerk, audit_fails):
    citizen_request = make_request(reporter, categories["potholes"])
    audit_fails()
    with pytest.raises(RuntimeError):
        services.category_change(citizen_request=citizen_request, category=categories["bins"], clerk=clerk)
    citizen_request.refresh_from_db()
    assert citizen_request.category == categories["potholes"]


@pytest.fixture
def staged_photo(reporter):
    staged = services.attachment_stage(user=reporter, checked=uploads.upload_check(upload("a.png", image_bytes())))
    names = [staged.file.name, staged.thumbnail.name]
    assert all(names) and all(private_storage().exists(name) for name in names)
    return staged, names


def test_erasing_deletes_a_staged_file_and_its_thumbnail_after_the_commit(
    reporter, staged_photo, django_capture_on_commit_callbacks
):
    _staged, names = staged_photo
    with django_capture_on_commit_callbacks() as callbacks:
        services.requests_data_erase(reporter)
    assert all(private_storage().exists(name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()
    assert not any(private_storage().exists(name) for name in names)


def test_a_rolled_back_erase_keeps_the_files(reporter, staged_photo, django_capture_on_commit_callbacks):
    staged, names = staged_photo
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.requests_data_erase(reporter)
        raise RuntimeError("something later in the account deletion failed")
    assert Attachment.objects.filter(pk=staged.pk).exists()
    assert all(private_storage().exists(name) for name in names)
