"""A request closed straight from Registered: the steps it never went through look skipped, not done."""

import pytest
from playwright.sync_api import expect

from requests_tracker import services
from tests.browser.fixtures import assert_accessible
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
clerk = request_fixtures.clerk

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _no_tiles(settings, live_server):
    settings.MAP_TILES_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"


def test_skipped_steps_are_muted_and_say_so(page, live_server, reporter, categories, clerk):
    citizen_request = make_request(reporter, categories["potholes"])
    services.status_change(citizen_request=citizen_request, to_status="closed", clerk=clerk, resolution="resolved")
    page.goto(f"{live_server.url}/requests/thessaloniki/r/{citizen_request.code}/")
    skipped = page.locator(".request-path-step.is-skipped")
    expect(skipped).to_have_count(2)
    expect(skipped.first).to_contain_text("Γνωστοποιήθηκε")
    expect(skipped.first).to_contain_text("παραλείφθηκε")
    expect(skipped.first.locator("time")).to_have_count(0)
    # Muted, unlike a step that was done (green).
    background = skipped.first.evaluate("el => getComputedStyle(el).backgroundColor")
    done = page.locator(".request-path-step.is-done").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(248, 249, 250)" and done != background
    assert_accessible(page)
