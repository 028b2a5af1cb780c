"""The waitlist: who is offered a freed time, the hold, claiming, expiry and passing on, and what it costs."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from appointments import selectors, services, waitlist
from appointments.models import Appointment, FreedTime, Mode, WaitlistEntry
from appointments.tasks import waitlist_reconcile
from portal import services as portal_services
from tests.appointments.conftest import athens, details, make_citizen, make_clerk, next_weekday
from tests.broker import tasks_sent_to_broker
from tests.emails import calendar_part

# Real commits: offers are made after the commit that frees a time, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _book(service, citizen, start, **kwargs):
    appointment, _token = services.appointment_book(
        service=service, mode=Mode.IN_PERSON, start=start, citizen=citizen, details=details(), **kwargs
    )
    return appointment


def _fill_day(service, day, citizen):
    """Book every time of `day` (the fixture clerk works 09:00–13:00: eight half-hour times)."""
    return [_book(service, citizen, athens(day, 9) + timedelta(minutes=30 * i)) for i in range(8)]


def _join(service, citizen, day, *, last=None, clerk=None, mode=""):
    return waitlist.waitlist_join(
        service=service,
        citizen=citizen,
        clerk=clerk,
        mode=mode,
        first_day=day,
        last_day=last or day,
        zone=service.municipality.zone,
        subject="Άδεια δόμησης",
    )


@pytest.fixture
def full_day(service, clerk, chania):
    day = next_weekday(1)
    booker = make_citizen("booker", chania)
    bookings = _fill_day(service, day, booker)
    return day, bookings


def _offers_to(citizen):
    return [m for m in mail.outbox if citizen.email in m.to and "/appointments/offer/" in m.body]


def _offer_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/appointments/offer/" in line).split(": ", 1)[1]


def test_joining_is_refused_while_the_days_have_free_times(service, clerk, verified):
    with pytest.raises(waitlist.WaitlistRefused) as refused:
        _join(service, verified, next_weekday(1))
    assert "ελεύθερες ώρες" in str(refused.value)


def test_a_cancellation_is_offered_to_the_first_waiting_citizen_and_held(full_day, service, verified, chania):
    day, bookings = full_day
    second = make_citizen("second", chania)
    first_entry = _join(service, verified, day)
    _join(service, second, day)
    mail.outbox.clear()

    services.appointment_cancel(appointment=bookings[2], actor=bookings[2].citizen)

    hold = Appointment.objects.get(status=Appointment.Status.HELD)
    assert hold.citizen == verified and hold.start == athens(day, 10) and hold.waitlist_entry == first_entry
    assert hold.hold_expires_at - timezone.now() == pytest.approx(timedelta(minutes=30), abs=timedelta(seconds=30))
    first_entry.refresh_from_db()
    assert first_entry.status == WaitlistEntry.Status.OFFERED
    assert len(_offers_to(verified)) == 1 and not _offers_to(second)
    message = _offers_to(verified)[0]
    assert message.extra_headers["Reply-To"] == "info@chania.example.gr"  # the mailbox, not no-reply
    # The hold takes part in the no-overlap guarantee: the slot engine hides it and a booking is refused.
    assert athens(day, 10) not in [
        slot.start for slot in selectors.slots_available(service=service, day_from=day, day_to=day).get(day, [])
    ]
    with pytest.raises((services.SlotTaken, services.SlotUnavailable)):
        _book(service, make_citizen("late", chania), athens(day, 10))


def test_the_offer_link_books_in_one_step(full_day, service, verified):
    day, bookings = full_day
    _join(service, verified, day)
    services.appointment_cancel(appointment=bookings[0], actor=None)
    link = _offer_link(_offers_to(verified)[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get("/" + path)
    assert page.status_code == 200 and "Κράτηση" in page.content.decode()
    mail.outbox.clear()
    response = client.post("/" + path, {"mode": Mode.IN_PERSON})
    assert response.status_code == 302 and "/appointments/manage/" in response["Location"]
    booked = Appointment.objects.get(start=athens(day, 9), status=Appointment.Status.BOOKED)
    assert booked.citizen == verified
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.BOOKED
    booked_mail = next(m for m in mail.outbox if verified.email in m.to)
    assert calendar_part(booked_mail)[1] == "REQUEST"
    # A second click (another tab) lands on the booking, it does not book twice.
    assert client.post("/" + path, {"mode": Mode.IN_PERSON})["Location"].startswith("/appointments/manage/")
    assert Appointment.objects.filter(start=athens(day, 9), status=Appointment.Status.BOOKED).count() == 1


def test_an_expired_hold_passes_to_the_next_citizen_then_to_everyone(full_day, service, verified, chania):
    day, bookings = full_day
    second = make_citizen("second", chania)
    first_entry = _join(service, verified, day)
    second_entry = _join(service, second, day)
    services.appointment_cancel(appointment=bookings[4], actor=None)  # 11:00
    hold = Appointment.objects.get(status=Appointment.Status.HELD)
    with time_machine.travel(hold.hold_expires_at + timedelta(seconds=1)):
        assert waitlist_reconcile() == {"released": 1, "offered": 1, "expired": 0}
    hold.refresh_from_db()
    assert hold.status == Appointment.Status.RELEASED
    passed = Appointment.objects.get(status=Appointment.Status.HELD)
    assert passed.citizen == second and passed.start == athens(day, 11)
    first_entry.refresh_from_db(), second_entry.refresh_from_db()
    assert first_entry.status == WaitlistEntry.Status.WAITING  # still waiting for other times, not this one
    assert second_entry.status == WaitlistEntry.Status.OFFERED
    assert any("passed to the next" in m.body or "επόμενο" in m.body for m in mail.outbox if verified.email in m.to)
    with pytest.raises(waitlist.OfferGone):
        waitlist.offer_claim(hold=hold)
    with time_machine.travel(passed.hold_expires_at + timedelta(seconds=1)):
        assert waitlist_reconcile()["released"] == 1
    # Nobody else fits: the time is free for everyone again.
    assert not Appointment.objects.filter(status=Appointment.Status.HELD).exists()
    assert athens(day, 11) in [
        s.start for s in selectors.slots_available(service=service, day_from=day, day_to=day)[day]
    ]


def test_only_citizens_whose_days_and_clerk_fit_are_offered(full_day, service, clerk, verified, chania):
    day, bookings = full_day
    other_clerk = make_clerk("clerk.other", chania, service, weekdays=[])
    elsewhere = make_citizen("elsewhere", chania)
    wrong_clerk = make_citizen("wrongclerk", chania)
    # Waiting for the next week's Tuesday (made directly: that day still has free times).
    WaitlistEntry.objects.create(
        code="LATER",
        service=service,
        citizen=elsewhere,
        first_day=day + timedelta(days=7),
        last_day=day + timedelta(days=7),
        range_start=athens(day + timedelta(days=7), 0),
        range_end=athens(day + timedelta(days=8), 0),
        subject="x",
        consent_at=timezone.now(),
    )
    _join(service, wrong_clerk, day, clerk=other_clerk)
    fitting = _join(service, verified, day, clerk=clerk)
    services.appointment_cancel(appointment=bookings[1], actor=None)
    hold = Appointment.objects.get(status=Appointment.Status.HELD)
    assert hold.waitlist_entry == fitting


def test_a_move_offers_the_old_time(full_day, service, verified):
    day, bookings = full_day
    _join(service, verified, day)
    services.appointment_reschedule(appointment=bookings[3], start=athens(day + timedelta(days=1), 9))
    hold = Appointment.objects.get(status=Appointment.Status.HELD)
    assert hold.start == athens(day, 10, 30) and hold.citizen == verified


def test_new_working_hours_are_offered(full_day, service, clerk, verified):
    day, _bookings = full_day
    _join(service, verified, day)
    services.working_hours_add(staff=clerk, weekday=day.weekday(), start=time(15), end=time(16))
    hold = Appointment.objects.get(status=Appointment.Status.HELD)
    assert hold.start == athens(day, 15)


def test_leaving_releases_the_hold_to_the_next(full_day, service, verified, chania):
    day, bookings = full_day
    second = make_citizen("second", chania)
    entry = _join(service, verified, day)
    _join(service, second, day)
    services.appointment_cancel(appointment=bookings[0], actor=None)
    assert waitlist.waitlist_leave(entry=entry, actor=verified)
    assert Appointment.objects.get(status=Appointment.Status.HELD).citizen == second
    assert not waitlist.waitlist_leave(entry=entry, actor=verified)


def test_entries_expire_after_their_days(full_day, service, verified):
    day, _bookings = full_day
    entry = _join(service, verified, day)
    with time_machine.travel(athens(day + timedelta(days=1), 0) + timedelta(seconds=1)):
        assert waitlist_reconcile()["expired"] == 1
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.EXPIRED


def test_with_the_broker_down_the_beat_task_makes_the_offer(full_day, service, verified):
    day, bookings = full_day
    _join(service, verified, day)
    portal_services._broker_down_until = 0.0
    try:
        with tasks_sent_to_broker("redis://127.0.0.1:1/0", max_retries=0):
            services.appointment_cancel(appointment=bookings[0], actor=None)
    finally:
        portal_services._broker_down_until = 0.0
    assert FreedTime.objects.filter(processed_at__isnull=True).count() == 1
    assert not Appointment.objects.filter(status=Appointment.Status.HELD).exists()
    assert waitlist_reconcile()["offered"] == 1
    assert Appointment.objects.get(status=Appointment.Status.HELD).citizen == verified


def _offer_queries(service, day, waiting, chania):
    WaitlistEntry.objects.all().delete()
    Appointment.objects.filter(status__in=["held", "released"]).delete()
    User.objects.bulk_create(
        User(username=f"w{waiting}-{index}", email=f"w{index}@example.gr") for index in range(waiting)
    )
    citizens = list(User.objects.filter(username__startswith=f"w{waiting}-").order_by("pk"))
    entries = []
    for index, citizen in enumerate(citizens):
        entries.append(
            WaitlistEntry(
                code=f"W{waiting}-{index}",
                service=service,
                citizen=citizen,
                first_day=day,
                last_day=day,
                # All but the last wait for other days: the match has to pass them by.
                range_start=athens(day + timedelta(days=1 if index < waiting - 1 else 0), 0),
                range_end=athens(day + timedelta(days=2 if index < waiting - 1 else 1), 0),
                subject="x",
                consent_at=timezone.now(),
            )
        )
    WaitlistEntry.objects.bulk_create(entries)
    booking = Appointment.objects.filter(status="booked", start__date=day).order_by("start").last()
    freed = FreedTime.objects.create(
        clerk=booking.clerk, start=booking.blocked_start, end=booking.blocked_end, reason="x"
    )
    Appointment.objects.filter(pk=booking.pk).update(status="cancelled")
    with CaptureQueriesContext(connection) as queries:
        assert waitlist.freed_time_offer(freed_id=freed.pk) == 1
    Appointment.objects.filter(status="held").delete()
    Appointment.objects.filter(pk=booking.pk).update(status="booked")
    return len(queries)


def test_matching_is_constant_in_queries_however_many_wait(full_day, service, chania):
    day, _bookings = full_day
    few = _offer_queries(service, day, 5, chania)
    many = _offer_queries(service, day, 1000, chania)
    assert few == many, (few, many)


def test_first_free_time_in_constant_queries(service, clerk, chania):
    day = next_weekday(1)
    booker = make_citizen("booker", chania)
    for offset in range(3):
        _fill_day(service, day + timedelta(days=offset), booker)
    with CaptureQueriesContext(connection) as queries:
        slot = selectors.first_free_slot(service=service, now=athens(day, 0))
    assert slot.start == athens(day + timedelta(days=3), 9)
    assert len(queries) <= 5


def test_staff_see_waitlist_lengths_and_the_public_page_the_next_free_time(full_day, service, clerk, verified):
    day, _bookings = full_day
    _join(service, verified, day)
    client = Client()
    client.force_login(clerk.user)
    page = client.get(reverse("appointments:staff_calendar") + f"?date={day.isoformat()}").content.decode()
    assert "1 πολίτης σε αναμονή" in page
    public = Client().get(reverse("appointments:service", args=["chania", service.pk])).content.decode()
    assert 'id="next-free"' in public and "Πρώτη διαθέσιμη ώρα" in public
    assert "info@chania.example.gr" in public
