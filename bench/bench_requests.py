"""Citizen requests at 100,000 rows: the list page, its accent-insensitive search, the map data and Open311, against
the one-query floor view.

    .venv/bin/python -m bench.bench_requests [--rows 100000] [--large-rows 1000000] [--no-analyze]
        [--duration 5] [--warmup 1] [--concurrency 4] [--keep]

Uses bench/harness.py's server (gunicorn, production settings, the quick start's embedded PostgreSQL unless
DATABASE_URL is set) and load generator. The rows belong to a municipality of their own ("benchpolis"), inserted
with one INSERT … SELECT over generate_series and deleted at the end unless --keep; a later run reuses kept rows.
With --large-rows (or BENCH_REQUEST_ROWS_LARGE) the rows then grow to that size and every page is measured again
(1,000,000 takes a few minutes more, so `make bench` leaves it out unless the variable is set). Query counts are
measured in-process with the test client on the same database.
"""

import argparse
import os
import signal
import sys
import time
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
    parser.add_argument(
        "--large-rows",
        type=int,
        default=harness.env_number("BENCH_REQUEST_ROWS_LARGE", 0, int),
        help="then grow to this many requests and measure again, e.g. 1000000 (BENCH_REQUEST_ROWS_LARGE; 0: skip)",
    )
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after the bulk load (stale statistics)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's municipality and rows")
    return parser.parse_args(argv)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG")})
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def rows_ensure(count: int, *, analyze: bool = True):
    """The municipality, five categories and `count` requests spread over a city and over the last year.

    One INSERT … SELECT over generate_series (a million rows in well under a minute), seeded so that every run
    inserts the same rows; then ANALYZE, as autovacuum would do a minute later, unless `analyze` is false (the
    figures with stale statistics, as the benchmarks measured them before).
    """
    from django.db import connection, transaction

    from portal.models import Municipality
    from requests_tracker.models import Category, Request

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
    started = time.perf_counter()
    statuses = list(Request.WORKFLOW)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [0.7 + existing / 10**8])
        # Latitude and longitude are Gaussian around the centre (Box–Muller); titles «Πρόβλημα 0123456».
        cursor.execute(
            """
            INSERT INTO requests_tracker_request (
                code, municipality_id, category_id, title, description, latitude, longitude, address, status,
                resolution, closed_at, created_at, updated_at, vote_count, comment_count, reopen_count)
            SELECT 'BEN-' || n, %(municipality)s, (%(categories)s::bigint[])[1 + floor(random() * 5)::int],
                   'Πρόβλημα ' || lpad(floor(random() * 1000000)::int::text, 7, '0'),
                   'Αίτημα για τη μέτρηση επιδόσεων.',
                   round((%(lat)s + 0.012 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2))::numeric, 6),
                   round((%(lng)s + 0.018 * sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2))::numeric, 6),
                   '', status, CASE WHEN status = 'closed' THEN 'resolved' ELSE '' END,
                   CASE WHEN status = 'closed' THEN created END, created, created, 0, 0, 0
            FROM (
                SELECT n, random() AS u1, random() AS u2,
                       (%(statuses)s::text[])[1 + floor(random() * 4)::int] AS status,
                       now() - random() * interval '365 days' AS created
                FROM generate_series(%(first)s, %(last)s) AS n
            ) AS generated
            """,
            {
                "municipality": municipality.pk,
                "categories": [category.pk for category in categories],
                "lat": CENTRE[0],
                "lng": CENTRE[1],
                "statuses": statuses,
                "first": existing + 1,
                "last": count,
            },
        )
    inserted = time.perf_counter() - started
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE requests_tracker_request")
    print(
        f"  inserted   {count - existing} requests in {inserted:.1f} s"
        + (f", ANALYZE {time.perf_counter() - started - inserted:.1f} s" if analyze else ", no ANALYZE")
    )
    return municipality, categories


def endpoints(municipality, categories) -> list[tuple[str, str]]:
    from requests_tracker.geocoding import municipality_area

    area = municipality_area(municipality)
    city = f"{area.south:.6f},{area.west:.6f},{area.north:.6f},{area.east:.6f}"
    street = f"{CENTRE[0] - 0.002:.6f},{CENTRE[1] - 0.003:.6f},{CENTRE[0] + 0.002:.6f},{CENTRE[1] + 0.003:.6f}"
    return [
        ("floor", "/bench/floor"),
        ("home", "/"),
        ("list", f"/requests/{SLUG}/?category={categories[2].pk}&status=open&sort=title&per_page=20"),
        # Capitals without accents, as Greeks type them, against titles written «Πρόβλημα 00123…» (about ten rows).
        ("search", f"/requests/{SLUG}/?q={quote('ΠΡΟΒΛΗΜΑ 00123')}&per_page=20"),
        ("map-city", f"/requests/{SLUG}/map.json?bbox={city}&zoom=13"),
        ("map-street", f"/requests/{SLUG}/map.json?bbox={street}&zoom=18"),
        ("open311", f"/open311/v2/requests.json?jurisdiction_id={SLUG}"),
    ]


def query_counts(paths: list[tuple[str, str]]) -> dict[str, int]:
    """Queries of each page's first request in this process (a cold cache: what the data size could change)."""
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


def measure(env, args, paths) -> dict[str, "harness.Result"]:
    """Each path under load on a fresh server (fresh per-process caches), plus Open311's repeated poll with the
    validators of its first answer (expecting 304) when it gives any."""
    server = harness.Gunicorn(env, args.workers)
    results = {}
    try:
        server.start()
        for name, path in paths:
            status, headers, body = harness.fetch(server.port, path)
            if status != 200:
                raise SystemExit(f"bench: GET {path} answered {status}: {body[:300]!r}\n{server.log_tail()}")
            if args.warmup:
                harness.load(server.port, name, path, args.warmup, args.concurrency, 100_000)
            results[name] = harness.load(server.port, name, path, args.duration, args.concurrency, 100_000)
            if name == "open311":
                results[name].size = len(body)
                validators = {"If-None-Match": headers["etag"]} if "etag" in headers else {}
                if "last-modified" in headers:
                    validators["If-Modified-Since"] = headers["last-modified"]
                status, _headers, _body = harness.fetch(server.port, path, validators)
                if validators and status == 304:
                    results["open311-304"] = harness.load(
                        server.port,
                        "open311-304",
                        path,
                        args.duration,
                        args.concurrency,
                        100_000,
                        headers=validators,
                        expect=304,
                    )
                else:
                    print(f"  open311    a repeated poll answered {status} (validators sent: {sorted(validators)})")
    finally:
        server.close()
    return results


def table(results: dict, counts: dict, rows: int) -> None:
    floor = results["floor"].percentile(50)
    print()
    print(f"{rows:,} requests".replace(",", "."))  # 100.000, as Greeks write it
    print(
        f"{'endpoint':<12} {'queries':>7} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'× floor':>8}"
    )
    for name, result in results.items():
        p50 = result.percentile(50)
        print(
            f"{name:<12} {counts.get(name, counts.get('open311')):>7} {result.ok + result.failed:>9} "
            f"{result.failed:>6} {result.rate:>7.0f} {p50:>8.1f} {result.percentile(95):>8.1f} {p50 / floor:>8.1f}"
        )


def summary(by_size: dict[int, dict]) -> None:
    """The issue's rows, each with its target: ratios of p50 to the floor's p50 of the same run (home: req/s)."""
    sizes = sorted(by_size)
    small = by_size[sizes[0]]

    def ratio(results, name):
        return results[name].percentile(50) / results["floor"].percentile(50)

    def n(number: int) -> str:  # 100.000, as Greeks write it
        return f"{number:,}".replace(",", ".")

    lines = [
        (f"request list, {n(sizes[0])} (category + open, by title)", f"{ratio(small, 'list'):.1f}× floor", "≤ 3×"),
        (f"map data city-wide, {n(sizes[0])}", f"{ratio(small, 'map-city'):.1f}× floor", "≤ 2×"),
        ("map data street level", f"{ratio(small, 'map-street'):.1f}× floor", "≤ 2×"),
        (
            f"Open311 requests.json, 1.000 rows ({small['open311'].size / 1000:.0f} KB)",
            f"{ratio(small, 'open311'):.1f}× floor",
            "≤ 10×",
        ),
        (
            "Open311 repeated poll",
            f"304 at {ratio(small, 'open311-304'):.1f}× floor" if "open311-304" in small else "no 304",
            "304",
        ),
        ("home page throughput", f"{small['home'].rate / small['floor'].rate:.2f} of the floor's req/s", "≥ 0.6"),
    ]
    for size in sizes[1:]:
        large = by_size[size]
        lines[1:1] = [
            (
                f"request list, {n(size)}",
                f"{ratio(large, 'list'):.1f}× floor = {ratio(large, 'list') / ratio(small, 'list'):.2f}× the "
                f"{n(sizes[0])} figure",
                "≤ 1.5×",
            )
        ]
        lines.insert(3, (f"map data city-wide, {n(size)}", f"{ratio(large, 'map-city'):.1f}× floor", "≤ 2×"))
    print()
    print(f"{'issue 14 row':<52} {'measured':<40} target")
    for label, measured, target in lines:
        print(f"{label:<52} {measured:<40} {target}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    env, source = harness.server_environment()
    print("Citizen requests benchmark")
    print(f"  database   {harness.masked(env['DATABASE_URL'])}  [{source}]")
    print(
        f"  cache      {harness.masked(env.get('CACHE_URL', '')) or 'local memory, one per process (CACHE_URL unset)'}"
    )
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "collectstatic", "--noinput", "--verbosity=0")
    django_setup(env)
    sizes = [args.rows] + ([args.large_rows] if args.large_rows > args.rows else [])
    by_size = {}
    municipality = None
    try:
        for size in sizes:
            municipality, categories = rows_ensure(size, analyze=not args.no_analyze)
            paths = endpoints(municipality, categories)
            counts = query_counts(paths)
            by_size[size] = measure(env, args, paths)
            table(by_size[size], counts, size)
    finally:
        if not args.keep and municipality is not None:
            rows_delete(municipality)
    summary(by_size)
    print(
        f"({args.concurrency} connections, {args.workers} gunicorn workers; "
        f"{'no ANALYZE after the bulk load' if args.no_analyze else 'ANALYZE after the bulk load'})"
    )
    return 1 if any(result.failed for results in by_size.values() for result in results.values()) else 0


def rows_delete(municipality) -> None:
    from django.db import connection

    from requests_tracker.models import Category

    with connection.cursor() as cursor:  # a DELETE of a million rows through the ORM would collect them first
        cursor.execute("DELETE FROM requests_tracker_request WHERE municipality_id = %s", [municipality.pk])
    Category.objects.filter(municipality=municipality).delete()
    municipality.delete()


if __name__ == "__main__":
    sys.exit(main())
