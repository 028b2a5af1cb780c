"""Citizen requests at 100,000 rows: the list page, its accent-insensitive search, the map data and Open311, against
the one-query floor view.

    .venv/bin/python -m bench.bench_requests [--rows 100000] [--duration 5] [--warmup 1] [--concurrency 4] [--keep]

Uses bench/harness.py's server (gunicorn, production settings, the quick start's embedded PostgreSQL unless
DATABASE_URL is set) and load generator. The rows belong to a municipality of their own ("benchpolis"), inserted
with bulk_create and deleted at the end unless --keep; a later run reuses kept rows. Query counts are measured
in-process with the test client on the same database.
"""

import argparse
import os
import random
import secrets
import signal
import sys
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

from bench import harness

SLUG = "benchpolis"
CENTRE = (40.629269, 22.947412)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_requests", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=harness.env_number("BENCH_REQUEST_ROWS", 100_000, int))
    parser.add_argument("--duration", type=float, default=harness.env_number("BENCH_DURATION", 5.0))
    parser.add_argument("--warmup", type=float, default=harness.env_number("BENCH_WARMUP", 1.0))
    parser.add_argument("--concurrency", type=int, default=harness.env_number("BENCH_CONCURRENCY", 4, int))
    parser.add_argument("--workers", type=int, default=harness.env_number("BENCH_WORKERS", 2, int))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's municipality and rows")
    return parser.parse_args(argv)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG")})
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def rows_ensure(count: int):
    """The municipality, five categories and `count` requests spread over a city and over the last year."""
    from django.db import transaction
    from django.utils import timezone

    from portal.models import Municipality
    from requests_tracker.models import CODE_ALPHABET, Category, Request

    municipality, _created = Municipality.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name_el": "Δήμος Μετροπόλεως (benchmark)",
            "name_en": "Benchpolis (benchmark)",
            "map_center_latitude": Decimal(str(CENTRE[0])),
            "map_center_longitude": Decimal(str(CENTRE[1])),
        },
    )
    categories = [
        Category.objects.get_or_create(
            municipality=municipality, code=code, defaults={"name_el": code, "is_other": code == "other"}
        )[0]
        for code in ("bulky-items", "street-lighting", "potholes", "bins", "other")
    ]
    existing = Request.objects.filter(municipality=municipality).count()
    if existing >= count:
        return municipality, categories
    rng = random.Random(7)
    now = timezone.now()
    codes = set(Request.objects.filter(municipality=municipality).values_list("code", flat=True))
    statuses = list(Request.WORKFLOW)
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for _ in range(count - existing):
            code = None
            while code is None or code in codes:
                code = "BEN-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            codes.add(code)
            status = rng.choice(statuses)
            created = now - timedelta(days=rng.uniform(0, 365))
            batch.append(
                Request(
                    code=code,
                    municipality=municipality,
                    category=rng.choice(categories),
                    title=f"Πρόβλημα {rng.randint(1, 10**6):07d}",
                    description="Αίτημα για τη μέτρηση επιδόσεων.",
                    latitude=Decimal(f"{CENTRE[0] + rng.gauss(0, 0.012):.6f}"),
                    longitude=Decimal(f"{CENTRE[1] + rng.gauss(0, 0.018):.6f}"),
                    status=status,
                    resolution="resolved" if status == "closed" else "",
                    closed_at=created if status == "closed" else None,
                    created_at=created,
                    updated_at=created,
                )
            )
            if len(batch) == 5000:
                Request.objects.bulk_create(batch)
                batch = []
        Request.objects.bulk_create(batch)
    # What autovacuum would do a minute later: statistics for the planner (the search index's expression included).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_tracker_request")
    print(f"  inserted   {count - existing} requests in {time.perf_counter() - started:.1f} s")
    return municipality, categories


def endpoints(municipality, categories) -> list[tuple[str, str]]:
    from requests_tracker.geocoding import municipality_area

    area = municipality_area(municipality)
    city = f"{area.south:.6f},{area.west:.6f},{area.north:.6f},{area.east:.6f}"
    street = f"{CENTRE[0] - 0.002:.6f},{CENTRE[1] - 0.003:.6f},{CENTRE[0] + 0.002:.6f},{CENTRE[1] + 0.003:.6f}"
    return [
        ("floor", "/bench/floor"),
        ("list", f"/requests/{SLUG}/?category={categories[2].pk}&status=open&sort=title&per_page=20"),
        # Capitals without accents, as Greeks type them, against titles written «Πρόβλημα 00123…» (about ten rows).
        ("search", f"/requests/{SLUG}/?q={quote('ΠΡΟΒΛΗΜΑ 00123')}&per_page=20"),
        ("map-city", f"/requests/{SLUG}/map.json?bbox={city}&zoom=13"),
        ("map-street", f"/requests/{SLUG}/map.json?bbox={street}&zoom=18"),
        ("open311", f"/open311/v2/requests.json?jurisdiction_id={SLUG}"),
    ]


def query_counts(paths: list[tuple[str, str]]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="el")
    counts = {}
    for name, path in paths:
        if name == "floor":
            counts[name] = 1
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(queries)
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    env, source = harness.server_environment()
    print("Citizen requests benchmark")
    print(f"  database   {harness.masked(env['DATABASE_URL'])}  [{source}]")
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "collectstatic", "--noinput", "--verbosity=0")
    django_setup(env)
    municipality, categories = rows_ensure(args.rows)
    paths = endpoints(municipality, categories)
    counts = query_counts(paths)
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
            from requests_tracker.models import Category, Request

            Request.objects.filter(municipality=municipality).delete()
            Category.objects.filter(municipality=municipality).delete()
            municipality.delete()
    floor = results[0].percentile(50)
    print()
    print(f"{'endpoint':<11} {'queries':>7} {'requests':>9} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8}")
    for result in results:
        p50 = result.percentile(50)
        print(
            f"{result.name:<11} {counts[result.name]:>7} {result.ok + result.failed:>9} {result.failed:>6} "
            f"{p50:>8.1f} {result.percentile(95):>8.1f} {p50 / floor:>8.1f}"
        )
    print(f"({args.rows} requests; {args.concurrency} connections, {args.workers} gunicorn workers)")
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
