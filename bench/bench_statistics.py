"""The public statistics page at 100,000 citizen requests and 20,000 bookings, against the one-query floor view; and
the beat task's cost of computing the figures once.

    .venv/bin/python -m bench.bench_statistics [--requests 100000] [--bookings 20000] [--duration 5] [--keep]
                                               [--skip-setup]

Uses bench/harness.py's server (gunicorn, production settings) and load generator. The rows belong to a
municipality of their own ("benchstats"), inserted with bulk_create, ANALYZEd, and deleted at the end unless
--keep (a later run reuses kept rows). The figures are computed in-process first, as the beat task
`portal.tasks.statistics_refresh` does; with CELERY_BROKER_URL set, the server's workers and this process share
that Redis as their cache (CACHE_URL), as in production, so the page reads what the task wrote.
"""

import argparse
import os
import random
import secrets
import signal
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from bench import harness

SLUG = "benchstats"
# On a shared, busy machine two workers may take longer than the harness's 30 s to import the project.
harness.STARTUP_TIMEOUT = max(harness.STARTUP_TIMEOUT, 120.0)
CENTRE = (40.629269, 22.947412)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_statistics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=20_000)
    parser.add_argument("--duration", type=float, default=harness.env_number("BENCH_DURATION", 5.0))
    parser.add_argument("--warmup", type=float, default=harness.env_number("BENCH_WARMUP", 1.0))
    parser.add_argument("--concurrency", type=int, default=harness.env_number("BENCH_CONCURRENCY", 4, int))
    parser.add_argument("--workers", type=int, default=harness.env_number("BENCH_WORKERS", 2, int))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's municipality and rows")
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate and collectstatic")
    return parser.parse_args(argv)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG")})
    if env.get("CACHE_URL"):
        os.environ["CACHE_URL"] = env["CACHE_URL"]
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def municipality_ensure():
    from portal.models import Department, Municipality

    municipality, _created = Municipality.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name_el": "Δήμος Στατιστικής (benchmark)",
            "name_en": "Statsville (benchmark)",
            "map_center_latitude": Decimal(str(CENTRE[0])),
            "map_center_longitude": Decimal(str(CENTRE[1])),
        },
    )
    departments = [
        Department.objects.get_or_create(municipality=municipality, name_el=name)[0]
        for name in ("Οδοποιία", "Καθαριότητα", "Ηλεκτροφωτισμός")
    ]
    return municipality, departments


def requests_ensure(municipality, departments, count: int) -> None:
    """`count` requests over the last year, a third of them closed, with their working-day figures."""
    from django.utils import timezone

    from requests_tracker.models import CODE_ALPHABET, Category, Request

    categories = [
        Category.objects.get_or_create(
            municipality=municipality,
            code=code,
            defaults={"name_el": code, "is_other": code == "other", "department": departments[index % 3]},
        )[0]
        for index, code in enumerate(("potholes", "bins", "street-lighting", "bulky-items", "other"))
    ]
    existing = Request.objects.filter(municipality=municipality).count()
    if existing >= count:
        return
    rng = random.Random(11)
    now = timezone.now()
    batch = []
    for _ in range(count - existing):
        status = rng.choice(list(Request.WORKFLOW))
        category = rng.choice(categories)
        created = now - timedelta(days=rng.uniform(0, 365))
        closed = created + timedelta(days=rng.uniform(0, 40)) if status == "closed" else None
        batch.append(
            Request(
                code="BST-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
                municipality=municipality,
                category=category,
                department=category.department,
                title="Πρόβλημα",
                description="Αίτημα για τη μέτρηση επιδόσεων.",
                latitude=Decimal(f"{CENTRE[0] + rng.gauss(0, 0.012):.6f}"),
                longitude=Decimal(f"{CENTRE[1] + rng.gauss(0, 0.018):.6f}"),
                status=status,
                resolution="resolved" if closed else "",
                closed_at=closed,
                created_at=created,
                updated_at=closed or created,
                due_date=(created + timedelta(days=14)).date(),
                first_answer_working_days=rng.randint(0, 10) if status != "registered" else None,
                closing_working_days=rng.randint(1, 30) if closed else None,
                reopen_count=1 if closed and rng.random() < 0.05 else 0,
            )
        )
    Request.objects.bulk_create(batch, batch_size=5000)


def bookings_ensure(municipality, departments, count: int) -> None:
    """Two services, five clerks, `count` bookings every 30 minutes of the clerks' past and coming days."""
    from datetime import UTC, datetime
    from datetime import time as dtime

    from django.utils import timezone

    from accounts.models import User
    from appointments.models import Appointment, Mode, Service, StaffMember, WorkingHours, token_hash

    services = [
        Service.objects.get_or_create(
            municipality=municipality,
            name_el=name,
            defaults={"department": departments[0], "modes": [Mode.IN_PERSON], "horizon_days": 60},
        )[0]
        for name in ("Οικοδομικές Άδειες", "Δημοτολόγιο")
    ]
    clerks = []
    for index in range(5):
        user, _ = User.objects.get_or_create(
            username=f"benchstats.clerk{index}", defaults={"municipality": municipality, "is_staff": True}
        )
        clerk, created = StaffMember.objects.get_or_create(user=user, defaults={"municipality": municipality})
        if created:
            clerk.services.add(*services)
            WorkingHours.objects.bulk_create(
                WorkingHours(staff=clerk, weekday=day, start=dtime(9), end=dtime(13)) for day in range(5)
            )
        clerks.append(clerk)
    existing = Appointment.objects.filter(service__municipality=municipality).count()
    if existing >= count:
        return
    rng = random.Random(13)
    per_clerk = (count - existing) // len(clerks) + 1
    # 8 a day (09:00–13:00), 5 days a week: the last ten days or so still to come.
    start_day = date.today() - timedelta(days=per_clerk * 7 // 40 - 10)
    statuses = ["attended"] * 7 + ["no_show", "cancelled", "booked"]
    batch, made = [], 0
    for position, clerk in enumerate(clerks):
        day, slot = start_day, 0
        for _ in range(per_clerk):
            if made >= count - existing:
                break
            while day.weekday() >= 5:
                day += timedelta(days=1)
            start = datetime.combine(day, dtime(9), tzinfo=municipality.zone) + timedelta(minutes=30 * slot)
            start = start.astimezone(UTC)
            batch.append(
                Appointment(
                    code=f"BS{position}{made:07d}",
                    service=rng.choice(services),
                    clerk=clerk,
                    mode=Mode.IN_PERSON,
                    start=start,
                    end=start + timedelta(minutes=20),
                    blocked_start=start,
                    blocked_end=start + timedelta(minutes=20),
                    status=rng.choice(statuses),
                    full_name="Πολίτης",
                    email="bench@example.gr",
                    mobile_phone="+306912345678",
                    subject="Μέτρηση",
                    consent_at=timezone.now(),
                    manage_token_hash=token_hash(secrets.token_urlsafe(16)),
                )
            )
            made += 1
            slot = (slot + 1) % 8
            if slot == 0:
                day += timedelta(days=1)
    Appointment.objects.bulk_create(batch, batch_size=5000)


def data_ensure(requests: int, bookings: int):
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        municipality, departments = municipality_ensure()
        requests_ensure(municipality, departments, requests)
        bookings_ensure(municipality, departments, bookings)
    with connection.cursor() as cursor:  # what autovacuum would do a minute later
        cursor.execute("ANALYZE requests_tracker_request")
        cursor.execute("ANALYZE appointments_appointment")
    print(f"  data       ready in {time.perf_counter() - started:.1f} s")
    return municipality


def data_remove(municipality) -> None:
    from accounts.models import User
    from appointments.models import Appointment, Service, StaffMember
    from requests_tracker.models import Category, Request

    Appointment.objects.filter(service__municipality=municipality).delete()
    StaffMember.objects.filter(municipality=municipality).delete()
    Service.objects.filter(municipality=municipality).delete()
    User.objects.filter(username__startswith="benchstats.").delete()
    Request.objects.filter(municipality=municipality).delete()
    Category.objects.filter(municipality=municipality).delete()
    municipality.departments.all().delete()
    municipality.delete()


def refresh(municipality) -> tuple[float, int]:
    """What the beat task does for one municipality: seconds and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.statistics import sections_refresh
    from requests_tracker.selectors.statistics import requests_statistics_refresh

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        requests_statistics_refresh(municipality=municipality)
        sections_refresh(municipality=municipality)
    return time.perf_counter() - started, len(queries)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    env, source = harness.server_environment()
    broker = env.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://") and not env.get("CACHE_URL"):
        env["CACHE_URL"] = broker
    print("Statistics benchmark")
    print(f"  database   {harness.masked(env['DATABASE_URL'])}  [{source}]")
    print(f"  cache      {harness.masked(env['CACHE_URL']) if env.get('CACHE_URL') else 'per worker (locmem)'}")
    if not args.skip_setup:
        harness.manage(env, "migrate", "--noinput")
        harness.manage(env, "collectstatic", "--noinput", "--verbosity=0")
    django_setup(env)
    municipality = data_ensure(args.requests, args.bookings)
    seconds, queries = refresh(municipality)
    print(f"  refresh    {seconds * 1000:.0f} ms, {queries} queries (the beat task, per municipality)")
    paths = [
        ("floor", "/bench/floor"),
        ("statistics", f"/dimos/{SLUG}/statistics/"),
        ("stats-en", f"/en/dimos/{SLUG}/statistics/"),
        ("csv", f"/dimos/{SLUG}/statistics/requests.csv"),
        ("appts-json", f"/dimos/{SLUG}/statistics/appointments.json"),
    ]
    server = harness.Gunicorn(env, args.workers)
    results = []
    try:
        server.start()
        for name, path in paths:
            status, _headers, body = harness.fetch(server.port, path)
            if status != 200:
                raise SystemExit(f"bench: GET {path} answered {status}: {body[:300]!r}\n{server.log_tail()}")
            if args.warmup:
                harness.load(server.port, name, path, args.warmup, args.concurrency, 100_000)
            results.append(harness.load(server.port, name, path, args.duration, args.concurrency, 100_000))
    finally:
        server.close()
        if not args.keep:
            data_remove(municipality)
    floor = results[0].percentile(50)
    print()
    print(f"{'endpoint':<11} {'requests':>9} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8}")
    for result in results:
        p50 = result.percentile(50)
        print(
            f"{result.name:<11} {result.ok + result.failed:>9} {result.failed:>6} "
            f"{p50:>8.1f} {result.percentile(95):>8.1f} {p50 / floor:>8.1f}"
        )
    print(
        f"({args.requests} requests, {args.bookings} bookings; {args.concurrency} connections, {args.workers} workers)"
    )
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
