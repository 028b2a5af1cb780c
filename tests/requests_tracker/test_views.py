import pytest
from django.urls import reverse

from requests_tracker import services, uploads
from requests_tracker.models import Attachment, Comment, Request
from tests.personas import make_citizen
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, make_clerk, make_request, upload

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


def _post_with_a_bad_file(client, categories):
    data = _form(
        categories,
        title="",
        latitude=None,
        longitude=None,
        files=[upload("photo.png", image_bytes()), upload("evil.png", b"<svg/>")],
    )
    return client.post(reverse("requests_tracker:create", args=["thessaloniki"]), data)


def test_bad_input_keeps_the_typed_description(client, reporter, categories, geocoder):
    client.force_login(reporter)
    response = _post_with_a_bad_file(client, categories)
    assert response.status_code == 200
    assert "Δεν ανάβει εδώ και μία εβδομάδα." in response.content.decode()


def test_a_refused_file_is_named_in_the_error(client, reporter, categories, geocoder):
    client.force_login(reporter)
    response = _post_with_a_bad_file(client, categories)
    assert [error for error in response.context["form"].errors["files"] if error.startswith("evil.png: ")]


def test_an_accepted_file_is_kept_for_the_next_try_and_filed_with_it(client, reporter, categories, geocoder):
    client.force_login(reporter)
    page = _post_with_a_bad_file(client, categories).content.decode()
    staged = Attachment.objects.get(request=None)
    assert f'name="attachment" value="{staged.pk}"' in page
    response = client.post(
        reverse("requests_tracker:create", args=["thessaloniki"]), {**_form(categories), "attachment": staged.pk}
    )
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


def test_geocoder_down_says_so_at_the_address(client, reporter, categories, geocoder):
    geocoder.failure = "error"
    client.force_login(reporter)
    url = reverse("requests_tracker:create", args=["thessaloniki"])
    response = client.post(url, _form(categories, latitude=None, longitude=None, address="Εγνατία"))
    assert response.context["form"].errors["address"] == [
        "Η αναζήτηση διευθύνσεων δεν είναι διαθέσιμη αυτή τη στιγμή. Τοποθετήστε τον δείκτη στον χάρτη ή δοκιμάστε "
        "αργότερα."
    ]


def test_geocoder_down_still_files_a_request_with_coordinates(client, reporter, categories, geocoder):
    geocoder.failure = "error"
    client.force_login(reporter)
    url = reverse("requests_tracker:create", args=["thessaloniki"])
    assert client.post(url, _form(categories, address="Εγνατία")).status_code == 302


def _post_six_files(client, categories):
    # Six different photos: the same photo twice is refused as a duplicate (test_imc_services.py).
    files = [upload(f"p{index}.png", image_bytes(size=(40 + index, 30))) for index in range(6)]
    return client.post(reverse("requests_tracker:create", args=["thessaloniki"]), _form(categories, files=files))


def test_too_many_files(client, reporter, categories):
    client.force_login(reporter)
    response = _post_six_files(client, categories)
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["Ένα αίτημα μπορεί να έχει έως 5 αρχεία."]
    assert not Request.objects.exists()


def test_too_many_files_keeps_the_first_five(client, reporter, categories):
    client.force_login(reporter)
    _post_six_files(client, categories)
    assert Attachment.objects.filter(uploaded_by=reporter, request=None).count() == 5


def test_xhr_upload_stages_a_good_file(client, reporter, categories):
    client.force_login(reporter)
    response = client.post(
        reverse("requests_tracker:upload", args=["thessaloniki"]), {"file": upload("a.png", image_bytes())}
    )
    assert response.status_code == 201 and response.json()["kind"] == "image"


def test_xhr_upload_refuses_a_disguised_file_with_a_message(client, reporter, categories):
    client.force_login(reporter)
    response = client.post(
        reverse("requests_tracker:upload", args=["thessaloniki"]), {"file": upload("b.pdf", b"<html></html>")}
    )
    assert response.status_code == 400 and response.json()["error"].startswith("b.pdf: ")


def test_the_reporter_opens_the_edit_page_while_registered(client, reporter, categories):
    citizen_request = make_request(reporter, categories["potholes"])
    client.force_login(reporter)
    assert client.get(reverse("requests_tracker:edit", args=["thessaloniki", citizen_request.code])).status_code == 200


def test_edit_is_locked_after_registered(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    client.force_login(reporter)
    edit = reverse("requests_tracker:edit", args=["thessaloniki", citizen_request.code])
    response = client.post(edit, _form(categories, title="Αλλαγή"), follow=True)
    assert "δεν μπορεί πλέον να αλλάξει" in response.content.decode()
    assert Request.objects.get().title != "Αλλαγή"


def test_the_detail_page_shows_the_code_and_status(client, reporter, categories):
    citizen_request = make_request(reporter, categories["bins"])
    page = client.get(reverse("requests_tracker:detail", args=["thessaloniki", citizen_request.code])).content.decode()
    assert citizen_request.code in page and "Καταχωρίστηκε" in page


def test_a_vote_counts_once(client, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(neighbour)
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    assert Request.objects.get().vote_count == 1


def test_an_empty_comment_is_refused_with_a_message(client, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(neighbour)
    empty = client.post(reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code]), {"body": " "})
    assert empty.status_code == 400
    assert empty.context["comment_form"].errors["body"] == ["Γράψτε ένα σχόλιο πριν το στείλετε."]


def test_a_comment_is_added_and_counted(client, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(neighbour)
    client.post(reverse("requests_tracker:comment", args=["thessaloniki", citizen_request.code]), {"body": "Κι εγώ"})
    assert Request.objects.get().comment_count == 1
    assert Comment.objects.get().body == "Κι εγώ"


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


def _upload_pdf(client, reporter, name="letter.pdf") -> Attachment:
    client.force_login(reporter)
    url = reverse("requests_tracker:upload", args=["thessaloniki"])
    return Attachment.objects.get(pk=client.post(url, {"file": upload(name, PDF_BYTES)}).json()["id"])


def test_a_staged_file_is_only_its_uploaders(client, reporter, neighbour, categories):
    staged = _upload_pdf(client, reporter)
    client.force_login(neighbour)
    assert client.get(reverse("requests_tracker:attachment", args=[staged.public_id])).status_code == 404


def test_a_document_is_served_as_a_download_that_is_never_sniffed(client, reporter, categories):
    staged = _upload_pdf(client, reporter)
    make_request(reporter, categories["bins"], attachments=[staged])
    client.logout()
    response = client.get(reverse("requests_tracker:attachment", args=[staged.public_id]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_staged_file_is_never_cached_and_a_public_one_for_an_hour(client, reporter, categories):
    staged = _upload_pdf(client, reporter)
    url = reverse("requests_tracker:attachment", args=[staged.public_id])
    assert "no-store" in client.get(url)["Cache-Control"]
    make_request(reporter, categories["bins"], attachments=[staged])
    client.logout()
    assert client.get(url)["Cache-Control"] == "private, max-age=3600"


def test_the_citizens_file_name_is_cleaned_and_never_reaches_the_disk(client, reporter, categories):
    staged = _upload_pdf(client, reporter, name="../../\u202eevil.pdf")
    make_request(reporter, categories["bins"], attachments=[staged])
    response = client.get(reverse("requests_tracker:attachment", args=[staged.public_id]))
    assert "evil.pdf" in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    staged.refresh_from_db()
    assert "evil" not in staged.file.name and staged.file.name.endswith(".pdf")


@pytest.fixture
def two_requests(reporter, neighbour, categories):
    make_request(reporter, categories["bins"], title="Ξεχειλισμένος κάδος", description="Δεν έχει αδειάσει.")
    make_request(neighbour, categories["potholes"], title="Λακκούβα")


def _list(client, **query) -> str:
    return client.get(reverse("requests_tracker:start", args=["thessaloniki"]), query).content.decode()


def test_list_filters_by_category(client, two_requests, categories):
    page = _list(client, category=categories["bins"].pk)
    assert "Ξεχειλισμένος" in page and "Λακκούβα</h2>" not in page


def test_list_marks_the_citizens_own_request(client, reporter, two_requests):
    client.force_login(reporter)
    assert _list(client).count('<span class="ribbon">Το αίτημά μου</span>') == 1


def test_list_shows_only_mine(client, reporter, two_requests):
    client.force_login(reporter)
    page = _list(client, mine="1")
    assert "Ξεχειλισμένος" in page and "Λακκούβα</h2>" not in page


def test_list_searches_titles(client, two_requests):
    page = _list(client, q="λακκ")
    assert "Λακκούβα" in page and "Ξεχειλισμένος" not in page


def test_list_sorts_by_title(client, two_requests):
    page = _list(client, sort="title")
    assert page.index("Λακκούβα") < page.index("Ξεχειλισμένος")


@pytest.mark.parametrize(("asked", "given"), [("10", 10), ("7", 20)])
def test_list_page_size_is_one_of_the_offered(client, two_requests, asked, given):
    response = client.get(reverse("requests_tracker:start", args=["thessaloniki"]), {"per_page": asked})
    assert response.context["page"].paginator.per_page == given


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
def test_list_query_count_does_not_grow_with_rows(client, reporter, categories, django_assert_num_queries, count):
    _many(reporter, categories, count)
    client.force_login(reporter)
    with django_assert_num_queries(6):  # session + user, municipality, count, rows, categories
        client.get(reverse("requests_tracker:start", args=["thessaloniki"]), {"per_page": "100", "sort": "title"})


@pytest.mark.parametrize("count", [5, 100])
def test_map_query_count_does_not_grow_with_rows(client, reporter, categories, django_assert_num_queries, count):
    _many(reporter, categories, count)
    map_url = reverse("requests_tracker:map_json", args=["thessaloniki"])
    with django_assert_num_queries(3):  # municipality, the grouped cells, the single pins' titles
        assert client.get(map_url, {"bbox": "40.5,22.8,40.8,23.1", "zoom": "18"}).json()["pins"]


@pytest.mark.parametrize("count", [5, 100])
def test_open311_query_count_does_not_grow_with_rows(client, reporter, categories, django_assert_num_queries, count):
    _many(reporter, categories, count)
    with django_assert_num_queries(2):
        assert len(client.get("/open311/v2/requests.json", {"jurisdiction_id": "thessaloniki"}).json()) == count


def _pins(client, **query):
    return client.get(reverse("requests_tracker:map_json", args=["thessaloniki"]), query)


def test_map_pins_cluster_at_city_zoom(client, reporter, categories):
    _many(reporter, categories, 100)
    city = _pins(client, bbox="40.5,22.8,40.8,23.1", zoom="10").json()["pins"]
    assert sum(pin["count"] for pin in city) == 100 and len(city) < 10


def test_map_pins_are_single_at_street_zoom(client, reporter, categories):
    _many(reporter, categories, 100)
    street = _pins(client, bbox="40.5,22.8,40.8,23.1", zoom="19").json()["pins"]
    assert len(street) == 100 and all(pin["code"] for pin in street)


def test_map_pins_only_for_the_visible_area(client, reporter, categories):
    _many(reporter, categories, 100)
    assert _pins(client, bbox="35,24,35.1,24.1", zoom="15").json()["pins"] == []


def test_map_needs_a_bounding_box(client, thessaloniki):
    assert _pins(client, bbox="nonsense").status_code == 400


def _manage(citizen_request, action=""):
    if not action:
        return reverse("requests_tracker:staff_manage", args=["thessaloniki", citizen_request.code])
    return reverse(f"requests_tracker:staff_{action}", args=["thessaloniki", citizen_request.code])


def test_a_citizen_is_refused_the_staff_pages(client, reporter, categories):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(reporter)
    assert client.get(_manage(citizen_request)).status_code == 403


def test_a_clerk_of_another_municipality_is_refused_the_staff_pages(client, reporter, categories, chania):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(make_clerk("clerk.chania", chania))
    assert client.get(_manage(citizen_request)).status_code == 403


def test_the_clerk_sees_the_queue_and_the_request(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(clerk)
    assert client.get(reverse("requests_tracker:staff_queue", args=["thessaloniki"])).status_code == 200
    assert client.get(_manage(citizen_request)).status_code == 200


def test_the_clerks_queue_counts_up_to_a_cap(client, reporter, categories, clerk, monkeypatch):
    from requests_tracker.selectors import citizen_requests

    monkeypatch.setattr(citizen_requests, "COUNT_CAP", 3)
    for index in range(5):
        make_request(reporter, categories["other"], title=f"Λακκούβα {index}")
    client.force_login(clerk)
    queue = reverse("requests_tracker:staff_queue", args=["thessaloniki"])
    assert "Αιτήματα που βρέθηκαν: περισσότερα από 3" in client.get(queue, {"status": "registered"}).content.decode()
    monkeypatch.setattr(citizen_requests, "COUNT_CAP", 10)
    assert "Αιτήματα που βρέθηκαν: 5<" in client.get(queue, {"status": "registered"}).content.decode()


def test_the_clerk_changes_the_status(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(clerk)
    client.post(_manage(citizen_request, "status"), {"status": "acknowledged", "seen_status": "registered", "note": ""})
    assert Request.objects.get().status == Status.ACKNOWLEDGED


def test_the_clerk_refiles_a_request_to_the_new_categorys_department(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(clerk)
    client.post(_manage(citizen_request, "category"), {"category": categories["bins"].pk})
    citizen_request.refresh_from_db()
    assert (citizen_request.category, citizen_request.department) == (categories["bins"], categories["bins"].department)


def test_the_clerk_assigns_a_department(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(clerk)
    client.post(_manage(citizen_request, "department"), {"department": categories["potholes"].department.pk})
    assert Request.objects.get().department == categories["potholes"].department


def test_the_clerks_reply_is_a_staff_reply(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    client.force_login(clerk)
    client.post(_manage(citizen_request, "reply"), {"body": "Το είδαμε."})
    assert Comment.objects.get().is_staff_reply


def test_a_status_change_on_a_stale_page_is_refused(client, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["other"])
    services.status_change(citizen_request=citizen_request, to_status=Status.ACKNOWLEDGED, clerk=clerk)
    client.force_login(clerk)
    stale = client.post(_manage(citizen_request, "status"), {"status": "in_progress", "seen_status": "registered"})
    assert stale.status_code == 400 and "Κάποιος άλλος" in stale.content.decode()
    assert Request.objects.get().status == Status.ACKNOWLEDGED


def test_the_reporter_cannot_vote_for_their_own_request(client, reporter, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(reporter)
    client.post(reverse("requests_tracker:vote", args=["thessaloniki", citizen_request.code]))
    assert Request.objects.get().vote_count == 0


def test_a_stranger_cannot_edit(client, reporter, categories, thessaloniki):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(make_citizen("stranger", thessaloniki))
    edit = reverse("requests_tracker:edit", args=["thessaloniki", citizen_request.code])
    response = client.post(edit, {"title": "x"})
    assert response.status_code == 302 and Request.objects.get().title == citizen_request.title


def test_withdraw_while_registered_keeps_the_request(client, reporter, categories):
    citizen_request = make_request(reporter, categories["bins"])
    client.force_login(reporter)
    response = client.post(reverse("requests_tracker:withdraw", args=["thessaloniki", citizen_request.code]))
    assert response.status_code == 302
    citizen_request.refresh_from_db()
    assert citizen_request.status == Request.Status.WITHDRAWN


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
