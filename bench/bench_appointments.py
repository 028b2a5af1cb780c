"""Appointments under gunicorn: the slot page of a busy month, and 200 people booking one slot at once.

    .venv/bin/python -m bench.bench_appointments [--duration 10] [--concurrency 8] [--bookers 200] [--skip-setup]

1. Two services, each of a municipality of its own: 10 clerks with 2,000 bookings in next month, and 100 clerks
   with 20,000. For each, the query count of its slot page («Any» clerk, the month given; measured in-process),
   the time to compute that month without the cache (in-process), and the page's median under load as a ratio
   to the foundation's one-query floor view served by the same gunicorn in the same run (issue 14: ≤ 5× at 10
   clerks, the 100-clerk figure ≤ 2× the 10-clerk one). ANALYZE runs after the bulk load.
2. `--bookers` verified citizens, each with a logged-in session, post «Κράτηση» for one free slot at the same
   moment: exactly one must succeed, the others must get the "just taken" page, none may get an error. The slot
   lies beyond the minimum notice whatever today's date.
Exit status 1 when either check fails. The server and database are those of bench/harness.py; with CACHE_URL
set the workers share a Redis cache (as in production), otherwise each has its own local memory.
"""

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from urllib.parse import urlencode

from bench.harness import HOST, REQUEST_TIMEOUT, Gunicorn, env_number, load, manage, server_environment

SLUG = "bench-appointments"
SIZES = ((10, 2000), (100, 20000))  # (clerks, bookings in next month)
TAKEN_MARKERS = ("μόλις κρατήθηκε", "δεν είναι διαθέσιμη")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_appointments", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=env_number("BENCH_DURATION", 10.0))
    parser.add_argument("--concurrency", type=int, default=env_number("BENCH_CONCURRENCY", 8, int))
    parser.add_argument("--workers", type=int, default=env_number("BENCH_WORKERS", 2, int))
    parser.add_argument("--bookers", type=int, default=200)
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate and load_demo")
    return parser.parse_args(argv)


# --- Data, made in this process with the ORM against the server's database -------------------------------------


def setup_django(env: dict[str, str]) -> None:
    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG"):
        os.environ[key] = env[key]
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    import django

    django.setup()


def remove_data() -> None:
    """The bench's municipality, clerks, citizens and bookings: made fresh each run, removed after it."""
    from accounts.models import User
    from appointments.models import Appointment, Service
    from portal.models import Municipality

    Appointment.objects.filter(service__municipality__slug__startswith=SLUG).delete()
    Service.objects.filter(municipality__slug__startswith=SLUG).delete()
    User.objects.filter(username__startswith="bench.").delete()
    Municipality.objects.filter(slug__startswith=SLUG).delete()


def make_data(bookers: int, clerks: int, bookings_wanted: int, slug: str):
    """A fresh bench municipality: one service, `clerks` clerks (08:00–16:00 weekdays), their bookings next month
    (the mornings of 20 workdays), and `bookers` verified citizens."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from appointments.models import Appointment, Mode, Service, StaffMember, WorkingHours, new_token, token_hash
    from portal.models import Department, Municipality

    with transaction.atomic():
        municipality = Municipality.objects.create(
            slug=slug, name_el=f"Δήμος Μετρήσεων {clerks}", map_center_latitude=35.5, map_center_longitude=24.0
        )
        department = Department.objects.create(municipality=municipality, name_el="Υπηρεσία Δόμησης")
        service = Service.objects.create(
            municipality=municipality,
            department=department,
            name_el="Οικοδομικές Άδειες",
            modes=[Mode.IN_PERSON, Mode.VIDEO],
            duration_minutes=20,
            interval_minutes=30,
            buffer_after_minutes=5,
            minimum_notice_hours=24,
            horizon_days=75,
        )
        zone = municipality.zone
        staff = []
        for index in range(clerks):
            user = User.objects.create(
                username=f"bench.{slug}.clerk{index}",
                full_name=f"Υπάλληλος {index}",
                municipality=municipality,
                is_staff=True,
            )
            member = StaffMember.objects.create(user=user, municipality=municipality)
            member.services.add(service)
            WorkingHours.objects.bulk_create(
                WorkingHours(staff=member, weekday=day, start=dtime(8), end=dtime(16)) for day in range(5)
            )
            staff.append(member)
        now = timezone.now().astimezone(zone)
        month = (now.date().replace(day=1) + timedelta(days=32)).replace(day=1)
        days = [month + timedelta(days=i) for i in range(31) if (month + timedelta(days=i)).month == month.month]
        workdays = [day for day in days if day.weekday() < 5][:20]
        citizens = []
        for index in range(bookers):
            citizens.append(
                User(
                    username=f"bench.{slug}.citizen{index}",
                    email=f"bench.{slug}.citizen{index}@example.gr",
                    full_name=f"Πολίτης {index}",
                    municipality=municipality,
                    mobile_phone="+306912345678",
                    identity_verified_at=timezone.now(),
                    identity_verification_method=User.VerificationMethod.IN_PERSON,
                )
            )
        User.objects.bulk_create(citizens)
        citizens = list(User.objects.filter(username__startswith=f"bench.{slug}.citizen").order_by("pk"))
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in citizens
        )
        bookings = []
        per_day = bookings_wanted // (clerks * len(workdays))
        for member in staff:
            for day in workdays:
                for slot in range(per_day):
                    start = datetime.combine(day, dtime(8), tzinfo=zone) + timedelta(minutes=30 * slot)
                    start = start.astimezone(UTC)
                    end = start + timedelta(minutes=20)
                    bookings.append(
                        Appointment(
                            code=f"B{member.pk:03d}{day:%m%d}{slot:02d}",
                            service=service,
                            clerk=member,
                            citizen=citizens[len(bookings) % len(citizens)],
                            mode=Mode.IN_PERSON,
                            start=start,
                            end=end,
                            blocked_start=start,
                            blocked_end=end + timedelta(minutes=5),
                            full_name="Πολίτης",
                            email="bench@example.gr",
                            mobile_phone="+306912345678",
                            subject="Μέτρηση",
                            consent_at=timezone.now(),
                            manage_token_hash=token_hash(new_token()),
                        )
                    )
        Appointment.objects.bulk_create(bookings)
    # The race: one clerk's free slot, the last half hour of a workday (with «Any» each clerk could win once),
    # the first one beyond the minimum notice with an hour to spare, whatever today is (issue 14: the first
    # workday of next month may be tomorrow, inside the 24 hours).
    earliest = timezone.now() + timedelta(hours=service.minimum_notice_hours + 1)
    race_start = next(
        start
        for start in (datetime.combine(day, dtime(15, 30), tzinfo=zone).astimezone(UTC) for day in workdays)
        if start > earliest
    )
    return service, month, citizens, len(bookings), race_start, staff[0].pk


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as production would have them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def cold_month_ms(service, month) -> float:
    """The in-process time to compute the month's free starts without the cache (what a changed version costs)."""
    from zoneinfo import ZoneInfo

    from appointments.selectors import free_starts_by_local_day

    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        free_starts_by_local_day(service=service, zone=ZoneInfo("Europe/Athens"), day_from=month, day_to=month_end)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def sessions_for(users) -> list[str]:
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def query_count(path: str, cookie_user) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.force_login(cookie_user)
    client.get(path)  # warm: sessions, translations, content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(queries)


# --- HTTP -----------------------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, cookie: str, body: dict | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=max(REQUEST_TIMEOUT, 120))
    headers = {"Cookie": cookie, "Accept-Language": "el", "User-Agent": "dimos-portal-bench"}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{port}{path}"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def timed_gets(port: int, path: str, cookie: str, duration: float, concurrency: int) -> tuple[list[float], int]:
    latencies, errors, lock = [], 0, threading.Lock()
    deadline = time.perf_counter() + duration

    def client():
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, _, _ = request(port, "GET", path, cookie)
            with lock:
                if status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def race(port: int, details_path: str, cookies: list[str], slot: datetime, clerk: int) -> tuple[int, int, int, float]:
    """Every booker loads the form (for the CSRF token), then all post at once. (won, taken, errors, seconds)."""
    query = "?" + urlencode({"slot": slot.isoformat(), "clerk": clerk})
    forms = []
    for cookie in cookies:
        status, headers, body = request(port, "GET", details_path + query, cookie)
        if status != 200:
            raise SystemExit(f"bench: the details page answered {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
        full_cookie = cookie + (f"; csrftoken={csrf_cookie.group(1)}" if csrf_cookie else "")
        forms.append((full_cookie, token))
    outcomes: list = [None] * len(forms)
    start_line = threading.Barrier(len(forms) + 1)

    def book(index, cookie, token):
        start_line.wait()
        try:
            outcomes[index] = request(
                port,
                "POST",
                details_path,
                cookie,
                {
                    "csrfmiddlewaretoken": token,
                    "slot": slot.isoformat(),
                    "clerk": str(clerk),
                    "full_name": "Πολίτης",
                    "email": "bench@example.gr",
                    "mobile_phone": "6912345678",
                    "subject": "Μέτρηση",
                    "privacy_consent": "on",
                },
            )
        except (OSError, http.client.HTTPException) as error:
            outcomes[index] = error

    threads = [threading.Thread(target=book, args=(i, c, t)) for i, (c, t) in enumerate(forms)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    won = sum(1 for o in outcomes if isinstance(o, tuple) and o[0] == 302 and "/booking/" in o[1].get("location", ""))
    taken = sum(
        1 for o in outcomes if isinstance(o, tuple) and o[0] == 302 and "/booking/" not in o[1].get("location", "")
    )
    errors = len(outcomes) - won - taken
    return won, taken, errors, elapsed


def main(argv=None) -> int:
    args = parse_args(argv)
    env, source = server_environment()
    print("Appointments benchmark")
    print(f"  database   [{source}]; gunicorn {args.workers} sync workers")
    print(f"  cache      {'Redis (CACHE_URL)' if env.get('CACHE_URL') else 'local memory in each worker'}")
    if not args.skip_setup:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity=0")
    setup_django(env)
    from django.urls import reverse

    remove_data()
    pages = []
    race_data = None
    for clerks, wanted in SIZES:
        slug = f"{SLUG}-{clerks}"
        bookers = args.bookers if race_data is None else 1
        service, month, citizens, booked, race_start, race_clerk = make_data(bookers, clerks, wanted, slug)
        slots_path = reverse("appointments:slots", args=[slug, "in_person", service.pk]) + f"?month={month:%Y-%m}"
        if race_data is None:
            details_path = reverse("appointments:details", args=[slug, "in_person", service.pk])
            race_data = (details_path, citizens, race_start, race_clerk)
        pages.append((clerks, booked, month, service, slots_path, citizens[0]))
    analyze()
    print("  analyze    ANALYZE after the bulk load")
    measured = []
    for clerks, booked, month, service, slots_path, citizen in pages:
        cold = cold_month_ms(service, month)
        queries = query_count(slots_path, citizen)
        measured.append((clerks, booked, slots_path, queries, cold, sessions_for([citizen])[0]))
        print(
            f"  data       {clerks} clerks, {booked} bookings in {month:%Y-%m}: "
            f"{queries} queries (cached), month computed uncached in {cold:.1f} ms (in-process)"
        )
    details_path, citizens, race_start, race_clerk = race_data
    cookies = sessions_for(citizens)

    server = Gunicorn(env, args.workers)
    failed = False
    try:
        server.start()
        medians = []
        for clerks, booked, slots_path, _queries, _cold, cookie in measured:
            timed_gets(server.port, slots_path, cookie, 1.0, args.concurrency)  # warm-up
            latencies, errors = timed_gets(server.port, slots_path, cookie, args.duration, args.concurrency)
            median = statistics.median(latencies) * 1000 if latencies else float("nan")
            medians.append((clerks, booked, len(latencies), median, errors))
            failed = failed or errors > 0
        floor = load(server.port, "floor", "/bench/floor", args.duration, args.concurrency, 100_000)
        floor_median = floor.percentile(50)
        print(f"  floor      {floor.ok} requests, median {floor_median:.1f} ms")
        base = None
        for clerks, booked, count, median, errors in medians:
            ratio = median / floor_median
            versus = f"; {ratio / base:.2f}x the {SIZES[0][0]}-clerk figure (target <= 2)" if base else " (target <= 5)"
            base = base or ratio
            print(
                f"  slot page  month, Any of {clerks} clerks, {booked} bookings: {count} requests, "
                f"median {median:.1f} ms, {errors} errors = {ratio:.1f}x floor{versus}"
            )
        won, taken, race_errors, elapsed = race(server.port, details_path, cookies, race_start, race_clerk)
        print(
            f"  race       {len(cookies)} simultaneous bookings of one slot ({race_start:%Y-%m-%d %H:%M} UTC): "
            f"{won} succeeded, {taken} told it was taken, {race_errors} errors, {elapsed:.2f} s"
        )
        failed = failed or floor.failed > 0 or won != 1 or race_errors != 0
    finally:
        server.close()
        remove_data()
    print("  result     " + ("FAILED" if failed else "ok (exactly one booking, no errors)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
