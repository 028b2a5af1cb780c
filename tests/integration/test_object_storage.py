"""Private files on object storage (MEDIA_STORAGE=s3) against a local S3 server over real HTTP (tests/objectstore.py).

Every app's uploads land in the private bucket under private/, are read back only through the permission-checking
views, are deleted with their rows and with an erased account, and `media_to_s3` moves a disk's files there, checked.
"""

import hashlib
from io import StringIO

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts import services as account_services
from appointments import documents
from appointments import services as appointment_services
from appointments.models import Mode
from identity_verification.models import private_storage as identity_storage
from requests_tracker import services as request_services
from requests_tracker import uploads as request_uploads
from requests_tracker.models import Attachment, Request
from tests.appointments.conftest import athens, details, next_weekday
from tests.identity_verification.fixtures import make_online_case
from tests.personas import make_citizen
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, upload

pytestmark = pytest.mark.django_db

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture(autouse=True)
def empty_disk(settings, tmp_path):
    """The local media folder of this test: with MEDIA_STORAGE=s3 nothing may land there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _disk_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _book(service, citizen, weekday=1):
    appointment, _token = appointment_services.appointment_book(
        service=service, mode=Mode.VIDEO, start=athens(next_weekday(weekday), 9), citizen=citizen, details=details()
    )
    return appointment


def test_every_apps_files_go_to_the_private_bucket_and_none_to_the_disk(
    s3_bucket, empty_disk, citizen, verified, service, clerk, erequest_types, thessaloniki, categories, client
):
    make_online_case(citizen)
    documents.document_attach(
        appointment=_book(service, verified),
        file=SimpleUploadedFile("taftotita.pdf", PDF_BYTES, content_type="application/pdf"),
        actor=verified,
    )
    file_erequest(verified, erequest_types["residence"])
    client.force_login(make_citizen("kostas", thessaloniki))
    form = {
        "title": "Σπασμένη λάμπα",
        "category": categories["potholes"].pk,
        "description": "Δεν ανάβει εδώ και μία εβδομάδα.",
        "latitude": "40.632500",
        "longitude": "22.945000",
        "files": [upload("photo.jpg", image_bytes("JPEG"))],
    }
    assert client.post(reverse("requests_tracker:create", args=["thessaloniki"]), form).status_code == 302

    keys = s3_bucket.object_keys()
    photo = Request.objects.get().attachments.get()
    assert f"private/requests/{photo.file.name}" in keys and f"private/requests/{photo.thumbnail.name}" in keys
    assert (
        len([key for key in keys if key.startswith("private/requests/files/")]) == 2
    )  # the photo, the e-request's PDF
    assert len([key for key in keys if key.startswith("private/appointments/documents/")]) == 1
    assert len([key for key in keys if key.startswith("private/verification/")]) == 2  # the two scans
    assert _disk_files(empty_disk) == []
    for key in keys:
        grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=key)["Grants"]
        assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES, key


def test_a_scan_in_the_bucket_reaches_its_citizen_through_the_view_and_nobody_else(
    s3_bucket, citizen, other_citizen, client
):
    scan = make_online_case(citizen).documents.get(content_type="image/jpeg")
    url = reverse("identity_verification:document", args=[scan.public_id])

    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_bucket.read(f"private/{scan.file.name}")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")

    # The object store itself gives nothing to a request without the portal's keys, and the storage has no URL.
    assert (
        requests.get(f"{s3_bucket.endpoint_url}/{s3_bucket.name}/private/{scan.file.name}", timeout=5).status_code
        == 403
    )
    with pytest.raises(ValueError, match="no public URL"):
        scan.file.url  # noqa: B018 - the attribute access is what is tested


def test_a_removed_upload_leaves_the_bucket_after_the_commit(s3_bucket, citizen, django_capture_on_commit_callbacks):
    checked = request_uploads.upload_check(upload("a.png", image_bytes()))
    staged = request_services.attachment_stage(user=citizen, checked=checked)
    keys = [f"private/requests/{staged.file.name}", f"private/requests/{staged.thumbnail.name}"]
    assert set(keys) <= set(s3_bucket.object_keys())
    with django_capture_on_commit_callbacks(execute=True):
        request_services.attachments_delete(attachments=[staged])
    assert not Attachment.objects.exists()
    assert s3_bucket.object_keys() == []


def test_erasing_an_account_removes_its_objects_and_only_its(
    s3_bucket, citizen, other_citizen, service, clerk, django_capture_on_commit_callbacks
):
    make_online_case(citizen)
    request_services.attachment_stage(
        user=citizen, checked=request_uploads.upload_check(upload("a.png", image_bytes()))
    )
    documents.document_attach(
        appointment=_book(service, citizen),
        file=SimpleUploadedFile("taftotita.pdf", PDF_BYTES, content_type="application/pdf"),
        actor=citizen,
    )
    theirs = {
        f"private/{document.file.name}" for document in make_online_case(other_citizen, afm="908301668").documents.all()
    }
    # Scans, a photo and its thumbnail, a booking document; the other citizen's scans.
    assert len(s3_bucket.object_keys()) == 2 + 2 + 1 + 2

    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_delete(user=citizen)

    assert set(s3_bucket.object_keys()) == theirs


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_media_to_s3_copies_every_file_checked_and_a_second_run_changes_nothing(s3_bucket, empty_disk, settings):
    settings.MEDIA_STORAGE = "local"  # the site still serves from disk while the files are copied
    files = {
        "private/id-scan.jpg": image_bytes("JPEG"),
        "private/requests/files/2026/11/photo.png": image_bytes(),
        "private/appointments/documents/2026/11/letter.pdf": PDF_BYTES,
        "private/requests/files/2026/11/empty.pdf": b"",
    }
    for name, data in files.items():
        (empty_disk / name).parent.mkdir(parents=True, exist_ok=True)
        (empty_disk / name).write_bytes(data)

    first = StringIO()
    call_command("media_to_s3", stdout=first)
    assert "4 copied, 0 unchanged, 0 failed" in first.getvalue()
    assert s3_bucket.object_keys() == sorted(files)
    assert {key: _sha256(s3_bucket.read(key)) for key in files} == {key: _sha256(data) for key, data in files.items()}
    stamps = {key: s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=key)["LastModified"] for key in files}

    second = StringIO()
    call_command("media_to_s3", stdout=second)
    assert "0 copied, 4 unchanged, 0 failed" in second.getvalue()
    assert {
        key: s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=key)["LastModified"] for key in files
    } == stamps

    # Once switched, the portal reads the copied files where its storage looks for them.
    settings.MEDIA_STORAGE = "s3"
    with identity_storage().open("id-scan.jpg") as copied:
        assert copied.read() == files["private/id-scan.jpg"]


def test_media_to_s3_leaves_a_different_object_of_the_same_name_alone(s3_bucket, empty_disk):
    (empty_disk / "private").mkdir(parents=True)
    (empty_disk / "private" / "scan.pdf").write_bytes(PDF_BYTES)
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="private/scan.pdf", Body=b"%PDF-1.4 another file")
    errors = StringIO()
    with pytest.raises(Exception, match="1 files were not copied"):
        call_command("media_to_s3", stdout=StringIO(), stderr=errors)
    assert "differs: private/scan.pdf" in errors.getvalue()
    assert s3_bucket.read("private/scan.pdf") == b"%PDF-1.4 another file"
