"""Playwright fixtures for browser tests: the system Chromium, a live server, and an accessibility check.

Every browser test takes `page` (desktop) or `phone_page` (375 px wide) together with `live_server`, and calls
`assert_accessible(page)` on each page it visits.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser: Browser, **context_options) -> Page:
    # Reduced motion: Bootstrap then draws no colour transitions, so the accessibility check never reads a colour
    # half-way through one (a real, but passing, hover or focus state).
    context = browser.new_context(reduced_motion="reduce", **context_options)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser: Browser, live_server) -> Page:
    page = _page(browser, viewport={"width": 1280, "height": 900}, locale="el-GR", timezone_id="Europe/Athens")
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Page:
    page = _page(
        browser,
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="el-GR",
        timezone_id="Europe/Athens",
    )
    yield page
    page.context.close()


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"Accessibility violations on {page.url}:\n{report}"
