"""Documents with a booking, in a browser with a frozen clock: attached at step 5 of a video booking, seen and
checked by the clerk in the calendar; a missing one asked for by the clerk and attached by the citizen."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from appointments.models import Appointment, BookingDocument, DocumentRequest
from portal.models import AuditEntry
from tests.browser.fixtures import assert_accessible
from tests.browser.test_appointments import _local, _new_page
from tests.emails import link_in
from tests.personas import login_as
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 2 December 2026, 11:50 in Athens: with 24 hours' notice the first free time is Thursday 12:00.
EARLY_DECEMBER = datetime(2026, 12, 2, 9, 50, tzinfo=UTC)
EXPECTED = "Αστυνομική ταυτότητα\nΤοπογραφικό διάγραμμα"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def files(tmp_path):
    identity, plan = tmp_path / "taftotita.pdf", tmp_path / "topografiko.png"
    identity.write_bytes(PDF_BYTES)
    plan.write_bytes(image_bytes())
    return identity, plan


def _book_video_with(page, live_server, service, files):
    page.goto(f"{live_server.url}/appointments/chania/video/{service.pk}/")
    page.locator("button.slot-time").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Τα στοιχεία σας")
    expected = page.locator("#documents-expected")
    expect(expected).to_contain_text("Αστυνομική ταυτότητα")
    expect(expected).to_contain_text("Τοπογραφικό διάγραμμα")
    page.get_by_label("Θέμα").fill("Άδεια δόμησης")
    if files:
        page.get_by_label("Δικαιολογητικά", exact=True).set_input_files(list(files))
    page.get_by_label(re.compile("Θα επισυνάψω εδώ τα απαραίτητα δικαιολογητικά")).check()
    page.get_by_label(re.compile("Συναινώ")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Κράτηση").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")


def _clerk_calendar(browser, live_server, clerk, appointment):
    clerk_page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
    login_as(clerk_page, live_server, clerk.user)
    day = appointment.start.astimezone(appointment.service.municipality.zone).date()
    clerk_page.goto(f"{live_server.url}/appointments/staff/?date={day.isoformat()}")
    return clerk_page, clerk_page.locator(f"#appointment-{appointment.code}")


def test_a_video_booking_with_two_documents_seen_and_checked_by_the_clerk(browser, live_server, setup, files):
    service, clerk, citizen = setup
    service.documents_expected_el = EXPECTED
    service.save()
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
        login_as(page, live_server, citizen)
        _book_video_with(page, live_server, service, files)
        # The confirmation page lists them and takes more until the appointment starts.
        listed = page.locator("#documents-list li")
        expect(listed).to_have_count(2)
        expect(listed.first).to_contain_text("taftotita.pdf")
        expect(page.get_by_label("Επισύναψη δικαιολογητικών")).to_be_visible()
        assert_accessible(page)
        appointment = Appointment.objects.get()
        assert appointment.documents_acknowledged

        clerk_page, card = _clerk_calendar(browser, live_server, clerk, appointment)
        expect(card.locator(".staff-document")).to_have_count(2)
        assert_accessible(clerk_page)
        with clerk_page.expect_download() as download:
            card.get_by_role("link", name="taftotita.pdf").click()
        assert download.value.suggested_filename == "taftotita.pdf"
        card.get_by_role("button", name="Σήμανση ως ελεγμένο taftotita.pdf").click()
        expect(card.locator(".document-checked")).to_have_count(1)
        card.get_by_role("button", name="Σήμανση ως ελεγμένο topografiko.png").click()
        expect(card.locator(".document-checked")).to_have_count(2)
        expect(card.get_by_role("button", name=re.compile("Σήμανση ως ελεγμένο"))).to_have_count(0)

        page.reload()
        expect(page.locator("#documents-list")).to_contain_text("ελέγχθηκε από τον υπάλληλο")
    assert BookingDocument.objects.filter(checked_by=clerk.user).count() == 2
    assert AuditEntry.objects.filter(action="appointments.document.viewed", data__role="clerk").count() == 1
    page.context.close()
    clerk_page.context.close()


def test_the_clerk_asks_for_a_missing_document_and_the_citizen_attaches_it(browser, live_server, setup, files):
    service, clerk, citizen = setup
    service.documents_expected_el = EXPECTED
    service.save()
    identity, plan = files
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
        login_as(page, live_server, citizen)
        _book_video_with(page, live_server, service, [identity])
        appointment = Appointment.objects.get()

        clerk_page, card = _clerk_calendar(browser, live_server, clerk, appointment)
        expect(card.locator(".staff-document")).to_have_count(1)
        card.get_by_label("Αίτημα για δικαιολογητικό που λείπει").fill("Το τοπογραφικό διάγραμμα, παρακαλώ")
        card.get_by_role("button", name=re.compile("Αποστολή αιτήματος")).click()
        expect(clerk_page.locator(".alert")).to_contain_text("Στάλθηκε στον πολίτη")
        expect(card.locator(".document-request")).to_contain_text("δεν έχει απαντηθεί ακόμη")

        message = [m for m in mail.outbox if citizen.email in m.to and "Λείπει" in m.subject][-1]
        assert "Το τοπογραφικό διάγραμμα, παρακαλώ" in message.body
        assert message.extra_headers["Reply-To"]  # the department's mailbox
        page = page.context.new_page()  # the e-mail's link, opened in a new tab of the citizen's browser
        page.goto(_local(live_server, link_in(message, "/booking/")))
        expect(page.locator(".document-request")).to_contain_text("Το τοπογραφικό διάγραμμα, παρακαλώ")
        # A file that is not accepted is refused with its reason; the right one is taken.
        bad = identity.parent / "selida.html"
        bad.write_bytes(b"<html><script>alert(1)</script></html>")
        page.get_by_label("Επισύναψη δικαιολογητικών").set_input_files(str(bad))
        page.get_by_role("button", name="Ανέβασμα").click()
        expect(page.locator(".alert-danger")).to_contain_text("selida.html")
        page.get_by_label("Επισύναψη δικαιολογητικών").set_input_files(str(plan))
        page.get_by_role("button", name="Ανέβασμα").click()
        expect(page.locator(".alert-success")).to_contain_text("Επισυνάφθηκε 1 δικαιολογητικό")
        expect(page.locator("#documents-list li")).to_have_count(2)
        expect(page.locator(".document-request")).to_have_count(0)
        assert_accessible(page)

        clerk_page.reload()
        expect(card.locator(".staff-document")).to_have_count(2)
        expect(card.locator(".document-request")).to_contain_text("Ζητήθηκε, απαντήθηκε")
    assert DocumentRequest.objects.get().answered_at is not None
    page.context.close()
    clerk_page.context.close()
