"""In a browser: a lost race keeps the citizen's place, the clerk picker obeys the keyboard, a clerk cancels."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from appointments import services
from appointments.models import Appointment, Mode
from tests.appointments.conftest import details, make_citizen
from tests.browser.fixtures import assert_accessible
from tests.personas import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 2 December 2026, 11:50 in Athens; the clock runs on from there.
EARLY_DECEMBER = datetime(2026, 12, 2, 9, 50, tzinfo=UTC)


def _slots_url(live_server, service):
    return f"{live_server.url}/appointments/chania/in_person/{service.pk}/"


def test_a_citizen_who_loses_the_time_is_back_on_the_same_day_with_what_they_typed(page, live_server, setup, chania):
    service, _clerk, citizen = setup
    rival = make_citizen("rival", chania)
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        login_as(page, live_server, citizen)
        page.goto(_slots_url(live_server, service))
        expect(page.get_by_role("heading", name="Πέμπτη 3 Δεκεμβρίου 2026")).to_be_visible()
        page.locator("button.slot-time", has_text="12:00").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Τα στοιχεία σας")
        page.get_by_label("Θέμα").fill("Αυθαίρετο στο οικόπεδο")
        page.get_by_label(re.compile("Συναινώ")).check()
        # Someone else books 12:00 while the citizen was typing.
        taken = page.locator("input[name=slot]").get_attribute("value")
        services.appointment_book(
            service=service,
            mode=Mode.IN_PERSON,
            start=datetime.fromisoformat(taken),
            citizen=rival,
            details=details(),
        )
        page.get_by_role("button", name="Κράτηση").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Επιλογή ημερομηνίας και ώρας")
        expect(page.locator(".messages .alert").first).to_contain_text("Αυτή η ώρα δεν είναι διαθέσιμη")
        expect(page.get_by_role("heading", name="Πέμπτη 3 Δεκεμβρίου 2026")).to_be_visible()
        expect(page.locator("button.slot-time")).to_have_text(["12:30"])  # what is left of that day
        assert_accessible(page)
        page.locator("button.slot-time", has_text="12:30").click()
        expect(page.get_by_label("Θέμα")).to_have_value("Αυθαίρετο στο οικόπεδο")
        page.get_by_role("button", name="Κράτηση").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")
    mine = Appointment.objects.get(citizen=citizen)
    assert mine.subject == "Αυθαίρετο στο οικόπεδο"
    assert mine.start == datetime(2026, 12, 3, 10, 30, tzinfo=UTC)


def test_the_clerk_picker_changes_nothing_until_show_is_pressed(page, live_server, setup):
    service, clerk, citizen = setup
    login_as(page, live_server, citizen)
    page.goto(_slots_url(live_server, service))
    address = page.url
    picker = page.get_by_label("Επιλογή υπαλλήλου")
    picker.focus()
    page.keyboard.press("ArrowDown")  # WCAG 3.2.2: changing a select does not navigate
    expect(picker).to_have_value(str(clerk.pk))
    page.wait_for_load_state()
    assert page.url == address
    page.get_by_role("button", name="Εμφάνιση").click()
    expect(page).to_have_url(re.compile(rf"clerk={clerk.pk}"))


def test_a_clerk_cancels_with_a_reason_and_the_booking_stays_struck_through(browser, live_server, setup):
    service, clerk, citizen = setup
    from tests.browser.test_appointments import _new_page

    with time_machine.travel(EARLY_DECEMBER, tick=True):
        appointment, _ = services.appointment_book(
            service=service,
            mode=Mode.IN_PERSON,
            start=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
            citizen=citizen,
            details=details(),
        )
        page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
        login_as(page, live_server, clerk.user)
        page.goto(f"{live_server.url}/appointments/staff/?date=2026-12-04")
        page.get_by_role("link", name=re.compile("Ακύρωση 11:00")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ακύρωση του ραντεβού")
        assert_accessible(page)
        page.get_by_role("button", name="Ναι, ακύρωση του ραντεβού").click()
        expect(page.locator(".invalid-feedback")).to_contain_text("Δώστε αιτιολογία")
        page.get_by_label(re.compile("Λόγος")).fill("Ασθένεια υπαλλήλου")
        page.get_by_role("button", name="Ναι, ακύρωση του ραντεβού").click()
        expect(page.locator(".alert-success")).to_contain_text("ακυρώθηκε")
        cancelled = page.locator("article.appointment-cancelled")
        expect(cancelled.locator("del .staff-time")).to_have_text("11:00–11:20")
        expect(cancelled).to_contain_text(f"Ακυρώθηκε από {clerk.user.full_name}")
        expect(cancelled).to_contain_text("Ασθένεια υπαλλήλου")
        assert_accessible(page)
        page.context.close()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
