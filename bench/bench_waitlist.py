"""The waitlist's matching after a cancellation, with 10 and with 1,000 citizens waiting: queries and time.

    .venv/bin/python -m bench.bench_waitlist [--waiting 1000] [--rounds 20] [--skip-setup]

A municipality of its own ("bench-waitlist"): one service, one clerk whose day is fully booked, and citizens
waiting in the order they joined — all but the last for days that do not fit, so the match has to pass them by.
Each round frees one booking (as a cancellation does) and offers it (`waitlist.freed_time_offer`, what the task
runs after the commit), in-process, counting the queries; the hold is then removed for the next round. Exit
status 1 when the query count grows with the number of citizens waiting. The database is that of
bench/harness.py.
"""

import argparse
import logging
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from bench.bench_appointments import setup_django
from bench.harness import manage, server_environment

SLUG = "bench-waitlist"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_waitlist", description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate")
    return parser.parse_args(argv)


def remove_data() -> None:
    from accounts.models import User
    from appointments.models import Appointment, FreedTime, Service, StaffMember, WaitlistEntry
    from portal.models import AuditEntry, Municipality, OutboundEmail

    OutboundEmail.objects.filter(to__0__startswith="benchwl.").delete()
    AuditEntry.objects.filter(action="appointments.waitlist_offered", data__entry__startswith="WL").delete()
    WaitlistEntry.objects.filter(service__municipality__slug=SLUG).delete()
    Appointment.objects.filter(service__municipality__slug=SLUG).delete()
    FreedTime.objects.filter(clerk__municipality__slug=SLUG).delete()
    Service.objects.filter(municipality__slug=SLUG).delete()
    StaffMember.objects.filter(municipality__slug=SLUG).delete()
    User.objects.filter(username__startswith="benchwl.").delete()
    Municipality.objects.filter(slug=SLUG).delete()


def make_data():
    """The service, its clerk with next week's Tuesday fully booked (8 times), and that day."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from appointments.models import Appointment, Mode, Service, StaffMember, WorkingHours, new_token, token_hash
    from portal.models import Department, Municipality

    remove_data()
    with transaction.atomic():
        municipality = Municipality.objects.create(
            slug=SLUG, name_el="Δήμος Αναμονής", map_center_latitude=35.5, map_center_longitude=24.0
        )
        department = Department.objects.create(municipality=municipality, name_el="Υπηρεσία Δόμησης")
        service = Service.objects.create(
            municipality=municipality,
            department=department,
            name_el="Οικοδομικές Άδειες",
            modes=[Mode.IN_PERSON],
            duration_minutes=20,
            interval_minutes=30,
            minimum_notice_hours=24,
            horizon_days=60,
        )
        user = User.objects.create(username="benchwl.clerk", municipality=municipality, is_staff=True)
        clerk = StaffMember.objects.create(user=user, municipality=municipality)
        clerk.services.add(service)
        WorkingHours.objects.bulk_create(
            WorkingHours(staff=clerk, weekday=day, start=dtime(9), end=dtime(13)) for day in range(5)
        )
        zone = municipality.zone
        today = timezone.now().astimezone(zone).date() + timedelta(days=7)
        day = today + timedelta(days=(1 - today.weekday()) % 7)
        booker = User.objects.create(username="benchwl.booker", email="booker@example.gr", municipality=municipality)
        for index in range(8):
            start = (datetime.combine(day, dtime(9), tzinfo=zone) + timedelta(minutes=30 * index)).astimezone(UTC)
            Appointment.objects.create(
                code=f"WL{index:02d}{day:%m%d}",
                service=service,
                clerk=clerk,
                citizen=booker,
                mode=Mode.IN_PERSON,
                start=start,
                end=start + timedelta(minutes=20),
                blocked_start=start,
                blocked_end=start + timedelta(minutes=20),
                full_name="Πολίτης",
                email=booker.email,
                mobile_phone="+306912345678",
                subject="Μέτρηση",
                consent_at=timezone.now(),
                manage_token_hash=token_hash(new_token()),
            )
    return service, clerk, day


def set_waiting(service, day, waiting: int) -> None:
    from django.utils import timezone

    from accounts.models import User
    from appointments.models import WaitlistEntry

    WaitlistEntry.objects.filter(service=service).delete()
    User.objects.filter(username__startswith="benchwl.w").delete()
    User.objects.bulk_create(
        User(username=f"benchwl.w{index}", email=f"benchwl.w{index}@example.gr", full_name=f"Πολίτης {index}")
        for index in range(waiting)
    )
    zone = service.municipality.zone
    midnight = datetime.combine(day, dtime(0), tzinfo=zone)
    entries = []
    for index, citizen in enumerate(User.objects.filter(username__startswith="benchwl.w").order_by("pk")):
        fits = index == waiting - 1
        start = midnight if fits else midnight + timedelta(days=1)
        entries.append(
            WaitlistEntry(
                code=f"WL{index:06d}",
                service=service,
                citizen=citizen,
                first_day=start.date(),
                last_day=start.date(),
                range_start=start,
                range_end=start + timedelta(days=1),
                subject="Μέτρηση",
                consent_at=timezone.now(),
            )
        )
    WaitlistEntry.objects.bulk_create(entries)


def measure(service, clerk, rounds: int) -> tuple[int, list[float]]:
    """Free the 10:00 booking and offer it, `rounds` times; the queries of one offer and each one's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appointments import waitlist
    from appointments.models import Appointment, FreedTime, WaitlistEntry

    booking = Appointment.objects.filter(service=service, status="booked").order_by("start")[2]
    counts, times = set(), []
    for _round in range(rounds):
        Appointment.objects.filter(pk=booking.pk).update(status="cancelled")
        freed = FreedTime.objects.create(
            clerk=clerk, start=booking.blocked_start, end=booking.blocked_end, reason="cancelled"
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            offered = waitlist.freed_time_offer(freed_id=freed.pk)
            times.append(time.perf_counter() - started)
        if offered != 1:
            raise SystemExit(f"bench: expected one offer, got {offered}")
        counts.add(len(queries))
        Appointment.objects.filter(service=service, status__in=["held", "released"]).delete()
        WaitlistEntry.objects.filter(service=service).update(status="waiting")
        Appointment.objects.filter(pk=booking.pk).update(status="booked")
        freed.delete()
    return max(counts), times


def main(argv=None) -> int:
    args = parse_args(argv)
    env, source = server_environment()
    print("Waitlist benchmark")
    print(f"  database   [{source}]")
    if not args.skip_setup:
        manage(env, "migrate", "--noinput")
    setup_django(env)
    from django.conf import settings

    # The offer's e-mail is queued and sent in-process (counted and timed with the offer), to nobody outside.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from portal.celery import app

    app.conf.task_always_eager = True
    logging.getLogger("celery").setLevel(logging.WARNING)
    service, clerk, day = make_data()
    figures = {}
    try:
        set_waiting(service, day, 10)
        measure(service, clerk, 1)  # warm-up: templates and catalogues load on the first offer
        for waiting in (10, args.waiting):
            set_waiting(service, day, waiting)
            queries, times = measure(service, clerk, args.rounds)
            figures[waiting] = queries
            print(
                f"  {waiting:>5} waiting  offer after a cancel: {queries} queries, "
                f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
                f"({args.rounds} rounds; the one who fits joined last)"
            )
    finally:
        remove_data()
    constant = len(set(figures.values())) == 1
    print("  result     " + ("ok (constant in queries)" if constant else f"FAILED: queries grew {figures}"))
    return 0 if constant else 1


if __name__ == "__main__":
    sys.exit(main())
