"""«Ο φάκελός μου»: one page with the citizen's items from every app, each linking to its page."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from portal import registry
from requests_tracker import services
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import make_request

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified
categories = request_fixtures.categories
reporter = request_fixtures.reporter
private_media = request_fixtures.private_media


@pytest.mark.browser
def test_case_file_lists_every_apps_items_and_links_to_them(
    page, live_server, verified, reporter, categories, erequest_types
):
    filed = make_request(verified, categories["potholes"], title="Λακκούβα στην Εγνατία")
    voted = make_request(reporter, categories["bins"], title="Ξεχειλισμένος κάδος")
    services.vote_add(citizen_request=voted, citizen=verified)
    erequest = file_erequest(verified, erequest_types["land_use"], subject="Χρήσεις γης οικοπέδου")

    login_as(page, live_server, verified)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Ο φάκελός μου").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ο φάκελός μου")
    assert_accessible(page)

    sections = page.locator(".case-file-section")
    expect(page.locator("#section-identity_verification .case-file-item")).to_contain_text("επαληθεύτηκε")
    expect(page.locator("#section-erequests .case-file-item")).to_contain_text(erequest.protocol_label)
    expect(page.locator("#section-erequests .case-file-item")).to_contain_text("Η υπηρεσία θα αρχίσει")
    expect(page.locator("#section-requests .case-file-item")).to_have_count(2)
    expect(page.locator("#section-requests")).to_contain_text("ψηφίσατε")
    assert sections.count() >= 3

    links = [
        ("#section-identity_verification", r"/verification/$"),
        ("#section-erequests", rf"/requests/chania/e/{erequest.public_id}/$"),
        ("#section-requests", rf"/requests/thessaloniki/r/({filed.code}|{voted.code})/$"),
    ]
    for section, url in links:
        page.goto(live_server.url + "/my/")
        page.locator(f"{section} .case-file-item a").first.click()
        expect(page).to_have_url(re.compile(url))
        expect(page.locator("main")).not_to_contain_text("404")


def test_case_file_needs_a_login(db):
    response = Client().get("/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_failing_section_does_not_take_the_page_down(db, verified, monkeypatch):
    def broken(user):
        raise RuntimeError("the appointments database is away")

    monkeypatch.setitem(
        registry._case_file_sections, "broken", registry.CaseFileSection(key="broken", title="Broken", items=broken)
    )
    client = Client()
    client.force_login(verified)
    response = client.get("/my/")
    assert response.status_code == 200
    assert "δεν είναι διαθέσιμο αυτή τη στιγμή" in response.content.decode()


def test_an_unverified_citizen_sees_how_to_get_verified(db, citizen):
    client = Client()
    client.force_login(citizen)
    page = client.get("/my/").content.decode()
    assert "Η ταυτότητα δεν έχει επαληθευτεί ακόμη" in page
    assert 'href="/verification/"' in page
