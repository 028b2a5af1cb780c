"""The booking calendar in a browser with a frozen clock: the last day of a month, and citizens far from Athens."""

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from appointments.models import Appointment
from tests.appointments.conftest import make_clerk
from tests.browser.fixtures import assert_accessible
from tests.browser.test_appointments import _new_page
from tests.personas import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 30 November 2026, 11:50 in Athens (the clock runs on from there).
LAST_DAY_OF_NOVEMBER = datetime(2026, 11, 30, 9, 50, tzinfo=UTC)
# Wednesday 2 December 2026, 11:50 in Athens.
EARLY_DECEMBER = datetime(2026, 12, 2, 9, 50, tzinfo=UTC)


def _slots_url(live_server, service, prefix=""):
    return f"{live_server.url}{prefix}/appointments/chania/in_person/{service.pk}/"


def test_on_the_last_day_of_a_month_the_calendar_opens_on_the_next_months_first_free_day(page, live_server, setup):
    service, _clerk, citizen = setup  # 24 hours' notice, 60 days ahead, a clerk 09:00–13:00 on weekdays
    with time_machine.travel(LAST_DAY_OF_NOVEMBER, tick=True):
        login_as(page, live_server, citizen)
        page.goto(_slots_url(live_server, service))
        expect(page.locator("#calendar-month")).to_have_text("Δεκέμβριος 2026")
        expect(page.get_by_role("link", name="Τρίτη 1 Δεκεμβρίου")).to_have_attribute("aria-current", "date")
        expect(page.get_by_role("heading", name="Τρίτη 1 Δεκεμβρίου 2026")).to_be_visible()
        expect(page.locator("button.slot-time")).to_have_text(["12:00", "12:30"])
        expect(page.get_by_text("Δεν υπάρχουν ελεύθερες ώρες")).to_have_count(0)
        assert_accessible(page)

        page.get_by_role("link", name="Επόμενος μήνας").click()
        expect(page.locator("#calendar-month")).to_have_text("Ιανουάριος 2027")
        expect(page.get_by_role("link", name="Επόμενος μήνας")).to_have_count(0)  # the horizon
        expect(page.locator("#horizon-note")).to_contain_text("Παρασκευή 29 Ιανουαρίου 2027")
        expect(page.locator("#horizon-note")).to_contain_text("από 3 Δεκεμβρίου 2026")
        expect(page.locator("#horizon-note")).to_contain_text("Οι ημέρες του Φεβρουαρίου 2027 ανοίγουν")  # genitive
        expect(page.get_by_role("link", name="Δευτέρα 1 Φεβρουαρίου")).to_have_count(0)
        page.get_by_role("link", name="Προηγούμενος μήνας").click()
        expect(page.locator("#calendar-month")).to_have_text("Δεκέμβριος 2026")

        page.locator("button.slot-time", has_text="12:30").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Τα στοιχεία σας")
        expect(page.locator(".lead")).to_contain_text("Τρίτη 1 Δεκεμβρίου 2026, 12:30")
        page.get_by_label("Θέμα").fill("Πορεία αίτησης")
        page.get_by_label(re.compile("Συναινώ")).check()
        page.get_by_role("button", name="Κράτηση").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")
    appointment = Appointment.objects.get()
    assert appointment.start == datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def _book_from(browser, live_server, service, citizen, *, zone: str, day_label: str, time_shown: str):
    page = _new_page(browser, locale="en-US", timezone_id=zone)
    login_as(page, live_server, citizen)
    page.goto(_slots_url(live_server, service, "/en"))
    # The browser tells the server its zone once; the page then speaks it without any relabelling script.
    expect(page.locator("#zone-note")).not_to_contain_text("Athens")
    page.get_by_role("link", name=day_label).click()
    page.locator("button.slot-time", has_text=time_shown).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    return page


def test_a_los_angeles_citizen_books_in_their_own_days_and_times(browser, live_server, setup, chania):
    service, _clerk, citizen = setup
    citizen.language = "en"
    citizen.save()
    make_clerk("early", chania, service, hours=((time(8, 30), time(13)),))
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        page = _book_from(
            browser,
            live_server,
            service,
            citizen,
            zone="America/Los_Angeles",
            day_label="Thursday 3 December",
            time_shown="22:30",
        )
        # Athens' Friday 08:30 is Thursday evening in Los Angeles; the details step says so in words.
        expect(page.locator(".lead")).to_contain_text("Thursday 3 December 2026, 22:30")
        expect(page.locator(".lead")).to_contain_text("(UTC-08:00) Los Angeles — Pacific Time")
        page.get_by_label("Subject").fill("Permit question")
        page.get_by_label(re.compile("I consent")).check()
        page.get_by_role("button", name="Book").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment is booked")
        expect(page.locator("dl")).to_contain_text("Thursday 3 December 2026, 22:30")
        # In person, in Chania: the clock there is said too.
        expect(page.locator("#time-elsewhere")).to_have_text("local time at the appointment: Friday 4 December, 08:30")
        assert_accessible(page)
    appointment = Appointment.objects.get()
    assert appointment.start == datetime(2026, 12, 4, 6, 30, tzinfo=UTC)  # Friday 08:30 in Athens
    assert appointment.citizen_time_zone == "America/Los_Angeles"
    message = next(m for m in mail.outbox if citizen.email in m.to)
    assert "Thursday 3 December 2026, 22:30–22:50 (UTC-08:00) Los Angeles — Pacific Time" in message.body
    assert "Local time at the appointment: Friday 4 December, 08:30" in message.body
    page.context.close()


def test_a_tokyo_citizen_sees_athens_mornings_as_their_afternoon(browser, live_server, setup):
    service, _clerk, citizen = setup
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        page = _book_from(
            browser,
            live_server,
            service,
            citizen,
            zone="Asia/Tokyo",
            day_label="Monday 7 December",
            time_shown="16:00",
        )
        expect(page.locator(".lead")).to_contain_text("Monday 7 December 2026, 16:00")
        expect(page.locator(".lead")).to_contain_text("(UTC+09:00) Tokyo — Japan")
    page.context.close()


def test_without_javascript_times_are_athens_time(browser, live_server, setup):
    service, _clerk, citizen = setup
    page = _new_page(browser, locale="el-GR", timezone_id="Asia/Tokyo", java_script_enabled=False)
    login_as(page, live_server, citizen)
    page.goto(_slots_url(live_server, service))
    expect(page.locator("#zone-note")).to_contain_text("(UTC+02:00) Αθήνα")
    page.context.close()


def test_the_zone_can_be_chosen_by_hand_and_the_choice_is_kept(browser, live_server, setup):
    service, _clerk, citizen = setup
    page = _new_page(browser, locale="el-GR", timezone_id="Asia/Tokyo")
    login_as(page, live_server, citizen)
    page.goto(_slots_url(live_server, service))
    expect(page.locator("#zone-note")).to_contain_text("Τόκιο")
    page.get_by_role("link", name="Αλλαγή ζώνης ώρας").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ζώνη ώρας")
    assert_accessible(page)
    page.get_by_label("Ζώνη ώρας").select_option("Europe/Lisbon")
    page.get_by_role("button", name="Αποθήκευση").click()
    expect(page.locator("#zone-note")).to_contain_text("Λισαβόνα")
    page.reload()  # the browser's own zone does not overwrite the choice
    expect(page.locator("#zone-note")).to_contain_text("Λισαβόνα")
    expect(page.locator("footer")).to_contain_text("Λισαβόνα")
    page.context.close()
