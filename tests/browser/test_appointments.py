"""Booking in a browser: in person (Greek) and by video with a third person (English, from New York)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from appointments.models import Appointment
from tests.browser.fixtures import assert_accessible
from tests.emails import calendar_part, last_email_to, link_in
from tests.personas import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local(live_server, url: str) -> str:
    return url.replace(settings.SITE_URL, live_server.url)


def _new_page(browser, **options) -> Page:
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def _pick_first_time(page: Page) -> str:
    assert_accessible(page)
    first = page.locator("button.slot-time").first
    expect(first).to_be_visible()
    shown = first.inner_text()
    first.click()
    return shown


def test_in_person_booking_in_greek_then_reschedule_and_cancel_from_the_page(page, live_server, setup):
    service, _clerk, citizen = setup
    login_as(page, live_server, citizen)
    page.goto(live_server.url + "/appointments/chania/")
    assert_accessible(page)
    page.get_by_role("link", name="Με φυσική παρουσία").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιλογή υπηρεσίας")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Σχετικά με την υπηρεσία")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Οικοδομικές Άδειες")
    assert_accessible(page)
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιλογή υπηρεσίας")
    page.locator("a.btn", has_text="Επιλογή").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιλογή ημερομηνίας και ώρας")
    expect(page.get_by_label("Επιλογή υπαλλήλου")).to_have_value("")  # «Οποιοσδήποτε»
    expect(page.locator("#zone-note")).to_contain_text("(UTC+02:00) Αθήνα")  # the browser is in Athens time
    shown = _pick_first_time(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Τα στοιχεία σας")
    assert_accessible(page)
    expect(page.get_by_label("Ονοματεπώνυμο")).to_have_value(citizen.full_name)
    page.get_by_label("Κινητό τηλέφωνο").fill("12")
    page.get_by_label("Θέμα").fill("Πορεία αίτησης")
    page.get_by_role("button", name="Κράτηση").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_label("Θέμα")).to_have_value("Πορεία αίτησης")  # kept
    assert_accessible(page)
    page.get_by_label("Κινητό τηλέφωνο").fill("6912345678")
    page.get_by_label(re.compile("Συναινώ")).check()
    page.get_by_role("button", name="Κράτηση").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτησή σας ολοκληρώθηκε")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Νέα κράτηση")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.start.astimezone(service.municipality.zone).strftime("%H:%M") == shown
    page.get_by_role("link", name="Προγραμματισμός εκ νέου").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Προγραμματισμός εκ νέου")
    # The calendar opens on the booking's own day.
    booked_day = appointment.start.astimezone(service.municipality.zone).date()
    expect(page.locator("a[aria-current=date]")).to_have_text(str(booked_day.day))
    assert_accessible(page)
    new_time = page.locator("button.slot-time").nth(1).inner_text()
    page.locator("button.slot-time").nth(1).click()
    # Guide §3: the details can be changed too, and nothing moves before the confirmation.
    expect(page.get_by_role("heading", level=1)).to_have_text("Επιβεβαίωση αλλαγών")
    assert_accessible(page)
    expect(page.get_by_label("Θέμα")).to_have_value("Πορεία αίτησης")
    expect(page.get_by_label("Κινητό τηλέφωνο")).to_have_value("+306912345678")
    expect(page.locator("#new-time")).to_contain_text(new_time)
    appointment.refresh_from_db()
    assert appointment.history == []
    page.get_by_label("Θέμα").fill("Πορεία αίτησης και αυτοψία")
    page.get_by_role("button", name="Επιβεβαίωση αλλαγών").click()
    expect(page.locator(".alert")).to_contain_text("μεταφέρθηκε")
    expect(page.locator("dl")).to_contain_text(new_time)
    appointment.refresh_from_db()
    assert len(appointment.history) == 1
    assert appointment.subject == "Πορεία αίτησης και αυτοψία"
    assert appointment.start.astimezone(service.municipality.zone).strftime("%H:%M") == new_time
    page.get_by_role("link", name="Ακύρωση κράτησης").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ακύρωση κράτησης")
    assert_accessible(page)
    page.get_by_role("button", name="Ακύρωση κράτησης").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Η κράτηση ακυρώθηκε")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_video_booking_in_english_from_new_york_with_links_from_the_e_mail(browser, live_server, setup):
    service, clerk, citizen = setup
    citizen.language = "en"
    citizen.save()
    page = _new_page(browser, locale="en-US", timezone_id="America/New_York")
    login_as(page, live_server, citizen)
    page.goto(live_server.url + "/en/appointments/chania/")
    page.get_by_role("link", name="Video call").click()
    page.locator("a.btn", has_text="Choose").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a date and time")
    expect(page.locator("#zone-note")).to_contain_text("(UTC-05:00) New York")
    shown = _pick_first_time(page)
    page.get_by_label("Subject").fill("Permit question")
    page.get_by_label(re.compile("A third person")).check()
    page.get_by_label("Third person's role").select_option("engineer")
    page.get_by_label("Third person's full name").fill("Giannis Engineer")
    page.get_by_label("Third person's e-mail").fill("engineer@example.gr")
    page.get_by_label(re.compile("I consent")).check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Please confirm that you will attach the documents before the call.")).to_be_visible()
    page.get_by_label(re.compile("I will attach the documents needed here")).check()
    page.get_by_label(re.compile("I consent")).check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment is booked")
    expect(page.get_by_role("heading", name="Tips for a good video call")).to_be_visible()
    expect(page.get_by_role("link", name="Join the meeting")).to_be_visible()
    assert_accessible(page)
    appointment = Appointment.objects.get()
    join = f"{settings.SITE_URL}/en/appointments/join/{appointment.code}/"
    athens_time = appointment.start.astimezone(service.municipality.zone).strftime("%H:%M")
    new_york = appointment.start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York")).strftime("%H:%M")
    assert shown == new_york != athens_time  # the citizen saw New York time
    assert join in last_email_to("engineer@example.gr").body
    assert join in last_email_to(citizen.email).body  # the confirmation itself carries the link

    # The clerk sees Athens time.
    clerk_page = _new_page(browser, locale="el-GR", timezone_id="America/New_York")
    login_as(clerk_page, live_server, clerk.user)
    day = appointment.start.astimezone(service.municipality.zone).date()
    clerk_page.goto(f"{live_server.url}/appointments/staff/?date={day.isoformat()}")
    expect(clerk_page.locator(".staff-time").first).to_contain_text(athens_time)
    expect(clerk_page.get_by_text("Giannis Engineer", exact=False)).to_be_visible()
    assert_accessible(clerk_page)

    # Reschedule and cancel from the e-mail's links, logged out.
    message = [m for m in mail.outbox if citizen.email in m.to and "booked" in m.subject][-1]
    anonymous = _new_page(browser, locale="en-US", timezone_id="America/New_York")
    anonymous.goto(_local(live_server, link_in(message, "/reschedule/")))
    assert_accessible(anonymous)
    anonymous.locator("button.slot-time").nth(2).click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Confirm the changes")
    expect(anonymous.get_by_label("Third person's full name")).to_have_value("Giannis Engineer")
    anonymous.get_by_label("Third person's full name").fill("Giannis Papadakis")
    anonymous.get_by_role("button", name="Confirm the changes").click()
    expect(anonymous.locator(".alert")).to_contain_text("moved")
    moved_mail = [m for m in mail.outbox if citizen.email in m.to and "moved" in m.subject][-1]
    anonymous.goto(_local(live_server, link_in(message, "/cancel/")))  # the first e-mail's link is used up
    expect(anonymous.get_by_role("button", name="Cancel booking")).to_have_count(0)
    anonymous.goto(_local(live_server, link_in(moved_mail, "/cancel/")))
    anonymous.get_by_role("button", name="Cancel booking").click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Booking cancelled")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.third_party_name == "Giannis Papadakis"
    # The third person's calendar is told, in a message it applies: CANCEL, same UID, a higher SEQUENCE.
    third = [calendar_part(m) for m in mail.outbox if "engineer@example.gr" in m.to]
    assert [method for _type, method, _calendar in third] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [int(c.walk("VEVENT")[0]["SEQUENCE"]) for _t, _m, c in third] == [0, 1, 2]
    assert len({str(c.walk("VEVENT")[0]["UID"]) for _t, _m, c in third}) == 1
    # The join page now says the call was cancelled.
    anonymous.goto(_local(live_server, join))
    expect(anonymous.locator("#meeting-state")).to_contain_text("This video call was cancelled")
    for p in (page, clerk_page, anonymous):
        p.context.close()
