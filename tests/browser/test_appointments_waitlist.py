"""The waitlist in a browser with a frozen clock: joining from the calendar, an offer claimed with one click, an
offer that runs out and passes to the next citizen; and «Πρώτη διαθέσιμη ώρα» from the service page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from appointments import services
from appointments.models import Appointment, Mode, WaitlistEntry
from appointments.tasks import waitlist_reconcile
from tests.appointments.conftest import athens, details, make_citizen
from tests.browser.fixtures import assert_accessible
from tests.browser.test_appointments import _local, _new_page, login_as
from tests.emails import last_email_to, link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 2 December 2026, 11:50 in Athens; with 24 hours' notice the first bookable time is Thursday 12:00.
EARLY_DECEMBER = datetime(2026, 12, 2, 9, 50, tzinfo=UTC)
MONDAY = EARLY_DECEMBER.date() + timedelta(days=5)  # 7 December 2026


def _fill_monday(service, chania):
    booker = make_citizen("booker", chania)
    bookings = []
    for index in range(8):  # the clerk's 09:00–13:00, every half hour
        appointment, _token = services.appointment_book(
            service=service,
            mode=Mode.IN_PERSON,
            start=athens(MONDAY, 9) + timedelta(minutes=30 * index),
            citizen=booker,
            details=details(email=booker.email),
        )
        bookings.append(appointment)
    return booker, bookings


def _join_from_the_calendar(page, live_server, service):
    page.goto(f"{live_server.url}/appointments/chania/in_person/{service.pk}/")
    page.get_by_role("link", name="Εγγραφή στη λίστα αναμονής").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Εγγραφή στη λίστα αναμονής")
    assert_accessible(page)
    # crispy-forms draws a label's text on a line of its own.
    page.get_by_label(re.compile(r"^\s*Από")).fill(MONDAY.isoformat())
    page.get_by_label(re.compile(r"^\s*Έως")).fill(MONDAY.isoformat())
    page.get_by_label("Θέμα").fill("Πορεία αίτησης")
    page.get_by_label(re.compile("Συναινώ")).check()
    page.get_by_role("button", name="Εγγραφή στη λίστα αναμονής").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Λίστα αναμονής: Οικοδομικές Άδειες")
    expect(page.locator("#entry-status")).to_have_text("σε αναμονή")
    assert_accessible(page)


def _cancel_from_the_booking_page(browser, live_server, booker, appointment):
    page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
    login_as(page, live_server, booker)
    page.goto(f"{live_server.url}/appointments/booking/{appointment.code}/cancel/")
    page.get_by_role("button", name="Ακύρωση κράτησης").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτηση ακυρώθηκε")
    page.context.close()


def test_a_freed_time_is_offered_to_the_waiting_citizen_who_books_it_with_one_click(
    browser, page, live_server, setup, chania
):
    service, _clerk, citizen = setup  # 24 hours' notice, a clerk 09:00–13:00 on weekdays
    with time_machine.travel(EARLY_DECEMBER, tick=True):
        booker, bookings = _fill_monday(service, chania)
        login_as(page, live_server, citizen)

        # «Πρώτη διαθέσιμη ώρα» from the public service page lands on that time in the calendar.
        page.goto(f"{live_server.url}/appointments/chania/service/{service.pk}/")
        expect(page.locator("#next-free")).to_contain_text("Πέμπτη 3 Δεκεμβρίου 2026, 12:00")
        expect(page.locator("#service-mailbox")).to_have_text("info@chania.example.gr")
        assert_accessible(page)
        page.get_by_role("link", name="Πρώτη διαθέσιμη ώρα · Με φυσική παρουσία").click()
        expect(page.locator("#first-slot-note")).to_contain_text("Πέμπτη 3 Δεκεμβρίου 2026, 12:00")
        expect(page.locator("button.first-slot")).to_have_text("12:00")

        # Monday is full: the citizen joins the waitlist for it.
        _join_from_the_calendar(page, live_server, service)
        page.goto(live_server.url + "/my/")
        expect(page.get_by_text(re.compile("Λίστα αναμονής · Οικοδομικές Άδειες"))).to_be_visible()

        _cancel_from_the_booking_page(browser, live_server, booker, bookings[2])  # Monday 10:00

        offer = last_email_to(citizen.email)
        assert "Ελευθερώθηκε ώρα για εσάς" in offer.subject
        assert offer.extra_headers["Reply-To"] == "info@chania.example.gr"
        page.goto(_local(live_server, link_in(offer, "/appointments/offer/")))
        expect(page.get_by_role("heading", level=1)).to_have_text("Μια ώρα για εσάς")
        expect(page.locator("#offer")).to_contain_text("Δευτέρα 7 Δεκεμβρίου 2026, 10:00")
        expect(page.locator("#held-until")).to_contain_text("Τετάρτη 2 Δεκεμβρίου 2026, 12:")
        assert_accessible(page)
        page.get_by_role("button", name="Κράτηση").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")
        expect(page.locator("dl")).to_contain_text("Δευτέρα 7 Δεκεμβρίου 2026, 10:00")
        assert_accessible(page)
    booked = Appointment.objects.get(status=Appointment.Status.BOOKED, citizen=citizen)
    assert booked.start == athens(MONDAY, 10)
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.BOOKED


def test_an_offer_not_taken_in_time_passes_to_the_next_citizen(browser, page, live_server, setup, chania):
    service, _clerk, citizen = setup
    with time_machine.travel(EARLY_DECEMBER, tick=True) as traveller:
        booker, bookings = _fill_monday(service, chania)
        login_as(page, live_server, citizen)
        _join_from_the_calendar(page, live_server, service)
        second = make_citizen("nikos", chania)
        second_page = _new_page(browser, locale="el-GR", timezone_id="Europe/Athens")
        login_as(second_page, live_server, second)
        _join_from_the_calendar(second_page, live_server, service)

        _cancel_from_the_booking_page(browser, live_server, booker, bookings[5])  # Monday 11:30
        first_link = _local(live_server, link_in(last_email_to(citizen.email), "/appointments/offer/"))

        traveller.shift(timedelta(minutes=31))  # the 30-minute hold runs out
        waitlist_reconcile()  # the beat task

        page.goto(first_link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Η προσφορά έληξε")
        assert_accessible(page)
        page.goto(live_server.url + "/my/")
        expect(page.get_by_text("σε αναμονή").first).to_be_visible()

        second_link = _local(live_server, link_in(last_email_to(second.email), "/appointments/offer/"))
        second_page.goto(second_link)
        expect(second_page.locator("#offer")).to_contain_text("Δευτέρα 7 Δεκεμβρίου 2026, 11:30")
        second_page.get_by_role("button", name="Κράτηση").click()
        expect(second_page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")
        second_page.context.close()
    assert Appointment.objects.get(start=athens(MONDAY, 11, 30), status=Appointment.Status.BOOKED).citizen == second
    assert WaitlistEntry.objects.get(citizen=citizen).status == WaitlistEntry.Status.WAITING
