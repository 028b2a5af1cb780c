import pytest
from django.urls import reverse

from requests_tracker import services, uploads
from requests_tracker.models import Attachment, Comment, Request
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, make_clerk, make_request, make_user, upload

Status = Request.Status
pytestmark = pytest.mark.django_db


def _form(categories, **overrides):
    data = {
        "title": "Σπασμένη λάμπα",
        "category": categories["potholes"].pk,
        "description": "Δεν ανάβει εδώ και μία εβδομάδα.",
        "latitude": "40.632500",
        "longitude": "22.945000",
        "address": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_file_a_request_without_javascript_with_a_photo_and_a_pdf(client, reporter, categories):
    client.force_login(reporter)
    data = _form(categories, files=[upload("photo.jpg", image_bytes("JPEG")), upload("letter.pdf", PDF_BYTES)])
    response = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    citizen_request = Request.objects.get()
    assert response["Location"].endswith(f"/r/{citizen_request.code}/")
    assert sorted(citizen_request.attachments.values_list("kind", flat=True)) == ["document", "image"]


def test_address_alone_is_geocoded_on_submit(client, reporter, categories, geocoder):
    client.force_login(reporter)
    data = _form(categories, latitude=None, longitude=None, address="ionos dragoumi 47")
    assert client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data).status_code == 302
    assert str(Request.objects.get().latitude) == "40.636581"


def test_bad_input_keeps_what_was_typed_and_uploaded(client, reporter, categories, geocoder):
    client.force_login(reporter)
    url = reverse("requests_tracker:create", args=["thessaloniki"])
    data = _form(
        categories,
        title="",
        latitude=None,
        longitude=None,
        files=[upload("photo.png", image_bytes()), upload("evil.png", b"<svg/>")],
    )
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Δεν ανάβει εδώ και μία εβδομάδα." in page  # the description survives
    assert "evil.png" in page  # the refused file is named in the error
    staged = Attachment.objects.get(request=None)
    assert f'name="attachment" value="{staged.pk}"' in page  # the good photo is kept for the next try
    # Second try: the staged photo rides along, the request is filed with it.
    response = client.post(url, {**_form(categories), "attachment": staged.pk})
    assert response.status_code == 302
    assert Request.objects.get().attachments.get() == staged


@pytest.mark.parametrize(
    "overrides",
    [
        {"latitude": "35.513800", "longitude": "24.017500"},  # Chania: outside Thessaloniki
        {"category": "999999"},
        {"latitude": None, "longitude": None, "address": ""},
    ],
)
def test_refusals_have_a_message(client, reporter, categories, overrides):
    client.force_login(reporter)
    response = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), _form(categories, **overrides))
    assert response.status_code == 200 and 'class="alert alert-danger"' in response.content.decode()
    assert not Request.objects.exists()


def test_geocoder_down_leaves_the_coordinates_usable(client, reporter, categories, geocoder):
    geocoder.failure = "error"
    client.force_login(reporter)
    url = reverse("requests_tracker:create", args=["thessaloniki"])
    response = client.post(url, _form(categories, latitude=None, longitude=None, address="Εγνατία"))
    assert "δεν είναι διαθέσιμη" in response.content.decode()
    assert client.post(url, _form(categories, address="Εγνατία")).status_code == 302


def test_too_many_files(client, reporter, categories):
    client.force_login(reporter)
    files = [upload(f"p{index}.png", image_bytes()) for index in range(6)]
    response = client.post(reverse("requests_tracker:create", args=["thessaloniki"]), _form(categories, files=files))
    assert response.status_code == 200 and "5" in response.content.decode()
    assert Attachment.objects.count() == 5


def test_xhr_upload_endpoint(client, reporter, categories):
    client.force_login(reporter)
    url = reverse("requests_tracker:upload", args=["thessaloniki"])
    ok = client.post(url, {"file": upload("a.png", image_bytes())})
    assert ok.status_code == 201 and ok.json()["kind"] == "image"
    bad = client.post(url, {"file": upload("b.pdf", b"<html></html>")})
    assert bad.status_code == 400 and bad.json()["error"]


def test_edit_is_locked_after_registered(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    client.force_login(reporter)
    edit = reverse("requests_tracker:edit", args=["thessaloniki", citizen_request.code])
    assert client.get(edit).status_code == 200
    services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    response = client.post(edit, _form(categories, title="Αλλαγή"), follow=True)
    assert "δεν μπορεί πλέον να αλλάξει" in response.content.decode()
    assert Request.objects.get().title != "Αλλαγή"


def test_detail_vote_comment(client, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    detail = reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])
    page = client.get(detail).content.decode()
    assert citizen_request.code in page and "Καταχωρήθηκε" in page
    client.force_login(neighbour)
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    assert Request.objects.get().vote_count == 1
    empty = client.post(reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code]), {"body": " "})
    assert empty.status_code == 400 and "Γράψτε ένα σχόλιο" in empty.content.decode()
    client.post(reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code]), {"body": "Κι εγώ"})
    assert Request.objects.get().comment_count == 1


def test_a_hidden_comment_does_not_reach_the_public_page(client, reporter, neighbour, categories, clerk):
    citizen_request = make_request(reporter, categories["bins"])
    comment = services.comment_add(citizen_request=citizen_request, author=neighbour, body="Προσβλητικό σχόλιο")
    services.comment_hide(comment=comment, clerk=clerk)
    response = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code]))
    assert response.context["comments"] == []
    assert "Προσβλητικό" not in response.content.decode()


def test_a_hidden_comment_is_shown_to_the_clerk_marked_hidden(client, reporter, neighbour, categories, clerk):
    citizen_request = make_request(reporter, categories["bins"])
    comment = services.comment_add(citizen_request=citizen_request, author=neighbour, body="Προσβλητικό σχόλιο")
    services.comment_hide(comment=comment, clerk=clerk)
    client.force_login(clerk)
    page = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])).content.decode()
    assert "Προσβλητικό σχόλιο" in page and "Αποκρύφτηκε από διαχειριστή· το προσωπικό" in page


def test_attachments_are_served_through_the_view_with_safe_headers(client, reporter, neighbour, categories):
    client.force_login(reporter)
    url = reverse("requests_tracker:upload", args=["thessaloniki"])
    pdf_id = client.post(url, {"file": upload("../../\u202eevil.pdf", PDF_BYTES)}).json()["id"]
    file_url = reverse("requests_tracker:attachment", args=[Attachment.objects.get(pk=pdf_id).public_id])
    client.force_login(neighbour)
    assert client.get(file_url).status_code == 404  # staged: only its uploader sees it
    client.force_login(reporter)
    citizen_request = make_request(reporter, categories["bins"], attachments=[Attachment.objects.get(pk=pdf_id)])
    client.logout()
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "evil.pdf" in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    attachment = citizen_request.attachments.get()
    assert "evil" not in attachment.file.name and attachment.file.name.endswith(".pdf")


def test_list_filters_sort_page_size_and_ribbon(client, reporter, neighbour, categories):
    make_request(reporter, categories["bins"], title="Ξεχειλισμένος κάδος")
    make_request(neighbour, categories["potholes"], title="Λακκούβα")
    url = reverse("requests_tracker:start", args=["thessaloniki"])
    client.force_login(reporter)
    page = client.get(url, {"category": categories["bins"].pk}).content.decode()
    assert "Ξεχειλισμένος" in page and "Λακκούβα</h2>" not in page
    assert "Το αίτημά μου" in page
    mine = client.get(url, {"mine": "1"}).content.decode()
    assert "Λακκούβα</h2>" not in mine
    search = client.get(url, {"q": "λακκ"}).content.decode()
    assert "Λακκούβα" in search and "Ξεχειλισμένος" not in search
    ordered = client.get(url, {"sort": "title"}).content.decode()
    assert ordered.index("Λακκούβα") < ordered.index("Ξεχειλισμένος")
    assert client.get(url, {"per_page": "10"}).context["page"].paginator.per_page == 10
    assert client.get(url, {"per_page": "7"}).context["page"].paginator.per_page == 20


def _many(reporter, categories, count):
    Request.objects.bulk_create(
        Request(
            code=f"THE-{index:06d}",
            municipality=categories["bins"].municipality,
            category=categories["bins"] if index % 2 else categories["potholes"],
            title=f"Αίτημα {index}",
            description="x",
            latitude=f"{40.6 + index * 0.001:.6f}",
            longitude=f"{22.9 + index * 0.001:.6f}",
            reporter=reporter,
        )
        for index in range(count)
    )


@pytest.mark.parametrize("count", [5, 100])
def test_query_counts_do_not_grow_with_rows(client, reporter, categories, django_assert_num_queries, count):
    _many(reporter, categories, count)
    client.force_login(reporter)
    list_url = reverse("requests_tracker:start", args=["thessaloniki"])
    map_url = reverse("requests_tracker:map_json", args=["thessaloniki"])
    open311 = "/open311/v2/requests.json"
    # session + user, municipality, count, rows, categories
    with django_assert_num_queries(6):
        client.get(list_url, {"per_page": "100", "sort": "title"})
    with django_assert_num_queries(3):  # municipality, the grouped cells, the single pins' titles
        assert client.get(map_url, {"bbox": "40.5,22.8,40.8,23.1", "zoom": "18"}).json()["pins"]
    client.logout()
    with django_assert_num_queries(2):
        assert len(client.get(open311, {"jurisdiction_id": "thessaloniki"}).json()) == count


def test_map_pins_cluster_by_zoom(client, reporter, categories):
    _many(reporter, categories, 100)
    url = reverse("requests_tracker:map_json", args=["thessaloniki"])
    city = client.get(url, {"bbox": "40.5,22.8,40.8,23.1", "zoom": "10"}).json()["pins"]
    street = client.get(url, {"bbox": "40.5,22.8,40.8,23.1", "zoom": "19"}).json()["pins"]
    assert sum(pin["count"] for pin in city) == 100 and len(city) < 10
    assert len(street) == 100 and all(pin["code"] for pin in street)
    outside = client.get(url, {"bbox": "35,24,35.1,24.1", "zoom": "15"}).json()["pins"]
    assert outside == []
    assert client.get(url, {"bbox": "nonsense"}).status_code == 400


def test_staff_pages_are_scoped_to_the_clerks_municipality(client, reporter, categories, clerk, chania):
    citizen_request = make_request(reporter, categories["other"])
    manage = reverse("requests_tracker:staff_manage", args=["thessaloniki", citizen_request.code])
    client.force_login(reporter)
    assert client.get(manage).status_code == 403
    client.force_login(make_clerk("clerk.chania", chania))
    assert client.get(manage).status_code == 403
    client.force_login(clerk)
    assert client.get(reverse("requests_tracker:staff_queue", args=["thessaloniki"])).status_code == 200
    assert client.get(manage).status_code == 200
    client.post(
        reverse("requests_tracker:staff_status", args=["thessaloniki", citizen_request.code]),
        {"status": "acknowledged", "seen_status": "registered", "note": ""},
    )
    client.post(
        reverse("requests_tracker:staff_category", args=["thessaloniki", citizen_request.code]),
        {"category": categories["bins"].pk},
    )
    client.post(
        reverse("requests_tracker:staff_reply", args=["thessaloniki", citizen_request.code]), {"body": "Το είδαμε."}
    )
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.ACKNOWLEDGED and citizen_request.category == categories["bins"]
    assert citizen_request.department == categories["bins"].department
    assert Comment.objects.get().is_staff_reply
    stale = client.post(
        reverse("requests_tracker:staff_status", args=["thessaloniki", citizen_request.code]),
        {"status": "in_progress", "seen_status": "registered"},
    )
    assert stale.status_code == 400 and "Κάποιος άλλος" in stale.content.decode()


def test_the_reporter_cannot_vote_and_strangers_cannot_edit(client, reporter, categories, thessaloniki):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(reporter)
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    assert Request.objects.get().vote_count == 0
    client.force_login(make_user("stranger", thessaloniki))
    response = client.post(
        reverse("requests_tracker:edit", args=["thessaloniki", citizen_request.code]), {"title": "x"}
    )
    assert response.status_code == 302 and Request.objects.get().title == citizen_request.title


def test_withdraw_while_registered(client, reporter, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(reporter)
    response = client.post(reverse("requests_tracker:withdraw", args=["thessaloniki", citizen_request.code]))
    assert response.status_code == 302 and not Request.objects.exists()


def test_admin_is_scoped_to_the_clerks_municipality(client, reporter, categories, chania):
    from django.contrib.auth.models import Permission

    from requests_tracker.models import Category

    make_request(reporter, categories["bins"], title="Αίτημα-ΘΕΣ")
    other = Category.objects.create(municipality=chania, code="bins", name_el="Κάδοι")
    Request.objects.create(
        code="CHA-AAAAAA",
        municipality=chania,
        category=other,
        title="Αίτημα-ΧΑΝ",
        description="x",
        latitude=35.5,
        longitude=24.0,
    )
    admin_clerk = make_clerk("admin.clerk", chania)
    admin_clerk.user_permissions.add(Permission.objects.get(codename="view_request"))
    client.force_login(admin_clerk)
    page = client.get("/admin/requests_tracker/request/").content.decode()
    assert "Αίτημα-ΧΑΝ" in page and "Αίτημα-ΘΕΣ" not in page and "Θεσσαλονίκης" not in page


def test_total_size_per_request_is_limited(client, reporter, categories, settings, monkeypatch):
    from requests_tracker import uploads

    monkeypatch.setattr(uploads, "MAX_TOTAL_SIZE", len(PDF_BYTES) * 2)
    client.force_login(reporter)
    url = reverse("requests_tracker:upload", args=["thessaloniki"])
    ids = [client.post(url, {"file": upload(f"{n}.pdf", PDF_BYTES)}).json()["id"] for n in range(2)]
    third = client.post(url, {"file": upload("3.pdf", PDF_BYTES), "attachment": ids})
    assert third.status_code == 400 and third.json()["error"]


def _request_with_a_photo(reporter, categories):
    photo = services.attachment_stage(user=reporter, checked=uploads.upload_check(upload("a.png", image_bytes())))
    return make_request(reporter, categories["bins"], attachments=[photo]), photo


def test_attachment_links_carry_the_unguessable_public_id(client, reporter, categories):
    citizen_request, photo = _request_with_a_photo(reporter, categories)
    page = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])).content.decode()
    assert f"/requests/files/{photo.public_id}/" in page and f"/requests/files/{photo.public_id}/thumb/" in page
    assert client.get(f"/requests/files/{photo.public_id}/").status_code == 200


def test_an_attachment_is_not_found_by_its_sequential_id(client, reporter, categories):
    _citizen_request, photo = _request_with_a_photo(reporter, categories)
    assert client.get(f"/requests/files/{photo.pk}/").status_code == 404
