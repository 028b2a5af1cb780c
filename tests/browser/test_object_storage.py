"""Private files on object storage in a real browser: a photo filed with MEDIA_STORAGE=s3 lands in the private bucket
(a local S3 server over HTTP, tests/objectstore.py) and the citizen sees it through the portal's own view."""

import re

import pytest
from playwright.sync_api import expect

from requests_tracker.models import Request
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import image_bytes

categories = request_fixtures.categories
reporter = request_fixtures.reporter
private_media = request_fixtures.private_media
geocoder = request_fixtures.geocoder  # the map click asks for an address: the stand-in, never the Internet

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def local_tiles(settings, live_server):
    # No tile server on the test network: tiles come from this server (and 404), so the page never waits on them.
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


def test_a_photo_filed_with_the_bucket_is_shown_from_it(
    page, live_server, reporter, categories, s3_bucket, private_media, geocoder
):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    page.get_by_label("Τίτλος").fill("Σβηστός φανοστάτης")
    page.get_by_label("Κατηγορία").select_option(label="Λακκούβες")
    page.get_by_label("Περιγραφή").fill("Ο φανοστάτης δεν ανάβει.")
    page.locator("#request-map").click(position={"x": 120, "y": 90})
    page.locator("#id_files").set_input_files(
        [{"name": "fanostatis.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", size=(120, 90))}]
    )
    page.get_by_role("button", name="Έναρξη μεταφόρτωσης").click()
    # Each upload goes on to the bucket before it is listed: more round trips than on disk.
    expect(page.locator("#staged-files li")).to_have_count(1, timeout=30_000)
    page.get_by_role("button", name="Υποβολή").click()

    expect(page).to_have_url(re.compile(r"/requests/thessaloniki/r/THE-\w{6}/$"))
    thumbnail = page.locator("img.request-thumb")
    expect(thumbnail).to_have_count(1, timeout=30_000)
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/requests/files/[0-9a-f-]+/thumb/$"))
    # The browser decoded the thumbnail the view read from the bucket.
    # A function, not an expression: Playwright evals a bare expression in the page, which our CSP forbids.
    page.wait_for_function("() => document.querySelector('img.request-thumb').naturalWidth > 0")
    assert_accessible(page)

    photo = Request.objects.get().attachments.get()
    keys = s3_bucket.object_keys()
    assert f"private/requests/{photo.file.name}" in keys and f"private/requests/{photo.thumbnail.name}" in keys
    assert not private_media.exists() or not [path for path in private_media.rglob("*") if path.is_file()]
    response = page.request.get(live_server.url + f"/requests/files/{photo.public_id}/")
    assert response.status == 200 and response.body() == s3_bucket.read(f"private/requests/{photo.file.name}")
