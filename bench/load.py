"""Load test: a realistic mix of visitors, citizens, verified citizens and clerks at a fixed arrival rate, against
gunicorn with production settings on this machine, then the data's invariants checked.

    .venv/bin/python -m bench.load            # short: 20 req/s for 30 s on 20,000 requests and 1,000 bookings
    .venv/bin/python -m bench.load --long     # the target: 100 req/s for 10 minutes on 1,000,000 and 20,000

Options: --rate (requests/s), --duration (s), --requests, --bookings, --workers (3) and --threads (gunicorn),
--skip-setup, --keep. The people are locust users (bench/locustfile.py, FastHttpUser, constant_throughput,
headless, bounded by --run-time). The data live in a municipality of their own («loadpolis»), bulk-loaded with
generate_series and ANALYZEd; a later run reuses them (--keep keeps them; without it they are removed at the end).
With CELERY_BROKER_URL set, tasks go to the broker and a Celery worker of our own (one process) sends the e-mails,
as in production; the run then waits for the queue to empty. Without it tasks run in-process, so the web processes
carry the sending too. E-mails go to the dummy backend either way.

It prints per endpoint p50/p95/p99 (ms), throughput and errors, then checks: no two busy bookings of a clerk overlap,
no vote is counted twice (and every request's vote_count equals its votes), every e-mail row is sent or queued, and
every municipality's protocol numbers are 1..n without gaps. The exit status is 1 on any error or failed check, and
also when --long misses the target (p95 ≤ 250 ms, 0 errors).
"""

import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from bench import harness
from bench.bench_appointments import sessions_for, setup_django

SLUG = "loadpolis"
CENTRE = (40.6401, 22.9444)
CLERKS = 20  # bookable clerks of the load service
TARGET_P95_MS = 250.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="the target run: 100 req/s, 600 s, 1,000,000 requests")
    parser.add_argument("--rate", type=float, help="requests per second (short 20, long 100)")
    parser.add_argument("--duration", type=float, help="seconds of load (short 30, long 600)")
    parser.add_argument("--requests", type=int, help="citizen requests stored (short 20,000, long 1,000,000)")
    parser.add_argument("--bookings", type=int, help="bookings stored (short 1,000, long 20,000)")
    # Cores + 1 sync workers: the mix writes (commits, the broker, the cache), and a third worker on the two cores
    # fills those waits (back to back on this machine: 68 req/s served with 3, 30 with 2, 61 with 4).
    parser.add_argument(
        "--workers",
        type=int,
        default=harness.env_number("BENCH_WORKERS", 3, int),
        help="gunicorn workers (BENCH_WORKERS, default 3)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=harness.env_number("BENCH_THREADS", 1, int),
        help="threads per gunicorn worker: 1 is sync workers, more is gthread (BENCH_THREADS)",
    )
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate, load_demo and collectstatic")
    parser.add_argument("--keep", action="store_true", help="keep the load municipality and its rows for next time")
    parser.add_argument("--load-only", action="store_true", help="load the data (kept), print how long, and stop")
    args = parser.parse_args(argv)
    defaults = (100.0, 600.0, 1_000_000, 20_000) if args.long else (20.0, 30.0, 20_000, 1_000)
    for name, default in zip(("rate", "duration", "requests", "bookings"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


# --- The data -------------------------------------------------------------------------------------------------


def data_remove() -> None:
    """The load municipality and everything of it. Rows by SQL (the ORM would load a million requests to delete
    them); the attachments through the ORM, so that their files go too."""
    from django.db import connection, transaction

    from accounts.models import User
    from portal.models import Municipality
    from requests_tracker.models import Attachment

    municipality = Municipality.objects.filter(slug=SLUG).first()
    if municipality is None:
        return
    for attachment in Attachment.objects.filter(request__municipality=municipality):
        attachment.delete()
    in_requests = "request_id IN (SELECT id FROM requests_tracker_request WHERE municipality_id = %(m)s)"
    in_bookings = (
        "appointment_id IN (SELECT a.id FROM appointments_appointment a JOIN appointments_service s"
        " ON s.id = a.service_id WHERE s.municipality_id = %(m)s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        for table in ("requests_tracker_vote", "requests_tracker_comment", "requests_tracker_statuschange"):
            cursor.execute(f"DELETE FROM {table} WHERE {in_requests}", {"m": municipality.pk})  # noqa: S608
        cursor.execute("UPDATE requests_tracker_request SET duplicate_of_id = NULL WHERE municipality_id = %(m)s",
                       {"m": municipality.pk})  # fmt: skip
        cursor.execute("DELETE FROM requests_tracker_request WHERE municipality_id = %(m)s", {"m": municipality.pk})
        for table in ("appointments_bookingdocument", "appointments_documentrequest"):
            cursor.execute(f"DELETE FROM {table} WHERE {in_bookings}", {"m": municipality.pk})  # noqa: S608
        cursor.execute(
            "DELETE FROM appointments_appointment WHERE service_id IN"
            " (SELECT id FROM appointments_service WHERE municipality_id = %(m)s)",
            {"m": municipality.pk},
        )
    # What is left is small: the ORM removes it with whatever refers to it.
    User.objects.filter(username__startswith="load.").delete()
    from appointments.models import Service, StaffMember
    from requests_tracker.models import Category

    Service.objects.filter(municipality=municipality).delete()
    StaffMember.objects.filter(municipality=municipality).delete()
    Category.objects.filter(municipality=municipality).delete()
    municipality.delete()


def data_ensure(requests: int, bookings: int) -> tuple[dict, float]:
    """The municipality, its people and rows; (facts for the fixtures, seconds spent loading)."""
    from allauth.account.models import EmailAddress
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import group_ensure
    from appointments.models import Appointment, Mode, Service, StaffMember, WorkingHours
    from portal.models import Department, Municipality
    from requests_tracker.models import Category, Request
    from requests_tracker.roles import REQUESTS_OFFICE

    started = time.perf_counter()
    municipality = Municipality.objects.filter(slug=SLUG).first()
    if municipality and (
        Request.objects.filter(municipality=municipality).count() < requests
        or Appointment.objects.filter(service__municipality=municipality).count() < bookings
    ):
        data_remove()
        municipality = None
    if municipality is None:
        with transaction.atomic():
            municipality = Municipality.objects.create(
                slug=SLUG,
                name_el="Δήμος Φόρτου (μέτρηση)",
                name_en="Loadpolis (load test)",
                map_center_latitude=CENTRE[0],
                map_center_longitude=CENTRE[1],
            )
            department = Department.objects.create(municipality=municipality, name_el="Τεχνικές Υπηρεσίες")
            for code in ("street-lighting", "potholes", "bins"):
                Category.objects.create(municipality=municipality, code=code, name_el=code, department=department)
            Category.objects.create(municipality=municipality, code="other", name_el="Άλλο", is_other=True)
            service = Service.objects.create(
                municipality=municipality,
                department=department,
                name_el="Οικοδομικές Άδειες",
                modes=[Mode.IN_PERSON],
                duration_minutes=20,
                interval_minutes=30,
                minimum_notice_hours=24,
                horizon_days=75,
            )
            for index in range(CLERKS):
                user = User.objects.create(
                    username=f"load.booker{index}", full_name=f"Υπάλληλος {index}", municipality=municipality
                )
                member = StaffMember.objects.create(user=user, municipality=municipality)
                member.services.add(service)
                WorkingHours.objects.bulk_create(
                    WorkingHours(staff=member, weekday=day, start=dtime(8), end=dtime(16)) for day in range(5)
                )
            people = [
                User(
                    username=f"load.{kind}{index}",
                    email=f"load.{kind}{index}@example.gr",
                    full_name=f"Πολίτης {index}",
                    municipality=municipality,
                    mobile_phone="+306912345678",
                    is_staff=kind == "clerk",
                    identity_verified_at=timezone.now() if kind == "verified" else None,
                    identity_verification_method=User.VerificationMethod.IN_PERSON if kind == "verified" else "",
                )
                for kind, count in (("citizen", 200), ("verified", 60), ("clerk", 20))
                for index in range(count)
            ]
            User.objects.bulk_create(people)
            people = list(User.objects.filter(username__startswith="load.").exclude(username__contains="booker"))
            EmailAddress.objects.bulk_create(
                EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in people
            )
            office = group_ensure(REQUESTS_OFFICE)
            for clerk in [user for user in people if user.is_staff]:
                clerk.groups.add(office)
                clerk.departments.add(department)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
                # Loading into a table with its 14 indexes (a trigram GIN among them) costs several times more than
                # building them afterwards: drop the plain ones (not those behind primary keys or unique
                # constraints), load, and create them again with the same definitions.
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'requests_tracker_request'"
                    " AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
                )
                plain_indexes = cursor.fetchall()
                for name, _definition in plain_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
                # A year of requests around the centre; a quarter of each status of the workflow.
                cursor.execute(
                    """
                    INSERT INTO requests_tracker_request (code, title, description, latitude, longitude, address,
                        status, resolution, vote_count, comment_count, created_at, updated_at, closed_at,
                        category_id, department_id, municipality_id, reopen_count)
                    SELECT 'LD' || lpad(g::text, 8, '0'), 'Πρόβλημα ' || lpad((g %% 100000)::text, 5, '0'),
                        'Αίτημα για τη δοκιμή φόρτου.', %(lat)s + ((g * 7919) %% 2000 - 1000) / 50000.0,
                        %(lon)s + ((g * 104729) %% 2000 - 1000) / 40000.0, '',
                        (ARRAY['registered', 'acknowledged', 'in_progress', 'closed'])[(g %% 4)::int + 1],
                        CASE WHEN g %% 4 = 3 THEN 'resolved' ELSE '' END, 0, 0,
                        now() - (g %% 365) * interval '1 day' - (g %% 1440) * interval '1 minute',
                        now() - (g %% 365) * interval '1 day',
                        CASE WHEN g %% 4 = 3 THEN now() - (g %% 365) * interval '1 day' END,
                        (%(categories)s::bigint[])[(g %% 4)::int + 1],
                        %(d)s, %(m)s, 0
                    FROM generate_series(1::bigint, %(n)s) AS g
                    """,
                    {
                        "lat": CENTRE[0],
                        "lon": CENTRE[1],
                        "m": municipality.pk,
                        "d": department.pk,
                        "n": requests,
                        "categories": list(
                            Category.objects.filter(municipality=municipality)
                            .order_by("pk")
                            .values_list("pk", flat=True)
                        ),
                    },
                )
                # Past bookings, attended: each clerk's half-hours back from yesterday, never overlapping.
                cursor.execute(
                    """
                    INSERT INTO appointments_appointment (code, mode, start, "end", blocked_start, blocked_end, status,
                        full_name, email, mobile_phone, subject, application_number, third_party_role,
                        third_party_name, third_party_email, documents_acknowledged, consent_at, meeting_url,
                        meeting_provider, meeting_id, manage_token_hash, cancel_reason, history, created_at,
                        service_id, clerk_id, citizen_time_zone, ical_sequence)
                    SELECT 'LB' || lpad(g::text, 8, '0'), 'in_person', s, s + interval '20 minutes', s,
                        s + interval '20 minutes', 'attended', 'Πολίτης', 'load@example.gr', '+306912345678',
                        'Μέτρηση', '', '', '', '', false, s, '', '', '', md5('load' || g), '', '[]'::jsonb, s,
                        %(service)s, c.id, 'Europe/Athens', 0
                    FROM generate_series(0, %(n)s - 1) AS g
                    JOIN LATERAL (SELECT id FROM appointments_staffmember WHERE municipality_id = %(m)s
                        ORDER BY id OFFSET g %% %(clerks)s LIMIT 1) c ON true
                    CROSS JOIN LATERAL (SELECT date_trunc('day', now()) - interval '1 day'
                        - (g / %(clerks)s / 16) * interval '1 day' + interval '6 hours'
                        + ((g / %(clerks)s) %% 16) * interval '30 minutes' AS s) t
                    """,
                    {"service": service.pk, "m": municipality.pk, "n": bookings, "clerks": CLERKS},
                )
                # Django's foreign keys are checked at commit; CREATE INDEX wants no such check pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                print(f"  inserted   the rows in {time.perf_counter() - started:.1f} s; building the indexes")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for _name, definition in plain_indexes:
                    cursor.execute(definition)
                cursor.execute("ANALYZE requests_tracker_request")
                cursor.execute("ANALYZE appointments_appointment")
        print(f"  loaded     {requests} requests and {bookings} bookings in {time.perf_counter() - started:.1f} s")
    loading = time.perf_counter() - started
    service = Service.objects.get(municipality=municipality)
    return {"municipality": municipality, "service": service}, loading


def map_paths(municipality) -> list[str]:
    """The map data a visitor asks for: the whole municipality at zoom 13 and a street around the centre at 18."""
    from requests_tracker.geocoding import municipality_area

    area = municipality_area(municipality)
    city = f"{area.south:.6f},{area.west:.6f},{area.north:.6f},{area.east:.6f}"
    street = f"{CENTRE[0] - 0.002:.6f},{CENTRE[1] - 0.003:.6f},{CENTRE[0] + 0.002:.6f},{CENTRE[1] + 0.003:.6f}"
    return [f"/requests/{SLUG}/map.json?bbox={city}&zoom=13", f"/requests/{SLUG}/map.json?bbox={street}&zoom=18"]


def booking_slots(municipality) -> list[str]:
    """Half-hour starts (ISO 8601, UTC) from 08:00 to 15:30 local time on the workdays 3 to 59 days from today:
    beyond the booking notice, within the horizon."""
    from django.utils import timezone

    zone = municipality.zone
    today = timezone.now().astimezone(zone).date()
    slots = []
    for offset in range(3, 60):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            for half_hour in range(16):
                start = datetime.combine(day, dtime(8), tzinfo=zone) + timedelta(minutes=30 * half_hour)
                slots.append(start.astimezone(UTC).isoformat())
    return slots


def fixtures_write(facts: dict, rate: float, path: Path, photo: Path) -> dict:
    """The JSON the locust users read: sessions, request codes, clerks' codes to move, free slots, the pace."""
    from django.conf import settings

    from accounts.models import User
    from requests_tracker.models import Category, Request

    municipality, service = facts["municipality"], facts["service"]
    # The arrival rate: people × pace × requests per task (redirects counted) ≈ rate. Visitors 60 %, citizens
    # 20 %, verified citizens 10 % (4 requests a booking), clerks 10 %.
    # Citizens post at 0.05 tasks/s each (a comment every ~80 s): the comment limit is 10 a minute and 60 an hour
    # per account (requests_tracker.throttle), which fewer, busier people would run into within the long run.
    users = {
        "visitor": max(1, round(rate * 0.6)),
        "citizen": max(1, round(rate * 0.2 / 2 / 0.05)),
        "verified": max(1, round(rate * 0.1 / 4 / 0.25)),
        "clerk": max(1, round(rate * 0.1 / 1.5)),
    }
    users["citizen"] = min(users["citizen"], 200)
    users["verified"] = min(users["verified"], 60)
    users["clerk"] = min(users["clerk"], 20)
    pace = {
        "visitor": 1.0,
        "citizen": rate * 0.2 / 2 / users["citizen"],
        "verified": rate * 0.1 / 4 / users["verified"],
        "clerk": rate * 0.1 / 1.5 / users["clerk"],
    }
    sessions = {}
    for kind in ("citizen", "verified", "clerk"):
        people = User.objects.filter(username__startswith=f"load.{kind}").order_by("pk")[: users[kind]]
        sessions[kind] = [cookie.split("=", 1)[1] for cookie in sessions_for(people)]
    registered = list(
        Request.objects.filter(municipality=municipality, status="registered")
        .order_by("-created_at")
        .values_list("code", flat=True)[: users["clerk"] * 2000]
    )
    clerk_codes = [registered[index :: users["clerk"]] for index in range(users["clerk"])]
    sample = list(Request.objects.filter(municipality=municipality).order_by("?").values_list("code", flat=True)[:5000])
    fixtures = {
        "slug": SLUG,
        "users": users,
        "pace": pace,
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "request_codes": sample,
        "clerk_codes": clerk_codes,
        "category_ids": list(Category.objects.filter(municipality=municipality).values_list("pk", flat=True)),
        "centre": CENTRE,
        "map_paths": map_paths(municipality),
        "service_id": service.pk,
        "slots": booking_slots(municipality),
        "photo": str(photo),
    }
    path.write_text(json.dumps(fixtures))
    return fixtures


def photo_write(path: Path) -> None:
    """A 1024×768 JPEG of noise (about 300 kB), as a phone's photo after the browser scaled it."""
    from PIL import Image

    Image.effect_noise((1024, 768), 40).convert("RGB").save(path, format="JPEG", quality=80)


class CeleryWorker:
    """One Celery worker process (the solo pool) for the run's tasks, with the server's environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.log = tempfile.NamedTemporaryFile(prefix="bench-celery-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=harness.BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def queued(self) -> int:
        from celery import current_app

        with current_app.connection_for_write() as connection:
            return connection.default_channel.client.llen("celery")

    def drain(self, timeout: float) -> float | None:
        """Seconds until the queue is empty (None if it is not within `timeout`)."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.queued() == 0:
                return time.monotonic() - began
            time.sleep(0.5)
        return None

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()
        os.unlink(self.log.name)


# --- The run and its figures ------------------------------------------------------------------------------------


def locust_run(port: int, fixtures_path: Path, users: int, duration: float, prefix: str) -> None:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(harness.BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        f"--users={users}",
        f"--spawn-rate={users}",
        f"--run-time={int(duration)}s",
        f"--host=http://{harness.HOST}:{port}",
        f"--csv={prefix}",
        "--only-summary",
        "--stop-timeout=10",
        "--loglevel=WARNING",
    ]
    env = {**os.environ, "LOAD_FIXTURES": str(fixtures_path)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"load: locust failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")


def report(prefix: str, duration: float, floor_ms: float, rate: float) -> tuple[float, int]:
    """Print the per-endpoint table from locust's CSV (p50/floor: the median against the floor view's median alone);
    return (the aggregated p95 in ms, the number of errors)."""
    rows = list(csv.DictReader(io.StringIO(Path(f"{prefix}_stats.csv").read_text())))
    print()
    header = ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "p50/floor")
    print("{:<40} {:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>9}".format(*header))
    total = None
    for row in rows:
        line = (
            f"{(row['Type'] + ' ' + row['Name']).strip()[:40]:<40} {row['Request Count']:>9} "
            f"{row['Failure Count']:>7} {float(row['Requests/s']):>8.1f} {row['50%']:>8} {row['95%']:>8} "
            f"{row['99%']:>8} {float(row['50%'] or 'nan') / floor_ms:>9.1f}"
        )
        if row["Name"] == "Aggregated":
            total = row
            print("-" * 104)
        print(line)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in csv.DictReader(io.StringIO(failures.read_text())):
            print(f"error  {row['Name']}: {row['Occurrences']} x {row['Error'][:150]}")
    assert total is not None
    achieved = int(total["Request Count"]) / duration
    print(
        f"throughput {achieved:.1f} req/s over {duration:.0f} s (offered about {rate:g}; redirects followed count once)"
    )
    return float(total["95%"] or "nan"), int(total["Failure Count"])


def invariants_check(since: datetime) -> list[str]:
    """The data's promises after the run; a list of what is broken (empty: all hold)."""
    from django.db import connection

    checks = {
        "no two busy bookings of a clerk overlap": """
            SELECT count(*) FROM (SELECT blocked_start, lag(blocked_end) OVER (PARTITION BY clerk_id
                ORDER BY blocked_start) AS previous_end FROM appointments_appointment
                WHERE status IN ('booked', 'held')) AS busy
            WHERE previous_end > blocked_start""",
        "no vote counted twice": """
            SELECT count(*) FROM (SELECT 1 FROM requests_tracker_vote GROUP BY request_id, citizen_id
                HAVING count(*) > 1) AS twice""",
        "every vote_count equals its votes": """
            SELECT count(*) FROM requests_tracker_request r
            LEFT JOIN (SELECT request_id, count(*) AS n FROM requests_tracker_vote GROUP BY request_id) v
                ON v.request_id = r.id
            WHERE (r.vote_count > 0 OR v.n IS NOT NULL) AND r.vote_count <> coalesce(v.n, 0)""",
        "every e-mail written in the run is sent or queued": """
            SELECT count(*) FROM portal_outboundemail WHERE created_at >= %(since)s
                AND status NOT IN ('sent', 'queued')""",
        "every protocol number is 1..n without gaps, and the counter at n": """
            SELECT count(*) FROM (SELECT e.municipality_id, e.protocol_year, count(*) AS n,
                    count(DISTINCT e.protocol_number) AS distinct_n, max(e.protocol_number) AS top,
                    min(e.protocol_number) AS bottom, max(c.last_number) AS counter
                FROM requests_tracker_erequest e
                LEFT JOIN requests_tracker_protocolcounter c
                    ON c.municipality_id = e.municipality_id AND c.year = e.protocol_year
                WHERE e.protocol_number IS NOT NULL GROUP BY e.municipality_id, e.protocol_year) AS years
            WHERE n <> distinct_n OR top <> n OR bottom <> 1 OR counter <> top""",
    }
    broken = []
    print()
    with connection.cursor() as cursor:
        for name, query in checks.items():
            cursor.execute(query, {"since": since})
            count = cursor.fetchone()[0]
            print(f"  check  {'ok    ' if count == 0 else 'BROKEN'} {name}" + (f" ({count} rows)" if count else ""))
            if count:
                broken.append(name)
        cursor.execute(
            "SELECT status, count(*) FROM portal_outboundemail WHERE created_at >= %s GROUP BY status", [since]
        )
        print(f"         e-mails written in the run: {dict(cursor.fetchall()) or 'none'}")
    return broken


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    env, source = harness.server_environment()
    env["EMAIL_URL"] = "dummy://"
    env.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    print("Dimos Portal load test" + (" (long)" if args.long else " (short)"))
    print(f"  database   {harness.masked(env['DATABASE_URL'])}  [{source}]")
    print(
        f"  target     {args.rate:g} req/s for {args.duration:g} s; {args.requests} requests and "
        f"{args.bookings} bookings stored; gunicorn {args.workers} "
        + ("sync workers" if args.threads <= 1 else f"gthread workers of {args.threads} threads")
    )
    broker = env.get("CELERY_BROKER_URL")
    tasks = f"broker {harness.masked(broker)}, one Celery worker" if broker else "in-process (no broker)"
    print(f"  tasks      {tasks}")
    if not args.skip_setup:
        harness.manage(env, "migrate", "--noinput")
        harness.manage(env, "load_demo")
        harness.manage(env, "collectstatic", "--noinput", "--verbosity=0")
    elif not (harness.BASE_DIR / ".data" / "staticfiles" / "staticfiles.json").exists():
        # Without the manifest every page would be a 500 (a fresh clone, or `.data` removed): collect even then.
        harness.manage(env, "collectstatic", "--noinput", "--verbosity=0")
    env["DJANGO_ALLOWED_HOSTS"] = f"{harness.HOST},testserver"
    setup_django(env)
    facts, loading = data_ensure(args.requests, args.bookings)
    print(f"  data       ready in {loading:.1f} s")
    if args.load_only:
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    photo = workdir / "photo.jpg"
    photo_write(photo)
    fixtures = fixtures_write(facts, args.rate, workdir / "fixtures.json", photo)
    users = sum(fixtures["users"].values())
    print(f"  people     {fixtures['users']} at {', '.join(f'{k} {v:.2f}/s' for k, v in fixtures['pace'].items())}")

    # Two cores shared with other work: give gunicorn's first answer more time than the micro-benchmarks do.
    harness.STARTUP_TIMEOUT = max(harness.STARTUP_TIMEOUT, 120.0)
    server = harness.Gunicorn(env, args.workers, args.threads)
    worker = CeleryWorker(env) if env.get("CELERY_BROKER_URL") else None
    since = datetime.now(UTC)
    try:
        if worker is not None:
            worker.start()
        server.start()
        print(f"  serving    http://{harness.HOST}:{server.port}/ (pid {server.process.pid})")
        # The floor (a one-query view, bench/urls.py) measured alone on the same server just before: the machine's
        # own speed, to read the figures against.
        floor = harness.load(server.port, "floor", "/bench/floor", 5.0, 2, 100_000)
        print(f"  floor      /bench/floor alone: p50 {floor.percentile(50):.1f} ms, {floor.rate:.0f} req/s")
        began = time.perf_counter()
        locust_run(server.port, workdir / "fixtures.json", users, args.duration, str(workdir / "locust"))
        elapsed = time.perf_counter() - began
        if server.process.poll() is not None:
            print(f"load: gunicorn died during the run\n{server.log_tail()}", file=sys.stderr)
            return 1
        server_log = server.log_tail(60)
        if worker is not None:
            waited = worker.drain(timeout=120.0)
            print(f"  worker     the task queue emptied {waited:.0f} s after the load" if waited is not None else
                  "  worker     the task queue was still not empty 120 s after the load")  # fmt: skip
    finally:
        server.close()
        if worker is not None:
            worker.close()
    p95, errors = report(str(workdir / "locust"), elapsed, floor.percentile(50), args.rate)
    if errors:
        print(f"--- gunicorn's log, last lines:\n{server_log}")
    broken = invariants_check(since)
    if not args.keep:
        started = time.perf_counter()
        data_remove()
        print(f"  removed    the load municipality in {time.perf_counter() - started:.1f} s (--keep keeps it)")
    print()
    verdict = p95 <= TARGET_P95_MS and errors == 0
    print(
        f"p95 {p95:.0f} ms (target ≤ {TARGET_P95_MS:.0f}), {errors} errors: "
        + ("target held" if verdict else "target MISSED")
    )
    if broken or errors:
        return 1
    return 0 if verdict or not args.long else 1


if __name__ == "__main__":
    sys.exit(main())
