"""Withdrawing without loss, staff replies by e-mail, comment signatures, the address rule, quotas, rate limits and
the purge of abandoned uploads."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from requests_tracker import selectors, services, uploads
from requests_tracker.models import Attachment, Request
from tests.requests_tracker.fixtures import CENTRE, image_bytes, make_request, upload

pytestmark = pytest.mark.django_db


def test_withdraw_keeps_votes_comments_and_files_and_leaves_the_public_list(client, reporter, neighbour, categories):
    photo = services.attachment_stage(user=reporter, checked=uploads.upload_check(upload("a.png", image_bytes())))
    citizen_request = make_request(reporter, categories["potholes"], attachments=[photo])
    services.vote_add(citizen_request=citizen_request, citizen=neighbour)
    services.comment_add(citizen_request=citizen_request, author=neighbour, body="Κι εδώ.")
    services.request_withdraw(citizen_request=citizen_request, user=reporter, note="Λύθηκε")
    citizen_request.refresh_from_db()
    assert citizen_request.status == Request.Status.WITHDRAWN
    assert (citizen_request.vote_count, citizen_request.comment_count, citizen_request.attachments.count()) == (1, 1, 1)
    assert [step.to_status for step in citizen_request.timeline.all()] == ["registered", "withdrawn"]
    page = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code]))
    assert page.status_code == 200
    listing = client.get(reverse("requests_tracker:start", args=["thessaloniki"]))
    assert listing.context["page"].paginator.count == 0
    with pytest.raises(services.RequestError):
        services.vote_add(citizen_request=citizen_request, citizen=neighbour)


def test_withdraw_is_a_compare_and_swap_and_needs_confirmation(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    client.force_login(reporter)
    url = reverse("requests_tracker:withdraw", args=["thessaloniki", citizen_request.code])
    assert client.get(url).status_code == 200  # the confirmation page; nothing changed
    assert Request.objects.get().status == "registered"
    stale = Request.objects.get()
    services.status_change(citizen_request=citizen_request, to_status="acknowledged", clerk=clerk)
    with pytest.raises(services.NotEditable):
        services.request_withdraw(citizen_request=stale, user=reporter)
    assert Request.objects.get().status == "acknowledged"


def test_a_clerk_cannot_move_a_withdrawn_request(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.request_withdraw(citizen_request=citizen_request, user=reporter)
    citizen_request.refresh_from_db()
    with pytest.raises(services.RequestError):
        services.status_change(citizen_request=citizen_request, to_status="acknowledged", clerk=clerk)


def test_a_staff_reply_is_emailed_to_the_reporter_and_voters(
    client, reporter, neighbour, categories, clerk, django_capture_on_commit_callbacks
):
    citizen_request = make_request(reporter, categories["potholes"])
    services.vote_add(citizen_request=citizen_request, citizen=neighbour)
    mail.outbox.clear()
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("requests_tracker:staff_reply", args=["thessaloniki", citizen_request.code]),
            {"body": "Το συνεργείο θα περάσει αύριο."},
        )
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {reporter.email, neighbour.email}
    assert "Το συνεργείο θα περάσει αύριο." in by_recipient[reporter.email].body
    assert by_recipient[reporter.email].subject == f"Αίτημα {citizen_request.code}: απάντηση του δήμου"
    assert by_recipient[neighbour.email].subject == f"Request {citizen_request.code}: a reply from the municipality"


def test_the_path_shows_the_steps_ahead(reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.status_change(citizen_request=citizen_request, to_status="acknowledged", clerk=clerk)
    parts = selectors.request_detail_parts(citizen_request=citizen_request, user=reporter)
    assert [(step.status, step.state) for step in parts["path"]] == [
        ("registered", "done"),
        ("acknowledged", "current"),
        ("in_progress", "ahead"),
        ("closed", "ahead"),
    ]


def test_comments_are_signed_with_initials_or_a_chosen_name_never_the_full_name(client, reporter, categories):
    reporter.full_name = "Ελένη Παπαδοπούλου"
    reporter.save()
    citizen_request = make_request(reporter, categories["potholes"])
    services.comment_add(citizen_request=citizen_request, author=reporter, body="Ακόμη εδώ.")
    url = reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])
    page = _comments(client, url)
    assert "Ε. Π." in page and "Παπαδοπούλου" not in page
    client.force_login(reporter)
    response = client.post(reverse("requests_tracker:comment_signature"), {"shown_as": "display_name"})
    assert response.status_code == 400  # a display name must be typed
    client.post(
        reverse("requests_tracker:comment_signature"), {"shown_as": "display_name", "display_name": "Γειτόνισσα"}
    )
    page = _comments(client, url)
    assert "Γειτόνισσα" in page and "Παπαδοπούλου" not in page
    assert "Το σχόλιό σας θα υπογραφεί «Γειτόνισσα»" in page


def _comments(client, url) -> str:
    page = client.get(url).content.decode()
    return page[page.index('id="comments"') :]


def test_an_address_the_geocoder_did_not_give_is_never_saved(client, reporter, categories):
    client.force_login(reporter)
    data = {
        "title": "Λακκούβα",
        "category": categories["potholes"].pk,
        "description": "Βαθιά.",
        "latitude": str(CENTRE[0]),
        "longitude": str(CENTRE[1]),
        "address": "qwzx nonexistent",
        "address_token": services.address_token("47, Ίωνος Δραγούμη"),  # a token for another address
    }
    client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)
    assert Request.objects.get().address == ""
    data.update(address="47, Ίωνος Δραγούμη", title="Δεύτερη")
    client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)
    assert Request.objects.get(title="Δεύτερη").address == "47, Ίωνος Δραγούμη"


def test_without_a_marker_the_geocoders_label_is_saved_not_the_typed_text(client, reporter, categories, geocoder):
    client.force_login(reporter)
    data = {"title": "Λακκούβα", "category": categories["potholes"].pk, "description": "Βαθιά."}
    client.post(reverse("requests_tracker:create", args=["thessaloniki"]), {**data, "address": "ionos dragoumi 47"})
    assert Request.objects.get().address == "47, Ίωνος Δραγούμη, Κέντρο, Θεσσαλονίκη, 54625, Ελλάδα"


def test_reverse_geocoding_through_the_stand_in(client, categories, geocoder):
    url = reverse("requests_tracker:reverse_geocode_json", args=["thessaloniki"])
    found = client.get(url, {"lat": "40.6366", "lng": "22.9407"}).json()
    assert found["label"].startswith("47, Ίωνος Δραγούμη") and found["token"]
    assert client.get(url, {"lat": "40.60", "lng": "22.90"}).json() == {"label": "", "token": ""}
    assert client.get(url, {"lat": "nan", "lng": "1"}).status_code == 400


def test_nearby_lists_open_requests_of_the_category_within_150_m(client, reporter, categories, clerk):
    near = make_request(reporter, categories["potholes"], title="Κοντά")
    make_request(reporter, categories["bins"], title="Άλλη κατηγορία")
    make_request(reporter, categories["potholes"], title="Μακριά", latitude="40.6350")  # ~330 m north
    closed = make_request(reporter, categories["potholes"], title="Κλειστό")
    services.status_change(citizen_request=closed, to_status="closed", clerk=clerk, resolution="resolved")
    rows = client.get(
        reverse("requests_tracker:nearby_json", args=["thessaloniki"]),
        {"category": categories["potholes"].pk, "lat": "40.6325", "lng": "22.9440"},
    ).json()["results"]
    assert [(row["code"], row["distance"]) for row in rows] == [(near.code, 56)]


def test_staged_uploads_have_a_quota_and_duplicates_are_refused(client, reporter, categories, monkeypatch):
    client.force_login(reporter)
    url = reverse("requests_tracker:upload", args=["thessaloniki"])
    first = client.post(url, {"file": upload("a.png", image_bytes())}).json()
    again = client.post(url, {"file": upload("b.png", image_bytes()), "attachment": first["id"]})
    assert again.status_code == 400 and "υπάρχει ήδη" in again.json()["error"]
    monkeypatch.setattr(services.citizen_requests, "STAGED_MAX_FILES", 1)
    over = client.post(url, {"file": upload("c.png", image_bytes(size=(9, 9)))})
    assert over.status_code == 400 and "πάρα πολλά αρχεία" in over.json()["error"]


def test_a_staged_file_can_be_removed_only_by_its_uploader(client, reporter, neighbour, categories):
    client.force_login(reporter)
    staged = client.post(
        reverse("requests_tracker:upload", args=["thessaloniki"]), {"file": upload("a.png", image_bytes())}
    ).json()
    client.force_login(neighbour)
    assert client.post(staged["remove"]).status_code == 404
    client.force_login(reporter)
    assert client.post(staged["remove"]).json() == {"removed": staged["id"]}
    assert not Attachment.objects.exists()


def test_abandoned_staged_uploads_are_purged_after_a_day(
    reporter, categories, private_media, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        old = services.attachment_stage(user=reporter, checked=uploads.upload_check(upload("a.png", image_bytes())))
    fresh = services.attachment_stage(
        user=reporter, checked=uploads.upload_check(upload("b.png", image_bytes(size=(9, 9))))
    )
    filed = services.attachment_stage(
        user=reporter, checked=uploads.upload_check(upload("c.png", image_bytes(size=(8, 8))))
    )
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        make_request(reporter, categories["potholes"], attachments=[filed])
    from requests_tracker.tasks import staged_uploads_purge

    with django_capture_on_commit_callbacks(execute=True):
        assert staged_uploads_purge() == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, filed.pk}
    assert not (private_media / old.file.name.split("requests/")[-1]).exists()


def test_comments_votes_address_search_and_open311_posts_are_rate_limited(
    client, reporter, neighbour, categories, settings
):
    settings.REQUESTS_RATE_LIMITS = {"comment": "2/m/user", "vote": "2/m/user", "geocode": "2/m/ip"}
    citizen_request = make_request(reporter, categories["potholes"])
    client.force_login(neighbour)
    comment_url = reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code])
    statuses = [client.post(comment_url, {"body": f"σχόλιο {index}"}).status_code for index in range(3)]
    assert statuses == [302, 302, 429]
    vote_url = reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code])
    for _attempt in range(3):
        client.post(vote_url)
    assert citizen_request.votes.count() == 1  # the third was refused before it reached the service
    geocode_url = reverse("requests_tracker:geocode_json", args=["thessaloniki"])
    assert [client.get(geocode_url, {"q": ""}).status_code for _ in range(3)][-1] == 429


def test_the_comment_signature_is_exported_and_erased_with_the_account(reporter):
    from requests_tracker.models import CommentSignature
    from requests_tracker.services.personal_data import requests_data_erase, requests_data_export

    services.comment_signature_set(user=reporter, shown_as="display_name", display_name="Γειτόνισσα")
    assert requests_data_export(reporter)["comment_signature"] == [
        {"shown_as": "display_name", "display_name": "Γειτόνισσα"}
    ]
    requests_data_erase(reporter)
    assert not CommentSignature.objects.filter(user=reporter).exists()
